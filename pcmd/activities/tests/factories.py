"""Courses, staff counts, communication activities and pilot models for tests, made through
the services (actor None: the system) so they are what users would create."""

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from pcmd.activities.models import (
    CommunicationActivity,
    Participant,
    PilotModel,
    StaffCount,
    Training,
)
from pcmd.activities.services import communication as communication_services
from pcmd.activities.services import trainings as training_services
from pcmd.geo.models import AdministrativeUnit

_numbers = itertools.count(1)

# A day inside the tree fixture's current period (units valid from 01/07/2025).
DAY = dt.date(2025, 9, 15)
# Police women and men and health women of the commune: 3 + 2 + 4 = 9 participants.
GRID = [
    {"level": "commune", "agency_type": "police", "sex": "female", "count": 3},
    {"level": "commune", "agency_type": "police", "sex": "male", "count": 2},
    {"level": "commune", "agency_type": "health", "sex": "female", "count": 4},
]


def make_training(
    unit: AdministrativeUnit,
    title: str | None = None,
    *,
    start: dt.date = DAY,
    end: dt.date | None = None,
    counts: Iterable[Mapping[str, Any]] = GRID,
    **fields: Any,
) -> Training:
    fields.setdefault("organiser_name", "Phòng Văn hóa - Xã hội")
    return training_services.training_create(
        actor=None,
        unit=unit,
        title=title or f"Tập huấn nghiệp vụ phòng, chống mại dâm {next(_numbers)}",
        start=start,
        end=end or start,
        counts=counts,
        **fields,
    )


def make_participant(
    training: Training, full_name: str | None = None, **fields: Any
) -> Participant:
    return training_services.participant_add(
        actor=None,
        training=training,
        full_name=full_name or f"Lê Thị {next(_numbers)}",
        **fields,
    )


def make_staff_count(
    unit: AdministrativeUnit, *, year: int = 2025, count: int = 12, **fields: Any
) -> StaffCount:
    return training_services.staff_count_create(
        actor=None, unit=unit, year=year, count=count, **fields
    )


def make_activity(
    unit: AdministrativeUnit,
    title: str | None = None,
    *,
    date: dt.date = DAY,
    form: str = "event",
    audience: str = "residents",
    reach: int = 50,
    media_items: int = 0,
    **fields: Any,
) -> CommunicationActivity:
    return communication_services.communication_create(
        actor=None,
        unit=unit,
        date=date,
        form=form,
        title=title or f"Tuyên truyền phòng, chống mại dâm {next(_numbers)}",
        audience=audience,
        reach=reach,
        media_items=media_items,
        **fields,
    )


def make_pilot_model(
    unit: AdministrativeUnit,
    name: str | None = None,
    *,
    kind: str = "clubs",
    start: dt.date = DAY,
    **fields: Any,
) -> PilotModel:
    return communication_services.pilot_model_create(
        actor=None,
        unit=unit,
        name=name or f"Câu lạc bộ phòng, chống tệ nạn xã hội {next(_numbers)}",
        kind=kind,
        start=start,
        **fields,
    )


def make_activity_targets(commune: AdministrativeUnit) -> dict[str, Any]:
    """One of each record of the commune (for the URL security walk): a course with a named
    participant, a staff count, a communication activity and a pilot model."""
    training = make_training(commune, "Tập huấn cho cán bộ xã Kỳ Hoa")
    return {
        "training": training,
        "training_participant": make_participant(training, "Nguyễn Thị Mai"),
        "staff_count": make_staff_count(commune),
        "communication_activity": make_activity(commune, "Nói chuyện chuyên đề tại thôn"),
        "pilot_model": make_pilot_model(commune, "Câu lạc bộ Hoa Sen"),
    }
