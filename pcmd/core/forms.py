"""Form pieces every app shares: the date field people type dd/mm/yyyy into, and the unit
field."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pcmd.core.records import day_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# dd/mm/yyyy is what people type; ISO is what links and the API carry.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_ERRORS = {
    "invalid": gettext_lazy("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2024.")
}


def date_field(
    label: "StrOrPromise", *, required: bool = True, help_text: "StrOrPromise" = ""
) -> forms.DateField:
    """A date field that accepts dd/mm/yyyy (and ISO) and shows dd/mm/yyyy."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "autocomplete": "off",
                "size": 11,
                "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}",
            },
        ),
    )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picked from a list: "Xã Kỳ Hoa (Tỉnh Hà Tĩnh)", with the day a unit that no
    longer exists ended (and, with `future_end`, the day a unit still in place will end)."""

    def __init__(self, *args: Any, future_end: bool = False, **kwargs: Any) -> None:
        self.future_end = future_end
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        parent = getattr(obj, "parent", None)
        label = f"{obj.name} ({parent.name})" if parent is not None else obj.name
        if obj.valid_to and (self.future_end or obj.valid_to < timezone.localdate()):
            label += " – " + str(gettext_lazy("đến %(date)s")) % {"date": day_text(obj.valid_to)}
        return label
