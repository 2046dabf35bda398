"""Forms of the training pages: list filters, the course with its participant grid (level ×
agency type × sex), named participants, staff counts."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pcmd.activities import selectors
from pcmd.activities.forms import FilterForm, count_input, unit_field, year_field
from pcmd.activities.models import (
    AgencyGroup,
    Level,
    Participant,
    Sex,
    StaffCount,
    Training,
)
from pcmd.core.forms import date_field
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency

LEVEL_FILTER = [("", _("Tất cả")), *Level.choices]
LEVEL_OF_UNIT_CHOICE = [("", _("— Theo cấp của đơn vị —")), *Level.choices]
TRAINING_TEXT = ("title", "organiser_name", "start", "end", "level", "topics", "trainers", "notes")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.unit.name})"


def cell_name(level: str, agency_type: str, sex: str) -> str:
    return f"n_{level}_{agency_type}_{sex}"


class TrainingFilterForm(FilterForm):
    q = forms.CharField(label=_("Tìm theo tên, nội dung"), required=False, max_length=100)
    unit = unit_field(_("Đơn vị tổ chức"), required=False)
    level = forms.ChoiceField(label=_("Cấp tổ chức"), required=False, choices=LEVEL_FILTER)
    year = year_field(_("Kết thúc trong năm"))
    start = date_field(_("Kết thúc từ ngày"), required=False)
    end = date_field(_("Đến ngày"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = selectors.units_with_rows(user=user, model_qs=Training.objects.all())


class TrainingForm(forms.Form):
    """A course and its participant grid: one input per level × agency type × sex."""

    unit = unit_field(
        _("Đơn vị tổ chức"),
        help_text=_("Cấp huyện chỉ ghi nhận cho các lớp kết thúc trước 01/07/2025."),
    )
    title = forms.CharField(label=_("Tên lớp"), max_length=300)
    organiser_agency = AgencyChoiceField(
        label=_("Cơ quan tổ chức"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— Không chọn —"),
        help_text=_("Cơ quan của đơn vị tổ chức; nếu không có trong danh sách, ghi tên bên dưới."),
    )
    organiser_name = forms.CharField(label=_("Đơn vị tổ chức khác"), max_length=300, required=False)
    start = date_field(_("Từ ngày"))
    end = date_field(_("Đến ngày"))
    level = forms.ChoiceField(label=_("Cấp tổ chức"), required=False, choices=LEVEL_OF_UNIT_CHOICE)
    topics = forms.CharField(
        label=_("Nội dung tập huấn"), required=False, widget=forms.Textarea({"rows": 3})
    )
    trainers = forms.CharField(
        label=_("Giảng viên, báo cáo viên"), required=False, widget=forms.Textarea({"rows": 2})
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(
        self,
        *args: Any,
        user: Any,
        training: Training | None = None,
        grid: dict[tuple[str, str, str], int] | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if training is not None:
            for field in TRAINING_TEXT:
                initial.setdefault(field, getattr(training, field))
            initial.setdefault("unit", training.unit_id)
            initial.setdefault("organiser_agency", training.organiser_agency_id)
        for (level, agency_type, sex), n in (grid or {}).items():
            initial.setdefault(cell_name(level, agency_type, sex), n)
        super().__init__(*args, **kwargs)
        units = selectors.manage_units(user)
        unit: Any = self.fields["unit"]
        unit.queryset = units
        agency: Any = self.fields["organiser_agency"]
        agency.queryset = selectors.agencies_of(units)
        for level, level_label in Level.choices:
            for agency_type, agency_label in AgencyGroup.choices:
                for sex, sex_label in Sex.choices:
                    label = f"{level_label} – {agency_label} – {sex_label}"
                    cell = count_input(label, size=4)
                    cell.widget.attrs["aria-label"] = label
                    self.fields[cell_name(level, agency_type, sex)] = cell

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith("n_")]

    def grid_rows(self) -> list[tuple[str, list[Any]]]:
        """(agency type, [cell per level and sex]) for the grid table."""
        return [
            (
                str(agency_label),
                [
                    self[cell_name(level, agency_type, sex)]
                    for level in Level.values
                    for sex in Sex.values
                ],
            )
            for agency_type, agency_label in AgencyGroup.choices
        ]

    def grid_errors(self) -> list[str]:
        return [
            f"{self.fields[name].label}: {' '.join(str(e) for e in errors)}"
            for name, errors in self.errors.items()
            if name.startswith("n_")
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        counts = []
        for level in Level.values:
            for agency_type in AgencyGroup.values:
                for sex in Sex.values:
                    value = data.pop(cell_name(level, agency_type, sex), "")
                    if value not in (None, ""):
                        counts.append(
                            {"level": level, "agency_type": agency_type, "sex": sex, "count": value}
                        )
        data["counts"] = counts
        data["level"] = data.get("level") or ""
        return data


class ParticipantForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    agency = AgencyChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— Không chọn —"),
    )
    agency_name = forms.CharField(
        label=_("Cơ quan (nếu không có trong danh sách)"), max_length=300, required=False
    )
    unit = unit_field(_("Đơn vị công tác"), required=False)

    def __init__(
        self,
        *args: Any,
        training: Training,
        participant: Participant | None = None,
        **kwargs: Any,
    ) -> None:
        if participant is not None:
            kwargs.setdefault(
                "initial",
                {
                    "full_name": participant.full_name,
                    "position": participant.position,
                    "agency": participant.agency_id,
                    "agency_name": participant.agency_name,
                    "unit": participant.unit_id,
                },
            )
        super().__init__(*args, **kwargs)
        organiser = training.unit
        units = AdministrativeUnit.objects.filter(
            Q(path__startswith=organiser.path) | Q(pk=organiser.parent_id),
            level__lte=3,
        ).select_related("parent")
        unit: Any = self.fields["unit"]
        unit.queryset = units.order_by("path")
        unit.empty_label = _("— Theo cơ quan —")
        agency: Any = self.fields["agency"]
        agency.queryset = selectors.agencies_of(units)


class StaffCountFilterForm(FilterForm):
    unit = unit_field(_("Đơn vị"), required=False)
    year = year_field()
    level = forms.ChoiceField(label=_("Cấp"), required=False, choices=LEVEL_FILTER)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = selectors.units_with_rows(user=user, model_qs=StaffCount.objects.all())


class StaffCountForm(forms.Form):
    unit = unit_field(_("Đơn vị"))
    year = count_input(_("Năm"), required=True)
    level = forms.ChoiceField(
        label=_("Cấp"),
        required=False,
        choices=LEVEL_OF_UNIT_CHOICE,
        help_text=_("Cán bộ của chính đơn vị, hoặc cấp dưới khi đơn vị nhập thay."),
    )
    count = count_input(_("Số cán bộ làm công tác phòng, chống mại dâm"), required=True)
    notes = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(
        self, *args: Any, user: Any, staff_count: StaffCount | None = None, **kwargs: Any
    ) -> None:
        if staff_count is not None:
            kwargs.setdefault(
                "initial",
                {
                    "year": staff_count.year,
                    "level": staff_count.level,
                    "count": staff_count.count,
                    "notes": staff_count.notes,
                },
            )
        super().__init__(*args, **kwargs)
        if staff_count is None:
            unit: Any = self.fields["unit"]
            unit.queryset = selectors.manage_units(user)
        else:
            del self.fields["unit"]  # a row stays with its unit
