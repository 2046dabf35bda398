"""Pages: inspection teams and their members, inspection plans, inspections and sanctions –
lists with filters and export, detail pages, create and edit forms.

Views stay thin: objects are read through the scoped selectors (404 outside scope), writes
go through services.inspections; a refusal is shown next to the form (400), a missing
right answers 403 with the reason.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can, user_units_with
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.pages import delete_page, form_page, list_page
from pcmd.core.scoping import scope_for
from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.forms.inspections import (
    InspectionFilterForm,
    InspectionForm,
    MemberForm,
    PlanFilterForm,
    PlanForm,
    SanctionFilterForm,
    SanctionForm,
    TeamCloseForm,
    TeamFilterForm,
    TeamForm,
)
from pcmd.registries.models import (
    CHECKLIST,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    Sanction,
)
from pcmd.registries.selectors import inspections as selectors
from pcmd.registries.selectors.businesses import business_get
from pcmd.registries.services import inspections as services
from pcmd.reporting.exchange import table_download

FORM = "registries/inspections/form.html"


# ---- shared pieces ----------------------------------------------------------------------


def _may_manage(request: HttpRequest, unit: AdministrativeUnit) -> bool:
    return user_can(request.user, Perm.INSPECTION_MANAGE, unit)


def _may_create(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_superuser or user_units_with(user, Perm.INSPECTION_MANAGE))


def _require_some_right(request: HttpRequest) -> None:
    if not _may_create(request):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận kiểm tra, xử lý."))


def _refuse(form: Any, exc: ServiceError) -> None:
    form.add_error(None, refusal_text(exc))


def _finding_label(value: str) -> str:
    return str(Finding(value).label) if value in Finding.values else value


# ---- teams ------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    filters = TeamFilterForm(request.GET or None, user=request.user)
    return list_page(
        request,
        can_create=_may_create(request),
        filters=filters,
        rows=selectors.team_list(user=request.user, **filters.filters()),
        template="registries/inspections/team_list.html",
        partial="registries/inspections/_team_rows.html",
        export=_export_teams,
    )


def _export_teams(fmt: str, teams: QuerySet[InspectionTeam]) -> HttpResponse:
    headers = [
        _("Đơn vị"),
        _("Tên đội"),
        _("Quyết định thành lập số"),
        _("Ngày quyết định"),
        _("Hoạt động từ"),
        _("Hoạt động đến"),
        _("Số thành viên"),
    ]
    rows = [
        [
            t.unit.name,
            t.name,
            t.decision_number,
            t.decision_date,
            t.valid_from,
            t.valid_to,
            getattr(t, "member_count", None),
        ]
        for t in teams
    ]
    return table_download(fmt, title=_("Đội kiểm tra liên ngành"), headers=headers, rows=rows)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk)
    can_manage = _may_manage(request, team.unit)
    return render(
        request,
        "registries/inspections/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members(team),
            "plans": selectors.plan_list(user=request.user, team=team)[:20],
            "inspections": selectors.inspection_list(user=request.user, team=team)[:20],
            "can_manage": can_manage,
            "member_form": MemberForm(team=team, auto_id="member_%s") if can_manage else None,
            "close_form": TeamCloseForm(auto_id="close_%s") if can_manage else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    _require_some_right(request)
    form = TeamForm(request.POST or None, user=request.user)
    refused = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            team = services.team_create(actor=request.user, unit=unit, **data)
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": team.name})
            return redirect("registries:team_detail", pk=team.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Thêm đội kiểm tra liên ngành"),
        cancel_url=reverse("registries:team_list"),
        crumbs=[(reverse("registries:team_list"), _("Đội kiểm tra liên ngành"))],
        refused=refused,
    )


def _team_to_manage(request: HttpRequest, pk: int) -> InspectionTeam:
    team = selectors.team_get(user=request.user, pk=pk)
    services.require_manage(request.user, team.unit)
    return team


def _team_crumbs(team: InspectionTeam) -> list[tuple[str, str]]:
    return [
        (reverse("registries:team_list"), _("Đội kiểm tra liên ngành")),
        (reverse("registries:team_detail", args=[team.pk]), team.name),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_to_manage(request, pk)
    form = TeamForm(request.POST or None, user=request.user, team=team)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": team.name})
            return redirect("registries:team_detail", pk=team.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa đội kiểm tra"),
        cancel_url=reverse("registries:team_detail", args=[team.pk]),
        crumbs=_team_crumbs(team),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_close(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_to_manage(request, pk)
    form = TeamCloseForm(request.POST or None)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.team_close(actor=request.user, team=team, on=form.cleaned_data["on"])
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã ghi ngày kết thúc hoạt động của đội."))
            return redirect("registries:team_detail", pk=team.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Kết thúc hoạt động của đội"),
        submit=_("Kết thúc"),
        cancel_url=reverse("registries:team_detail", args=[team.pk]),
        crumbs=_team_crumbs(team),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa đội kiểm tra"),
        question=_("Xóa %(name)s và danh sách thành viên? Việc xóa được ghi vào nhật ký.")
        % {"name": team.name},
        cancel_url=reverse("registries:team_detail", args=[team.pk]),
        delete=lambda: services.team_delete(actor=request.user, team=team),
        done=_("Đã xóa %(name)s.") % {"name": team.name},
        then=reverse("registries:team_list"),
    )


# ---- members ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_to_manage(request, pk)
    form = MemberForm(request.POST or None, team=team)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            person = services.member_add(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã thêm %(name)s vào đội.") % {"name": person.full_name})
            return redirect("registries:team_detail", pk=team.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Thêm thành viên"),
        cancel_url=reverse("registries:team_detail", args=[team.pk]),
        crumbs=_team_crumbs(team),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = _team_to_manage(request, pk)
    person = selectors.member_get(team=team, pk=member_pk)
    form = MemberForm(request.POST or None, team=team, member=person)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=person, **form.cleaned_data)
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": person.full_name})
            return redirect("registries:team_detail", pk=team.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa thành viên"),
        cancel_url=reverse("registries:team_detail", args=[team.pk]),
        crumbs=_team_crumbs(team),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = _team_to_manage(request, pk)
    person = selectors.member_get(team=team, pk=member_pk)
    team_url = reverse("registries:team_detail", args=[team.pk])
    return delete_page(
        request,
        title=_("Xóa thành viên"),
        question=_("Xóa %(name)s khỏi danh sách thành viên của đội?") % {"name": person.full_name},
        cancel_url=team_url,
        delete=lambda: services.member_remove(actor=request.user, member=person),
        done=_("Đã xóa %(name)s.") % {"name": person.full_name},
        then=team_url,
    )


# ---- plans ------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    filters = PlanFilterForm(request.GET or None, user=request.user)
    return list_page(
        request,
        can_create=_may_create(request),
        filters=filters,
        rows=selectors.plan_list(user=request.user, **filters.filters()),
        template="registries/inspections/plan_list.html",
        partial="registries/inspections/_plan_rows.html",
        export=_export_plans,
    )


def _export_plans(fmt: str, plans: QuerySet[InspectionPlan]) -> HttpResponse:
    headers = [
        _("Đội kiểm tra"),
        _("Đơn vị"),
        _("Tên kế hoạch kiểm tra"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Có thông báo trước"),
        _("Số cơ sở"),
        _("Số cuộc kiểm tra"),
    ]
    rows = [
        [
            p.team.name,
            p.team.unit.name,
            p.title,
            p.start,
            p.end,
            p.announced,
            getattr(p, "business_count", None),
            getattr(p, "inspection_count", None),
        ]
        for p in plans
    ]
    return table_download(fmt, title=_("Kế hoạch kiểm tra"), headers=headers, rows=rows)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    inspected = set(Inspection.objects.filter(plan=plan).values_list("business_id", flat=True))
    return render(
        request,
        "registries/inspections/plan_detail.html",
        {
            "plan": plan,
            "businesses": selectors.plan_businesses(plan),
            "inspected": inspected,
            "inspections": selectors.inspection_list(user=request.user, plan=plan),
            "can_manage": _may_manage(request, plan.team.unit),
        },
    )


def _plan_crumbs(plan: InspectionPlan | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("registries:inspection_plan_list"), _("Kế hoạch kiểm tra"))]
    if plan is not None:
        crumbs.append((reverse("registries:inspection_plan_detail", args=[plan.pk]), plan.title))
    return crumbs


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_some_right(request)
    initial = {}
    team_id = request.GET.get("team", "")
    if team_id.isdigit():
        initial["team"] = int(team_id)
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    refused = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        try:
            plan = services.plan_create(actor=request.user, team=team, **data)
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã lập kế hoạch kiểm tra."))
            return redirect("registries:inspection_plan_detail", pk=plan.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Lập kế hoạch kiểm tra"),
        cancel_url=reverse("registries:inspection_plan_list"),
        crumbs=_plan_crumbs(),
        refused=refused,
    )


def _plan_to_manage(request: HttpRequest, pk: int) -> InspectionPlan:
    plan = selectors.plan_get(user=request.user, pk=pk)
    services.require_manage(request.user, plan.team.unit)
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_to_manage(request, pk)
    form = PlanForm(request.POST or None, user=request.user, plan=plan)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã lưu kế hoạch kiểm tra."))
            return redirect("registries:inspection_plan_detail", pk=plan.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa kế hoạch kiểm tra"),
        cancel_url=reverse("registries:inspection_plan_detail", args=[plan.pk]),
        crumbs=_plan_crumbs(plan),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa kế hoạch kiểm tra"),
        question=_("Xóa kế hoạch “%(title)s”? Việc xóa được ghi vào nhật ký.")
        % {"title": plan.title},
        cancel_url=reverse("registries:inspection_plan_detail", args=[plan.pk]),
        delete=lambda: services.plan_delete(actor=request.user, plan=plan),
        done=_("Đã xóa kế hoạch kiểm tra."),
        then=reverse("registries:inspection_plan_list"),
    )


# ---- inspections ------------------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    filters = InspectionFilterForm(request.GET or None, user=request.user)
    return list_page(
        request,
        can_create=_may_create(request),
        filters=filters,
        rows=selectors.inspection_list(user=request.user, **filters.filters()),
        template="registries/inspections/inspection_list.html",
        partial="registries/inspections/_inspection_rows.html",
        export=_export_inspections,
    )


def _export_inspections(fmt: str, inspections: QuerySet[Inspection]) -> HttpResponse:
    headers = [
        _("Ngày kiểm tra"),
        _("Cơ sở"),
        _("Địa chỉ"),
        _("Đơn vị"),
        _("Đội kiểm tra"),
        _("Có thông báo trước"),
        *[str(label) for label in CHECKLIST.values()],
        _("Số hành vi vi phạm"),
        _("Số biên bản"),
        _("Hậu kiểm của cuộc kiểm tra ngày"),
        _("Hạn hậu kiểm"),
        _("Số quyết định xử phạt"),
    ]
    rows = [
        [
            i.date,
            i.business.name,
            i.business.address,
            i.unit.name,
            i.team.name if i.team else "",
            i.announced,
            *[_finding_label(getattr(i, f)) for f in CHECKLIST],
            i.violations_found,
            i.record_number,
            i.follow_up_of.date if i.follow_up_of else None,
            i.follow_up_due,
            getattr(i, "sanction_count", None),
        ]
        for i in inspections.select_related("follow_up_of")
    ]
    return table_download(fmt, title=_("Cuộc kiểm tra"), headers=headers, rows=rows)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    team = inspection.team
    return render(
        request,
        "registries/inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "checklist": [
                (label, value, _finding_label(value))
                for _field, label, value in inspection.findings()
            ],
            "members": selectors.inspection_members(inspection),
            "sanctions": selectors.inspection_sanctions(inspection),
            "follow_ups": selectors.inspection_follow_ups(inspection),
            "team_visible": team is not None
            and scope_for(request.user).contains_path(team.unit.path),
            "can_manage": _may_manage(request, inspection.unit),
        },
    )


def _inspection_crumbs(inspection: Inspection | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("registries:inspection_list"), _("Cuộc kiểm tra"))]
    if inspection is not None:
        crumbs.append(
            (reverse("registries:inspection_detail", args=[inspection.pk]), str(inspection))
        )
    return crumbs


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest) -> HttpResponse:
    """Record an inspection; ?business= fixes the business, ?follow_up_of= records a follow-up
    of an earlier inspection (both read through scope: 404 outside it)."""
    _require_some_right(request)
    initial: dict[str, Any] = {}
    business = None
    earlier_id = request.GET.get("follow_up_of", "")
    if earlier_id.isdigit():
        earlier = selectors.inspection_get(user=request.user, pk=int(earlier_id))
        business = earlier.business
        initial |= {"follow_up_of": earlier.pk, "team": earlier.team_id}
    business_id = request.POST.get("business") or request.GET.get("business") or ""
    if business is None and business_id.isdigit():
        # A business outside scope is not found, whatever the form would say.
        business = business_get(user=request.user, pk=int(business_id))
    if business is not None:
        services.require_manage(request.user, business.unit)
    form = InspectionForm(
        request.POST or None, user=request.user, business=business, initial=initial
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["business"]
        services.require_manage(request.user, chosen.unit)
        try:
            inspection = services.inspection_create(
                actor=request.user, business=chosen, **form.service_kwargs()
            )
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã ghi nhận cuộc kiểm tra."))
            return redirect("registries:inspection_detail", pk=inspection.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Ghi nhận cuộc kiểm tra") if not initial else _("Ghi nhận hậu kiểm"),
        cancel_url=reverse("registries:inspection_list"),
        crumbs=_inspection_crumbs(),
        refused=refused,
    )


def _inspection_to_manage(request: HttpRequest, pk: int) -> Inspection:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    services.require_manage(request.user, inspection.unit)
    return inspection


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_to_manage(request, pk)
    form = InspectionForm(request.POST or None, user=request.user, inspection=inspection)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_update(
                actor=request.user, inspection=inspection, **form.service_kwargs()
            )
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã lưu cuộc kiểm tra."))
            return redirect("registries:inspection_detail", pk=inspection.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa cuộc kiểm tra"),
        cancel_url=reverse("registries:inspection_detail", args=[inspection.pk]),
        crumbs=_inspection_crumbs(inspection),
        refused=refused,
        intro=str(inspection.business),
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa cuộc kiểm tra"),
        question=_("Xóa cuộc kiểm tra %(what)s? Việc xóa được ghi vào nhật ký.")
        % {"what": inspection},
        cancel_url=reverse("registries:inspection_detail", args=[inspection.pk]),
        delete=lambda: services.inspection_delete(actor=request.user, inspection=inspection),
        done=_("Đã xóa cuộc kiểm tra."),
        then=reverse("registries:inspection_list"),
    )


# ---- sanctions --------------------------------------------------------------------------


@login_required
def sanction_list(request: HttpRequest) -> HttpResponse:
    filters = SanctionFilterForm(request.GET or None, user=request.user)
    return list_page(
        request,
        can_create=_may_create(request),
        filters=filters,
        rows=selectors.sanction_list(user=request.user, **filters.filters()),
        template="registries/inspections/sanction_list.html",
        partial="registries/inspections/_sanction_rows.html",
        export=_export_sanctions,
    )


def _export_sanctions(fmt: str, sanctions: QuerySet[Sanction]) -> HttpResponse:
    headers = [
        _("Số quyết định"),
        _("Ngày quyết định"),
        _("Đơn vị"),
        _("Cơ sở"),
        _("Căn cứ nghị định"),
        _("Điều, khoản"),
        _("Đối tượng"),
        _("Tên cá nhân, tổ chức vi phạm"),
        _("Hành vi vi phạm"),
        _("Số tiền phạt (đồng)"),
        _("Tước giấy phép, đình chỉ (tháng)"),
        _("Thu hồi giấy phép"),
        _("Biện pháp khác"),
        _("Tình trạng nộp phạt"),
        _("Ngày nộp phạt"),
        _("Chuyển xử lý hình sự"),
        _("Ngày chuyển"),
        _("Chuyển đến cơ quan"),
    ]
    rows = [
        [
            s.decision_number,
            s.decision_date,
            s.unit.name,
            s.business.name if s.business else "",
            s.decree.code if s.decree else "",
            s.article,
            s.get_offender_kind_display(),
            s.offender_name,
            s.act,
            s.fine_vnd,
            s.licence_suspended_months,
            s.licence_withdrawn,
            s.other_measures,
            s.get_payment_status_display(),
            s.paid_on,
            s.criminal_referral,
            s.referral_date,
            s.referral_to,
        ]
        for s in sanctions
    ]
    return table_download(fmt, title=_("Quyết định xử phạt"), headers=headers, rows=rows)


@login_required
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = selectors.sanction_get(user=request.user, pk=pk)
    return render(
        request,
        "registries/inspections/sanction_detail.html",
        {"sanction": sanction, "can_manage": _may_manage(request, sanction.unit)},
    )


def _sanction_crumbs(sanction: Sanction | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("registries:sanction_list"), _("Quyết định xử phạt"))]
    if sanction is not None:
        crumbs.append((reverse("registries:sanction_detail", args=[sanction.pk]), str(sanction)))
    return crumbs


def _sanction_form_page(request: HttpRequest, *, inspection: Inspection | None) -> HttpResponse:
    business = None
    business_id = request.POST.get("business", "")
    if inspection is None and business_id.isdigit():
        business = business_get(user=request.user, pk=int(business_id))
        services.require_manage(request.user, business.unit)
    form = SanctionForm(request.POST or None, user=request.user, inspection=inspection)
    refused = False
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit")
        if unit is not None and business is None:
            services.require_manage(request.user, unit)
        try:
            sanction = services.sanction_create(
                actor=request.user,
                inspection=inspection,
                business=business,
                unit=None if business or inspection else unit,
                **form.service_kwargs(),
            )
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã ghi nhận quyết định xử phạt."))
            if inspection is not None:
                return redirect("registries:inspection_detail", pk=inspection.pk)
            return redirect("registries:sanction_detail", pk=sanction.pk)
    if inspection is not None:
        crumbs = _inspection_crumbs(inspection)
        cancel = reverse("registries:inspection_detail", args=[inspection.pk])
    else:
        crumbs, cancel = _sanction_crumbs(), reverse("registries:sanction_list")
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Ghi nhận quyết định xử phạt"),
        cancel_url=cancel,
        crumbs=crumbs,
        refused=refused,
        intro=str(inspection) if inspection else "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def sanction_create(request: HttpRequest) -> HttpResponse:
    """A sanction without an inspection: for a business, or for a unit."""
    _require_some_right(request)
    return _sanction_form_page(request, inspection=None)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_sanction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Record a sanction" from an inspection's page."""
    inspection = _inspection_to_manage(request, pk)
    return _sanction_form_page(request, inspection=inspection)


