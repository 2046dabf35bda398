"""Forms of the inspection pages: list filters, teams and members, plans, inspections and
sanctions. They only clean input into the keyword arguments of services.inspections; the
services check permissions and validate the facts (dates, teams, decrees, scope)."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import is_system_admin, user_can, user_units_with
from pcmd.core.forms import UnitChoiceField, date_field
from pcmd.core.scoping import restrict
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.registries.models import (
    CHECKLIST,
    Business,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    MemberRole,
    OffenderKind,
    PaymentStatus,
    Sanction,
    SanctionDecree,
    TeamMember,
)
from pcmd.registries.selectors import inspections as selectors
from pcmd.registries.selectors.businesses import business_list
from pcmd.registries.services.inspections import SANCTION_FIELDS, TEAM_FIELDS, TEAM_LEVELS

YES_NO = [("", _("Tất cả")), ("yes", _("Có")), ("no", _("Không"))]


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.unit.name})"


class BusinessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} – {obj.address} ({obj.unit.name})"


class BusinessMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} – {obj.address} ({obj.unit.name})"


class MemberMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        agency = f", {obj.agency.name}" if obj.agency_id else ""
        return f"{obj.full_name} ({obj.get_role_display()}{agency}) – {obj.team.name}"


class InspectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.date:%d/%m/%Y} – {obj.business.name}"


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def manage_units(user: Any) -> QuerySet[AdministrativeUnit]:
    """Provinces, districts (of the past) and communes where the user may keep teams."""
    qs = AdministrativeUnit.objects.filter(level__in=TEAM_LEVELS).select_related("parent")
    if getattr(user, "is_superuser", False) or is_system_admin(user):
        return qs.order_by("path")
    cond = Q(pk__in=[])
    for unit in user_units_with(user, Perm.INSPECTION_MANAGE):
        cond |= Q(path__startswith=unit.path)
    return restrict(qs.filter(cond), user, unit_field="").order_by("path")


def _manages(user: Any, team: InspectionTeam) -> bool:
    return user_can(user, Perm.INSPECTION_MANAGE, team.unit)


def _filter_units(user: Any, model_qs: QuerySet[Any], field: str) -> QuerySet[AdministrativeUnit]:
    """Units that hold rows of the list (a short filter list, not every commune)."""
    ids = restrict(model_qs, user, unit_field=field).values(f"{field}_id" if field else "pk")
    return AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent").order_by("path")


class _FilterForm(forms.Form):
    """A list's query string: bad values are ignored rather than refused."""

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self._filters(self.cleaned_data)

    def _filters(self, data: dict[str, Any]) -> dict[str, Any]:
        """The selector's keyword filters: by default every value given, by field name
        (lists whose selector names them differently override this)."""
        return {k: v for k, v in data.items() if v not in (None, "", False)}


# ---- teams ------------------------------------------------------------------------------


