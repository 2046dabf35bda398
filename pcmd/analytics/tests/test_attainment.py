"""Judging figures against targets, and which plan's target a unit is judged by."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcmd.analytics.attainment import Status, judge, targets_for
from pcmd.plans.models import Plan, PlanKind, PlanStatus, Target
from pcmd.reporting.periods import parse_period

YEAR = parse_period("2026")
HALF = parse_period("2026S1")


def _target(value: str, comparator: str = ">=", unit: str = "percent") -> Target:
    return Target(value=Decimal(value), comparator=comparator, target_unit=unit)


@pytest.mark.parametrize(
    ("value", "target", "period", "status"),
    [
        (70.0, _target("70"), YEAR, Status.ON_TRACK),
        (60.0, _target("70"), YEAR, Status.AT_RISK),  # 86% of the way
        (50.0, _target("70"), YEAR, Status.OFF_TRACK),  # 71%
        (60.0, _target("70"), HALF, Status.AT_RISK),  # shares are not pro-rated
        (5.0, _target("10", unit="count"), HALF, Status.ON_TRACK),  # half a year, half the count
        (3.0, _target("10", unit="count"), HALF, Status.OFF_TRACK),
        (2.0, _target("2", "<=", "count"), YEAR, Status.ON_TRACK),
        (2.4, _target("2", "<=", "count"), YEAR, Status.AT_RISK),
        (4.0, _target("2", "<=", "count"), YEAR, Status.OFF_TRACK),
        (None, _target("70"), YEAR, Status.NO_DATA),
        (80.0, None, YEAR, Status.NO_TARGET),
    ],
)
def test_judging_follows_the_documented_rule(value, target, period, status):
    assert judge(value, target, period)[0] == status


@given(value=st.floats(0, 1e6), goal=st.floats(0.01, 1e6))
def test_more_is_never_worse_for_an_at_least_target(value, goal):
    order = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK]
    target = _target(str(goal), unit="count")
    low, _ = judge(value, target, YEAR)
    high, _ = judge(value * 1.5 + 1, target, YEAR)
    assert order.index(high) >= order.index(low)


@pytest.mark.django_db
def test_a_unit_is_judged_by_its_own_plan_else_the_nearest_ancestors(tree):
    def plan(unit, kind, start, end, value):
        p = Plan.objects.create(
            unit=unit,
            title="Kế hoạch",
            kind=kind,
            period_start=start,
            period_end=end,
            status=PlanStatus.ISSUED,
        )
        return Target.objects.create(
            plan=p,
            area="communication",
            text="t",
            value=Decimal(value),
            target_unit="percent",
            frequency="annual",
            indicator_code="IND_COMMUNES_AWARENESS",
        )

    province_phase = plan(tree["ht"], PlanKind.PHASE, 2026, 2030, "60")
    province_year = plan(tree["ht"], PlanKind.ANNUAL, 2026, 2026, "70")
    commune = plan(tree["kh"], PlanKind.ANNUAL, 2026, 2026, "90")
    found = targets_for([tree["kh"], tree["ka"], tree["ht"]], 2026, ["IND_COMMUNES_AWARENESS"])
    assert found[tree["kh"].pk]["IND_COMMUNES_AWARENESS"] == commune
    # Kỳ Anh has no plan: its province's, and the annual plan before the phase plan.
    assert found[tree["ka"].pk]["IND_COMMUNES_AWARENESS"] == province_year
    assert (
        targets_for([tree["ka"]], 2027, ["IND_COMMUNES_AWARENESS"])[tree["ka"].pk][
            "IND_COMMUNES_AWARENESS"
        ]
        == province_phase
    )
    assert targets_for([tree["dc"]], 2026, ["IND_COMMUNES_AWARENESS"])[tree["dc"].pk] == {}
