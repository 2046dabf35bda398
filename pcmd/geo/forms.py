"""Forms of the unit browser: the date selector, the search box and village management."""

import datetime as dt
from typing import Any

from django import forms
from django.db import IntegrityError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pcmd.core.errors import ServiceError
from pcmd.core.forms import date_field
from pcmd.core.text import nfc
from pcmd.geo import services
from pcmd.geo.models import (
    VILLAGE_KINDS,
    AdministrativeUnit,
    SuccessionKind,
    UnitKind,
    UnitLevel,
)


class BrowseForm(forms.Form):
    """The browser's query string: which date to look at and what to search for."""

    at = date_field(gettext_lazy("Xem theo ngày"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Tìm đơn vị"), required=False, max_length=100, strip=True
    )
    # Search every period, not only the units valid on the chosen date.
    all = forms.BooleanField(label=gettext_lazy("Tìm cả đơn vị cũ"), required=False)

    def _clean(self) -> dict[str, Any]:
        # A malformed date must not drop the search text, so read the fields that did clean.
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def selected_date(self) -> dt.date:
        """The chosen date, today when none (or a malformed one) was given."""
        return self._clean().get("at") or dt.date.today()

    def query(self) -> str:
        return nfc(self._clean().get("q") or "")

    def all_periods(self) -> bool:
        return bool(self._clean().get("all"))


def village_code_next(commune: AdministrativeUnit) -> str:
    """The next free code "<commune code>-NN" among the villages of any period."""
    prefix = f"{commune.code}-"
    codes = AdministrativeUnit.objects.filter(
        level=UnitLevel.VILLAGE, code__startswith=prefix
    ).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def village_kind_choices() -> list[tuple[str, str]]:
    return [(k, str(UnitKind(k).label)) for k in VILLAGE_KINDS]


def form_errors_text(form: forms.Form) -> str:
    """All of a form's messages in one line (for the API and htmx error boxes)."""
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _service_error_text(exc: ServiceError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _check_commune(commune: AdministrativeUnit) -> None:
    if commune.level != UnitLevel.COMMUNE:
        raise ServiceError(_("Chỉ thêm được thôn, tổ dân phố vào đơn vị cấp xã."))


class VillageCreateForm(forms.Form):
    """Add a village or residential group under a commune (code generated when left empty)."""

    code = forms.CharField(
        label=gettext_lazy("Mã"),
        required=False,
        max_length=20,
    )
    name = forms.CharField(
        label=gettext_lazy("Tên"),
        max_length=200,
        error_messages={"required": gettext_lazy("Cần nhập tên thôn, tổ dân phố.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại"),
        choices=village_kind_choices,
        error_messages={"invalid_choice": gettext_lazy("Loại đơn vị không hợp lệ.")},
    )
    valid_from = date_field(
        gettext_lazy("Hiệu lực từ ngày"),
        help_text=gettext_lazy("Ngày thôn, tổ dân phố bắt đầu thuộc xã (dd/mm/yyyy)."),
    )

    def __init__(self, *args: Any, commune: AdministrativeUnit, **kwargs: Any) -> None:
        self.commune = commune
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("kind", UnitKind.VILLAGE)
        kwargs["initial"].setdefault("valid_from", commune.valid_from or dt.date.today())
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].error_messages["required"] = _("Cần nhập ngày bắt đầu hiệu lực.")
        self.fields["code"].help_text = _(
            "Để trống để hệ thống tự đặt mã theo mã xã (mã tiếp theo: %(code)s)."
        ) % {"code": village_code_next(commune)}

    def clean_name(self) -> str:
        name = nfc(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Cần nhập tên thôn, tổ dân phố."))
        return name

    def clean_code(self) -> str:
        return nfc(self.cleaned_data.get("code") or "")

    def clean_valid_from(self) -> dt.date:
        day: dt.date = self.cleaned_data["valid_from"]
        c = self.commune
        if (c.valid_from and day < c.valid_from) or (c.valid_to and day > c.valid_to):
            raise forms.ValidationError(
                _("Ngày phải nằm trong thời gian hiệu lực của %(commune)s (%(validity)s).")
                % {"commune": c.name, "validity": validity_text(c)}
            )
        return day

    def save(self, *, actor: Any) -> AdministrativeUnit | None:
        """Create the village through geo.services; None when refused (see the form's errors)."""
        data = self.cleaned_data
        try:
            _check_commune(self.commune)
            return services.unit_create(
                actor=actor,
                code=data["code"] or village_code_next(self.commune),
                name=data["name"],
                kind=data["kind"],
                parent=self.commune,
                valid_from=data["valid_from"],
                source="local",
            )
        except ServiceError as exc:
            self.add_error(None, _service_error_text(exc))
        except IntegrityError:
            # Two people adding at once can both pick the same generated code.
            self.add_error("code", _("Mã này vừa được dùng; vui lòng thử lại."))
        return None


def _village_label(unit: AdministrativeUnit) -> str:
    return f"{unit.name} ({unit.code})"


class VillageChangeForm(forms.Form):
    """Record that villages of one commune were renamed or merged on a date."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Loại thay đổi"),
        widget=forms.RadioSelect,
        choices=[
            (SuccessionKind.RENAME, gettext_lazy("Đổi tên một thôn, tổ dân phố")),
            (SuccessionKind.MERGE, gettext_lazy("Sáp nhập nhiều thôn, tổ dân phố thành một")),
        ],
        initial=SuccessionKind.RENAME,
    )
    villages = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Thôn, tổ dân phố"),
        queryset=AdministrativeUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Chọn ít nhất một thôn, tổ dân phố."),
            "invalid_choice": gettext_lazy("Thôn, tổ dân phố đã chọn không hợp lệ."),
            "invalid_pk_value": gettext_lazy("Thôn, tổ dân phố đã chọn không hợp lệ."),
        },
    )
    effective_date = date_field(gettext_lazy("Ngày hiệu lực của thay đổi"))
    new_name = forms.CharField(
        label=gettext_lazy("Tên mới"),
        max_length=200,
        error_messages={"required": gettext_lazy("Cần nhập tên mới.")},
    )
    new_code = forms.CharField(
        label=gettext_lazy("Mã mới"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Để trống để giữ mã của thôn (thôn đầu tiên khi sáp nhập)."),
    )
    note = forms.CharField(
        label=gettext_lazy("Căn cứ, ghi chú"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Ví dụ: số, ngày của nghị quyết hoặc quyết định."),
    )

    def __init__(self, *args: Any, commune: AdministrativeUnit, **kwargs: Any) -> None:
        self.commune = commune
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].error_messages["required"] = _("Cần nhập ngày hiệu lực.")
        today = dt.date.today()
        villages = (
            AdministrativeUnit.objects.filter(parent=commune, kind__in=VILLAGE_KINDS)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .order_by("name_folded", "name")
        )
        field = self.fields["villages"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = villages
        field.label_from_instance = _village_label  # type: ignore[method-assign,assignment]

    def clean_new_name(self) -> str:
        name = nfc(self.cleaned_data["new_name"])
        if not name:
            raise forms.ValidationError(_("Cần nhập tên mới."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, villages = data.get("kind"), data.get("villages")
        if villages is not None:
            if kind == SuccessionKind.RENAME and len(villages) != 1:
                self.add_error("villages", _("Đổi tên: chọn đúng một thôn, tổ dân phố."))
            if kind == SuccessionKind.MERGE and len(villages) < 2:
                self.add_error("villages", _("Sáp nhập: chọn ít nhất hai thôn, tổ dân phố."))
        return data

    def save(self, *, actor: Any) -> AdministrativeUnit | None:
        """Record the change through geo.services; None when refused (see the form's errors)."""
        data = self.cleaned_data
        try:
            return services.unit_change(
                actor=actor,
                predecessors=list(data["villages"]),
                kind=data["kind"],
                effective_date=data["effective_date"],
                new_name=data["new_name"],
                new_code=nfc(data.get("new_code") or "") or None,
                note=data.get("note") or "",
            )
        except ServiceError as exc:
            self.add_error(None, _service_error_text(exc))
        except IntegrityError:
            self.add_error(
                "new_code", _("Mã này đã được dùng cho một đơn vị khác cùng ngày hiệu lực.")
            )
        return None


class VillageNameForm(forms.Form):
    """Correct a misspelt village name in place (not a rename on a date)."""

    name = forms.CharField(
        label=gettext_lazy("Tên đúng"),
        max_length=200,
        error_messages={"required": gettext_lazy("Cần nhập tên đơn vị.")},
    )

    def __init__(self, *args: Any, unit: AdministrativeUnit, **kwargs: Any) -> None:
        self.unit = unit
        kwargs.setdefault("initial", {"name": unit.name})
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = nfc(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Cần nhập tên đơn vị."))
        if name == self.unit.name:
            raise forms.ValidationError(_("Tên mới giống tên hiện tại."))
        return name

    def save(self, *, actor: Any) -> AdministrativeUnit | None:
        try:
            return services.unit_update(actor=actor, unit=self.unit, name=self.cleaned_data["name"])
        except ServiceError as exc:
            self.add_error(None, _service_error_text(exc))
        return None


def validity_text(unit: AdministrativeUnit) -> str:
    """'từ 01/07/2025', 'đến 30/06/2025', 'từ ... đến ...' or 'không thời hạn'."""
    start = formats.date_format(unit.valid_from, "SHORT_DATE_FORMAT") if unit.valid_from else ""
    end = formats.date_format(unit.valid_to, "SHORT_DATE_FORMAT") if unit.valid_to else ""
    if start and end:
        return _("từ %(start)s đến %(end)s") % {"start": start, "end": end}
    if start:
        return _("từ %(start)s") % {"start": start}
    if end:
        return _("đến %(end)s") % {"end": end}
    return _("không thời hạn")
