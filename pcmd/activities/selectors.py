"""Reads of training courses, staff counts, communication activities and pilot models,
scoped by unit: every list is one `restrict` call, every object outside scope a 404."""

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import is_system_admin, user_units_with
from pcmd.activities.models import (
    CommunicationActivity,
    Participant,
    ParticipantCount,
    PilotModel,
    StaffCount,
    Training,
)
from pcmd.activities.services.common import RECORD_LEVELS
from pcmd.activities.services.trainings import Cell
from pcmd.core.scoping import get_scoped_or_404, restrict
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency

# ---- units --------------------------------------------------------------------------------


def manage_units(user: Any) -> QuerySet[AdministrativeUnit]:
    """Provinces, districts (of the past) and communes where the user may record activities."""
    qs = AdministrativeUnit.objects.filter(level__in=RECORD_LEVELS).select_related("parent")
    if getattr(user, "is_superuser", False) or is_system_admin(user):
        return qs.order_by("path")
    cond = Q(pk__in=[])
    for unit in user_units_with(user, Perm.ACTIVITY_MANAGE):
        cond |= Q(path__startswith=unit.path)
    return restrict(qs.filter(cond), user, unit_field="").order_by("path")


def may_record(user: Any) -> bool:
    """Whether the user may record activities anywhere (shows the "add" buttons)."""
    return bool(getattr(user, "is_superuser", False) or user_units_with(user, Perm.ACTIVITY_MANAGE))


def units_with_rows(*, user: Any, model_qs: QuerySet[Any]) -> QuerySet[AdministrativeUnit]:
    """Units in scope that hold rows of a list (a short filter list, not every commune)."""
    ids = restrict(model_qs, user).values("unit_id")
    return AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent").order_by("path")


def agencies_of(units: QuerySet[AdministrativeUnit]) -> QuerySet[Agency]:
    """Agencies of the given units (an organiser or a participant's agency is picked here)."""
    return (
        Agency.objects.filter(unit__in=units.values("pk"))
        .select_related("unit")
        .order_by("unit__path", "agency_type__order", "name")
    )


def agency_pick(*, user: Any, pk: int) -> Agency:
    """An agency of a unit in the user's scope, or 404."""
    return get_scoped_or_404(Agency.objects.select_related("unit"), user, pk=pk)


def _within(qs: QuerySet[Any], unit: AdministrativeUnit | None) -> QuerySet[Any]:
    return qs.filter(unit__path__startswith=unit.path) if unit is not None else qs


# ---- trainings ----------------------------------------------------------------------------


def _per_training(model: type[ParticipantCount] | type[Participant], field: str = "") -> Any:
    """A subquery: the sum of `field` (or the number) of the course's rows of `model`."""
    rows = model.objects.filter(training=OuterRef("pk")).order_by().values("training")
    return rows.annotate(n=Sum(field) if field else Count("id")).values("n")


def training_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    year: int | None = None,
    level: str = "",
    q: str = "",
) -> QuerySet[Training]:
    """Courses organised by units in the user's scope (of `unit` and below), latest first.
    Dates filter on the course's last day, as the indicators count them: ended in
    [start, end], ended in `year`."""
    qs = _within(
        restrict(
            Training.objects.select_related("unit", "organiser_agency").annotate(
                participant_total=Coalesce(Subquery(_per_training(ParticipantCount, "count")), 0),
                named_total=Coalesce(Subquery(_per_training(Participant)), 0),
            ),
            user,
        ),
        unit,
    ).order_by("-end", "-id")
    if start is not None:
        qs = qs.filter(end__gte=start)
    if end is not None:
        qs = qs.filter(end__lte=end)
    if year:
        qs = qs.filter(end__year=year)
    if level:
        qs = qs.filter(level=level)
    if q.strip():
        words = nfc(q)
        qs = qs.filter(Q(title__icontains=words) | Q(topics__icontains=words))
    return qs


def training_get(*, user: Any, pk: int) -> Training:
    """One course in the user's scope, or 404."""
    return get_scoped_or_404(
        Training.objects.select_related("unit", "unit__parent", "organiser_agency"), user, pk=pk
    )


