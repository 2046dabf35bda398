"""Forms of the report pages: choosing a report to open, filtering the list."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.reporting.models import Form, ReportState
from pcmd.reporting.periods import PeriodError, parse_period


class OpenReportForm(forms.Form):
    form = forms.ModelChoiceField(
        queryset=Form.objects.filter(active=True), label=_("Biểu mẫu"), empty_label=_("— Chọn —")
    )
    unit = forms.ModelChoiceField(
        queryset=AdministrativeUnit.objects.none(), label=_("Đơn vị"), empty_label=_("— Chọn —")
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label=_("Cơ quan báo cáo"),
        empty_label=_("— Đơn vị tự báo cáo —"),
        help_text=_("Chỉ chọn với biểu mẫu do cơ quan (ví dụ Công an) báo cáo."),
    )
    period = forms.CharField(
        label=_("Kỳ báo cáo"),
        max_length=20,
        help_text=_("Ví dụ 2026S1 (6 tháng đầu năm 2026), 2026 (cả năm), 2026Q1, 202603."),
    )

    def __init__(self, *args: Any, units: list[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = AdministrativeUnit.objects.filter(
            pk__in=[u.pk for u in units]
        ).order_by("path")
        if len(units) == 1:
            self.initial["unit"] = units[0].pk
        forms_field = self.fields["form"]
        assert isinstance(forms_field, forms.ModelChoiceField)
        if forms_field.queryset is not None and forms_field.queryset.count() == 1:
            # One form in use (the usual case): nothing to choose.
            forms_field.empty_label = None
        self.initial.setdefault("period", _current_period_code())
        # The agency choice exists only while some form in use is reported by agencies.
        agency_types = Form.objects.filter(active=True, reporter_agency_type__isnull=False).values(
            "reporter_agency_type"
        )
        if agency_types.exists():
            agency_field = self.fields["agency"]
            assert isinstance(agency_field, forms.ModelChoiceField)
            agency_field.queryset = Agency.objects.filter(
                unit__in=unit_field.queryset, agency_type__in=agency_types, active=True
            ).order_by("unit__path", "name")
        else:
            del self.fields["agency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        form, agency = data.get("form"), data.get("agency")
        if form is not None and form.reporter_agency_type_id and agency is None:
            self.add_error(
                "agency",
                _("Biểu mẫu này do %(type)s báo cáo: hãy chọn cơ quan.")
                % {"type": form.reporter_agency_type.label},
            )
        return data

    def clean_period(self) -> str:
        try:
            return parse_period(self.cleaned_data["period"]).code
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


def _current_period_code() -> str:
    import datetime as dt

    from pcmd.reporting.periods import PeriodType, period_of

    form = Form.objects.filter(active=True).order_by("pk").first()
    kind = PeriodType(form.period_type) if form else PeriodType.SIX_MONTHLY
    return period_of(kind, dt.date.today()).code


class ReportFilterForm(forms.Form):
    form = forms.ModelChoiceField(queryset=Form.objects.all(), required=False, label=_("Biểu mẫu"))
    period = forms.CharField(required=False, max_length=20, label=_("Kỳ"))
    state = forms.ChoiceField(
        choices=[("", _("Mọi trạng thái")), *ReportState.choices],
        required=False,
        label=_("Trạng thái"),
    )

    def clean_period(self) -> str:
        value = self.cleaned_data.get("period") or ""
        if not value:
            return ""
        try:
            return parse_period(value).code
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc
