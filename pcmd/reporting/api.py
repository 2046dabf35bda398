"""Reporting API: the catalogue, reports and their workflow, DHIS2-style data values,
analytics (indicator × unit × period) and completeness."""

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.analytics import selectors as analytics
from pcmd.analytics.engine import engine
from pcmd.core.errors import ServiceError
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.orgs.models import Agency
from pcmd.reporting import exchange, selectors
from pcmd.reporting.models import DataElement, Form, Indicator, Report
from pcmd.reporting.periods import PeriodError, parse_period
from pcmd.reporting.services import files as file_services
from pcmd.reporting.services import reports as services

router = Router(tags=["reporting"])


class ElementOut(Schema):
    code: str
    name_vi: str
    name_en: str
    value_type: str
    aggregation: str
    area: str


class IndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    kind: str
    area: str
    unit: str
    decimals: int
    direction: str
    numerator: str
    denominator: str
    factor: float


class FormOut(Schema):
    id: int
    code: str
    name_vi: str
    name_en: str
    period_type: str
    reporter_level: int | None
    reporter_agency_type: str | None
    due_rule: str
    cutoff: str
    cells: list[dict[str, str]]


class ReportOut(Schema):
    id: int
    form: str
    unit_id: int
    unit_name: str
    agency_id: int | None
    agency_name: str | None
    period: str
    due_date: dt.date
    state: str
    version: int
    revision: int
    values: dict[str, str]
    comments: dict[str, Any]
    narratives: dict[str, str]
    first_submitted_at: dt.datetime | None
    errors: dict[str, str]
    warnings: dict[str, str]
    missing: dict[str, str]


class ReportOpenIn(Schema):
    form: str
    unit_id: int
    period: str
    # Required for forms reported by agencies (an agency of the unit, of the form's type).
    agency_id: int | None = None


class ValuesIn(Schema):
    revision: int
    values: dict[str, str | int | float | bool | None] = {}
    comments: dict[str, str] = {}
    narratives: dict[str, str] = {}


class SubmitIn(Schema):
    revision: int | None = None


class DecisionIn(Schema):
    comment: str = ""


class VersionOut(Schema):
    number: int
    state: str
    values: dict[str, str]
    narratives: dict[str, str]
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_comment: str


class Problem(Schema):
    detail: str


def _report_out(report: Report) -> dict[str, Any]:
    version = selectors.report_current_version(report)
    check = services.report_check(report, version)
    return {
        "id": report.pk,
        "form": report.form.code,
        "unit_id": report.unit_id,
        "unit_name": report.unit.name,
        "agency_id": report.agency_id,
        "agency_name": report.agency.name if report.agency else None,
        "period": report.period,
        "due_date": report.due_date,
        "state": report.state,
        "version": version.number,
        "revision": version.revision,
        "values": version.values,
        "comments": version.comments,
        "narratives": version.narratives,
        "first_submitted_at": report.first_submitted_at,
        "errors": check.errors,
        "warnings": check.warnings,
        "missing": check.missing,
    }


@router.get("/data-elements", response=list[ElementOut])
def element_list(request: HttpRequest) -> Any:
    return DataElement.objects.all()


@router.get("/indicators", response=list[IndicatorOut])
def indicator_list(request: HttpRequest) -> Any:
    return Indicator.objects.filter(active=True)


@router.get("/forms", response=list[FormOut])
def form_list(request: HttpRequest) -> Any:
    return [
        {
            **{
                f: getattr(form, f)
                for f in (
                    "code",
                    "name_vi",
                    "name_en",
                    "period_type",
                    "reporter_level",
                    "due_rule",
                    "cutoff",
                )
            },
            "id": form.pk,
            "reporter_agency_type": (
                form.reporter_agency_type.code if form.reporter_agency_type else None
            ),
            "cells": [
                {"key": r.key, "label": r.label, "section": r.section, "value_type": r.value_type}
                for r in selectors.form_layout(form)
            ],
        }
        for form in selectors.form_list()
    ]


class ReportListOut(Schema):
    id: int
    form: str
    unit_id: int
    unit_name: str
    agency_id: int | None
    agency_name: str | None
    period: str
    due_date: dt.date
    state: str


class ReportFilter(Schema):
    form: str | None = None
    period: str | None = None
    unit_id: int | None = None
    state: Literal["draft", "submitted", "approved", "returned"] | None = None


