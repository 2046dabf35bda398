"""Forms of the plan pages. They only clean input; the services save and audit."""

from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from pcmd.core.forms import date_field
from pcmd.plans.models import Plan, PlanStatus
from pcmd.plans.services import EDITABLE

# JSON list fields are typed one entry per line.
LIST_FIELDS = {"coordinating", "reports_to", "recipients"}


class ListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip(" -;") for line in text.replace(";", "\n").splitlines() if line.strip()]


def _indicator_choices() -> list[tuple[str, Any]]:
    from pcmd.reporting.models import Indicator

    rows = Indicator.objects.filter(active=True).exclude(kind="registry")
    return [("", _("— chưa gắn —")), *((i.code, i.name) for i in rows)]


def item_form_class(model: type[Model]) -> type[forms.ModelForm]:
    """A form over the fields a reviewer may change on `model` (services.EDITABLE)."""
    fields = list(EDITABLE[model])
    overrides: dict[str, Any] = {
        name: ListField(
            label=getattr(model._meta.get_field(name), "verbose_name", name), required=False
        )
        for name in fields
        if name in LIST_FIELDS
    }
    if "doc_date" in fields:
        overrides["doc_date"] = date_field(_("Ngày"), required=False)
    if "indicator_code" in fields:
        overrides["indicator_code"] = forms.ChoiceField(
            label=_("Chỉ tiêu thống kê để theo dõi"), required=False, choices=_indicator_choices
        )
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(
        f"{model.__name__}Form",
        (forms.ModelForm,),
        {"Meta": meta, **overrides},
    )


class PlanHeaderForm(forms.ModelForm):
    issued_on = date_field(_("Ngày ban hành"), required=False)

    class Meta:
        model = Plan
        fields = [
            "title",
            "number",
            "issuer_name",
            "place",
            "issued_on",
            "kind",
            "period_start",
            "period_end",
        ]


class UploadForm(forms.Form):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Đơn vị ban hành"), queryset=None)
    file = forms.FileField(
        label=_("Tệp kế hoạch"),
        help_text=_("Văn bản (.txt), Word (.docx, .doc), PDF (cả bản quét) hoặc ảnh chụp."),
    )

    def __init__(self, *args: Any, units: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        if units.count() == 1:
            field.initial = units.first()


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *PlanStatus.choices],
    )
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1990, max_value=2100)
