"""Tip deadlines: working days skip weekends and holidays; calendar days do not."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcmd.registries.models import Holiday, TipCategory
from pcmd.registries.services.deadlines import add_working_days, deadline_for


@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    days=st.integers(min_value=1, max_value=60),
    holidays=st.sets(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2031, 6, 30))),
)
def test_exactly_n_working_days_lie_between_receipt_and_deadline(start, days, holidays):
    end = add_working_days(start, days, holidays)
    span = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    working = [d for d in span if d.weekday() < 5 and d not in holidays]
    assert len(working) == days and end in working


@pytest.mark.django_db
def test_a_holiday_moves_the_deadline_of_a_working_day_category():
    category = TipCategory.objects.create(code="t", name_vi="Thử", deadline_days=2)
    friday = dt.date(2026, 4, 24)
    # Monday 27/04 is a seeded holiday: Tuesday and Wednesday are the two working days.
    assert deadline_for(category, friday) == dt.date(2026, 4, 29)
    Holiday.objects.filter(date=dt.date(2026, 4, 27)).delete()
    assert deadline_for(category, friday) == dt.date(2026, 4, 28)


@pytest.mark.django_db
def test_a_calendar_day_category_counts_every_day():
    category = TipCategory.objects.create(
        code="c", name_vi="Thử", deadline_days=20, working_days=False
    )
    assert deadline_for(category, dt.date(2026, 2, 10)) == dt.date(2026, 3, 2)
