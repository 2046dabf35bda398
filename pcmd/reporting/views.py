"""Report pages: list, open, data entry with autosave, submit, approve or return, correct,
versions, evidence, file import and export, the approval queue."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_units_with
from pcmd.core.errors import ServiceError, refusal_text
from pcmd.core.text import in_language
from pcmd.geo.models import AdministrativeUnit, UnitLevel
from pcmd.reporting import selectors
from pcmd.reporting.exchange import LayoutRow, table_download
from pcmd.reporting.forms import OpenReportForm, ReportFilterForm
from pcmd.reporting.models import Report, ReportState, ReportVersion
from pcmd.reporting.periods import CutOff, data_window, parse_period
from pcmd.reporting.services import files as file_services
from pcmd.reporting.services import reports as services


def dom_id(key: str) -> str:
    """An HTML id for a value key ("A.b-c" → "v-A__b-c")."""
    return "v-" + key.replace(".", "__")


def display(value: str, value_type: str) -> str:
    """A stored value as people read it: 1.234,5 in Vietnamese, Có/Không for yes/no."""
    if value == "" or value_type == "text":
        return value
    if value_type == "boolean":
        return _("Có") if value == "true" else _("Không")
    try:
        return number_format(Decimal(value), use_l10n=True, force_grouping=True)
    except InvalidOperation:
        return value  # kept as typed (it did not parse)


@dataclass
class Cell:
    row: LayoutRow
    value: str
    previous: str
    error: str = ""
    warning: str = ""
    comment: str = ""
    pending: bool = False

    @property
    def dom_id(self) -> str:
        return dom_id(self.row.key)

    @property
    def shown(self) -> str:
        return self.value if self.pending else display(self.value, self.row.value_type)

    @property
    def previous_shown(self) -> str:
        return display(self.previous, self.row.value_type)

    @property
    def numeric(self) -> bool:
        return self.row.value_type in ("integer", "decimal")


def _entry_units(user: Any) -> list[AdministrativeUnit]:
    units = user_units_with(user, Perm.REPORT_ENTER)
    return list(
        AdministrativeUnit.objects.filter(
            pk__in=[u.pk for u in units], level__lte=UnitLevel.COMMUNE
        )
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    filters = ReportFilterForm(request.GET or None)
    kwargs: dict[str, Any] = {}
    if filters.is_valid():
        kwargs = {k: v for k, v in filters.cleaned_data.items() if v}
    reports = selectors.report_list(user=request.user, **kwargs)
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export_reports(request.GET["export"], reports)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    opener = OpenReportForm(units=_entry_units(request.user), auto_id="open_%s")
    template = (
        "reporting/_report_rows.html"
        if getattr(request, "htmx", False)
        else "reporting/report_list.html"
    )
    return render(request, template, {"filters": filters, "page": page, "opener": opener})


def _export_reports(fmt: str, reports: Any) -> HttpResponse:
    headers = [
        _("Kỳ"),
        _("Đơn vị"),
        _("Mã đơn vị"),
        _("Cơ quan báo cáo"),
        _("Biểu mẫu"),
        _("Hạn gửi"),
        _("Gửi lần đầu"),
        _("Đúng hạn"),
        _("Trạng thái"),
    ]
    rows = [
        [
            r.period,
            r.unit.name,
            r.unit.code,
            r.agency.name if r.agency else "",
            r.form.name,
            r.due_date,
            r.first_submitted_at.date() if r.first_submitted_at else None,
            r.on_time,
            r.get_state_display(),
        ]
        for r in reports[:100000]
    ]
    return table_download(fmt, title=_("Báo cáo định kỳ"), headers=headers, rows=rows)


@login_required
@require_POST
def report_open(request: HttpRequest) -> HttpResponse:
    opener = OpenReportForm(request.POST, units=_entry_units(request.user), auto_id="open_%s")
    if opener.is_valid():
        try:
            report = services.report_open(actor=request.user, **opener.cleaned_data)
        except ServiceError as exc:
            opener.add_error(None, exc.messages)
        else:
            return redirect("reporting:detail", pk=report.pk)
    page = Paginator(selectors.report_list(user=request.user), 50).get_page(1)
    return render(
        request,
        "reporting/report_list.html",
        {"filters": ReportFilterForm(), "page": page, "opener": opener},
        status=400,
    )


def _cells(
    report: Report,
    version: ReportVersion,
    check: services.Check | None,
    *,
    show_missing: bool = False,
) -> list[tuple[str, list[Cell]]]:
    previous = selectors.report_previous(report)
    prev_values = (
        previous.effective_version.values if previous and previous.effective_version else {}
    )
    pending = version.comments.get("_pending", {})
    sections: list[tuple[str, list[Cell]]] = []
    flagged: set[str] = set()  # an element's own message goes on its first cell only
    for row in selectors.form_layout(report.form):
        cell = Cell(
            row=row,
            value=pending.get(row.key, version.values.get(row.key, "")),
            pending=row.key in pending,
            previous=prev_values.get(row.key, ""),
            comment=version.comments.get(row.key, ""),
        )
        if check is not None:
            first = row.element_code not in flagged
            flagged.add(row.element_code)
            by_element = {**(check.missing if show_missing else {}), **check.errors}
            cell.error = check.errors.get(row.key) or (
                by_element.get(row.element_code, "") if first else ""
            )
            cell.warning = check.warnings.get(row.key) or (
                check.warnings.get(row.element_code, "") if first else ""
            )
        if not sections or sections[-1][0] != row.section:
            sections.append((row.section, []))
        sections[-1][1].append(cell)
    return sections


def _detail_context(request: HttpRequest, report: Report, **extra: Any) -> dict[str, Any]:
    version = report.current_version
    assert version is not None
    editable = report.state in (ReportState.DRAFT, ReportState.RETURNED) and selectors.can_enter(
        request.user, report
    )
    check = services.report_check(report, version)
    show_missing = bool(extra.get("refusal"))
    narratives = [
        {
            **n,
            "label": in_language(n["label_vi"], n.get("label_en", "")),
            "value": version.narratives.get(n["code"], ""),
            "error": check.missing.get(f"narrative:{n['code']}", "") if show_missing else "",
        }
        for n in report.form.narratives
    ]
    return {
        "report": report,
        "version": version,
        "sections": _cells(report, version, check, show_missing=show_missing),
        "narratives": narratives,
        "check": check,
        "required": selectors.form_required_elements(report.form),
        "period_label": parse_period(report.period).label(),
        "data_window": data_window(parse_period(report.period), CutOff(report.form.cutoff)),
        "editable": editable,
        "can_approve": report.state == ReportState.SUBMITTED
        and selectors.can_approve(request.user, report),
        "can_reopen": report.state == ReportState.APPROVED
        and selectors.can_enter(request.user, report),
        "versions": selectors.report_versions(report),
        "events": selectors.report_events(report)[:20],
        "evidence": version.evidence.all(),
        **extra,
    }


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    refusal = request.session.pop(REFUSAL_KEY, None)
    extra = {"refusal": refusal["messages"]} if refusal and refusal.get("pk") == report.pk else {}
    return render(
        request, "reporting/report_detail.html", _detail_context(request, report, **extra)
    )


def _values_from_post(
    request: HttpRequest, report: Report
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """What the page sends, less the cells still showing what is stored: the page sends
    every cell, and re-reading an unchanged, locally formatted number could alter it."""
    version = selectors.report_current_version(report)
    types = {row.key: row.value_type for row in selectors.form_layout(report.form)}
    pending = version.comments.get("_pending", {})
    values = {
        key: raw
        for key, raw in ((k[2:], str(v)) for k, v in request.POST.items() if k.startswith("v:"))
        if raw != pending.get(key, display(version.values.get(key, ""), types.get(key, "text")))
    }
    comments = {k[2:]: str(v) for k, v in request.POST.items() if k.startswith("c:")}
    narratives = {k[2:]: str(v) for k, v in request.POST.items() if k.startswith("n:")}
    return values, comments, narratives


def _revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError as exc:
        raise ServiceError(_("Thiếu số phiên bản của bản nháp; hãy tải lại trang.")) from exc


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx) or the Save button: the typed values go into the draft."""
    report = selectors.report_get(user=request.user, pk=pk)
    values, comments, narratives = _values_from_post(request, report)
    try:
        result = services.report_save(
            actor=request.user,
            report=report,
            revision=_revision(request),
            values=values,
            comments=comments,
            narratives=narratives,
        )
    except services.ReportConflict as exc:
        return render(
            request, "reporting/_save_status.html", {"conflict": refusal_text(exc)}, status=409
        )
    except ServiceError as exc:
        return render(
            request, "reporting/_save_status.html", {"refused": refusal_text(exc)}, status=400
        )
    if not getattr(request, "htmx", False):
        messages.success(request, _("Đã lưu bản nháp."))
        return redirect("reporting:detail", pk=report.pk)
    context = _detail_context(request, result.report, saved=True)
    context["check"] = result.check
    context["sections"] = _cells(result.report, result.version, result.check)
    return render(request, "reporting/_save_status.html", context)


