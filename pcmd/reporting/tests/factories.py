"""Reports for tests, made through the services so versions, events and audit are real."""

from collections.abc import Mapping
from typing import Any

from pcmd.geo.models import AdministrativeUnit
from pcmd.reporting import selectors
from pcmd.reporting.models import Form, Report, ReportState
from pcmd.reporting.services import reports as services

FORM = "PCMD_PERIODIC"

# A complete, consistent set of the standard form's required values.
BASE_VALUES: dict[str, str] = {
    "AWARENESS_ACTIVITIES.residents": "3",
    "MEDIA_ITEMS": "6",
    "BUSINESS_WORKERS_TOTAL": "40",
    "BUSINESS_WORKERS_REACHED": "30",
    "HAS_PCMD_PLAN": "true",
    "INTEGRATES_PCMD": "true",
    "TIPS_RECEIVED": "4",
    "TIPS_PROCESSED_ON_TIME": "4",
    "AT_RISK_BUSINESSES.karaoke": "6",
    "AT_RISK_BUSINESSES.hotel_guest_house": "4",
    "BUSINESSES_INSPECTED": "5",
    "BUSINESSES_INSPECTED_PHASE": "7",
    "INSPECTIONS_CONDUCTED": "6",
    "VIOLATIONS_FOUND": "2",
    "VIOLATIONS_HANDLED": "2",
    "SANCTIONS_DECIDED.police": "1",
    "FINES_VND": "7500000",
    "LICENCE_SUSPENSIONS": "0",
    "HOTSPOTS_DISMANTLED": "0",
    "SEX_WORKERS_WITH_NEEDS.female": "3",
    "SEX_WORKERS_REACHED.female": "2",
    "HAS_SUPPORT_ACTIVITIES": "false",
    "TRAINING_COURSES": "1",
    "STAFF_TOTAL.commune": "10",
    "STAFF_TRAINED.commune": "6",
    "HEALTHY_COMMUNES_NEW": "0",
    "HEALTHY_COMMUNES_MAINTAINED": "1",
}
NARRATIVES = {"results": "Kết quả chính của kỳ.", "difficulties": "", "proposals": ""}


def standard_form() -> Form:
    return Form.objects.get(code=FORM)


def make_report(
    unit: AdministrativeUnit,
    period: str,
    *,
    actor: Any = None,
    values: Mapping[str, str] | None = None,
    state: str = ReportState.DRAFT,
    approver: Any = None,
) -> Report:
    """A report of the standard form, saved with BASE_VALUES (updated by `values`) and taken
    to `state` (submitted or approved through the services)."""
    report = services.report_open(actor=actor, form=standard_form(), unit=unit, period=period)
    version = selectors.report_current_version(report)
    services.report_save(
        actor=actor,
        report=report,
        revision=version.revision,
        values={**BASE_VALUES, **(values or {})},
        narratives=NARRATIVES,
    )
    if state in (ReportState.SUBMITTED, ReportState.APPROVED):
        report = services.report_submit(actor=actor, report=report)
    if state == ReportState.APPROVED:
        report = services.report_approve(actor=approver, report=report)
    report.refresh_from_db()
    return report
