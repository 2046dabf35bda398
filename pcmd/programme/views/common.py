"""What the budget and commendation pages share besides pcmd.core.pages: the form template
and the right to record."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can, user_units_with
from pcmd.geo.models import AdministrativeUnit
from pcmd.programme import services

FORM = "programme/form.html"


def may_manage(request: HttpRequest, unit: AdministrativeUnit) -> bool:
    return user_can(request.user, Perm.PROGRAMME_MANAGE, unit)


def require_manage(request: HttpRequest, unit: AdministrativeUnit) -> None:
    services.require_manage(request.user, unit)


def may_create(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_superuser or user_units_with(user, Perm.PROGRAMME_MANAGE))


def require_some_right(request: HttpRequest) -> None:
    if not may_create(request):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận kinh phí, khen thưởng."))
