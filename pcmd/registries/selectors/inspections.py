"""Reads of inspection teams, inspection plans, inspections and sanctions, scoped by unit.

Teams and plans belong to the team's unit; inspections and sanctions to the commune of the
business (copied onto the row), so every list is one `restrict` call.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pcmd.core.scoping import get_scoped_or_404, restrict, scope_for
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.geo.selectors import unit_predecessors, unit_successors
from pcmd.registries.models import (
    Business,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    Sanction,
    SanctionDecree,
    TeamMember,
)

# ---- units the pages and the API pick from ---------------------------------------------


def units_on(unit: AdministrativeUnit, at: dt.date) -> list[AdministrativeUnit]:
    """The unit(s) standing for `unit` on `at`: itself while valid, else the units it took
    over (a current commune on a 2024 date) or those that carry it on (an old one later)."""
    if unit.is_valid_on(at):
        return [unit]
    if unit.valid_from and at < unit.valid_from:
        return list(unit_predecessors(unit, at))
    return list(unit_successors(unit, at))


def unit_covers(outer: AdministrativeUnit, unit: AdministrativeUnit, at: dt.date) -> bool:
    """True when `unit` (or what stood for it on `at`) lies in `outer`: whether a team of
    `outer` may inspect a business recorded under `unit` on that date."""
    if outer.contains(unit):
        return True
    return any(outer.contains(u) for u in units_on(unit, at))


# ---- teams and members ------------------------------------------------------------------


def _ancestor_ids_of_scope(user: Any) -> list[int]:
    """Ids of the units above the user's own units: their teams may act in the user's area."""
    scope = scope_for(user)
    ids: set[int] = set()
    for path in scope.paths:
        ids.update(int(part) for part in path.strip("/").split("/")[:-1] if part)
    return sorted(ids)


def team_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    at: dt.date | None = None,
    q: str = "",
) -> QuerySet[InspectionTeam]:
    """Teams of units in the user's scope; of `unit` and below, valid on `at`, named like `q`."""
    qs = (
        restrict(InspectionTeam.objects.select_related("unit"), user)
        .annotate(member_count=Count("members", distinct=True))
        .order_by("unit__path", "-valid_from", "pk")
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if at is not None:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at), valid_from__lte=at)
    if q.strip():
        qs = qs.filter(name__icontains=nfc(q))
    return qs


def team_get(*, user: Any, pk: int) -> InspectionTeam:
    """One team in the user's scope, or 404."""
    return get_scoped_or_404(
        InspectionTeam.objects.select_related("unit", "unit__parent"), user, pk=pk
    )


def team_choices(*, user: Any) -> QuerySet[InspectionTeam]:
    """Teams the user may name on an inspection or a plan: those of the user's units and
    below, and those of the units above (a province team inspects a commune's business)."""
    scope = scope_for(user)
    qs = InspectionTeam.objects.select_related("unit")
    if scope.everything:
        return qs
    return qs.filter(scope.q("unit") | Q(unit_id__in=_ancestor_ids_of_scope(user)))


def team_pick(*, user: Any, pk: int) -> InspectionTeam:
    """A team from team_choices, or 404."""
    return get_object_or_404(team_choices(user=user), pk=pk)


def team_members(team: InspectionTeam) -> QuerySet[TeamMember]:
    return team.members.select_related("agency").order_by("role", "full_name")


def member_get(*, team: InspectionTeam, pk: int) -> TeamMember:
    """A member of a team the caller already read through scope, or 404."""
    return get_object_or_404(TeamMember.objects.select_related("agency", "team"), team=team, pk=pk)


def members_valid_on(team: InspectionTeam, at: dt.date) -> QuerySet[TeamMember]:
    """The team's members on `at` (open dates: the team's own validity)."""
    return team_members(team).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=at),
        Q(valid_to__isnull=True) | Q(valid_to__gte=at),
    )


def member_is_valid_on(member: TeamMember, at: dt.date) -> bool:
    return (member.valid_from is None or member.valid_from <= at) and (
        member.valid_to is None or member.valid_to >= at
    )


# ---- inspection plans -------------------------------------------------------------------


def plan_list(
    *,
    user: Any,
    team: InspectionTeam | None = None,
    unit: AdministrativeUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    q: str = "",
) -> QuerySet[InspectionPlan]:
    """Plans of teams in the user's scope; overlapping [start, end] when given."""
    qs = (
        restrict(
            InspectionPlan.objects.select_related("team", "team__unit"),
            user,
            unit_field="team__unit",
        )
        .annotate(
            business_count=Count("businesses", distinct=True),
            inspection_count=Count("inspections", distinct=True),
        )
        .order_by("-start", "-pk")
    )
    if team is not None:
        qs = qs.filter(team=team)
    if unit is not None:
        qs = qs.filter(team__unit__path__startswith=unit.path)
    if start is not None:
        qs = qs.filter(end__gte=start)
    if end is not None:
        qs = qs.filter(start__lte=end)
    if q.strip():
        qs = qs.filter(title__icontains=nfc(q))
    return qs


