import datetime as dt

import pytest

from pcmd.analytics import sources
from pcmd.programme.tests.factories import make_commendation, make_entry, make_spending

pytestmark = pytest.mark.django_db

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_the_sources_are_registered_under_their_names():
    for name in ("budget.allocated", "budget.spent", "commendations.count"):
        assert sources.known(name), name


def test_budget_sources_sum_each_units_own_entries_dated_in_the_span(tree):
    make_entry(tree["kh"], 20_000_000)
    make_entry(tree["kh"], "5.000.000", date=dt.date(2025, 3, 1))
    make_spending(tree["kh"], 12_000_000)
    make_entry(tree["ht"], 100_000_000)
    make_entry(tree["kh"], 9_000_000, year=2026, date=dt.date(2026, 1, 5))
    assert sources.figures("budget.allocated", *YEAR_2025) == {
        tree["kh"].pk: 25_000_000.0,
        tree["ht"].pk: 100_000_000.0,
    }
    assert sources.figures("budget.spent", *YEAR_2025) == {tree["kh"].pk: 12_000_000.0}
    # The span is read on the entry's date: the first half of 2025 has the March entry only.
    first_half = sources.figures("budget.allocated", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert first_half == {tree["kh"].pk: 5_000_000.0}


def test_commendations_are_counted_per_unit_by_decision_date(tree):
    make_commendation(tree["kh"])
    make_commendation(tree["kh"])
    make_commendation(tree["ka"])
    make_commendation(tree["kh"], decision_date=dt.date(2024, 12, 20))
    assert sources.figures("commendations.count", *YEAR_2025) == {
        tree["kh"].pk: 2.0,
        tree["ka"].pk: 1.0,
    }
    assert sources.figures("commendations.count", dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == {
        tree["kh"].pk: 1.0
    }
