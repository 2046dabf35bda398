"""Forms of the activities pages. They only clean input into the keyword arguments of the
services, which check permissions and validate the facts (dates, counts, units)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcmd.core.forms import UnitChoiceField
from pcmd.geo.models import AdministrativeUnit

__all__ = ["ALL", "FilterForm", "count_input", "unit_field", "year_field"]

ALL = _("Tất cả")
FIRST_YEAR = 2016


def unit_field(label: Any, *, required: bool = True, **kwargs: Any) -> UnitChoiceField:
    return UnitChoiceField(
        label=label,
        required=required,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=ALL if not required else _("— Chọn đơn vị —"),
        **kwargs,
    )


def _years() -> list[tuple[Any, str]]:
    # A callable: the list grows with the calendar, not with the last restart.
    return [
        ("", str(ALL)),
        *((y, str(y)) for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)),
    ]


def year_field(label: Any = None) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label or _("Năm"), required=False, coerce=int, empty_value=None, choices=_years
    )


def count_input(label: Any, *, required: bool = False, size: int = 6) -> forms.CharField:
    """A count as people type it ("1.500"); the service reads and checks it."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=15,
        widget=forms.TextInput({"inputmode": "numeric", "size": size}),
    )


class FilterForm(forms.Form):
    """A list's query string, read into selector keyword arguments: bad values are ignored
    rather than refused; empty text is "", an empty unit, year or date None."""

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        out: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                typed = (forms.ModelChoiceField, forms.TypedChoiceField, forms.DateField)
                value = None if isinstance(field, typed) else ""
            out[name] = value
        return out
