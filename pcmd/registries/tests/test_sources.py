"""The registries' sources for the roll-up engine: figures per base unit for a date span."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.analytics.sources import phase_start
from pcmd.registries import sources
from pcmd.registries.models import Business, BusinessStatus, Inspection, Tip
from pcmd.registries.services import tips as tip_services
from pcmd.registries.tests.factories_businesses import make_business
from pcmd.registries.tests.factories_inspections import (
    make_inspection,
    make_sanction,
    make_violation,
)
from pcmd.registries.tests.factories_tips import make_tip, moment

pytestmark = pytest.mark.django_db

AUTUMN = (dt.date(2025, 8, 1), dt.date(2025, 10, 31))
FRIDAY = dt.date(2026, 4, 24)  # "business" tips: 10 working days → 13/05 (three holidays)
FIRST_HALF = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
SECOND_HALF = (dt.date(2026, 7, 1), dt.date(2026, 12, 31))


@pytest.fixture
def enforcement(tree):
    """Inspections and sanctions of two communes around the autumn of 2025."""
    kh, hp = tree["kh"], tree["hp"]
    karaoke, massage = make_business(kh), make_business(kh)
    first = make_violation(karaoke, date=dt.date(2025, 9, 1), violations_found=2)
    make_inspection(karaoke, date=dt.date(2025, 9, 20))  # the same business again
    make_inspection(massage, date=dt.date(2025, 10, 31))  # the span's last day
    make_inspection(massage, date=dt.date(2025, 7, 31))  # the day before the span
    elsewhere = make_violation(make_business(hp), date=dt.date(2025, 9, 10))
    make_sanction(inspection=first, fine_vnd="3.000.000", licence_suspended_months=2)
    make_sanction(
        inspection=first,
        decision_number="",
        fine_vnd=0,
        criminal_referral=True,
        referral_date=dt.date(2025, 9, 21),
        referral_to="Công an tỉnh",
    )
    make_sanction(inspection=elsewhere, fine_vnd=7_500_000, licence_withdrawn=True)
    make_sanction(business=massage, decision_date=dt.date(2025, 11, 1), fine_vnd=1)  # after
    return {"kh": kh.pk, "hp": hp.pk}


def test_inspections_are_counted_for_the_records_unit_within_the_dates(enforcement):
    kh, hp = enforcement["kh"], enforcement["hp"]
    assert sources.inspections(*AUTUMN) == {kh: 3, hp: 1}  # units without rows are absent
    assert sources.violations(*AUTUMN) == {kh: 2, hp: 1}
    assert sources.inspections(dt.date(2025, 7, 31), dt.date(2025, 7, 31)) == {kh: 1}


def test_businesses_inspected_are_distinct_businesses(enforcement):
    kh, hp = enforcement["kh"], enforcement["hp"]
    assert sources.businesses_inspected(*AUTUMN) == {kh: 2, hp: 1}
    assert sources.businesses_inspected(dt.date(2025, 9, 1), dt.date(2025, 9, 30)) == {
        kh: 1,
        hp: 1,
    }
    assert sources.businesses_with_violations(*AUTUMN) == {kh: 1, hp: 1}


def test_sanctions_count_decisions_fines_suspensions_and_referrals(enforcement):
    kh, hp = enforcement["kh"], enforcement["hp"]
    # The criminal referral without a decision number is no sanction decision.
    assert sources.sanction_decisions(*AUTUMN) == {kh: 1, hp: 1}
    assert sources.fines(*AUTUMN) == {kh: 3_000_000, hp: 7_500_000}
    # A suspension or a withdrawal of the licence.
    assert sources.licence_suspensions(*AUTUMN) == {kh: 1, hp: 1}
    assert sources.criminal_referrals(*AUTUMN) == {kh: 1}
    november = (dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    assert sources.sanction_decisions(*november) == {kh: 1}
    assert sources.fines(*november) == {kh: 1}


def test_a_sanction_both_suspending_and_withdrawing_the_licence_counts_once(tree):
    make_sanction(
        business=make_business(tree["kh"]), licence_suspended_months=3, licence_withdrawn=True
    )
    assert sources.licence_suspensions(*AUTUMN) == {tree["kh"].pk: 1}


def test_businesses_inspected_in_the_phase_count_from_the_phases_first_day(tree):
    kh, old_kh = tree["kh"], tree["old_kh"]
    again, once = make_business(kh), make_business(kh)
    make_inspection(again, date=dt.date(2025, 9, 15))
    make_inspection(again, date=dt.date(2025, 12, 1))
    make_inspection(again, date=dt.date(2026, 2, 2))
    make_inspection(once, date=dt.date(2025, 10, 1))
    old = make_business(old_kh)
    make_inspection(old, date=dt.date(2021, 1, 1))  # the phase's first day
    make_inspection(old, date=dt.date(2020, 12, 31))  # the phase before

    q4 = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert phase_start(q4[1]) == dt.date(2021, 1, 1)
    assert sources.businesses_inspected(*q4) == {kh.pk: 2}
    assert sources.businesses_inspected_phase(*q4) == {kh.pk: 2, old_kh.pk: 1}
    # A new phase starts on 01/01/2026: what was inspected before is not carried over.
    q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert sources.businesses_inspected_phase(*q1) == {kh.pk: 1}
    # The span's start does not matter, only its end.
    assert sources.businesses_inspected_phase(dt.date(2025, 12, 31), q4[1]) == {
        kh.pk: 2,
        old_kh.pk: 1,
    }
    assert sources.businesses_inspected_phase(dt.date(2020, 1, 1), dt.date(2020, 12, 31)) == {
        old_kh.pk: 1
    }


def test_businesses_open_are_those_in_operation_some_time_in_the_span(tree):
    kh = tree["kh"]
    make_business(kh, opened_on=dt.date(2025, 8, 1))
    make_business(kh)  # no opening date: open all along
    make_business(kh, status=BusinessStatus.SUSPENDED, status_since=dt.date(2025, 9, 1))
    make_business(kh, status=BusinessStatus.CLOSED, closed_on=dt.date(2025, 9, 10))
    make_business(kh, opened_on=dt.date(2025, 12, 1))
    make_business(tree["hp"], opened_on=dt.date(2025, 10, 31))  # on the span's last day

    october = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert sources.businesses_open(*october) == {kh.pk: 3, tree["hp"].pk: 1}
    # Closed on the span's first day: still in operation that day.
    assert sources.businesses_open(dt.date(2025, 9, 10), dt.date(2025, 9, 30)) == {kh.pk: 4}
    assert sources.businesses_open(dt.date(2025, 9, 11), dt.date(2025, 9, 30)) == {kh.pk: 3}


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


def _close(officer, tip, day):
    tip_services.tip_close(
        actor=officer, tip=tip, conclusion="founded", closed_on=day, reason="Đã xử lý"
    )


def test_tips_processed_on_time_are_those_closed_by_their_deadline(tree, officer):
    on_time = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    late = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    make_tip(tree["kh"], received=FRIDAY, actor=officer)  # still open
    assert on_time.deadline == dt.date(2026, 5, 13)
    _close(officer, on_time, dt.date(2026, 5, 13))  # the deadline day itself counts
    _close(officer, late, dt.date(2026, 5, 14))
    make_tip(tree["ka"], received=FRIDAY, actor=member(tree["ka"], Role.COMMUNE_OFFICER))
    make_tip(tree["kh"], received=dt.date(2026, 7, 1), actor=officer)  # another half-year

    kh, ka = tree["kh"].pk, tree["ka"].pk
    assert sources.tips_received(*FIRST_HALF) == {kh: 3, ka: 1}
    assert sources.tips_processed_on_time(*FIRST_HALF) == {kh: 1}
    assert sources.tips_received(FRIDAY, FRIDAY) == {kh: 3, ka: 1}
    assert sources.tips_processed_on_time(*SECOND_HALF) == {}


def test_the_receipt_day_is_the_local_day_at_the_span_edges(tree, officer):
    # 23:30 on 30/06 in Vietnam (16:30 UTC) belongs to the first half-year; 00:15 on 01/07
    # in Vietnam (17:15 UTC on 30/06) to the second.
    late_evening = timezone.make_aware(dt.datetime(2026, 6, 30, 23, 30))
    after_midnight = timezone.make_aware(dt.datetime(2026, 7, 1, 0, 15))
    assert late_evening.astimezone(dt.UTC).date() == dt.date(2026, 6, 30)
    assert after_midnight.astimezone(dt.UTC).date() == dt.date(2026, 6, 30)
    make_tip(tree["kh"], received=late_evening, actor=officer)
    make_tip(tree["kh"], received=after_midnight, actor=officer)
    kh = tree["kh"].pk
    assert sources.tips_received(*FIRST_HALF) == {kh: 1}
    assert sources.tips_received(*SECOND_HALF) == {kh: 1}
    assert sources.tips_received(dt.date(2026, 7, 1), dt.date(2026, 7, 1)) == {kh: 1}


# ---- spans add up ------------------------------------------------------------------------

# The tree's new communes exist from 01/07/2025; records of the second half of 2025.
START = dt.date(2025, 7, 1)
DAYS = 184


def _sum(*figures: dict[int, float]) -> dict[int, float]:
    total: Counter[int] = Counter()
    for figure in figures:
        total.update(figure)
    return dict(total)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    visits=st.lists(
        st.tuples(
            st.sampled_from(["kh", "ka"]),
            st.integers(0, 3),  # which business of the unit
            st.integers(0, DAYS - 1),
            st.integers(0, 2),  # violations found
        ),
        max_size=8,
    ),
    receipts=st.lists(
        st.tuples(st.sampled_from(["kh", "ka"]), st.integers(0, DAYS * 24 - 1)), max_size=6
    ),
    cuts=st.lists(st.integers(0, DAYS - 1), min_size=3, max_size=3).map(sorted),
)
def test_counts_over_two_adjacent_spans_add_up_to_the_count_over_both(tree, visits, receipts, cuts):
    Inspection.objects.all().delete()
    Tip.objects.all().delete()
    Business.objects.all().delete()
    businesses: dict[tuple[str, int], Business] = {}
    for unit, n, day, found in visits:
        if (unit, n) not in businesses:
            businesses[unit, n] = make_business(tree[unit], f"Cơ sở {unit} {n}")
        record = make_violation if found else make_inspection
        extra = {"violations_found": found} if found else {}
        record(businesses[unit, n], date=START + dt.timedelta(days=day), **extra)
    for unit, hour in receipts:
        make_tip(tree[unit], received=moment(START + dt.timedelta(days=hour // 24), hour % 24))

    first, middle, last = (START + dt.timedelta(days=c) for c in cuts)
    before, after = (first, middle), (middle + dt.timedelta(days=1), last)
    for source in (sources.inspections, sources.violations, sources.tips_received):
        assert _sum(source(*before), source(*after)) == source(first, last), source.__name__
    # Distinct businesses do not add up, but the union never has more than both halves.
    both = sources.businesses_inspected(first, last)
    halves = _sum(sources.businesses_inspected(*before), sources.businesses_inspected(*after))
    assert set(both) == set(halves)
    assert all(0 < n <= halves[unit] for unit, n in both.items())