def plan_get(*, user: Any, pk: int) -> InspectionPlan:
    """One plan of a team in the user's scope, or 404."""
    return get_scoped_or_404(
        InspectionPlan.objects.select_related("team", "team__unit"),
        user,
        unit_field="team__unit",
        pk=pk,
    )


def plan_pick(*, user: Any, pk: int) -> InspectionPlan:
    """A plan of a team from team_choices (an inspection may follow a province's plan)."""
    teams = team_choices(user=user).values("pk")
    return get_object_or_404(
        InspectionPlan.objects.select_related("team", "team__unit").filter(team__in=teams), pk=pk
    )


def plan_businesses(plan: InspectionPlan) -> QuerySet[Business]:
    return plan.businesses.select_related("unit").order_by("unit__path", "name_folded")


# ---- inspections ------------------------------------------------------------------------

VIOLATION_Q = Q(violations_found__gt=0)


class FollowUp:
    """Values of the follow-up filter."""

    DUE = "due"  # a follow-up date is set and no follow-up is recorded yet
    OVERDUE = "overdue"  # ... and the date has passed


def _follow_up_pending(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    later = Inspection.objects.filter(follow_up_of=OuterRef("pk"))
    return qs.filter(follow_up_due__isnull=False).exclude(Exists(later))


def inspection_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    team: InspectionTeam | None = None,
    business: Business | None = None,
    plan: InspectionPlan | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    with_violations: bool | None = None,
    follow_up: str = "",
    today: dt.date | None = None,
) -> QuerySet[Inspection]:
    """Inspections of businesses in the user's scope, newest first, filtered as given.

    `follow_up` "due": a follow-up date is set and no follow-up inspection is recorded;
    "overdue": the same, with the date passed.
    """
    qs: QuerySet[Inspection] = restrict(
        Inspection.objects.select_related("business", "unit", "team", "plan")
        .annotate(sanction_count=Count("sanctions", distinct=True))
        .order_by("-date", "-id"),
        user,
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if team is not None:
        qs = qs.filter(team=team)
    if business is not None:
        qs = qs.filter(business=business)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if with_violations is True:
        qs = qs.filter(VIOLATION_Q)
    elif with_violations is False:
        qs = qs.exclude(VIOLATION_Q)
    if follow_up in (FollowUp.DUE, FollowUp.OVERDUE):
        qs = _follow_up_pending(qs)
        if follow_up == FollowUp.OVERDUE:
            qs = qs.filter(follow_up_due__lt=today or timezone.localdate())
    return qs


def inspection_get(*, user: Any, pk: int) -> Inspection:
    """One inspection in the user's scope, or 404."""
    return get_scoped_or_404(
        Inspection.objects.select_related(
            "business", "business__unit", "unit", "team", "team__unit", "plan", "follow_up_of"
        ),
        user,
        pk=pk,
    )


def inspection_members(inspection: Inspection) -> QuerySet[TeamMember]:
    return inspection.members_present.select_related("agency").order_by("role", "full_name")


def inspection_follow_ups(inspection: Inspection) -> QuerySet[Inspection]:
    return inspection.follow_ups.select_related("team").order_by("date", "id")


def inspection_sanctions(inspection: Inspection) -> QuerySet[Sanction]:
    return inspection.sanctions.select_related("decree").order_by("decision_date", "id")


def inspections_of_business(business: Business) -> QuerySet[Inspection]:
    """A business's inspections (the caller read the business through scope)."""
    return business.inspections.select_related("team").order_by("-date", "-id")


def finding_is_violation(value: str) -> bool:
    return value == Finding.VIOLATION


# ---- sanctions --------------------------------------------------------------------------


def decree_list() -> QuerySet[SanctionDecree]:
    """The sanctions decrees, oldest first (reference data)."""
    return SanctionDecree.objects.order_by("valid_from")


def decree_in_force(on: dt.date) -> SanctionDecree | None:
    """The decree in force on `on` (the latest to start, if two overlap), or None."""
    return (
        SanctionDecree.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on
        )
        .order_by("-valid_from")
        .first()
    )


def sanction_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    decree: SanctionDecree | None = None,
    payment_status: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    criminal_referral: bool | None = None,
    business: Business | None = None,
    inspection: Inspection | None = None,
) -> QuerySet[Sanction]:
    """Sanctions of units in the user's scope, latest decision first, filtered as given."""
    qs = restrict(Sanction.objects.select_related("unit", "business", "inspection", "decree"), user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if decree is not None:
        qs = qs.filter(decree=decree)
    if payment_status:
        qs = qs.filter(payment_status=payment_status)
    if start is not None:
        qs = qs.filter(decision_date__gte=start)
    if end is not None:
        qs = qs.filter(decision_date__lte=end)
    if criminal_referral is not None:
        qs = qs.filter(criminal_referral=criminal_referral)
    if business is not None:
        qs = qs.filter(business=business)
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return qs


def sanction_get(*, user: Any, pk: int) -> Sanction:
    """One sanction in the user's scope, or 404."""
    return get_scoped_or_404(
        Sanction.objects.select_related("unit", "business", "inspection", "decree"), user, pk=pk
    )