REFUSAL_KEY = "pcmd_report_refusal"


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what the page holds and send it. A refusal goes back to the report's own page
    (not a page at the submit address), with the reasons and the cells to fix marked."""
    report = selectors.report_get(user=request.user, pk=pk)
    values, comments, narratives = _values_from_post(request, report)
    try:
        if values or comments or narratives:
            services.report_save(
                actor=request.user,
                report=report,
                revision=_revision(request),
                values=values,
                comments=comments,
                narratives=narratives,
            )
            report.refresh_from_db()
        services.report_submit(actor=request.user, report=report)
    except ServiceError as exc:
        request.session[REFUSAL_KEY] = {"pk": report.pk, "messages": exc.messages}
        return redirect("reporting:detail", pk=report.pk)
    messages.success(request, _("Đã gửi báo cáo lên cấp trên."))
    return redirect("reporting:detail", pk=report.pk)


def _decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "approve":
            services.report_approve(actor=request.user, report=report, comment=comment)
            messages.success(request, _("Đã duyệt báo cáo."))
        elif action == "return":
            services.report_return(actor=request.user, report=report, comment=comment)
            messages.success(request, _("Đã trả lại báo cáo cho đơn vị."))
        else:
            services.report_reopen(actor=request.user, report=report, reason=comment)
            messages.success(request, _("Đã mở bản đính chính; bản đã duyệt vẫn được giữ."))
    except ServiceError as exc:
        return render(
            request,
            "reporting/report_detail.html",
            _detail_context(request, report, refusal=exc.messages),
            status=400,
        )
    return redirect("reporting:detail", pk=report.pk)


@login_required
@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "approve")


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "return")


@login_required
@require_POST
def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "reopen")


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    version = report.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "reporting/version_detail.html",
        {"report": report, "version": version, "sections": _cells(report, version, None)},
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ServiceError(_("Chưa chọn tệp."))
        services.evidence_add(actor=request.user, report=report, upload=upload)
    except ServiceError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("reporting:detail", pk=report.pk)
    messages.success(request, _("Đã đính kèm tệp."))
    return redirect("reporting:detail", pk=report.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    evidence = selectors.report_evidence(report, evidence_pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@login_required
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    if fmt not in file_services.REPORT_FORMATS:
        raise Http404
    content, content_type, filename = file_services.report_file(report, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill the draft from a file (the form's Excel workbook, DHIS2 JSON or CSV)."""
    report = selectors.report_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ServiceError(_("Chưa chọn tệp."))
        count = file_services.report_fill_from_file(
            actor=request.user, report=report, upload=upload
        )
    except ServiceError as exc:
        report.refresh_from_db()
        return render(
            request,
            "reporting/report_detail.html",
            _detail_context(request, report, refusal=exc.messages),
            status=400,
        )
    messages.success(request, _("Đã nhập %(n)s giá trị từ tệp.") % {"n": count})
    return redirect("reporting:detail", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulk_import(request: HttpRequest) -> HttpResponse:
    """DHIS2 dataValueSets for many units and periods at once; any error imports nothing."""
    result = None
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError(_("Chưa chọn tệp."))
            result = file_services.values_import(actor=request.user, upload=upload)
        except ServiceError as exc:
            errors = exc.messages
            status = 400
    return render(
        request, "reporting/bulk_import.html", {"result": result, "errors": errors}, status=status
    )


@login_required
def approval_queue(request: HttpRequest) -> HttpResponse:
    reports = selectors.approval_queue(user=request.user)
    return render(request, "reporting/approvals.html", {"reports": reports})
