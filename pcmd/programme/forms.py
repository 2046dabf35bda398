"""Forms of the programme pages: list filters, budget entries, commendations, and the
allocation-versus-spending page. They only clean input into the keyword arguments of the
services, which check permissions and validate the facts."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import is_system_admin, user_units_with
from pcmd.core.forms import UnitChoiceField, date_field
from pcmd.core.scoping import restrict
from pcmd.geo.models import AdministrativeUnit
from pcmd.geo.selectors import unit_predecessor_paths
from pcmd.plans.models import Area, Plan
from pcmd.programme import selectors
from pcmd.programme.models import (
    BudgetEntry,
    BudgetKind,
    Commendation,
    CommendationForm,
    CommendationLevel,
    FundingSource,
    RecipientKind,
)
from pcmd.programme.services import UNIT_LEVELS

ALL = [("", _("Tất cả"))]


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.unit.name})"


def manage_units(user: Any) -> QuerySet[AdministrativeUnit]:
    """Provinces, communes (and districts of the past) where the user may record."""
    qs = AdministrativeUnit.objects.filter(level__in=UNIT_LEVELS).select_related("parent")
    if getattr(user, "is_superuser", False) or is_system_admin(user):
        return qs.order_by("path")
    units = user_units_with(user, Perm.PROGRAMME_MANAGE)
    paths = {u.path for u in units} | set(unit_predecessor_paths([u.pk for u in units]))
    cond = Q(pk__in=[])
    for path in paths:
        cond |= Q(path__startswith=path)
    return restrict(qs.filter(cond), user, unit_field="").order_by("path")


def _year_choices(user: Any, model: type[BudgetEntry] | type[Commendation]) -> list[Any]:
    return ALL + [(str(y), str(y)) for y in selectors.years_of(user=user, model=model)]


class _FilterForm(forms.Form):
    """A list's query string: bad values are ignored rather than refused."""

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        out = {k: data.get(k) or "" for k in self.fields}
        out["unit"] = data.get("unit")
        out["year"] = int(data["year"]) if data.get("year") else None
        return out


# ---- budget -----------------------------------------------------------------------------


class BudgetFilterForm(_FilterForm):
    q = forms.CharField(label=_("Tìm theo nội dung, số quyết định"), required=False, max_length=100)
    unit = UnitChoiceField(
        future_end=True,
        label=_("Đơn vị"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Tất cả"),
    )
    year = forms.ChoiceField(label=_("Năm ngân sách"), required=False)
    source = forms.ChoiceField(
        label=_("Nguồn kinh phí"), required=False, choices=ALL + FundingSource.choices
    )
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=ALL + BudgetKind.choices)
    area = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=ALL + Area.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = selectors.units_with(user=user, model=BudgetEntry)
        year_field: Any = self.fields["year"]
        year_field.choices = _year_choices(user, BudgetEntry)


