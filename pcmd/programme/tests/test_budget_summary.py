import datetime as dt

import pytest
from django.http import Http404

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.programme import selectors
from pcmd.programme.models import FundingSource
from pcmd.programme.selectors import RowKind
from pcmd.programme.tests.factories import make_entry, make_spending

pytestmark = pytest.mark.django_db

PROVINCE, COMMUNE = FundingSource.STATE_PROVINCE, FundingSource.STATE_COMMUNE


@pytest.fixture
def money(tree):
    """Hà Tĩnh keeps 100 million of its own and spends 60; Kỳ Hoa gets 20 (commune) and
    10 (province) and spends 35 of its own money; Kỳ Anh gets 5 and spends nothing.
    Quảng Trị's figures must never show in Hà Tĩnh's."""
    make_entry(tree["ht"], 100_000_000, source=PROVINCE)
    make_spending(tree["ht"], 60_000_000, source=PROVINCE)
    make_entry(tree["kh"], 20_000_000, source=COMMUNE)
    make_entry(tree["kh"], 10_000_000, source=PROVINCE)
    make_spending(tree["kh"], 25_000_000, source=COMMUNE)
    make_spending(tree["kh"], 10_000_000, source=COMMUNE)
    make_entry(tree["ka"], 5_000_000, source=COMMUNE)
    make_entry(tree["hp"], 999_000_000, source=COMMUNE)
    # Another year is not counted.
    make_entry(tree["kh"], 7_000_000, year=2026, date=dt.date(2026, 1, 10))


def _rows(summary):
    return {(r.kind, r.label): r for r in summary.rows}


def test_the_province_total_rolls_up_its_communes_by_source(tree, money):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    summary = selectors.budget_summary(user=coordinator, unit=tree["ht"], year=2025)
    assert summary.sources == [PROVINCE, COMMUNE]
    rows = _rows(summary)
    total = rows[(RowKind.TOTAL, "Tỉnh Hà Tĩnh")]
    assert (total.total.allocated, total.total.spent) == (135_000_000, 95_000_000)
    assert (
        total.cell(PROVINCE).allocated == 110_000_000 and total.cell(PROVINCE).spent == 60_000_000
    )
    assert total.cell(COMMUNE).allocated == 25_000_000 and total.cell(COMMUNE).spent == 35_000_000
    own = next(r for r in summary.rows if r.kind == RowKind.OWN)
    assert (own.total.allocated, own.total.spent) == (100_000_000, 60_000_000)
    children = [r for r in summary.rows if r.kind == RowKind.CHILD]
    assert [r.label for r in children] == ["Phường Kỳ Anh", "Xã Kỳ Hoa"]
    # The total is the unit's own figures plus its children's.
    assert total.total.allocated == own.total.allocated + sum(r.total.allocated for r in children)
    assert total.total.spent == own.total.spent + sum(r.total.spent for r in children)


def test_the_share_is_spent_over_allocated_and_overspending_is_flagged(tree, money):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    summary = selectors.budget_summary(user=coordinator, unit=tree["ht"], year=2025)
    kh = _rows(summary)[(RowKind.CHILD, "Xã Kỳ Hoa")]
    assert kh.cell(COMMUNE).share == pytest.approx(175.0) and kh.cell(COMMUNE).over
    assert kh.cell(PROVINCE).share == 0 and not kh.cell(PROVINCE).over
    assert kh.total.share == pytest.approx(35 / 30 * 100) and kh.over
    ka = _rows(summary)[(RowKind.CHILD, "Phường Kỳ Anh")]
    assert ka.total.share == 0 and not ka.over
    assert [r.label for r in summary.flagged] == ["Tỉnh Hà Tĩnh", "Xã Kỳ Hoa"]


def test_a_commune_sees_its_own_summary_and_not_another_units(tree, money):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    summary = selectors.budget_summary(user=officer, unit=tree["kh"], year=2025)
    assert summary.rows[0].total.allocated == 30_000_000
    assert selectors.summary_unit(officer, None) == tree["kh"]
    for other in (tree["ka"], tree["ht"], tree["hp"]):
        with pytest.raises(Http404):
            selectors.summary_unit(officer, other.pk)


def test_a_unit_below_with_entries_shows_even_when_it_no_longer_stands(tree):
    """The old Kỳ Anh district's 2024 money shows under the old province for 2024."""
    make_entry(tree["old_kh"], 8_000_000, year=2024, date=dt.date(2024, 2, 1))
    admin = member(tree["old_ht"], Role.SYSTEM_ADMIN)
    summary = selectors.budget_summary(user=admin, unit=tree["old_ht"], year=2024)
    assert [r.label for r in summary.rows if r.kind == RowKind.CHILD] == ["Thị xã Kỳ Anh"]
    assert summary.rows[0].total.allocated == 8_000_000
    # The whole country, for those who see everything.
    country = selectors.budget_summary(user=admin, unit=None, year=2024)
    assert country.rows[0].total.allocated == 8_000_000
    assert "Tỉnh Hà Tĩnh" in [r.label for r in country.rows if r.kind == RowKind.CHILD]
