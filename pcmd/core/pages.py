"""What list, form and delete pages share: a list with htmx filters, pagination and a
download of every matching row; a form page that keeps the input on a refusal; a delete
confirmation that shows the service's refusal. Templates: core/_filters.html,
core/_pager.html, core/_crumbs.html and core/confirm.html."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pcmd.core.errors import ServiceError, refusal_text

PAGE_SIZE = 50
# A download holds every matching row up to this; more is a query to narrow.
EXPORT_LIMIT = 100_000
CONFIRM = "core/confirm.html"


def is_partial(request: HttpRequest) -> bool:
    """An htmx request for a part of the page (a boosted link wants the whole page)."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx and not htmx.boosted)


def list_page(
    request: HttpRequest,
    *,
    filters: Any,
    rows: QuerySet[Any],
    template: str,
    partial: str,
    export: Callable[[str, QuerySet[Any]], HttpResponse],
    can_create: bool,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A list with htmx filters, pagination and a CSV/XLSX download of every matching row;
    an htmx request gets the rows (`partial`) alone."""
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
        "can_create": can_create,
        **(extra or {}),
    }
    return render(request, partial if is_partial(request) else template, context)


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    template: str,
    title: str,
    cancel_url: str,
    crumbs: list[tuple[str, str]] | None = None,
    submit: str | None = None,
    refused: bool = False,
    **extra: Any,
) -> HttpResponse:
    """A create or edit form; refused or invalid input comes back as typed, with 400."""
    status = 400 if refused or (form.is_bound and form.errors) else 200
    context = {
        "form": form,
        "title": title,
        "submit": submit or _("Lưu"),
        "cancel_url": cancel_url,
        "crumbs": crumbs or [],
        **extra,
    }
    return render(request, template, context, status=status)


def delete_page(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    cancel_url: str,
    delete: Callable[[], None],
    done: str,
    then: str,
    crumbs: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """Ask to confirm a deletion; on POST call `delete` (a service) and go on to `then`, or
    show the service's refusal under the question (400)."""
    refusal = ""
    if request.method == "POST":
        try:
            delete()
        except ServiceError as exc:
            refusal = refusal_text(exc)
        else:
            messages.success(request, done)
            return redirect(then)
    context = {
        "title": title,
        "question": question,
        "cancel_url": cancel_url,
        "refusal": refusal,
        "crumbs": crumbs or [],
    }
    return render(request, CONFIRM, context, status=400 if refusal else 200)
