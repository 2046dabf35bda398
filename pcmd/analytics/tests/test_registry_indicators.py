"""Registry indicators through the roll-up engine: counted live from the registries and
added up the hierarchy like report values."""

import datetime as dt

import pytest

from pcmd.analytics import selectors
from pcmd.analytics.engine import engine
from pcmd.registries.tests.factories_businesses import make_business
from pcmd.registries.tests.factories_inspections import make_inspection, make_team
from pcmd.reporting.models import Indicator
from pcmd.reporting.periods import parse_period

pytestmark = pytest.mark.django_db


def _value(code: str, unit, period: str) -> float | None:
    indicator = Indicator.objects.get(code=code)
    return engine().indicator(indicator, unit.pk if unit else None, parse_period(period)).value


def test_inspected_share_counts_businesses_of_each_commune_and_adds_up(tree):
    kh = [make_business(tree["kh"]) for _ in range(4)]
    ka = [make_business(tree["ka"]) for _ in range(2)]
    team = make_team(tree["ht"])
    for business in (kh[0], kh[1], ka[0]):
        make_inspection(business, team=team, date=dt.date(2026, 3, 10))
    make_inspection(kh[0], team=team, date=dt.date(2026, 4, 2))  # the same business again
    year = "IND_REG_BUSINESSES_INSPECTED_YEAR_SHARE"
    assert _value(year, tree["kh"], "2026") == pytest.approx(50.0)
    assert _value(year, tree["ka"], "2026") == pytest.approx(50.0)
    assert _value(year, tree["ht"], "2026") == pytest.approx(3 / 6 * 100)
    assert _value("IND_REG_INSPECTIONS", tree["ht"], "2026") == 4
    assert _value("IND_REG_INSPECTIONS", tree["ht"], "2025") == 0


def test_a_record_counts_the_moment_it_is_saved(tree):
    business = make_business(tree["kh"])
    assert _value("IND_REG_INSPECTIONS", tree["ht"], "2026S1") == 0
    make_inspection(business, team=make_team(tree["ht"]), date=dt.date(2026, 2, 1))
    assert _value("IND_REG_INSPECTIONS", tree["ht"], "2026S1") == 1
    assert _value("IND_REG_INSPECTIONS", None, "2026S1") == 1


def test_registry_indicators_show_on_the_dashboard_once_their_registry_is_kept(tree):
    codes = {i.code for i in selectors.indicators()}
    assert "IND_REG_BUSINESSES_INSPECTED_YEAR_SHARE" in codes
    assert "IND_REG_TIPS_ON_TIME_SHARE" in codes
    # Support cases are not kept yet: their indicators stay off the dashboards.
    assert "IND_REG_SUPPORT_PEOPLE" not in codes
