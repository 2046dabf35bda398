"""Demo accounts (and the agencies of their units) so a newcomer can sign in at once."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pcmd.accounts.models import Membership, User
from pcmd.accounts.roles import Role
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.orgs.services import agencies_ensure_standard

DEMO_PASSWORD = "pcmd-demo-2026"  # noqa: S105  (printed by scripts/start; demo only)

# (username, full name, role, province name, commune name or None)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, "Tỉnh Hà Tĩnh", None),
    ("tinh.hatinh", "Trần Thị Lan", Role.PROVINCE_COORDINATOR, "Tỉnh Hà Tĩnh", None),
    ("xa.kyanh", "Nguyễn Văn Hùng", Role.COMMUNE_OFFICER, "Tỉnh Hà Tĩnh", "Xã Kỳ Anh"),
    ("xem.hatinh", "Lê Minh Châu", Role.VIEWER, "Tỉnh Hà Tĩnh", None),
]


# Province plans of the demo (title, kind, first year, last year, targets); the targets'
# wording is the project's own, in the shape plans use.
DEMO_PROVINCE_PLANS = [
    (
        "Kế hoạch phòng, chống mại dâm giai đoạn 2021 - 2025 (dữ liệu mẫu)",
        "phase",
        2021,
        2025,
        [
            (
                "communication",
                "IND_COMMUNES_AWARENESS",
                "Ít nhất 70% số xã có hình thức tuyên truyền phù hợp",
                70,
            ),
            (
                "inspection_enforcement",
                "IND_BUSINESSES_INSPECTED_YEAR",
                "Hằng năm kiểm tra ít nhất 30% số cơ sở kinh doanh dịch vụ dễ bị lợi dụng",
                30,
            ),
            (
                "inspection_enforcement",
                "IND_TIPS_ON_TIME",
                "100% tin báo, tố giác được xử lý đúng hạn",
                100,
            ),
            (
                "capacity_building",
                "IND_STAFF_TRAINED_LOCAL",
                "Ít nhất 60% cán bộ cấp xã được tập huấn",
                60,
            ),
        ],
    ),
    (
        "Kế hoạch phòng, chống mại dâm năm 2026 (dữ liệu mẫu)",
        "annual",
        2026,
        2026,
        [
            (
                "communication",
                "IND_COMMUNES_AWARENESS",
                "Ít nhất 95% số xã có hình thức tuyên truyền phù hợp",
                95,
            ),
            (
                "inspection_enforcement",
                "IND_BUSINESSES_INSPECTED_YEAR",
                "Kiểm tra ít nhất 60% số cơ sở kinh doanh dịch vụ dễ bị lợi dụng",
                60,
            ),
            (
                "inspection_enforcement",
                "IND_TIPS_ON_TIME",
                "100% tin báo, tố giác được xử lý đúng hạn",
                100,
            ),
            ("communication", "IND_STUDENTS_REACHED", "Ít nhất 80% học sinh được tuyên truyền", 80),
            (
                "capacity_building",
                "IND_STAFF_TRAINED_LOCAL",
                "Ít nhất 80% cán bộ cấp xã được tập huấn",
                80,
            ),
        ],
    ),
]


class Command(BaseCommand):
    help = "Create the demo accounts and the standard agencies of their units (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.today()
        current = AdministrativeUnit.objects.filter(valid_at(today))
        for username, full_name, role, province_name, commune_name in DEMO_USERS:
            province = current.filter(level=UnitLevel.PROVINCE, name=province_name).first()
            if province is None:
                raise CommandError(
                    "Chưa nạp danh mục đơn vị hành chính: chạy `pcmd load-units` trước."
                )
            unit = province
            if commune_name:
                commune = current.filter(path__startswith=province.path, name=commune_name)
                unit = commune.first() or province
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, email=f"{username}@pcmd.local")
                user.set_password(DEMO_PASSWORD)
                user.is_superuser = user.is_staff = role == Role.SYSTEM_ADMIN
                user.save()
            if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
                Membership.objects.create(
                    user=user, unit=unit, role=role, valid_from=dt.date(2021, 1, 1)
                )
            agencies_ensure_standard(actor=None, unit=unit)
        self._demo_plan(today)
        self._demo_province_plans()
        values = self._demo_reports()
        registries = self._demo_registries()
        self.stdout.write(
            f"Demo data ready: {len(DEMO_USERS)} accounts, password {DEMO_PASSWORD}; "
            f"{values} report values loaded; registries: "
            + (", ".join(f"{n} {k}" for k, n in registries.items()) or "already there")
        )

    def _demo_registries(self) -> dict[str, int]:
        """Registries, trainings, communication, pilot models, budget and commendations of
        the demo province."""
        from pcmd.activities.demo import demo_activities_load
        from pcmd.programme.demo import demo_programme_load
        from pcmd.registries.demo import demo_registries_load

        made = demo_registries_load()
        made.update(demo_activities_load())
        made.update(demo_programme_load())
        return made

    def _demo_reports(self) -> int:
        """Six-monthly reports of every commune since 2021 (the roll-up has data at once)."""
        from pcmd.reporting.demo import demo_reports_load

        return demo_reports_load()

    def _demo_province_plans(self) -> None:
        """Issued province plans with targets linked to indicators, so dashboards judge."""
        from decimal import Decimal

        from pcmd.plans.models import Plan, Target
        from pcmd.plans.services import plan_create, plan_issue, plan_item_create

        province = AdministrativeUnit.objects.get(
            valid_at(dt.date.today()), level=UnitLevel.PROVINCE, name="Tỉnh Hà Tĩnh"
        )
        for title, kind, start, end, targets in DEMO_PROVINCE_PLANS:
            if Plan.objects.filter(unit=province, title=title).exists():
                continue
            plan = plan_create(
                actor=None,
                unit=province,
                title=title,
                kind=kind,
                period_start=start,
                period_end=end,
            )
            for area, code, text, value in targets:
                plan_item_create(
                    actor=None,
                    plan=plan,
                    model=Target,
                    data={
                        "area": area,
                        "text": text,
                        "comparator": ">=",
                        "value": Decimal(value),
                        "target_unit": "percent",
                        "frequency": "annual",
                        "indicator_code": code,
                    },
                )
            plan_issue(actor=None, plan=plan)

    def _demo_plan(self, today: dt.date) -> None:
        """A commune plan read from the sample document, as a draft to review."""
        from pathlib import Path

        from pcmd.plans.importing import plan_import_path
        from pcmd.plans.models import Plan

        officer = User.objects.get(username="xa.kyanh")
        unit = officer.memberships.get().unit
        if Plan.objects.filter(unit=unit).exists():
            return
        sample = Path(__file__).resolve().parents[3] / "plans/demo/ke-hoach-xa-ky-anh-2026.txt"
        plan_import_path(actor=officer, unit=unit, path=sample)
