from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pcmd.accounts.roles import GRANTABLE_BY_COORDINATOR, Role
from pcmd.core.forms import date_field
from pcmd.core.text import nfc


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * obj.depth}{obj.name} ({obj.code})"


def _set_unit_and_role_choices(
    form: forms.Form, units: QuerySet[Any] | None, allow_admin: bool
) -> None:
    """The units the actor manages, and the roles the actor may grant."""
    cast(forms.ModelChoiceField, form.fields["unit"]).queryset = units
    roles = Role.values if allow_admin else GRANTABLE_BY_COORDINATOR
    cast(forms.ChoiceField, form.fields["role"]).choices = [(r, Role(r).label) for r in roles]


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None)
    role = forms.ChoiceField(label=_("Vai trò"), choices=())

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Any] | None = None,
        allow_admin: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_unit_and_role_choices(self, units, allow_admin)

    def clean_username(self) -> str:
        value = nfc(self.cleaned_data["username"]).lower()
        if not value.replace(".", "").replace("_", "").replace("-", "").isalnum():
            raise forms.ValidationError(_("Tên đăng nhập chỉ gồm chữ, số và . _ -"))
        return value


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False)


class MembershipForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None)
    role = forms.ChoiceField(label=_("Vai trò"), choices=())
    valid_from = date_field(_("Từ ngày"), required=False)
    valid_to = date_field(_("Đến ngày"), required=False)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Any] | None = None,
        allow_admin: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_unit_and_role_choices(self, units, allow_admin)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Tên mã truy cập"), max_length=100)
    expires = forms.DateField(
        label=_("Hết hạn (để trống nếu không hết hạn)"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
