"""What every activities page shares: the list with htmx filters and export, the form
page that keeps the input on a refusal, the delete confirmation and the right to write."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.activities import selectors
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.geo.models import AdministrativeUnit

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
FORM = "activities/form.html"
CONFIRM = "registries/inspections/confirm.html"


def may_manage(request: HttpRequest, unit: AdministrativeUnit) -> bool:
    return user_can(request.user, Perm.ACTIVITY_MANAGE, unit)


def require_manage(request: HttpRequest, unit: AdministrativeUnit) -> None:
    if not may_manage(request, unit):
        raise PermissionDenied(
            _("Bạn không có quyền ghi nhận tập huấn, truyền thông, mô hình của %(unit)s.")
            % {"unit": unit.name}
        )


def require_some_right(request: HttpRequest) -> None:
    if not selectors.may_record(request.user):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận tập huấn, truyền thông, mô hình."))


def list_page(
    request: HttpRequest,
    *,
    filters: Any,
    rows: QuerySet[Any],
    template: str,
    partial: str,
    export: Callable[[str, QuerySet[Any]], HttpResponse],
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A list with htmx filters, pagination and a CSV/XLSX download of every matching row."""
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export(fmt, rows[:EXPORT_LIMIT])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k not in ("page", "export") and v}
    context = {
        "filters": filters,
        "page": page,
        "query": urlencode(keep),
        "filtered": bool(keep),
        "can_create": selectors.may_record(request.user),
        **(extra or {}),
    }
    htmx: Any = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return render(request, partial, context)
    return render(request, template, context)


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel_url: str,
    crumbs: list[tuple[str, str]],
    refused: bool = False,
    intro: str = "",
) -> HttpResponse:
    status = 400 if refused or (form.is_bound and form.errors) else 200
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "crumbs": crumbs,
            "intro": intro,
        },
        status=status,
    )


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


def confirm_delete(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    cancel_url: str,
    delete: Callable[[], None],
    done: str,
    then: str,
) -> HttpResponse:
    """GET asks; POST deletes through the service and goes to `then`."""
    refusal = ""
    if request.method == "POST":
        try:
            delete()
        except ServiceError as exc:
            refusal = refusal_text(exc)
        else:
            messages.success(request, done)
            return redirect(then)
    return render(
        request,
        CONFIRM,
        {"title": title, "question": question, "cancel_url": cancel_url, "refusal": refusal},
        status=400 if refusal else 200,
    )
