"""What the budget and commendation pages share: the right to record, list pages with htmx
filters and downloads, form and confirmation pages."""

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can, user_units_with
from pcmd.geo.models import AdministrativeUnit

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
FORM = "programme/form.html"
CONFIRM = "programme/confirm.html"


def may_manage(request: HttpRequest, unit: AdministrativeUnit) -> bool:
    return user_can(request.user, Perm.PROGRAMME_MANAGE, unit)


def require_manage(request: HttpRequest, unit: AdministrativeUnit) -> None:
    if not may_manage(request, unit):
        raise PermissionDenied(
            _("Bạn không có quyền ghi nhận kinh phí, khen thưởng của %(unit)s.")
            % {"unit": unit.name}
        )


def may_create(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_superuser or user_units_with(user, Perm.PROGRAMME_MANAGE))


def require_some_right(request: HttpRequest) -> None:
    if not may_create(request):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận kinh phí, khen thưởng."))


def is_partial(request: HttpRequest) -> bool:
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx and not htmx.boosted)


def list_page(
    request: HttpRequest,
    *,
    filters: Any,
    rows: QuerySet[Any],
    template: str,
    partial: str,
    export: Any,
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
        "can_create": may_create(request),
        **(extra or {}),
    }
    return render(request, partial if is_partial(request) else template, context)


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel_url: str,
    crumbs: list[tuple[str, str]],
    refused: bool = False,
) -> HttpResponse:
    """A create or edit form; refused or invalid input comes back as typed, with 400."""
    status = 400 if refused or (form.is_bound and form.errors) else 200
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "crumbs": crumbs,
    }
    return render(request, FORM, context, status=status)


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    cancel_url: str,
    crumbs: list[tuple[str, str]],
) -> HttpResponse:
    context = {"title": title, "question": question, "cancel_url": cancel_url, "crumbs": crumbs}
    return render(request, CONFIRM, context)