@router.get("/reports", response=list[ReportListOut])
@paginate(LimitOffsetPagination)
def report_list(request: HttpRequest, filters: Query[ReportFilter]) -> Any:
    form = get_object_or_404(Form, code=filters.form) if filters.form else None
    unit = None
    if filters.unit_id is not None:
        unit = analytics.analytics_unit(request.user, filters.unit_id)
    qs = selectors.report_list(
        user=request.user, form=form, period=filters.period, unit=unit, state=filters.state
    )
    return [
        {
            "id": r.pk,
            "form": r.form.code,
            "unit_id": r.unit_id,
            "unit_name": r.unit.name,
            "agency_id": r.agency_id,
            "agency_name": r.agency.name if r.agency else None,
            "period": r.period,
            "due_date": r.due_date,
            "state": r.state,
        }
        for r in qs
    ]


@router.post("/reports", response={201: ReportOut})
def report_open(request: HttpRequest, payload: ReportOpenIn) -> Any:
    form = get_object_or_404(Form, code=payload.form, active=True)
    unit = analytics.analytics_unit(request.user, payload.unit_id)
    if unit is None:
        raise Http404
    agency = None
    if payload.agency_id is not None:
        # Only the unit's own agencies: the unit has been scoped above.
        agency = get_object_or_404(Agency, pk=payload.agency_id, unit=unit)
    report = services.report_open(
        actor=request.user, form=form, unit=unit, period=payload.period, agency=agency
    )
    return Status(201, _report_out(report))


@router.get("/reports/{report_id}", response=ReportOut)
def report_get(request: HttpRequest, report_id: int) -> Any:
    return _report_out(selectors.report_get(user=request.user, pk=report_id))


@router.patch("/reports/{report_id}/values", response={200: ReportOut, 409: Problem})
def report_values(request: HttpRequest, report_id: int, payload: ValuesIn) -> Any:
    """Save values into the draft; a stale `revision` answers 409 and changes nothing."""
    report = selectors.report_get(user=request.user, pk=report_id)
    result = services.report_save(
        actor=request.user,
        report=report,
        revision=payload.revision,
        values=payload.values,
        comments=payload.comments,
        narratives=payload.narratives,
    )
    return _report_out(result.report)


@router.post("/reports/{report_id}/submit", response={200: ReportOut, 409: Problem})
def report_submit(request: HttpRequest, report_id: int, payload: Body[SubmitIn]) -> Any:
    """Submit; submitting an already submitted report changes nothing (safe to retry)."""
    report = selectors.report_get(user=request.user, pk=report_id)
    return _report_out(
        services.report_submit(actor=request.user, report=report, revision=payload.revision)
    )


@router.post("/reports/{report_id}/approve", response=ReportOut)
def report_approve(request: HttpRequest, report_id: int, payload: Body[DecisionIn]) -> Any:
    report = selectors.report_get(user=request.user, pk=report_id)
    return _report_out(
        services.report_approve(actor=request.user, report=report, comment=payload.comment)
    )


@router.post("/reports/{report_id}/return", response=ReportOut)
def report_return(request: HttpRequest, report_id: int, payload: Body[DecisionIn]) -> Any:
    report = selectors.report_get(user=request.user, pk=report_id)
    return _report_out(
        services.report_return(actor=request.user, report=report, comment=payload.comment)
    )


@router.post("/reports/{report_id}/reopen", response=ReportOut)
def report_reopen(request: HttpRequest, report_id: int, payload: Body[DecisionIn]) -> Any:
    report = selectors.report_get(user=request.user, pk=report_id)
    return _report_out(
        services.report_reopen(actor=request.user, report=report, reason=payload.comment)
    )


@router.get("/reports/{report_id}/versions", response=list[VersionOut])
def report_versions(request: HttpRequest, report_id: int) -> Any:
    return selectors.report_versions(selectors.report_get(user=request.user, pk=report_id))


class ValueSetQuery(Schema):
    period: str
    unit_id: int | None = None
    form: str | None = None
    children: bool = False


@router.get("/dataValueSets")
def data_values_read(request: HttpRequest, q: Query[ValueSetQuery]) -> HttpResponse:
    """Counted (submitted or approved) values as DHIS2 dataValueSets JSON: of the unit, or
    with `children=true` of every reporting unit below it."""
    try:
        period = parse_period(q.period).code
    except PeriodError as exc:
        raise ServiceError(str(exc)) from exc
    unit = analytics.analytics_unit(request.user, q.unit_id)
    # Unit reports only: DHIS2 would need attribute combos to tell agencies apart.
    reports = selectors.report_list(user=request.user, period=period).filter(
        effective_version__isnull=False, agency__isnull=True
    )
    if q.form:
        reports = reports.filter(form__code=q.form)
    if unit is not None:
        reports = (
            reports.filter(unit__path__startswith=unit.path)
            if q.children
            else reports.filter(unit=unit)
        )
    rows: list[exchange.ValueRow] = []
    for report in reports.select_related("effective_version", "unit"):
        assert report.effective_version is not None
        for key, value in report.effective_version.values.items():
            code, _sep, combo = key.partition(".")
            rows.append(exchange.ValueRow(code, report.period, report.unit.code, combo, value))
    content = exchange.write_dhis2_json(
        rows, data_set=q.form or "", period=period, org_unit=unit.code if unit else ""
    )
    return HttpResponse(content, content_type="application/json")


