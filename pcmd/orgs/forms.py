"""Forms of the agency pages: the list filter and the agency form (which calls the services)."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.forms import date_field
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs import selectors, services
from pcmd.orgs.models import Agency, AgencyType


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Districts and communes are shown under their province: "Xã Kỳ Hoa (Tỉnh Hà Tĩnh)".
        parent = getattr(obj, "parent", None)
        return f"{obj.name} ({parent.name})" if parent is not None else obj.name


class AgencyFilterForm(forms.Form):
    """The list's query string; bad values are ignored rather than refused."""

    q = forms.CharField(label=gettext_lazy("Tìm theo tên"), required=False, max_length=100)
    agency_type = forms.ModelChoiceField(
        label=gettext_lazy("Loại cơ quan"),
        required=False,
        queryset=AgencyType.objects.all(),
        empty_label=gettext_lazy("Tất cả"),
        to_field_name="code",
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Đơn vị"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=gettext_lazy("Tất cả"),
    )
    inactive = forms.BooleanField(
        label=gettext_lazy("Cả cơ quan đã ngừng hoạt động"), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        units = selectors.agency_units_with_agencies(user=user)
        unit_field.queryset = units.select_related("parent")

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.agency_list from the fields that are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": nfc(data.get("q") or ""),
            "agency_type": data.get("agency_type"),
            "unit": data.get("unit"),
            "include_inactive": bool(data.get("inactive")),
        }


class AgencyForm(forms.Form):
    """Create (with a unit chosen among those the user manages) or edit an agency."""

    unit = UnitChoiceField(
        label=gettext_lazy("Đơn vị hành chính"),
        queryset=AdministrativeUnit.objects.none(),
        empty_label=gettext_lazy("— Chọn đơn vị —"),
    )
    name = forms.CharField(label=gettext_lazy("Tên cơ quan"), max_length=300)
    agency_type = forms.ModelChoiceField(
        label=gettext_lazy("Loại cơ quan"),
        required=False,
        queryset=AgencyType.objects.all(),
        empty_label=gettext_lazy("— Không thuộc danh mục —"),
    )
    short_name = forms.CharField(label=gettext_lazy("Tên viết tắt"), max_length=100, required=False)
    email = forms.EmailField(label=gettext_lazy("Thư điện tử"), required=False)
    phone = forms.CharField(label=gettext_lazy("Điện thoại"), max_length=30, required=False)
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=300, required=False)
    valid_from = date_field(gettext_lazy("Hoạt động từ ngày"), required=False)
    valid_to = date_field(gettext_lazy("Hoạt động đến ngày"), required=False)
    active = forms.BooleanField(label=gettext_lazy("Đang hoạt động"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, agency: Agency | None = None, **kwargs: Any) -> None:
        self.user, self.agency = user, agency
        if agency is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": agency.name,
                    "agency_type": agency.agency_type_id,
                    "short_name": agency.short_name,
                    "email": agency.email,
                    "phone": agency.phone,
                    "address": agency.address,
                    "valid_from": agency.valid_from,
                    "valid_to": agency.valid_to,
                    "active": agency.active,
                },
            )
        super().__init__(*args, **kwargs)
        if agency is None:
            unit_field: Any = self.fields["unit"]
            units = selectors.agency_units_manageable(user=user)
            unit_field.queryset = units.select_related("parent")
            del self.fields["active"]
        else:
            # An agency stays with its unit; a unit's change is recorded in geo.
            del self.fields["unit"]

    def save(self) -> Agency | None:
        """The created or updated agency, or None with the refusal added to the form."""
        data = self.cleaned_data
        fields = {
            k: data[k]
            for k in (
                "name",
                "agency_type",
                "short_name",
                "email",
                "phone",
                "address",
                "valid_from",
                "valid_to",
            )
        }
        try:
            if self.agency is None:
                return services.agency_create(actor=self.user, unit=data["unit"], **fields)
            return services.agency_update(
                actor=self.user, agency=self.agency, active=data["active"], **fields
            )
        except (ServiceError, PermissionDenied) as exc:
            self.add_error(None, refusal_text(exc))
            return None


class DeactivateForm(forms.Form):
    on = date_field(gettext_lazy("Ngừng hoạt động từ ngày"), required=False)