def _sanction_to_manage(request: HttpRequest, pk: int) -> Sanction:
    sanction = selectors.sanction_get(user=request.user, pk=pk)
    services.require_manage(request.user, sanction.unit)
    return sanction


@login_required
@require_http_methods(["GET", "POST"])
def sanction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = _sanction_to_manage(request, pk)
    form = SanctionForm(request.POST or None, user=request.user, sanction=sanction)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.sanction_update(actor=request.user, sanction=sanction, **form.service_kwargs())
        except ServiceError as exc:
            _refuse(form, exc)
            refused = True
        else:
            messages.success(request, _("Đã lưu quyết định xử phạt."))
            return redirect("registries:sanction_detail", pk=sanction.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa quyết định xử phạt"),
        cancel_url=reverse("registries:sanction_detail", args=[sanction.pk]),
        crumbs=_sanction_crumbs(sanction),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sanction_delete(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = _sanction_to_manage(request, pk)
    inspection_id = sanction.inspection_id
    return delete_page(
        request,
        title=_("Xóa quyết định xử phạt"),
        question=_("Xóa quyết định %(what)s? Việc xóa được ghi vào nhật ký.") % {"what": sanction},
        cancel_url=reverse("registries:sanction_detail", args=[sanction.pk]),
        delete=lambda: services.sanction_delete(actor=request.user, sanction=sanction),
        done=_("Đã xóa quyết định xử phạt."),
        then=reverse("registries:inspection_detail", args=[inspection_id])
        if inspection_id
        else reverse("registries:sanction_list"),
    )


urlpatterns: list[URLPattern] = [
    path("inspection-teams/", team_list, name="team_list"),
    path("inspection-teams/new/", team_create, name="team_create"),
    path("inspection-teams/<int:pk>/", team_detail, name="team_detail"),
    path("inspection-teams/<int:pk>/edit/", team_edit, name="team_edit"),
    path("inspection-teams/<int:pk>/close/", team_close, name="team_close"),
    path("inspection-teams/<int:pk>/delete/", team_delete, name="team_delete"),
    path("inspection-teams/<int:pk>/members/new/", member_add, name="team_member_add"),
    path(
        "inspection-teams/<int:pk>/members/<int:member_pk>/edit/",
        member_edit,
        name="team_member_edit",
    ),
    path(
        "inspection-teams/<int:pk>/members/<int:member_pk>/remove/",
        member_remove,
        name="team_member_remove",
    ),
    path("inspection-plans/", plan_list, name="inspection_plan_list"),
    path("inspection-plans/new/", plan_create, name="inspection_plan_create"),
    path("inspection-plans/<int:pk>/", plan_detail, name="inspection_plan_detail"),
    path("inspection-plans/<int:pk>/edit/", plan_edit, name="inspection_plan_edit"),
    path("inspection-plans/<int:pk>/delete/", plan_delete, name="inspection_plan_delete"),
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/delete/", inspection_delete, name="inspection_delete"),
    path(
        "inspections/<int:pk>/sanctions/new/",
        inspection_sanction_create,
        name="inspection_sanction_create",
    ),
    path("sanctions/", sanction_list, name="sanction_list"),
    path("sanctions/new/", sanction_create, name="sanction_create"),
    path("sanctions/<int:pk>/", sanction_detail, name="sanction_detail"),
    path("sanctions/<int:pk>/edit/", sanction_edit, name="sanction_edit"),
    path("sanctions/<int:pk>/delete/", sanction_delete, name="sanction_delete"),
]