class ImportOut(Schema):
    reports: int
    values: int


@router.post("/dataValueSets", response=ImportOut)
def data_values_write(request: HttpRequest) -> Any:
    """Import DHIS2 dataValueSets (JSON body, or CSV with Content-Type text/csv) into draft
    reports; any error refuses the whole request (422, each error named by row)."""
    suffix = ".csv" if "csv" in (request.content_type or "") else ".json"
    result = file_services.values_import(actor=request.user, data=request.body, suffix=suffix)
    return {"reports": result.reports, "values": result.values}


class AnalyticsQuery(Schema):
    indicator: str
    period: str
    unit_id: int | None = None
    level: Literal["unit", "children", "province", "district", "commune"] = "unit"


class AnalyticsRow(Schema):
    indicator: str
    unit_id: int | None
    unit_name: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    status: str


@router.get("/analytics", response=list[AnalyticsRow])
def analytics_read(request: HttpRequest, q: Query[AnalyticsQuery]) -> Any:
    """Indicators (comma-separated codes) for a unit (None = the country, for national
    users), its children, or every unit of a level below it, in one period."""
    try:
        period = parse_period(q.period)
    except PeriodError as exc:
        raise ServiceError(str(exc)) from exc
    unit = analytics.analytics_unit(request.user, q.unit_id)
    units: list[AdministrativeUnit | None]
    if q.level == "unit":
        units = [unit]
    elif q.level == "children":
        units = list(analytics.children(unit, period))
    else:
        level = {
            "province": UnitLevel.PROVINCE,
            "district": UnitLevel.DISTRICT,
            "commune": UnitLevel.COMMUNE,
        }[q.level]
        qs = AdministrativeUnit.objects.filter(valid_at(period.end), level=level)
        units = list(qs.filter(path__startswith=unit.path) if unit else qs)
    codes = [c.strip() for c in q.indicator.split(",") if c.strip()]
    indicators = list(Indicator.objects.filter(code__in=codes))
    if len(indicators) != len(set(codes)):
        raise ServiceError(_("Không có chỉ tiêu thống kê mã %(c)s.") % {"c": q.indicator})
    targets = analytics.targets_for(units, period.year, codes)
    out = []
    for indicator in indicators:
        figures = engine().values(indicator, period, [u.pk if u else None for u in units])
        for u, figure in zip(units, figures, strict=True):
            target = targets[u.pk if u else None].get(indicator.code)
            status, _ratio = analytics.judge(figure.value, target, period)
            out.append(
                {
                    "indicator": indicator.code,
                    "unit_id": u.pk if u else None,
                    "unit_name": u.name if u else "",
                    "period": period.code,
                    "value": figure.value,
                    "numerator": figure.numerator,
                    "denominator": figure.denominator,
                    "target": float(target.value) if target else None,
                    "status": str(status),
                }
            )
    return out


class CompletenessQuery(Schema):
    form: str
    period: str
    unit_id: int | None = None


class CompletenessOut(Schema):
    unit_id: int | None
    unit_name: str
    expected: int
    received: int
    on_time: int
    late: int
    missing: int


@router.get("/completeness", response=list[CompletenessOut])
def completeness_read(request: HttpRequest, q: Query[CompletenessQuery]) -> Any:
    """The unit's row first, then one per child unit."""
    form = get_object_or_404(Form, code=q.form)
    try:
        period = parse_period(q.period)
    except PeriodError as exc:
        raise ServiceError(str(exc)) from exc
    unit = analytics.analytics_unit(request.user, q.unit_id)
    total, rows = analytics.completeness(unit, form, period)
    return [
        {
            "unit_id": r.unit.pk if r.unit else None,
            "unit_name": r.unit.name if r.unit else "",
            "expected": r.expected,
            "received": r.received,
            "on_time": r.on_time,
            "late": r.late,
            "missing": r.missing,
        }
        for r in [total, *rows]
    ]
