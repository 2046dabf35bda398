"""The registries' counts per base unit, fed to the roll-up engine (analytics.sources).

Each function answers for records of one date span; the unit is the record's own
(the business's commune for inspections, the sanction's or tip's unit otherwise).
"""

import datetime as dt

from django.db.models import Count, F, Q, QuerySet, Sum

from pcmd.analytics.sources import phase_start, register
from pcmd.registries.models import Business, Inspection, Sanction, Tip, TipStatus


def _per_unit(qs: QuerySet, value: str = "n") -> dict[int, float]:
    return {row["unit_id"]: float(row[value] or 0) for row in qs}


def businesses_open(start: dt.date, end: dt.date) -> dict[int, float]:
    """Businesses in operation at some time in the span (suspended ones included)."""
    qs = Business.objects.filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=end),
        Q(closed_on__isnull=True) | Q(closed_on__gte=start),
    )
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")))


def _inspected(start: dt.date, end: dt.date) -> dict[int, float]:
    qs = Inspection.objects.filter(date__range=(start, end))
    return _per_unit(qs.values("unit_id").annotate(n=Count("business_id", distinct=True)))


def businesses_inspected(start: dt.date, end: dt.date) -> dict[int, float]:
    """Distinct businesses inspected in the span (for the year: choose the annual period)."""
    return _inspected(start, end)


def businesses_inspected_phase(start: dt.date, end: dt.date) -> dict[int, float]:
    """Distinct businesses inspected at least once from the phase's start to the span's end."""
    return _inspected(phase_start(end), end)


def businesses_with_violations(start: dt.date, end: dt.date) -> dict[int, float]:
    qs = Inspection.objects.filter(date__range=(start, end), violations_found__gt=0)
    return _per_unit(qs.values("unit_id").annotate(n=Count("business_id", distinct=True)))


def inspections(start: dt.date, end: dt.date) -> dict[int, float]:
    qs = Inspection.objects.filter(date__range=(start, end))
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")))


def violations(start: dt.date, end: dt.date) -> dict[int, float]:
    qs = Inspection.objects.filter(date__range=(start, end))
    return _per_unit(qs.values("unit_id").annotate(n=Sum("violations_found")))


def _sanctions(start: dt.date, end: dt.date) -> QuerySet:
    return Sanction.objects.filter(decision_date__range=(start, end))


def sanction_decisions(start: dt.date, end: dt.date) -> dict[int, float]:
    qs = _sanctions(start, end).exclude(decision_number="")
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")))


def fines(start: dt.date, end: dt.date) -> dict[int, float]:
    return _per_unit(_sanctions(start, end).values("unit_id").annotate(n=Sum("fine_vnd")))


def licence_suspensions(start: dt.date, end: dt.date) -> dict[int, float]:
    qs = _sanctions(start, end).filter(
        Q(licence_suspended_months__gt=0) | Q(licence_withdrawn=True)
    )
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")))


def criminal_referrals(start: dt.date, end: dt.date) -> dict[int, float]:
    qs = _sanctions(start, end).filter(criminal_referral=True)
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")))


def _tips(start: dt.date, end: dt.date) -> QuerySet:
    return Tip.objects.filter(received_at__date__range=(start, end))


def tips_received(start: dt.date, end: dt.date) -> dict[int, float]:
    return _per_unit(_tips(start, end).values("unit_id").annotate(n=Count("id")))


def tips_processed_on_time(start: dt.date, end: dt.date) -> dict[int, float]:
    """Tips received in the span and closed by their deadline."""
    qs = _tips(start, end).filter(status=TipStatus.CLOSED, closed_on__lte=F("deadline"))
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")))


def register_all() -> None:
    register("businesses.at_risk_open", businesses_open)
    register("inspections.businesses_inspected_year", businesses_inspected)
    register("inspections.businesses_inspected_phase", businesses_inspected_phase)
    register("inspections.businesses_with_violations", businesses_with_violations)
    register("inspections.count", inspections)
    register("inspections.violations", violations)
    register("inspections.sanction_decisions", sanction_decisions)
    register("inspections.fines_vnd", fines)
    register("inspections.licence_suspensions", licence_suspensions)
    register("inspections.criminal_referrals", criminal_referrals)
    register("tips.received", tips_received)
    register("tips.processed_on_time", tips_processed_on_time)
