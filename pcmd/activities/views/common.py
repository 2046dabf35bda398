"""What every activities page shares besides pcmd.core.pages: the form template, the right
to write and saving a form through a service."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.activities import selectors
from pcmd.activities.services import common as services
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.geo.models import AdministrativeUnit

FORM = "activities/form.html"


def may_manage(request: HttpRequest, unit: AdministrativeUnit) -> bool:
    return user_can(request.user, Perm.ACTIVITY_MANAGE, unit)


def require_manage(request: HttpRequest, unit: AdministrativeUnit) -> None:
    services.require_manage(request.user, unit)


def require_some_right(request: HttpRequest) -> None:
    if not selectors.may_record(request.user):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận tập huấn, truyền thông, mô hình."))


def save_form(
    request: HttpRequest,
    form: Any,
    write: Callable[[dict[str, Any]], Model],
    *,
    done: str,
    to: Callable[[Model], HttpResponse],
) -> tuple[HttpResponse | None, bool]:
    """Run `write` on a valid POSTed form: the redirect `to` on success, or (None, refused)
    with the service's refusal shown next to the form, the input kept."""
    if request.method != "POST" or not form.is_valid():
        return None, False
    data = form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
    try:
        obj = write(data)
    except ServiceError as exc:
        form.add_error(None, refusal_text(exc))
        return None, True
    messages.success(request, done % {"name": str(obj)})
    return to(obj), False
