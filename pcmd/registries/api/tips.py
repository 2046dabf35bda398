"""API: tips and complaints – list, read, log, edit, assign, verify, close, reopen, notes,
and the logged read of a named tip-giver's identity.

No answer carries the identity except POST /tips/{tip_id}/identity, which needs
Perm.TIP_IDENTITY and a reason and is written to the access log. Bodies take every field as
optional so that a refusal for scope (404) or permission (403) comes before complaints
about the body; the services answer bad input with 422 and a Vietnamese message.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.core.scoping import restrict, unit_pick
from pcmd.orgs.models import Agency
from pcmd.registries.models import Business, Tip, TipMessage
from pcmd.registries.selectors import tips as selectors
from pcmd.registries.selectors.businesses import business_get
from pcmd.registries.services import tips as services

router = Router(tags=["tips"])


class TipListOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    business_id: int | None
    channel: str
    received_at: dt.datetime
    category: str = Field(..., alias="category.code")
    subject: str
    anonymous: bool
    deadline: dt.date
    status: str
    assigned_agency_id: int | None
    assigned_on: dt.date | None
    conclusion: str
    closed_on: dt.date | None
    overdue: bool
    processed_on_time: bool | None

    @staticmethod
    def resolve_overdue(obj: Tip) -> bool:
        """Open and past its deadline today."""
        annotated = getattr(obj, "overdue_now", None)
        if annotated is not None:
            return bool(annotated)
        return obj.status != "closed" and obj.is_overdue(timezone.localdate())


class TipOut(TipListOut):
    content: str
    place: str
    platform: str
    link: str
    seen_at: dt.datetime | None
    verification: str
    outcome: str
    closure_reason: str
    public_status_note: str
    created: dt.datetime
    updated: dt.datetime


class TipFilter(Schema):
    status: str = ""
    channel: str = ""
    category: str = ""
    unit_id: int | None = None
    agency_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False
    q: str = ""
    sort: str = ""


class TipIn(Schema):
    unit_id: int
    channel: str = ""
    category: str = ""
    received_at: dt.datetime | None = None
    subject: str = ""
    content: str = ""
    place: str = ""
    business_id: int | None = None
    platform: str = ""
    link: str = ""
    seen_at: dt.datetime | None = None
    anonymous: bool = True
    reporter_name: str = ""
    reporter_contact: str = ""


class TipPatch(Schema):
    unit_id: int | None = None
    channel: str | None = None
    category: str | None = None
    received_at: dt.datetime | None = None
    subject: str | None = None
    content: str | None = None
    place: str | None = None
    business_id: int | None = None
    platform: str | None = None
    link: str | None = None
    seen_at: dt.datetime | None = None
    anonymous: bool | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None


class AssignIn(Schema):
    agency_id: int | None = None
    assigned_on: dt.date | None = None


class VerifyIn(Schema):
    verification: str = ""
    conclusion: str = ""


class CloseIn(Schema):
    conclusion: str = ""
    outcome: str = ""
    closed_on: dt.date | None = None
    reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class NoteIn(Schema):
    text: str = ""
    public: bool = False


class NoteOut(Schema):
    id: int
    text: str
    from_public: bool
    created: dt.datetime
    author: str | None

    @staticmethod
    def resolve_author(obj: TipMessage) -> str | None:
        return obj.created_by.get_username() if obj.created_by else None


class BusinessIn(Schema):
    business_id: int | None = None


class IdentityOut(Schema):
    name: str
    contact: str


def _tip(request: HttpRequest, tip_id: int) -> Tip:
    return selectors.tip_get(user=request.user, pk=tip_id)


def _business(request: HttpRequest, business_id: int | None) -> Business | None:
    if business_id is None:
        return None
    return business_get(user=request.user, pk=business_id)


@router.get("/tips", response=list[TipListOut], summary="Tips in the caller's scope")
@paginate(LimitOffsetPagination)
def tip_list(request: HttpRequest, filters: Query[TipFilter]) -> Any:
    data = filters.dict()
    unit_id, agency_id = data.pop("unit_id"), data.pop("agency_id")
    unit = unit_pick(user=request.user, pk=unit_id) if unit_id is not None else None
    return selectors.tip_list(user=request.user, unit=unit, agency=agency_id, **data)


@router.post("/tips", response={201: TipOut}, summary="Log a tip (hotline, mailbox, in person…)")
def tip_create(request: HttpRequest, payload: TipIn) -> Status[Tip]:
    data = payload.dict()
    unit = unit_pick(user=request.user, pk=data.pop("unit_id"))
    business = _business(request, data.pop("business_id"))
    tip = services.tip_create(actor=request.user, unit=unit, business=business, **data)
    return Status(201, tip)


@router.get("/tips/{int:tip_id}", response=TipOut, summary="One tip (never its tip-giver)")
def tip_get(request: HttpRequest, tip_id: int) -> Tip:
    return _tip(request, tip_id)


@router.patch("/tips/{int:tip_id}", response=TipOut, summary="Change a tip's intake fields")
def tip_update(request: HttpRequest, tip_id: int, payload: TipPatch) -> Tip:
    tip = _tip(request, tip_id)
    data = payload.dict(exclude_unset=True)
    if "unit_id" in data:
        unit_id = data.pop("unit_id")
        data["unit"] = unit_pick(user=request.user, pk=unit_id) if unit_id is not None else None
    if "business_id" in data:
        data["business"] = _business(request, data.pop("business_id"))
    return services.tip_update(actor=request.user, tip=tip, **data)


@router.post("/tips/{int:tip_id}/assign", response=TipOut, summary="Assign to an agency")
def tip_assign(request: HttpRequest, tip_id: int, payload: AssignIn) -> Tip:
    tip = _tip(request, tip_id)
    agency = None
    if payload.agency_id is not None:
        agency = get_object_or_404(
            restrict(Agency.objects.select_related("unit"), request.user), pk=payload.agency_id
        )
    return services.tip_assign(
        actor=request.user, tip=tip, agency=agency, assigned_on=payload.assigned_on
    )


@router.post("/tips/{int:tip_id}/verify", response=TipOut, summary="Record the verification")
def tip_verify(request: HttpRequest, tip_id: int, payload: VerifyIn) -> Tip:
    return services.tip_verify(actor=request.user, tip=_tip(request, tip_id), **payload.dict())


@router.post("/tips/{int:tip_id}/close", response=TipOut, summary="Close with a reason")
def tip_close(request: HttpRequest, tip_id: int, payload: CloseIn) -> Tip:
    return services.tip_close(actor=request.user, tip=_tip(request, tip_id), **payload.dict())


@router.post("/tips/{int:tip_id}/reopen", response=TipOut, summary="Reopen a closed tip")
def tip_reopen(request: HttpRequest, tip_id: int, payload: ReasonIn) -> Tip:
    return services.tip_reopen(actor=request.user, tip=_tip(request, tip_id), **payload.dict())


@router.post("/tips/{int:tip_id}/business", response=TipOut, summary="Link a business")
def tip_link_business(request: HttpRequest, tip_id: int, payload: BusinessIn) -> Tip:
    tip = _tip(request, tip_id)
    business = _business(request, payload.business_id)
    return services.tip_link_business(actor=request.user, tip=tip, business=business)


@router.get("/tips/{int:tip_id}/notes", response=list[NoteOut], summary="Messages and notes")
def tip_notes(request: HttpRequest, tip_id: int) -> Any:
    return selectors.tip_messages(_tip(request, tip_id))


@router.post("/tips/{int:tip_id}/notes", response={201: NoteOut}, summary="Add an officer's note")
def tip_note(request: HttpRequest, tip_id: int, payload: NoteIn) -> Status[TipMessage]:
    message = services.tip_note(actor=request.user, tip=_tip(request, tip_id), **payload.dict())
    return Status(201, message)


@router.post(
    "/tips/{int:tip_id}/identity",
    response=IdentityOut,
    summary="Read a named tip-giver's identity (needs the right and a reason; logged)",
)
def tip_identity(
    request: HttpRequest, tip_id: int, payload: ReasonIn, response: HttpResponse
) -> Any:
    tip = _tip(request, tip_id)
    name, contact = services.tip_identity(actor=request.user, tip=tip, reason=payload.reason)
    response["Cache-Control"] = "no-store, private"
    return {"name": name, "contact": contact}