class TeamFilterForm(_FilterForm):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Tất cả"),
    )
    at = date_field(_("Hoạt động vào ngày"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = _filter_units(user, InspectionTeam.objects.all(), "unit")

    def _filters(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"q": data.get("q") or "", "unit": data.get("unit"), "at": data.get("at")}


class TeamForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
        help_text=_("Đội cấp huyện chỉ ghi nhận cho thời gian trước 01/07/2025."),
    )
    name = forms.CharField(label=_("Tên đội"), max_length=300)
    decision_number = forms.CharField(
        label=_("Quyết định thành lập số"), max_length=50, required=False
    )
    decision_date = date_field(_("Ngày quyết định"), required=False)
    valid_from = date_field(_("Hoạt động từ ngày"))
    valid_to = date_field(_("Hoạt động đến ngày"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(
        self, *args: Any, user: Any, team: InspectionTeam | None = None, **kwargs: Any
    ) -> None:
        if team is not None:
            kwargs.setdefault("initial", {f: getattr(team, f) for f in TEAM_FIELDS})
        super().__init__(*args, **kwargs)
        if team is None:
            unit_field: Any = self.fields["unit"]
            unit_field.queryset = manage_units(user)
        else:
            del self.fields["unit"]  # a team stays with its unit


class TeamCloseForm(forms.Form):
    on = date_field(_("Ngày kết thúc hoạt động"))


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    agency = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— Không ghi —"),
    )
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Vai trò trong đội"), choices=MemberRole.choices)
    valid_from = date_field(
        _("Tham gia từ ngày"), required=False, help_text=_("Để trống: từ khi đội thành lập.")
    )
    valid_to = date_field(
        _("Đến ngày"), required=False, help_text=_("Để trống: đến khi đội kết thúc.")
    )

    def __init__(
        self, *args: Any, team: InspectionTeam, member: TeamMember | None = None, **kwargs: Any
    ) -> None:
        if member is not None:
            kwargs.setdefault(
                "initial",
                {
                    "full_name": member.full_name,
                    "agency": member.agency_id,
                    "position": member.position,
                    "role": member.role,
                    "valid_from": member.valid_from,
                    "valid_to": member.valid_to,
                },
            )
        kwargs.setdefault("initial", {}).setdefault("role", MemberRole.MEMBER)
        super().__init__(*args, **kwargs)
        unit = team.unit
        agency_field: Any = self.fields["agency"]
        agency_field.queryset = (
            Agency.objects.filter(
                Q(unit=unit) | Q(unit_id=unit.parent_id) | Q(unit__path__startswith=unit.path)
            )
            .select_related("unit")
            .order_by("unit__path", "name")
        )


# ---- plans ------------------------------------------------------------------------------


class PlanFilterForm(_FilterForm):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    team = TeamChoiceField(
        label=_("Đội"),
        required=False,
        queryset=InspectionTeam.objects.none(),
        empty_label=_("Tất cả"),
    )
    start = date_field(_("Từ ngày"), required=False)
    end = date_field(_("Đến ngày"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field: Any = self.fields["team"]
        team_field.queryset = selectors.team_list(user=user)

    def _filters(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: data.get(k) for k in ("team", "start", "end")} | {"q": data.get("q") or ""}


class PlanForm(forms.Form):
    team = TeamChoiceField(
        label=_("Đội kiểm tra"), queryset=InspectionTeam.objects.none(), empty_label=_("— Chọn —")
    )
    title = forms.CharField(label=_("Tên kế hoạch kiểm tra"), max_length=300)
    start = date_field(_("Từ ngày"))
    end = date_field(_("Đến ngày"))
    announced = forms.BooleanField(label=_("Kiểm tra có thông báo trước"), required=False)
    businesses = BusinessMultipleField(
        label=_("Cơ sở sẽ kiểm tra"),
        queryset=Business.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(
        self, *args: Any, user: Any, plan: InspectionPlan | None = None, **kwargs: Any
    ) -> None:
        if plan is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": plan.title,
                    "start": plan.start,
                    "end": plan.end,
                    "announced": plan.announced,
                    "businesses": list(plan.businesses.values_list("pk", flat=True)),
                    "notes": plan.notes,
                },
            )
        super().__init__(*args, **kwargs)
        business_field: Any = self.fields["businesses"]
        businesses = business_list(user=user)
        if plan is None:
            team_field: Any = self.fields["team"]
            teams = selectors.team_list(user=user)
            team_field.queryset = teams.filter(pk__in=[t.pk for t in teams if _manages(user, t)])
        else:
            del self.fields["team"]  # a plan stays with its team
            businesses = businesses.filter(
                Q(unit__path__startswith=plan.team.unit.path)
                | Q(pk__in=plan.businesses.values("pk"))
            )
        business_field.queryset = businesses


# ---- inspections ------------------------------------------------------------------------


class InspectionFilterForm(_FilterForm):
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Tất cả"),
    )
    team = TeamChoiceField(
        label=_("Đội"),
        required=False,
        queryset=InspectionTeam.objects.none(),
        empty_label=_("Tất cả"),
    )
    start = date_field(_("Từ ngày"), required=False)
    end = date_field(_("Đến ngày"), required=False)
    violations = forms.ChoiceField(label=_("Có vi phạm"), required=False, choices=YES_NO)
    follow_up = forms.ChoiceField(
        label=_("Hậu kiểm"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (selectors.FollowUp.DUE, _("Chưa hậu kiểm")),
            (selectors.FollowUp.OVERDUE, _("Quá hạn hậu kiểm")),
        ],
    )
    business = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = _filter_units(user, Inspection.objects.all(), "unit")
        team_field: Any = self.fields["team"]
        team_field.queryset = selectors.team_choices(user=user).filter(
            pk__in=restrict(Inspection.objects.all(), user).values("team_id")
        )

    def _filters(self, data: dict[str, Any]) -> dict[str, Any]:
        business = None
        if data.get("business"):
            business = business_list(user=self.user).filter(pk=data["business"]).first()
        return {
            "unit": data.get("unit"),
            "team": data.get("team"),
            "business": business,
            "start": data.get("start"),
            "end": data.get("end"),
            "with_violations": _yes_no(data.get("violations") or ""),
            "follow_up": data.get("follow_up") or "",
        }


FINDING_WIDGET = forms.RadioSelect


class InspectionForm(forms.Form):
    business = BusinessChoiceField(
        label=_("Cơ sở được kiểm tra"), queryset=Business.objects.none(), empty_label=_("— Chọn —")
    )
    date = date_field(_("Ngày kiểm tra"))
    team = TeamChoiceField(
        label=_("Đội kiểm tra"),
        queryset=InspectionTeam.objects.none(),
        required=False,
        empty_label=_("— Không ghi —"),
    )
    plan = forms.ModelChoiceField(
        label=_("Theo kế hoạch"),
        queryset=InspectionPlan.objects.none(),
        required=False,
        empty_label=_("— Không theo kế hoạch —"),
    )
    announced = forms.BooleanField(label=_("Có thông báo trước"), required=False)
    members_present = MemberMultipleField(
        label=_("Thành viên tham gia"),
        queryset=TeamMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    finding_prostitution = forms.ChoiceField(
        label=CHECKLIST["finding_prostitution"], choices=Finding.choices, widget=FINDING_WIDGET
    )
    finding_security = forms.ChoiceField(
        label=CHECKLIST["finding_security"], choices=Finding.choices, widget=FINDING_WIDGET
    )
    finding_culture = forms.ChoiceField(
        label=CHECKLIST["finding_culture"], choices=Finding.choices, widget=FINDING_WIDGET
    )
    finding_labour = forms.ChoiceField(
        label=CHECKLIST["finding_labour"], choices=Finding.choices, widget=FINDING_WIDGET
    )
    finding_health = forms.ChoiceField(
        label=CHECKLIST["finding_health"], choices=Finding.choices, widget=FINDING_WIDGET
    )
    violations_found = forms.CharField(
        label=_("Số hành vi vi phạm"),
        required=False,
        max_length=10,
        widget=forms.TextInput({"inputmode": "numeric", "size": 6}),
    )
    findings_note = forms.CharField(
        label=_("Nội dung phát hiện"), required=False, widget=forms.Textarea({"rows": 4})
    )
    record_number = forms.CharField(label=_("Số biên bản"), max_length=50, required=False)
    follow_up_of = InspectionChoiceField(
        label=_("Hậu kiểm của cuộc kiểm tra"),
        queryset=Inspection.objects.none(),
        required=False,
        empty_label=_("— Không phải hậu kiểm —"),
    )
    follow_up_due = date_field(_("Hạn hậu kiểm"), required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        inspection: Inspection | None = None,
        business: Business | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if inspection is not None:
            for field in (
                "date",
                "announced",
                *CHECKLIST,
                "findings_note",
                "violations_found",
                "record_number",
                "follow_up_due",
            ):
                initial.setdefault(field, getattr(inspection, field))
            initial.setdefault("team", inspection.team_id)
            initial.setdefault("plan", inspection.plan_id)
            initial.setdefault("follow_up_of", inspection.follow_up_of_id)
            initial.setdefault(
                "members_present", list(inspection.members_present.values_list("pk", flat=True))
            )
            business = inspection.business
        for field in CHECKLIST:
            initial.setdefault(field, Finding.NOT_CHECKED)
        super().__init__(*args, **kwargs)
        teams = selectors.team_choices(user=user)
        team_field: Any = self.fields["team"]
        team_field.queryset = teams
        plan_field: Any = self.fields["plan"]
        plan_field.queryset = InspectionPlan.objects.filter(team__in=teams.values("pk")).order_by(
            "-start"
        )
        members_field: Any = self.fields["members_present"]
        members_field.queryset = (
            TeamMember.objects.filter(team__in=teams.values("pk"))
            .select_related("team", "agency")
            .order_by("team__name", "role", "full_name")
        )
        business_field: Any = self.fields["business"]
        earlier: Any = self.fields["follow_up_of"]
        if business is not None:
            business_field.queryset = Business.objects.filter(pk=business.pk).select_related("unit")
            initial.setdefault("business", business.pk)
            # Only the business's own earlier inspections can be followed up.
            earlier_qs = selectors.inspections_of_business(business)
            if inspection is not None:
                earlier_qs = earlier_qs.exclude(pk=inspection.pk)
            earlier.queryset = earlier_qs.select_related("business")
        else:
            business_field.queryset = business_list(user=user)
            earlier.queryset = restrict(Inspection.objects.select_related("business"), user)
        if inspection is not None:
            del self.fields["business"]  # change the business by recording a new inspection

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("business", None)
        data["members_present"] = list(data.get("members_present") or [])
        data["violations_found"] = data.get("violations_found") or 0
        return data


# ---- sanctions --------------------------------------------------------------------------


class SanctionFilterForm(_FilterForm):
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Tất cả"),
    )
    decree = forms.ModelChoiceField(
        label=_("Nghị định"),
        required=False,
        queryset=SanctionDecree.objects.all(),
        empty_label=_("Tất cả"),
    )
    payment_status = forms.ChoiceField(
        label=_("Nộp phạt"), required=False, choices=[("", _("Tất cả")), *PaymentStatus.choices]
    )
    start = date_field(_("Quyết định từ ngày"), required=False)
    end = date_field(_("Đến ngày"), required=False)
    referral = forms.ChoiceField(label=_("Chuyển xử lý hình sự"), required=False, choices=YES_NO)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = _filter_units(user, Sanction.objects.all(), "unit")

    def _filters(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "unit": data.get("unit"),
            "decree": data.get("decree"),
            "payment_status": data.get("payment_status") or "",
            "start": data.get("start"),
            "end": data.get("end"),
            "criminal_referral": _yes_no(data.get("referral") or ""),
        }


class SanctionForm(forms.Form):
    """A sanction of an inspection (fixed by the page), or standalone: for a business, or
    for a unit when no business is concerned (a person sanctioned elsewhere)."""

    business = BusinessChoiceField(
        label=_("Cơ sở"),
        queryset=Business.objects.none(),
        required=False,
        empty_label=_("— Không gắn với cơ sở —"),
    )
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("— Theo cơ sở —"),
        help_text=_("Chỉ chọn khi quyết định không gắn với cơ sở nào."),
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50, required=False)
    decision_date = date_field(_("Ngày quyết định"))
    decree = forms.ModelChoiceField(
        label=_("Căn cứ nghị định"),
        queryset=SanctionDecree.objects.order_by("valid_from"),
        required=False,
        empty_label=_("— Nghị định có hiệu lực vào ngày quyết định —"),
    )
    article = forms.CharField(label=_("Điều, khoản"), max_length=100, required=False)
    offender_kind = forms.ChoiceField(label=_("Đối tượng"), choices=OffenderKind.choices)
    offender_name = forms.CharField(label=_("Tên cá nhân, tổ chức vi phạm"), max_length=300)
    act = forms.CharField(label=_("Hành vi vi phạm"), max_length=500)
    fine_vnd = forms.CharField(
        label=_("Số tiền phạt (đồng)"),
        required=False,
        max_length=30,
        help_text=_("Ví dụ 1.500.000"),
        widget=forms.TextInput({"inputmode": "numeric"}),
    )
    licence_suspended_months = forms.CharField(
        label=_("Tước giấy phép, đình chỉ (tháng)"),
        required=False,
        max_length=5,
        widget=forms.TextInput({"inputmode": "numeric", "size": 4}),
    )
    licence_withdrawn = forms.BooleanField(label=_("Thu hồi giấy phép"), required=False)
    other_measures = forms.CharField(label=_("Biện pháp khác"), max_length=300, required=False)
    payment_status = forms.ChoiceField(
        label=_("Tình trạng nộp phạt"), choices=PaymentStatus.choices
    )
    paid_on = date_field(_("Ngày nộp phạt"), required=False)
    criminal_referral = forms.BooleanField(label=_("Chuyển xử lý hình sự"), required=False)
    referral_date = date_field(_("Ngày chuyển"), required=False)
    referral_to = forms.CharField(label=_("Chuyển đến cơ quan"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        inspection: Inspection | None = None,
        sanction: Sanction | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if sanction is not None:
            for field in SANCTION_FIELDS:
                if field != "decree":
                    initial.setdefault(field, getattr(sanction, field))
            initial.setdefault("decree", sanction.decree_id)
        elif inspection is not None:
            business = inspection.business
            initial.setdefault("offender_name", business.owner_name or business.name)
        initial.setdefault("payment_status", PaymentStatus.UNPAID)
        super().__init__(*args, **kwargs)
        if sanction is not None or inspection is not None:
            del self.fields["business"]
            del self.fields["unit"]
        else:
            business_field: Any = self.fields["business"]
            business_field.queryset = business_list(user=user)
            unit_field: Any = self.fields["unit"]
            unit_field.queryset = manage_units(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "business" in self.fields and not data.get("business") and not data.get("unit"):
            self.add_error(
                "business", _("Chọn cơ sở, hoặc đơn vị khi quyết định không gắn với cơ sở.")
            )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("business", None)
        data.pop("unit", None)
        return data
