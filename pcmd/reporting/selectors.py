"""Reads of the reporting app, scoped by the user's units."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.core.scoping import get_scoped_or_404, restrict
from pcmd.geo.models import AdministrativeUnit
from pcmd.reporting.exchange import LayoutRow
from pcmd.reporting.models import (
    DataElement,
    ElementDisaggregation,
    Form,
    FormElement,
    Report,
    ReportEvent,
    ReportState,
    ReportVersion,
    ValueKey,
    combos_of,
)


def form_list(*, active_only: bool = True) -> QuerySet[Form]:
    qs = Form.objects.select_related("reporter_agency_type")
    return qs.filter(active=True) if active_only else qs


def form_layout(form: Form) -> list[LayoutRow]:
    """Every input cell of the form in display order (disaggregated elements: one per cell)."""
    items = (
        FormElement.objects.filter(form=form)
        .select_related("section", "element")
        .prefetch_related(
            Prefetch(
                "element__elementdisaggregation_set",
                queryset=ElementDisaggregation.objects.select_related(
                    "disaggregation"
                ).prefetch_related("disaggregation__options"),
            )
        )
    )
    rows: list[LayoutRow] = []
    for item in items:
        element = item.element
        options = [
            list(link.disaggregation.options.all())
            for link in element.elementdisaggregation_set.all()
        ]
        for combo, combo_label in combos_of(options):
            rows.append(
                LayoutRow(
                    key=f"{element.code}.{combo}" if combo else element.code,
                    element_code=element.code,
                    combo_code=combo,
                    label=f"{element.name} – {combo_label}" if combo else element.name,
                    section=item.section.title,
                    value_type=element.value_type,
                )
            )
    return rows


def form_required_elements(form: Form) -> set[str]:
    return set(
        FormElement.objects.filter(form=form, required=True).values_list("element__code", flat=True)
    )


def value_key_ids() -> dict[str, int]:
    """Packing ids of value keys ("CODE" / "CODE.combo")."""
    qs = ValueKey.objects.select_related("element")
    return {vk.key: vk.pk for vk in qs}


def element_types() -> dict[str, str]:
    return dict(DataElement.objects.values_list("code", "value_type"))


def report_list(
    *,
    user: Any,
    form: Form | None = None,
    period: str | None = None,
    unit: AdministrativeUnit | None = None,
    state: str | None = None,
) -> QuerySet[Report]:
    """Reports of units in the user's scope, newest period first."""
    qs = restrict(Report.objects.select_related("form", "unit", "agency"), user)
    if form is not None:
        qs = qs.filter(form=form)
    if period:
        qs = qs.filter(period=period)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if state:
        qs = qs.filter(state=state)
    return qs


def report_get(*, user: Any, pk: int) -> Report:
    return get_scoped_or_404(
        Report.objects.select_related("form", "unit", "agency", "current_version"), user, pk=pk
    )


def report_find(*, user: Any, form: Form, unit: AdministrativeUnit, period: str) -> Report | None:
    return report_list(user=user, form=form, period=period).filter(unit=unit).first()


def report_current_version(report: Report) -> ReportVersion:
    """The version being edited or decided (every report has one from its creation)."""
    return ReportVersion.objects.get(pk=report.current_version_id or 0)


def report_versions(report: Report) -> QuerySet[ReportVersion]:
    return report.versions.select_related("created_by", "submitted_by", "decided_by").order_by(
        "-number"
    )


def report_events(report: Report) -> QuerySet[ReportEvent]:
    return report.events.select_related("user", "version").order_by("-id")


def _counted_before(report: Report) -> QuerySet[Report]:
    """The same unit's counted reports of the form for earlier periods, latest first."""
    return Report.objects.filter(
        form=report.form,
        unit=report.unit,
        agency=report.agency,
        period_end__lt=report.period_start,
        effective_version__isnull=False,
    ).order_by("-period_end")


def report_previous(report: Report) -> Report | None:
    """The unit's counted report of this form for the period before (for comparison)."""
    return _counted_before(report).select_related("effective_version").first()


def report_history_values(report: Report, limit: int = 6) -> list[dict[str, str]]:
    """The values of the unit's last counted reports of this form (for outlier checks)."""
    return list(_counted_before(report).values_list("effective_version__values", flat=True)[:limit])


def approval_queue(*, user: Any) -> QuerySet[Report]:
    """Submitted reports the user may decide: of units below the user's approval units."""
    qs = report_list(user=user, state=ReportState.SUBMITTED)
    ids = [r.pk for r in qs.select_related("unit__parent") if can_approve(user, r)]
    return qs.filter(pk__in=ids).order_by("due_date", "unit__path")


def can_enter(user: Any, report: Report) -> bool:
    return user_can(user, Perm.REPORT_ENTER, report.unit)


def can_approve(user: Any, report: Report) -> bool:
    """The level above decides: the approver's unit must contain the report's unit's parent."""
    from pcmd.accounts.selectors import is_system_admin

    parent = report.unit.parent
    if parent is None:
        return is_system_admin(user)
    return user_can(user, Perm.REPORT_APPROVE, parent)


def report_evidence(report: Report, pk: int) -> Any:
    """An attachment of any version of a report the caller already read through scope."""
    from pcmd.reporting.models import ReportEvidence

    evidence = ReportEvidence.objects.filter(pk=pk, version__report=report).first()
    if evidence is None:
        raise Http404
    return evidence
