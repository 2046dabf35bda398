"""API: training courses (with their participant grid and named participants), staff
counts, communication activities and pilot models. Everything is read through the scoped
selectors (404 outside scope) and written through the services (422 with a Vietnamese
detail for bad input, 403 without the right)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.activities import selectors
from pcmd.activities.models import (
    CommunicationActivity,
    Participant,
    PilotModel,
    StaffCount,
    Training,
)
from pcmd.activities.services import communication as communication_services
from pcmd.activities.services import trainings as training_services
from pcmd.core.errors import ServiceError
from pcmd.core.scoping import unit_pick
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency

router = Router(tags=["activities"])

# Counts are read by the services: a number, or text typed the Vietnamese way ("1.500").
Count = int | str


def _sent(payload: Schema) -> dict[str, Any]:
    """Only what the caller sent (PATCH: a field left out is kept)."""
    return payload.dict(exclude_unset=True)


def _agency(pk: int | None) -> Agency | None:
    if pk is None:
        return None
    agency = Agency.objects.select_related("unit").filter(pk=pk).first()
    if agency is None:
        raise ServiceError(_("Không có cơ quan mã %(pk)s.") % {"pk": pk})
    return agency


def _unit(pk: int | None) -> AdministrativeUnit | None:
    if pk is None:
        return None
    unit = AdministrativeUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise ServiceError(_("Không có đơn vị mã %(pk)s.") % {"pk": pk})
    return unit


def _moved(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """`unit_id` in a change names the unit the record moves to (in the caller's scope)."""
    if "unit_id" in data:
        pk = data.pop("unit_id")
        if pk is not None:
            data["unit"] = unit_pick(user=request.user, pk=pk)
    return data


# ---- trainings ----------------------------------------------------------------------------


class CountIn(Schema):
    level: str = ""
    agency_type: str = ""
    sex: str = ""
    count: Count = 0


class CountOut(Schema):
    level: str
    agency_type: str
    sex: str
    count: int


class ParticipantIn(Schema):
    full_name: str = ""
    position: str = ""
    agency_id: int | None = None
    agency_name: str = ""
    unit_id: int | None = None


class ParticipantOut(Schema):
    id: int
    full_name: str
    position: str
    agency_id: int | None
    agency_name: str
    unit_id: int | None

    @staticmethod
    def resolve_agency_name(obj: Participant) -> str:
        return obj.agency_label


class TrainingListOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    title: str
    organiser_agency_id: int | None
    organiser_name: str
    organiser: str
    start: dt.date
    end: dt.date
    level: str
    topics: str
    trainers: str
    notes: str
    participant_total: int
    counts: list[CountOut]

    @staticmethod
    def resolve_unit_name(obj: Training) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_participant_total(obj: Training) -> int:
        total = getattr(obj, "participant_total", None)
        return int(total) if total is not None else sum(c.count for c in obj.counts.all())

    @staticmethod
    def resolve_counts(obj: Training) -> list[Any]:
        return sorted(obj.counts.all(), key=lambda c: (c.level, c.agency_type, c.sex))


class TrainingOut(TrainingListOut):
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_participants(obj: Training) -> list[Participant]:
        return list(selectors.training_participants(obj))


class TrainingIn(Schema):
    unit_id: int
    title: str = ""
    organiser_agency_id: int | None = None
    organiser_name: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    # province, district or commune; empty: the organising unit's own level.
    level: str = ""
    topics: str = ""
    trainers: str = ""
    notes: str = ""
    counts: list[CountIn] = []
    participants: list[ParticipantIn] = []


class TrainingPatch(Schema):
    unit_id: int | None = None
    title: str | None = None
    organiser_agency_id: int | None = None
    organiser_name: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    level: str | None = None
    topics: str | None = None
    trainers: str | None = None
    notes: str | None = None
    # Given: replaces the whole grid (or the whole list of named participants).
    counts: list[CountIn] | None = None
    participants: list[ParticipantIn] | None = None


class TrainingFilter(Schema):
    unit_id: int | None = None
    # Courses ending in [start, end] or in `year`, as the indicators count them.
    start: dt.date | None = None
    end: dt.date | None = None
    year: int | None = None
    level: str = ""
    q: str = ""


def _people(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        person = dict(item)
        person["agency"] = _agency(person.pop("agency_id", None))
        person["unit"] = _unit(person.pop("unit_id", None))
        out.append(person)
    return out


def _training_fields(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    data = _moved(request, data)
    if "organiser_agency_id" in data:
        data["organiser_agency"] = _agency(data.pop("organiser_agency_id"))
    if data.get("participants") is not None:
        data["participants"] = _people(data["participants"])
    for field in ("title", "organiser_name", "level", "topics", "trainers", "notes"):
        if field in data and data[field] is None:
            data[field] = ""
    return data


@router.get("/trainings", response=list[TrainingListOut], summary="Courses in the caller's scope")
@paginate(LimitOffsetPagination)
def training_list(request: HttpRequest, filters: Query[TrainingFilter]) -> Any:
    user = request.user
    unit = unit_pick(user=user, pk=filters.unit_id) if filters.unit_id else None
    return selectors.training_list(
        user=user,
        unit=unit,
        start=filters.start,
        end=filters.end,
        year=filters.year,
        level=filters.level,
        q=filters.q,
    ).prefetch_related("counts")


@router.post("/trainings", response={201: TrainingOut}, summary="Record a course held")
def training_create(request: HttpRequest, payload: TrainingIn) -> Status[Training]:
    data = _training_fields(request, payload.dict())
    unit = data.pop("unit", None)
    if unit is None:
        raise ServiceError(_("Cần chọn đơn vị tổ chức."))
    training = training_services.training_create(actor=request.user, unit=unit, **data)
    return Status(201, training)


@router.get("/trainings/{int:training_id}", response=TrainingOut, summary="One course")
def training_get(request: HttpRequest, training_id: int) -> Training:
    return selectors.training_get(user=request.user, pk=training_id)


@router.patch("/trainings/{int:training_id}", response=TrainingOut, summary="Change a course")
def training_update(request: HttpRequest, training_id: int, payload: TrainingPatch) -> Training:
    training = selectors.training_get(user=request.user, pk=training_id)
    data = _training_fields(request, _sent(payload))
    return training_services.training_update(actor=request.user, training=training, **data)


@router.delete("/trainings/{int:training_id}", response={204: None}, summary="Delete a course")
def training_delete(request: HttpRequest, training_id: int) -> Status[None]:
    training = selectors.training_get(user=request.user, pk=training_id)
    training_services.training_delete(actor=request.user, training=training)
    return Status(204, None)


# ---- staff counts -------------------------------------------------------------------------


class StaffCountOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    year: int
    level: str
    count: int
    notes: str

    @staticmethod
    def resolve_unit_name(obj: StaffCount) -> str:
        return obj.unit.name


class StaffCountIn(Schema):
    unit_id: int
    year: Count | None = None
    # Empty: the unit's own level.
    level: str = ""
    count: Count | None = None
    notes: str = ""


class StaffCountPatch(Schema):
    year: Count | None = None
    level: str | None = None
    count: Count | None = None
    notes: str | None = None


class StaffCountFilter(Schema):
    unit_id: int | None = None
    year: int | None = None
    level: str = ""


@router.get(
    "/staff-counts", response=list[StaffCountOut], summary="Staff counts in the caller's scope"
)
@paginate(LimitOffsetPagination)
def staff_count_list(request: HttpRequest, filters: Query[StaffCountFilter]) -> Any:
    user = request.user
    unit = unit_pick(user=user, pk=filters.unit_id) if filters.unit_id else None
    return selectors.staff_count_list(user=user, unit=unit, year=filters.year, level=filters.level)


@router.post("/staff-counts", response={201: StaffCountOut}, summary="Enter a unit's staff count")
def staff_count_create(request: HttpRequest, payload: StaffCountIn) -> Status[StaffCount]:
    unit = unit_pick(user=request.user, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    return Status(201, training_services.staff_count_create(actor=request.user, unit=unit, **data))


@router.get("/staff-counts/{int:staff_count_id}", response=StaffCountOut, summary="One row")
def staff_count_get(request: HttpRequest, staff_count_id: int) -> StaffCount:
    return selectors.staff_count_get(user=request.user, pk=staff_count_id)


@router.patch(
    "/staff-counts/{int:staff_count_id}", response=StaffCountOut, summary="Change a staff count"
)
def staff_count_update(
    request: HttpRequest, staff_count_id: int, payload: StaffCountPatch
) -> StaffCount:
    row = selectors.staff_count_get(user=request.user, pk=staff_count_id)
    data = {
        k: ("" if v is None and k in ("level", "notes") else v) for k, v in _sent(payload).items()
    }
    return training_services.staff_count_update(actor=request.user, staff_count=row, **data)


@router.delete(
    "/staff-counts/{int:staff_count_id}", response={204: None}, summary="Delete a staff count"
)
def staff_count_delete(request: HttpRequest, staff_count_id: int) -> Status[None]:
    row = selectors.staff_count_get(user=request.user, pk=staff_count_id)
    training_services.staff_count_delete(actor=request.user, staff_count=row)
    return Status(204, None)


# ---- communication activities ---------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    date: dt.date
    form: str
    title: str
    audience: str
    reach: int
    media_items: int
    notes: str

    @staticmethod
    def resolve_unit_name(obj: CommunicationActivity) -> str:
        return obj.unit.name


class ActivityIn(Schema):
    unit_id: int
    date: dt.date | None = None
    # event, broadcast, article, loudspeaker, social_media, school_session, other
    form: str = ""
    title: str = ""
    # The catalogue's audience codes: students, business_workers, industrial_zone_workers,
    # residents.
    audience: str = ""
    reach: Count = 0
    media_items: Count = 0
    notes: str = ""


class ActivityPatch(Schema):
    unit_id: int | None = None
    date: dt.date | None = None
    form: str | None = None
    title: str | None = None
    audience: str | None = None
    reach: Count | None = None
    media_items: Count | None = None
    notes: str | None = None


class ActivityFilter(Schema):
    unit_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    year: int | None = None
    form: str = ""
    audience: str = ""
    q: str = ""


def _not_none(data: dict[str, Any], *text_fields: str) -> dict[str, Any]:
    """PATCH: null text is empty text; other nulls are left out (kept)."""
    return {
        k: ("" if v is None else v) for k, v in data.items() if v is not None or k in text_fields
    }


@router.get(
    "/communication-activities",
    response=list[ActivityOut],
    summary="Communication activities in the caller's scope",
)
@paginate(LimitOffsetPagination)
def communication_list(request: HttpRequest, filters: Query[ActivityFilter]) -> Any:
    user = request.user
    data = filters.dict()
    unit_id = data.pop("unit_id")
    unit = unit_pick(user=user, pk=unit_id) if unit_id else None
    return selectors.communication_list(user=user, unit=unit, **data)


@router.post(
    "/communication-activities",
    response={201: ActivityOut},
    summary="Record a communication activity held",
)
def communication_create(
    request: HttpRequest, payload: ActivityIn
) -> Status[CommunicationActivity]:
    unit = unit_pick(user=request.user, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    activity = communication_services.communication_create(actor=request.user, unit=unit, **data)
    return Status(201, activity)


@router.get(
    "/communication-activities/{int:activity_id}", response=ActivityOut, summary="One activity"
)
def communication_get(request: HttpRequest, activity_id: int) -> CommunicationActivity:
    return selectors.communication_get(user=request.user, pk=activity_id)


@router.patch(
    "/communication-activities/{int:activity_id}",
    response=ActivityOut,
    summary="Change an activity",
)
def communication_update(
    request: HttpRequest, activity_id: int, payload: ActivityPatch
) -> CommunicationActivity:
    activity = selectors.communication_get(user=request.user, pk=activity_id)
    data = _not_none(_moved(request, _sent(payload)), "notes")
    return communication_services.communication_update(
        actor=request.user, activity=activity, **data
    )


@router.delete(
    "/communication-activities/{int:activity_id}",
    response={204: None},
    summary="Delete an activity",
)
def communication_delete(request: HttpRequest, activity_id: int) -> Status[None]:
    activity = selectors.communication_get(user=request.user, pk=activity_id)
    communication_services.communication_delete(actor=request.user, activity=activity)
    return Status(204, None)


# ---- pilot models -------------------------------------------------------------------------


class PilotModelOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    name: str
    kind: str
    start: dt.date
    end: dt.date | None
    members: int
    activities: str
    status: str
    notes: str

    @staticmethod
    def resolve_unit_name(obj: PilotModel) -> str:
        return obj.unit.name


class PilotModelIn(Schema):
    unit_id: int
    name: str = ""
    # support_services, workers_rights, peer_groups, clubs, other
    kind: str = ""
    start: dt.date | None = None
    # Only for an ended model (status "ended"), and then required.
    end: dt.date | None = None
    members: Count = 0
    activities: str = ""
    # active, paused, ended
    status: str = "active"
    notes: str = ""


class PilotModelPatch(Schema):
    unit_id: int | None = None
    name: str | None = None
    kind: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    members: Count | None = None
    activities: str | None = None
    status: str | None = None
    notes: str | None = None


class PilotModelFilter(Schema):
    unit_id: int | None = None
    # Models operating at some time in [start, end] or in `year`.
    start: dt.date | None = None
    end: dt.date | None = None
    year: int | None = None
    kind: str = ""
    status: str = ""
    q: str = ""


@router.get(
    "/pilot-models", response=list[PilotModelOut], summary="Pilot models in the caller's scope"
)
@paginate(LimitOffsetPagination)
def pilot_model_list(request: HttpRequest, filters: Query[PilotModelFilter]) -> Any:
    user = request.user
    data = filters.dict()
    unit_id = data.pop("unit_id")
    unit = unit_pick(user=user, pk=unit_id) if unit_id else None
    return selectors.pilot_model_list(user=user, unit=unit, **data)


@router.post("/pilot-models", response={201: PilotModelOut}, summary="Record a pilot model")
def pilot_model_create(request: HttpRequest, payload: PilotModelIn) -> Status[PilotModel]:
    unit = unit_pick(user=request.user, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    model = communication_services.pilot_model_create(actor=request.user, unit=unit, **data)
    return Status(201, model)


@router.get("/pilot-models/{int:pilot_model_id}", response=PilotModelOut, summary="One model")
def pilot_model_get(request: HttpRequest, pilot_model_id: int) -> PilotModel:
    return selectors.pilot_model_get(user=request.user, pk=pilot_model_id)


@router.patch(
    "/pilot-models/{int:pilot_model_id}", response=PilotModelOut, summary="Change a pilot model"
)
def pilot_model_update(
    request: HttpRequest, pilot_model_id: int, payload: PilotModelPatch
) -> PilotModel:
    model = selectors.pilot_model_get(user=request.user, pk=pilot_model_id)
    sent = _moved(request, _sent(payload))
    # An explicit null end clears it (a model set back to active); other nulls are kept.
    data = _not_none(sent, "activities", "notes")
    if "end" in sent:
        data["end"] = sent["end"]
    return communication_services.pilot_model_update(actor=request.user, pilot_model=model, **data)


@router.delete(
    "/pilot-models/{int:pilot_model_id}", response={204: None}, summary="Delete a pilot model"
)
def pilot_model_delete(request: HttpRequest, pilot_model_id: int) -> Status[None]:
    model = selectors.pilot_model_get(user=request.user, pk=pilot_model_id)
    communication_services.pilot_model_delete(actor=request.user, pilot_model=model)
    return Status(204, None)
