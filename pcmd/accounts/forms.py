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


class _UnitRoleForm(forms.Form):
    """A unit among those the actor manages, and a role the actor may grant."""

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
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        roles = Role.values if allow_admin else GRANTABLE_BY_COORDINATOR
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r, Role(r).label) for r in roles]


class UserCreateForm(_UnitRoleForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    field_order = ["username", "full_name", "email", "phone", "position", "unit", "role"]

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


class MembershipForm(_UnitRoleForm):
    valid_from = date_field(_("Từ ngày"), required=False)
    valid_to = date_field(_("Đến ngày"), required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Tên mã truy cập"), max_length=100)
    expires = date_field(_("Hết hạn (để trống nếu không hết hạn)"), required=False)
