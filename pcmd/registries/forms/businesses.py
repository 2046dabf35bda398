"""Forms of the business pages: the list filter, the business form (create and edit), the
status change and the file upload. The services validate and save."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy

from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.forms import UnitChoiceField, date_field
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.models import Business, BusinessKind, BusinessStatus
from pcmd.registries.selectors.businesses import (
    business_units_manageable,
    business_units_with_businesses,
)
from pcmd.registries.services import businesses as services
from pcmd.registries.services.business_import import ACCEPTED_EXTENSIONS


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", gettext_lazy("Tất cả")), *choices]


class BusinessFilterForm(forms.Form):
    """The list's query string; values that do not fit are ignored rather than refused."""

    q = forms.CharField(
        label=gettext_lazy("Tìm theo tên, địa chỉ, số ĐKKD"), required=False, max_length=100
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại hình"), required=False, choices=_all(BusinessKind.choices)
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Xã, phường"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=gettext_lazy("Tất cả"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Tình trạng"), required=False, choices=_all(BusinessStatus.choices)
    )
    never_inspected = forms.BooleanField(
        label=gettext_lazy("Chưa kiểm tra lần nào"), required=False
    )
    inspected_this_year = forms.BooleanField(
        label=gettext_lazy("Đã kiểm tra trong năm nay"), required=False
    )
    with_violations = forms.BooleanField(label=gettext_lazy("Có vi phạm"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = business_units_with_businesses(user=user)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.business_list from the fields that are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": nfc(data.get("q") or ""),
            "kind": data.get("kind") or "",
            "unit": data.get("unit"),
            "status": data.get("status") or "",
            "never_inspected": bool(data.get("never_inspected")),
            "inspected_this_year": bool(data.get("inspected_this_year")),
            "with_violations": bool(data.get("with_violations")),
        }


class BusinessForm(forms.Form):
    """Create a business (in a unit the user manages) or edit one."""

    unit = UnitChoiceField(
        label=gettext_lazy("Xã, phường"),
        queryset=AdministrativeUnit.objects.none(),
        empty_label=gettext_lazy("— Chọn xã, phường —"),
    )
    name = forms.CharField(label=gettext_lazy("Tên cơ sở"), max_length=300)
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại hình"),
        choices=[("", gettext_lazy("— Chọn loại hình —")), *BusinessKind.choices],
    )
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=300)
    registration_number = forms.CharField(
        label=gettext_lazy("Số đăng ký kinh doanh"), max_length=50, required=False
    )
    registration_date = date_field(gettext_lazy("Ngày đăng ký kinh doanh"), required=False)
    licence_number = forms.CharField(
        label=gettext_lazy("Số giấy chứng nhận đủ điều kiện về ANTT"),
        max_length=50,
        required=False,
    )
    licence_date = date_field(gettext_lazy("Ngày cấp giấy chứng nhận"), required=False)
    owner_name = forms.CharField(
        label=gettext_lazy("Chủ cơ sở hoặc người quản lý"), max_length=200, required=False
    )
    owner_phone = forms.CharField(label=gettext_lazy("Điện thoại"), max_length=30, required=False)
    workers_total = forms.IntegerField(
        label=gettext_lazy("Số lao động"), min_value=0, required=False
    )
    workers_female = forms.IntegerField(
        label=gettext_lazy("Trong đó nữ"), min_value=0, required=False
    )
    opened_on = date_field(gettext_lazy("Bắt đầu hoạt động"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Tình trạng"),
        choices=BusinessStatus.choices,
        initial=BusinessStatus.OPEN,
    )
    status_since = date_field(
        gettext_lazy("Tình trạng từ ngày"),
        required=False,
        help_text=gettext_lazy("Với cơ sở đã ngừng hoạt động: ngày ngừng hoạt động."),
    )
    commitment_signed = forms.BooleanField(label=gettext_lazy("Đã ký cam kết"), required=False)
    commitment_date = date_field(gettext_lazy("Ngày ký cam kết"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    EDIT_FIELDS = (
        "name",
        "kind",
        "address",
        "registration_number",
        "registration_date",
        "licence_number",
        "licence_date",
        "owner_name",
        "owner_phone",
        "workers_total",
        "workers_female",
        "opened_on",
        "commitment_signed",
        "commitment_date",
        "notes",
    )

    def __init__(
        self, *args: Any, user: Any, business: Business | None = None, **kwargs: Any
    ) -> None:
        self.user, self.business = user, business
        self.duplicate: Business | None = None
        if business is not None:
            initial = {name: getattr(business, name) for name in self.EDIT_FIELDS}
            kwargs.setdefault("initial", {**initial, "unit": business.unit_id})
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = business_units_manageable(user=user)
        if business is not None:
            # The status changes on its own form, with its date.
            del self.fields["status"]
            del self.fields["status_since"]

    def save(self) -> Business | None:
        """The created or updated business, or None with the refusal added to the form."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.EDIT_FIELDS}
        try:
            if self.business is None:
                return services.business_create(
                    actor=self.user,
                    unit=data["unit"],
                    status=data["status"],
                    status_since=data["status_since"],
                    **fields,
                )
            return services.business_update(
                actor=self.user, business=self.business, unit=data["unit"], **fields
            )
        except services.DuplicateBusiness as exc:
            self.duplicate = exc.existing
            self.add_error(None, refusal_text(exc))
        except ServiceError as exc:
            add_refusal(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
        return None


def add_refusal(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: next to the fields it names, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class BusinessStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Tình trạng mới"), choices=BusinessStatus.choices)
    on = date_field(
        gettext_lazy("Từ ngày"),
        required=False,
        help_text=gettext_lazy("Bỏ trống là hôm nay."),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách cơ sở"),
        help_text=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV (.csv) theo mẫu."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError(gettext_lazy("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
        return upload