def training_grid(training: Training) -> dict[Cell, int]:
    """The course's participant counts by (level, agency type, sex); absent cells are 0."""
    return {(c.level, c.agency_type, c.sex): c.count for c in training.counts.all()}


def training_participants(training: Training) -> QuerySet[Participant]:
    return training.participants.select_related("agency", "unit").order_by("full_name", "id")


def participant_get(*, training: Training, pk: int) -> Participant:
    """A named participant of a course the caller already read through scope, or 404."""
    return get_object_or_404(
        Participant.objects.select_related("training", "training__unit", "agency", "unit"),
        training=training,
        pk=pk,
    )


def training_totals(qs: QuerySet[Training]) -> dict[str, int]:
    """Courses and participants of a filtered list."""
    row = Training.objects.filter(pk__in=qs.values("pk")).aggregate(
        courses=Count("id", distinct=True), participants=Sum("counts__count")
    )
    return {"courses": row["courses"] or 0, "participants": int(row["participants"] or 0)}


# ---- staff counts -------------------------------------------------------------------------


def staff_count_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    year: int | None = None,
    level: str = "",
) -> QuerySet[StaffCount]:
    """Staff counts of units in the user's scope, by unit, latest year first."""
    qs = _within(restrict(StaffCount.objects.select_related("unit"), user), unit).order_by(
        "unit__path", "-year", "level"
    )
    if year:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(level=level)
    return qs


def staff_count_get(*, user: Any, pk: int) -> StaffCount:
    return get_scoped_or_404(StaffCount.objects.select_related("unit"), user, pk=pk)


# ---- communication activities ---------------------------------------------------------------


def communication_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    year: int | None = None,
    form: str = "",
    audience: str = "",
    q: str = "",
) -> QuerySet[CommunicationActivity]:
    """Activities of units in the user's scope (of `unit` and below), latest first."""
    qs = _within(
        restrict(CommunicationActivity.objects.select_related("unit"), user), unit
    ).order_by("-date", "-id")
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if year:
        qs = qs.filter(date__year=year)
    if form:
        qs = qs.filter(form=form)
    if audience:
        qs = qs.filter(audience=audience)
    if q.strip():
        qs = qs.filter(title__icontains=nfc(q))
    return qs


def communication_get(*, user: Any, pk: int) -> CommunicationActivity:
    return get_scoped_or_404(
        CommunicationActivity.objects.select_related("unit", "unit__parent"), user, pk=pk
    )


def communication_totals(qs: QuerySet[CommunicationActivity]) -> dict[str, int]:
    """Activities, people reached and media items of a filtered list."""
    row = qs.order_by().aggregate(n=Count("id"), reach=Sum("reach"), media=Sum("media_items"))
    return {
        "activities": row["n"] or 0,
        "reach": int(row["reach"] or 0),
        "media_items": int(row["media"] or 0),
    }


# ---- pilot models -------------------------------------------------------------------------


def pilot_model_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    kind: str = "",
    status: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    year: int | None = None,
    q: str = "",
) -> QuerySet[PilotModel]:
    """Pilot models of units in the user's scope; dates and year select those operating at
    some time in the span."""
    qs = _within(restrict(PilotModel.objects.select_related("unit"), user), unit).order_by(
        "unit__path", "-start", "id"
    )
    if year:
        start = max(start, dt.date(year, 1, 1)) if start else dt.date(year, 1, 1)
        end = min(end, dt.date(year, 12, 31)) if end else dt.date(year, 12, 31)
    if end is not None:
        qs = qs.filter(start__lte=end)
    if start is not None:
        qs = qs.filter(Q(end__isnull=True) | Q(end__gte=start))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        qs = qs.filter(name__icontains=nfc(q))
    return qs


def pilot_model_get(*, user: Any, pk: int) -> PilotModel:
    return get_scoped_or_404(PilotModel.objects.select_related("unit", "unit__parent"), user, pk=pk)
