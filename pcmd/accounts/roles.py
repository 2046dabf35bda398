"""Roles and what each may do: written once, here, and read by accounts.selectors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    PROVINCE_COORDINATOR = "province_coordinator", _("Điều phối cấp tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    AGENCY_FOCAL_POINT = "agency_focal_point", _("Đầu mối cơ quan")
    INSPECTOR = "inspector", _("Thành viên đoàn kiểm tra")
    CASE_WORKER = "case_worker", _("Cán bộ hỗ trợ")
    VIEWER = "viewer", _("Người xem")


class Perm(models.TextChoices):
    """Actions checked against a unit: the member's unit must contain the target unit."""

    VIEW = "view", _("Xem dữ liệu của đơn vị")
    UNIT_MANAGE = "unit.manage", _("Thêm thôn, tổ dân phố và ghi nhận thay đổi")
    AGENCY_MANAGE = "agency.manage", _("Quản lý cơ quan")
    MEMBERSHIP_MANAGE = "membership.manage", _("Quản lý người dùng và phân quyền")
    AUDIT_VIEW = "audit.view", _("Xem nhật ký thay đổi")
    REPORT_ENTER = "report.enter", _("Nhập và gửi báo cáo")
    REPORT_APPROVE = "report.approve", _("Duyệt báo cáo")
    PLAN_MANAGE = "plan.manage", _("Quản lý kế hoạch")
    INSPECTION_MANAGE = "inspection.manage", _("Ghi nhận kiểm tra, xử lý")
    TIP_MANAGE = "tip.manage", _("Xử lý tin báo")
    TIP_IDENTITY = "tip.identity", _("Xem danh tính người báo tin")
    BUSINESS_MANAGE = "business.manage", _("Quản lý danh sách cơ sở kinh doanh")
    CASE_IDENTITY = "case.identity", _("Xem danh tính người được hỗ trợ")
    PROGRAMME_MANAGE = "programme.manage", _("Quản lý kinh phí, khen thưởng")
    ACTIVITY_MANAGE = "activity.manage", _("Ghi nhận tập huấn, truyền thông, mô hình thí điểm")


ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(Perm.values),
    Role.PROVINCE_COORDINATOR: frozenset(
        {
            Perm.VIEW,
            Perm.UNIT_MANAGE,
            Perm.AGENCY_MANAGE,
            Perm.MEMBERSHIP_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.REPORT_ENTER,
            Perm.REPORT_APPROVE,
            Perm.PLAN_MANAGE,
            Perm.BUSINESS_MANAGE,
            Perm.INSPECTION_MANAGE,
            Perm.TIP_MANAGE,
            Perm.TIP_IDENTITY,
            Perm.PROGRAMME_MANAGE,
            Perm.ACTIVITY_MANAGE,
        }
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {
            Perm.VIEW,
            Perm.UNIT_MANAGE,
            Perm.AGENCY_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.REPORT_ENTER,
            Perm.PLAN_MANAGE,
            Perm.TIP_MANAGE,
            Perm.TIP_IDENTITY,
            Perm.BUSINESS_MANAGE,
            Perm.INSPECTION_MANAGE,
            Perm.PROGRAMME_MANAGE,
            Perm.ACTIVITY_MANAGE,
        }
    ),
    Role.AGENCY_FOCAL_POINT: frozenset({Perm.VIEW, Perm.REPORT_ENTER}),
    Role.INSPECTOR: frozenset({Perm.VIEW, Perm.INSPECTION_MANAGE, Perm.BUSINESS_MANAGE}),
    # Case workers see identities of their own unit's cases only (the support issue).
    Role.CASE_WORKER: frozenset({Perm.VIEW, Perm.CASE_IDENTITY}),
    Role.VIEWER: frozenset({Perm.VIEW}),
}

# Roles a coordinator may hand out; a system administrator is made only by another one.
GRANTABLE_BY_COORDINATOR = [r for r in Role.values if r != Role.SYSTEM_ADMIN]
