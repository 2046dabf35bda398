"""The counts the activities feed to the roll-up engine, per unit and span."""

import datetime as dt

import pytest

from pcmd.activities.models import Audience, Level
from pcmd.activities.tests.factories import (
    make_activity,
    make_pilot_model,
    make_staff_count,
    make_training,
)
from pcmd.analytics import sources

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
Q3 = (dt.date(2025, 7, 1), dt.date(2025, 9, 30))


def test_every_source_is_registered_under_its_name():
    expected = {
        "trainings.courses",
        "trainings.participants",
        "trainings.staff_total",
        "communication.activities",
        "communication.media_items",
        "communication.reach",
        "pilot_models.operating",
        *(f"trainings.participants.{level}" for level in Level.values),
        *(f"trainings.staff_total.{level}" for level in Level.values),
        *(f"communication.reach.{code}" for code in Audience.values),
    }
    assert expected <= set(sources.names())
    assert "communication.reach.students" in sources.names()


def test_courses_and_participants_count_for_the_organising_unit_in_the_span_they_end_in(tree):
    kh, ht = tree["kh"], tree["ht"]
    make_training(kh, start=dt.date(2025, 9, 1))  # 9 commune participants (GRID)
    # Ends in October: outside Q3, inside the year.
    make_training(kh, start=dt.date(2025, 9, 29), end=dt.date(2025, 10, 2))
    make_training(
        ht,
        start=dt.date(2025, 8, 5),
        counts=[
            {"level": "province", "agency_type": "health", "sex": "female", "count": 6},
            {"level": "commune", "agency_type": "police", "sex": "male", "count": 20},
        ],
    )
    make_training(kh, start=dt.date(2024, 12, 30), end=dt.date(2024, 12, 31))  # last year
    assert sources.figures("trainings.courses", *Q3) == {kh.pk: 1.0, ht.pk: 1.0}
    assert sources.figures("trainings.courses", *YEAR) == {kh.pk: 2.0, ht.pk: 1.0}
    assert sources.figures("trainings.participants", *Q3) == {kh.pk: 9.0, ht.pk: 26.0}
    assert sources.figures("trainings.participants", *YEAR) == {kh.pk: 18.0, ht.pk: 26.0}
    assert sources.figures("trainings.participants.province", *YEAR) == {ht.pk: 6.0}
    assert sources.figures("trainings.participants.commune", *YEAR) == {kh.pk: 18.0, ht.pk: 20.0}
    assert sources.figures("trainings.participants.district", *YEAR) == {}


def test_staff_totals_are_those_of_the_spans_year(tree):
    kh, ht = tree["kh"], tree["ht"]
    make_staff_count(kh, year=2025, count=12)
    make_staff_count(kh, year=2024, count=10)
    make_staff_count(ht, year=2025, count=30)
    make_staff_count(ht, year=2025, level="commune", count=5)
    assert sources.figures("trainings.staff_total", *YEAR) == {kh.pk: 12.0, ht.pk: 35.0}
    assert sources.figures("trainings.staff_total", *Q3) == {kh.pk: 12.0, ht.pk: 35.0}
    assert sources.figures("trainings.staff_total.province", *YEAR) == {ht.pk: 30.0}
    assert sources.figures("trainings.staff_total.commune", *YEAR) == {kh.pk: 12.0, ht.pk: 5.0}
    assert sources.figures("trainings.staff_total", dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == {
        kh.pk: 10.0
    }


def test_communication_sources_count_activities_media_items_and_reach_by_audience(tree):
    kh, ka = tree["kh"], tree["ka"]
    make_activity(kh, date=dt.date(2025, 8, 1), audience="students", reach=120)
    make_activity(kh, date=dt.date(2025, 9, 2), form="broadcast", reach=0, media_items=4)
    make_activity(ka, date=dt.date(2025, 9, 3), audience="industrial_zone_workers", reach=300)
    make_activity(ka, date=dt.date(2025, 11, 3), audience="students", reach=45)  # after Q3
    assert sources.figures("communication.activities", *Q3) == {kh.pk: 2.0, ka.pk: 1.0}
    assert sources.figures("communication.media_items", *Q3) == {kh.pk: 4.0}
    assert sources.figures("communication.reach", *Q3) == {kh.pk: 120.0, ka.pk: 300.0}
    assert sources.figures("communication.reach.students", *YEAR) == {kh.pk: 120.0, ka.pk: 45.0}
    assert sources.figures("communication.reach.industrial_zone_workers", *Q3) == {ka.pk: 300.0}
    assert sources.figures("communication.reach.business_workers", *YEAR) == {}


def test_pilot_models_operating_in_the_span(tree):
    kh, ka = tree["kh"], tree["ka"]
    make_pilot_model(kh, start=dt.date(2025, 8, 1))
    make_pilot_model(kh, start=dt.date(2025, 10, 1))  # starts after Q3
    make_pilot_model(ka, start=dt.date(2024, 1, 1), status="ended", end=dt.date(2025, 6, 30))
    assert sources.figures("pilot_models.operating", *Q3) == {kh.pk: 1.0}
    assert sources.figures("pilot_models.operating", *YEAR) == {kh.pk: 2.0, ka.pk: 1.0}