class BudgetEntryForm(forms.Form):
    unit = UnitChoiceField(
        future_end=True,
        label=_("Đơn vị"),
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=BudgetKind.choices)
    year = forms.IntegerField(
        label=_("Năm ngân sách"),
        min_value=1900,
        max_value=2999,
        widget=forms.NumberInput({"size": 6}),
    )
    source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=FundingSource.choices)
    amount_vnd = forms.CharField(
        label=_("Số tiền (đồng)"),
        max_length=30,
        help_text=_("Ví dụ 150.000.000"),
        widget=forms.TextInput({"inputmode": "numeric"}),
    )
    date = date_field(_("Ngày"), help_text=_("Ngày quyết định giao dự toán, hoặc ngày chi."))
    document_number = forms.CharField(
        label=_("Số quyết định, chứng từ"), max_length=100, required=False
    )
    plan = PlanChoiceField(
        label=_("Theo kế hoạch"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("— Không gắn với kế hoạch —"),
        help_text=_("Kế hoạch của chính đơn vị."),
    )
    area = forms.ChoiceField(
        label=_("Lĩnh vực"), required=False, choices=[("", _("— Không ghi —")), *Area.choices]
    )
    activity = forms.CharField(label=_("Hoạt động, nội dung"), max_length=500, required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 3}))

    FIELDS = (
        "kind",
        "year",
        "source",
        "amount_vnd",
        "date",
        "document_number",
        "area",
        "activity",
        "notes",
    )

    def __init__(
        self, *args: Any, user: Any, entry: BudgetEntry | None = None, **kwargs: Any
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if entry is not None:
            for name in self.FIELDS:
                initial.setdefault(name, getattr(entry, name))
            initial.setdefault("plan", entry.plan_id)
        super().__init__(*args, **kwargs)
        plan_field: Any = self.fields["plan"]
        if entry is None:
            unit_field: Any = self.fields["unit"]
            unit_field.queryset = manage_units(user)
            plan_field.queryset = selectors.plan_choices(user=user)
        else:
            del self.fields["unit"]  # an entry stays with its unit
            plan_field.queryset = selectors.plan_choices(user=user, unit=entry.unit)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        return data


# ---- allocation versus spending ---------------------------------------------------------


class SummaryForm(forms.Form):
    unit = UnitChoiceField(
        future_end=True,
        label=_("Đơn vị"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
    )
    year = forms.ChoiceField(label=_("Năm ngân sách"), required=False)

    def __init__(
        self, *args: Any, user: Any, unit: AdministrativeUnit | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The units that hold entries, the unit shown and the units above it in scope.
        ids = set(selectors.units_with(user=user, model=BudgetEntry).values_list("pk", flat=True))
        if unit is not None:
            ids.add(unit.pk)
            ids |= {int(p) for p in unit.path.strip("/").split("/") if p}
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = restrict(
            AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent"),
            user,
            unit_field="",
        ).order_by("path")
        unit_field.empty_label = _("Toàn quốc") if unit is None else None
        year_field: Any = self.fields["year"]
        year_field.choices = [
            (str(y), str(y)) for y in selectors.years_of(user=user, model=BudgetEntry)
        ]


# ---- commendations ----------------------------------------------------------------------


class CommendationFilterForm(_FilterForm):
    q = forms.CharField(label=_("Tìm theo tên, số quyết định"), required=False, max_length=100)
    unit = UnitChoiceField(
        future_end=True,
        label=_("Đơn vị"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Tất cả"),
    )
    year = forms.ChoiceField(label=_("Năm quyết định"), required=False)
    form = forms.ChoiceField(
        label=_("Hình thức"), required=False, choices=ALL + CommendationForm.choices
    )
    level = forms.ChoiceField(
        label=_("Cấp khen thưởng"), required=False, choices=ALL + CommendationLevel.choices
    )
    recipient_kind = forms.ChoiceField(
        label=_("Tập thể, cá nhân"), required=False, choices=ALL + RecipientKind.choices
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = selectors.units_with(user=user, model=Commendation)
        year_field: Any = self.fields["year"]
        year_field.choices = _year_choices(user, Commendation)


class CommendationEntryForm(forms.Form):
    unit = UnitChoiceField(
        future_end=True,
        label=_("Đơn vị"),
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
    )
    recipient_kind = forms.ChoiceField(
        label=_("Tập thể hay cá nhân"), choices=RecipientKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Tên tập thể, cá nhân"), max_length=300)
    form = forms.ChoiceField(label=_("Hình thức"), choices=CommendationForm.choices)
    level = forms.ChoiceField(
        label=_("Cấp khen thưởng"),
        choices=CommendationLevel.choices,
        help_text=_("Cấp huyện chỉ cho quyết định trước 01/07/2025."),
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100)
    decision_date = date_field(_("Ngày quyết định"))
    issuer = forms.CharField(
        label=_("Cơ quan, người ký quyết định"), max_length=300, required=False
    )
    reason = forms.CharField(
        label=_("Thành tích"), required=False, widget=forms.Textarea({"rows": 3})
    )

    FIELDS = (
        "recipient_kind",
        "name",
        "form",
        "level",
        "decision_number",
        "decision_date",
        "issuer",
        "reason",
    )

    def __init__(
        self, *args: Any, user: Any, item: Commendation | None = None, **kwargs: Any
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if item is not None:
            for name in self.FIELDS:
                initial.setdefault(name, getattr(item, name))
        initial.setdefault("recipient_kind", RecipientKind.COLLECTIVE)
        super().__init__(*args, **kwargs)
        if item is None:
            unit_field: Any = self.fields["unit"]
            unit_field.queryset = manage_units(user)
        else:
            del self.fields["unit"]  # a commendation stays with its unit

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        return data
