"""Judging a figure against a plan target: on track, at risk or off track.

The rule (docs/reporting.md explains it to users):
- A unit is judged against its own issued plan's target for the indicator and year; when
  its plan sets none, against the nearest ancestor's (targets cascade).
- "At least" targets (and the lower bound of a range): ratio = value / required, where
  required is the target, pro-rated for counts in a part of the year (a six-month figure
  is held to half an annual count; shares and frequencies are not pro-rated).
  ratio ≥ 1 → on track; ≥ 0.8 → at risk; below → off track.
- "At most" targets: value ≤ target → on track; ≤ 1.25 × target → at risk; above → off
  track. "Exactly" targets are judged as "at least".
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pcmd.geo.models import AdministrativeUnit
from pcmd.plans.models import Comparator, Plan, PlanStatus, Target, TargetUnit
from pcmd.reporting.periods import Period

AT_RISK_RATIO = 0.8
AT_MOST_TOLERANCE = 1.25


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.ON_TRACK: pgettext_lazy("attainment", "Đạt"),
    Status.AT_RISK: _("Có nguy cơ không đạt"),
    Status.OFF_TRACK: _("Không đạt"),
    Status.NO_DATA: _("Chưa có số liệu"),
    Status.NO_TARGET: _("Chưa có chỉ tiêu"),
}


def year_fraction(period: Period) -> float:
    """How much of its year the period covers (0.5 for a six-month period)."""
    days = (period.end - period.start).days + 1
    year_days = (dt.date(period.year, 12, 31) - dt.date(period.year, 1, 1)).days + 1
    return min(days / year_days, 1.0)


def judge(
    value: float | None, target: Target | None, period: Period
) -> tuple[Status, float | None]:
    """The status of a value against a target, and the ratio behind it."""
    if target is None:
        return Status.NO_TARGET, None
    if value is None:
        return Status.NO_DATA, None
    goal = float(target.value)
    if target.comparator == Comparator.AT_MOST:
        if value <= goal:
            return Status.ON_TRACK, None
        ratio = value / goal if goal else None
        return (
            Status.AT_RISK if goal and value <= goal * AT_MOST_TOLERANCE else Status.OFF_TRACK
        ), ratio
    if target.target_unit == TargetUnit.COUNT:
        goal *= year_fraction(period)
    if goal <= 0:
        return Status.ON_TRACK, None
    ratio = value / goal
    if ratio >= 1 - 1e-9:
        return Status.ON_TRACK, ratio
    return (Status.AT_RISK if ratio >= AT_RISK_RATIO else Status.OFF_TRACK), ratio


def targets_for(
    units: list[AdministrativeUnit | None], year: int, codes: list[str]
) -> dict[int | None, dict[str, Target]]:
    """Per unit and indicator code, the target of the nearest plan (the unit's own first).

    Issued plans covering the year count; at the same unit, an annual plan comes before
    a phase plan, and a target for each year before one due in another deadline year.
    One query for all the units.
    """
    chains = {u.pk: [u.pk, *reversed(u.ancestor_ids)] for u in units if u is not None}
    every = {pk for chain in chains.values() for pk in chain}
    out: dict[int | None, dict[str, Target]] = {u.pk if u else None: {} for u in units}
    if not every or not codes:
        return out
    candidates = list(
        Target.objects.filter(
            indicator_code__in=codes,
            plan__unit_id__in=every,
            plan__status=PlanStatus.ISSUED,
            plan__period_start__lte=year,
            plan__period_end__gte=year,
        ).select_related("plan", "plan__unit")
    )
    for unit_pk, chain in chains.items():
        rank = {pk: i for i, pk in enumerate(chain)}
        best: dict[str, tuple[tuple[int, int, int], Target]] = {}
        for target in candidates:
            plan: Plan = target.plan
            if plan.unit_id not in rank:
                continue
            deadline_miss = target.deadline_year is not None and target.deadline_year != year
            key = (rank[plan.unit_id], 0 if plan.kind == "annual" else 1, int(deadline_miss))
            if target.indicator_code not in best or key < best[target.indicator_code][0]:
                best[target.indicator_code] = (key, target)
        out[unit_pk] = {code: target for code, (_key, target) in best.items()}
    return out


@dataclass(frozen=True)
class Attainment:
    status: Status
    ratio: float | None
    target: Target | None

    @property
    def target_value(self) -> Decimal | None:
        return self.target.value if self.target else None
