"""Demo activities: plausible, consistent, made once."""

import datetime as dt

import pytest

from pcmd.activities.demo import demo_activities_load
from pcmd.activities.models import (
    CommunicationActivity,
    ParticipantCount,
    PilotModel,
    PilotStatus,
    StaffCount,
    Training,
)
from pcmd.analytics import sources

pytestmark = pytest.mark.django_db


def test_the_demo_province_gets_consistent_activities_once(tree):
    made = demo_activities_load()
    assert made["trainings"] > 0 and made["participant_counts"] > 0
    assert made["staff_counts"] > 0 and made["communication_activities"] > 0
    today = dt.date.today()
    ht = tree["ht"]
    for kind in (Training, StaffCount, CommunicationActivity, PilotModel):
        for row in kind.objects.select_related("unit"):
            assert row.unit.path.startswith(ht.path) and row.unit.is_valid_on(today)
    for training in Training.objects.all():
        assert dt.date(2021, 1, 1) <= training.start <= training.end <= today
    assert not ParticipantCount.objects.filter(count__lte=0).exists()
    assert not ParticipantCount.objects.filter(level="district").exists()
    for activity in CommunicationActivity.objects.all():
        assert activity.date <= today and activity.reach >= 0
    for pilot in PilotModel.objects.all():
        assert (pilot.status == PilotStatus.ENDED) == (pilot.end is not None)
    year = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert sources.figures("trainings.participants", *year)
    assert sources.figures("trainings.staff_total.commune", *year)
    assert demo_activities_load() == {}
    assert Training.objects.count() == made["trainings"]
    assert CommunicationActivity.objects.count() == made["communication_activities"]
