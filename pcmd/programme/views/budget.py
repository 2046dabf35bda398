"""Pages: budget entries (list with filters and download, detail, create, edit, delete) and
allocation versus spending per unit for a year.

Entries are read through the scoped selectors (404 outside scope) and written through the
services; a refusal is shown above the form with the input kept (400), a missing right
answers 403 with the reason.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.pages import delete_page, form_page, is_partial, list_page
from pcmd.programme import selectors, services
from pcmd.programme.forms import BudgetEntryForm, BudgetFilterForm, SummaryForm
from pcmd.programme.models import BudgetEntry
from pcmd.programme.selectors import BudgetSummary, Cell
from pcmd.programme.views.common import (
    FORM,
    may_create,
    may_manage,
    require_manage,
    require_some_right,
)
from pcmd.reporting.exchange import table_download


def _crumbs(entry: BudgetEntry | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("programme:budget_list"), _("Kinh phí"))]
    if entry is not None:
        crumbs.append((reverse("programme:budget_detail", args=[entry.pk]), str(entry)))
    return crumbs


@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    filters = BudgetFilterForm(request.GET or None, user=request.user)
    rows = selectors.budget_list(user=request.user, **filters.filters())
    return list_page(
        request,
        can_create=may_create(request),
        filters=filters,
        rows=rows,
        template="programme/budget_list.html",
        partial="programme/_budget_rows.html",
        export=_export_entries,
        extra={"totals": selectors.budget_totals(rows)},
    )


def _export_entries(fmt: str, entries: QuerySet[BudgetEntry]) -> HttpResponse:
    headers = [
        _("Đơn vị"),
        _("Năm ngân sách"),
        _("Loại"),
        _("Nguồn kinh phí"),
        _("Số tiền (đồng)"),
        _("Ngày"),
        _("Số quyết định, chứng từ"),
        _("Kế hoạch"),
        _("Lĩnh vực"),
        _("Hoạt động, nội dung"),
        _("Ghi chú"),
    ]
    rows = [
        [
            e.unit.name,
            e.year,
            e.get_kind_display(),
            e.get_source_display(),
            e.amount_vnd,
            e.date,
            e.document_number,
            str(e.plan) if e.plan else "",
            e.get_area_display() if e.area else "",
            e.activity,
            e.notes,
        ]
        for e in entries
    ]
    return table_download(fmt, title=_("Kinh phí"), headers=headers, rows=rows)


@login_required
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.budget_get(user=request.user, pk=pk)
    return render(
        request,
        "programme/budget_detail.html",
        {"entry": entry, "can_manage": may_manage(request, entry.unit), "crumbs": _crumbs()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_create(request: HttpRequest) -> HttpResponse:
    require_some_right(request)
    initial = {"year": timezone.localdate().year}
    form = BudgetEntryForm(request.POST or None, user=request.user, initial=initial)
    refused = False
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        require_manage(request, unit)
        try:
            entry = services.budget_entry_create(
                actor=request.user, unit=unit, **form.service_kwargs()
            )
        except ServiceError as exc:
            form.add_error(None, refusal_text(exc))
            refused = True
        else:
            messages.success(request, _("Đã ghi nhận %(what)s.") % {"what": entry})
            return redirect("programme:budget_detail", pk=entry.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Ghi nhận kinh phí"),
        cancel_url=reverse("programme:budget_list"),
        crumbs=_crumbs(),
        refused=refused,
    )


def _entry_to_manage(request: HttpRequest, pk: int) -> BudgetEntry:
    entry = selectors.budget_get(user=request.user, pk=pk)
    require_manage(request, entry.unit)
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_to_manage(request, pk)
    form = BudgetEntryForm(request.POST or None, user=request.user, entry=entry)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_entry_update(actor=request.user, entry=entry, **form.service_kwargs())
        except ServiceError as exc:
            form.add_error(None, refusal_text(exc))
            refused = True
            entry.refresh_from_db()
        else:
            messages.success(request, _("Đã lưu %(what)s.") % {"what": entry})
            return redirect("programme:budget_detail", pk=entry.pk)
    return form_page(
        request,
        form,
        template=FORM,
        title=_("Sửa khoản kinh phí"),
        cancel_url=reverse("programme:budget_detail", args=[entry.pk]),
        crumbs=_crumbs(entry),
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_to_manage(request, pk)
    return delete_page(
        request,
        title=_("Xóa khoản kinh phí"),
        question=_("Xóa %(what)s của %(unit)s? Việc xóa được ghi vào nhật ký.")
        % {"what": entry, "unit": entry.unit.name},
        cancel_url=reverse("programme:budget_detail", args=[entry.pk]),
        delete=lambda: services.budget_entry_delete(actor=request.user, entry=entry),
        done=_("Đã xóa khoản kinh phí."),
        then=reverse("programme:budget_list"),
        crumbs=_crumbs(entry),
    )


# ---- allocation versus spending ---------------------------------------------------------


def _year(raw: str | None) -> int:
    this_year = timezone.localdate().year
    if raw and raw.isdigit() and 1900 <= int(raw) <= this_year + 1:
        return int(raw)
    return this_year


@login_required
def budget_summary(request: HttpRequest) -> HttpResponse:
    """Allocated and spent per funding source for a unit and each unit one level down."""
    raw_unit = request.GET.get("unit", "")
    unit = selectors.summary_unit(request.user, int(raw_unit) if raw_unit.isdigit() else None)
    year = _year(request.GET.get("year"))
    summary = selectors.budget_summary(user=request.user, unit=unit, year=year)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return _export_summary(fmt, summary)
    form = SummaryForm(
        initial={"unit": unit.pk if unit else None, "year": str(year)},
        user=request.user,
        unit=unit,
    )
    query = f"unit={unit.pk}&year={year}" if unit else f"year={year}"
    context = {
        "summary": summary,
        "form": form,
        "query": query,
        "can_create": may_create(request),
    }
    partial = "programme/_summary_table.html"
    return render(
        request, partial if is_partial(request) else "programme/budget_summary.html", context
    )


def _share(cell: Cell) -> float | None:
    return round(cell.share, 1) if cell.share is not None else None


def _export_summary(fmt: str, summary: BudgetSummary) -> HttpResponse:
    headers = [
        _("Đơn vị"),
        _("Phạm vi"),
        _("Nguồn kinh phí"),
        _("Dự toán được giao (đồng)"),
        _("Thực chi (đồng)"),
        _("Tỷ lệ thực chi/dự toán (%)"),
        _("Chi vượt dự toán"),
    ]
    scope_label = {
        "total": _("Toàn đơn vị (gồm đơn vị trực thuộc)"),
        "own": _("Riêng cấp đơn vị"),
        "child": _("Đơn vị trực thuộc"),
    }
    rows: list[list[Any]] = []
    for row in summary.rows:
        for source, label in [*summary.source_labels, ("", _("Tổng các nguồn"))]:
            cell = row.cell(source) if source else row.total
            rows.append(
                [
                    row.label,
                    scope_label[row.kind],
                    label,
                    cell.allocated,
                    cell.spent,
                    _share(cell),
                    _("Có") if cell.over and cell.spent else "",
                ]
            )
    where = summary.unit.name if summary.unit else _("Toàn quốc")
    title = _("Dự toán và thực chi %(unit)s năm %(year)d") % {"unit": where, "year": summary.year}
    return table_download(fmt, title=title, headers=headers, rows=rows)


urlpatterns: list[URLPattern] = [
    path("budget/", budget_list, name="budget_list"),
    path("budget/new/", budget_create, name="budget_create"),
    path("budget/summary/", budget_summary, name="budget_summary"),
    path("budget/<int:pk>/", budget_detail, name="budget_detail"),
    path("budget/<int:pk>/edit/", budget_edit, name="budget_edit"),
    path("budget/<int:pk>/delete/", budget_delete, name="budget_delete"),
]
