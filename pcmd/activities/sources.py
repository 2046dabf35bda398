"""The activities' counts per unit, fed to the roll-up engine (analytics.sources).

Each function answers for records of one date span; the unit is the record's own (the
organising unit of a course, the unit of an activity or model). A course counts in the
span it ends in; staff counts are those of the span's last year.
"""

import datetime as dt
from collections.abc import Callable

from django.db.models import Count, Q, QuerySet, Sum

from pcmd.activities.models import (
    Audience,
    CommunicationActivity,
    Level,
    ParticipantCount,
    PilotModel,
    StaffCount,
    Training,
)
from pcmd.analytics.sources import SourceFn, register


def _per_unit(qs: QuerySet, value: str = "n") -> dict[int, float]:
    return {row["unit_id"]: float(row[value] or 0) for row in qs if row[value]}


# ---- trainings ----------------------------------------------------------------------------


def courses(start: dt.date, end: dt.date) -> dict[int, float]:
    """Courses ending in the span, per organising unit."""
    qs = Training.objects.filter(end__range=(start, end))
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")).order_by())


def _participants(start: dt.date, end: dt.date, level: str = "") -> dict[int, float]:
    qs = ParticipantCount.objects.filter(training__end__range=(start, end))
    if level:
        qs = qs.filter(level=level)
    rows = qs.values("training__unit_id").annotate(n=Sum("count")).order_by()
    return {row["training__unit_id"]: float(row["n"]) for row in rows if row["n"]}


def participants(start: dt.date, end: dt.date) -> dict[int, float]:
    """Participants (the sum of the count grids) of the courses ending in the span."""
    return _participants(start, end)


def participants_at(level: str) -> SourceFn:
    """Participants of one level (province, district, commune): staff trained by level."""

    def fn(start: dt.date, end: dt.date) -> dict[int, float]:
        return _participants(start, end, level)

    return fn


def _staff(start: dt.date, end: dt.date, level: str = "") -> dict[int, float]:
    qs = StaffCount.objects.filter(year=end.year)
    if level:
        qs = qs.filter(level=level)
    return _per_unit(qs.values("unit_id").annotate(n=Sum("count")).order_by())


def staff_total(start: dt.date, end: dt.date) -> dict[int, float]:
    """Staff counts entered for the span's (last) year, all levels."""
    return _staff(start, end)


def staff_total_at(level: str) -> SourceFn:
    def fn(start: dt.date, end: dt.date) -> dict[int, float]:
        return _staff(start, end, level)

    return fn


# ---- communication ------------------------------------------------------------------------


def _activities(start: dt.date, end: dt.date) -> QuerySet:
    return CommunicationActivity.objects.filter(date__range=(start, end))


def activities(start: dt.date, end: dt.date) -> dict[int, float]:
    """Activities held in the span (every form)."""
    return _per_unit(_activities(start, end).values("unit_id").annotate(n=Count("id")).order_by())


def media_items(start: dt.date, end: dt.date) -> dict[int, float]:
    """Media items (broadcasts, articles, posts...) of the span's activities."""
    qs = _activities(start, end).values("unit_id").annotate(n=Sum("media_items")).order_by()
    return _per_unit(qs)


def reach(start: dt.date, end: dt.date) -> dict[int, float]:
    """People reached by the span's activities (attendance: a person may count twice)."""
    return _per_unit(_activities(start, end).values("unit_id").annotate(n=Sum("reach")).order_by())


def reach_of(audience: str) -> SourceFn:
    def fn(start: dt.date, end: dt.date) -> dict[int, float]:
        qs = _activities(start, end).filter(audience=audience)
        return _per_unit(qs.values("unit_id").annotate(n=Sum("reach")).order_by())

    return fn


# ---- pilot models -------------------------------------------------------------------------


def pilot_models_operating(start: dt.date, end: dt.date) -> dict[int, float]:
    """Pilot models running at some time in the span (started by its end, not ended before
    its start)."""
    qs = PilotModel.objects.filter(Q(end__isnull=True) | Q(end__gte=start), start__lte=end)
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")).order_by())


SOURCES: dict[str, Callable[[dt.date, dt.date], dict[int, float]]] = {
    "trainings.courses": courses,
    "trainings.participants": participants,
    **{f"trainings.participants.{level}": participants_at(level) for level in Level.values},
    "trainings.staff_total": staff_total,
    **{f"trainings.staff_total.{level}": staff_total_at(level) for level in Level.values},
    "communication.activities": activities,
    "communication.media_items": media_items,
    "communication.reach": reach,
    **{f"communication.reach.{code}": reach_of(code) for code in Audience.values},
    "pilot_models.operating": pilot_models_operating,
}


def register_all() -> None:
    for name, fn in SOURCES.items():
        register(name, fn)
