"""API: the registry of at-risk businesses (mounted at /api/businesses), scoped by the
business's commune. Dates are ISO (yyyy-mm-dd); kind and status are the codes of
BusinessKind and BusinessStatus."""

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.core.errors import ServiceError
from pcmd.core.scoping import unit_pick
from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.models import Business, BusinessKind
from pcmd.registries.selectors import businesses as selectors
from pcmd.registries.services import businesses as services

router = Router(tags=["businesses"])

StatusCode = Literal["open", "suspended", "closed"]


class BusinessOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    address: str
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    unit_code: str = Field(..., alias="unit.code")
    registration_number: str
    registration_date: dt.date | None
    licence_number: str
    licence_date: dt.date | None
    owner_name: str
    owner_phone: str
    workers_total: int | None
    workers_female: int | None
    status: str
    status_since: dt.date | None
    opened_on: dt.date | None
    closed_on: dt.date | None
    commitment_signed: bool
    commitment_date: dt.date | None
    notes: str
    last_inspected: dt.date | None = None

    @staticmethod
    def resolve_kind_name(obj: Business) -> str:
        return str(obj.get_kind_display())


class BusinessIn(Schema):
    # Defaults everywhere: the services, not the schema, say what is missing (in Vietnamese,
    # and after the permission check on the unit).
    unit_id: int
    name: str = ""
    kind: str = Field("", description="Mã loại hình (hotel, guest_house, karaoke, …)")
    address: str = ""
    registration_number: str = ""
    registration_date: dt.date | None = None
    licence_number: str = ""
    licence_date: dt.date | None = None
    owner_name: str = ""
    owner_phone: str = ""
    workers_total: int | None = None
    workers_female: int | None = None
    status: str = "open"
    status_since: dt.date | None = None
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    commitment_signed: bool = False
    commitment_date: dt.date | None = None
    notes: str = ""


class BusinessPatch(Schema):
    unit_id: int | None = None
    name: str | None = None
    kind: str | None = None
    address: str | None = None
    registration_number: str | None = None
    registration_date: dt.date | None = None
    licence_number: str | None = None
    licence_date: dt.date | None = None
    owner_name: str | None = None
    owner_phone: str | None = None
    workers_total: int | None = None
    workers_female: int | None = None
    status_since: dt.date | None = None
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    commitment_signed: bool | None = None
    commitment_date: dt.date | None = None
    notes: str | None = None


class StatusIn(Schema):
    status: StatusCode
    on: dt.date | None = Field(None, description="Từ ngày (mặc định hôm nay)")


class BusinessFilter(Schema):
    q: str | None = None
    kind: str | None = None
    unit_id: int | None = None
    status: StatusCode | None = None
    never_inspected: bool = False
    inspected_this_year: bool = False
    with_violations: bool = False


@router.get("/businesses", response=list[BusinessOut], summary="Businesses in the user's scope")
@paginate(LimitOffsetPagination)
def business_list(request: HttpRequest, filters: Query[BusinessFilter]) -> QuerySet[Business]:
    """`q` matches words of the name or address (with or without diacritics) or the
    registration number; `unit_id` takes the unit and the units below it."""
    unit = unit_pick(user=request.user, pk=filters.unit_id) if filters.unit_id is not None else None
    if filters.kind and filters.kind not in BusinessKind.values:
        raise ServiceError(_("Không có loại hình “%(kind)s”.") % {"kind": filters.kind})
    return selectors.business_list(
        user=request.user,
        q=filters.q or "",
        kind=filters.kind or "",
        unit=unit,
        status=filters.status or "",
        never_inspected=filters.never_inspected,
        inspected_this_year=filters.inspected_this_year,
        with_violations=filters.with_violations,
    )


@router.get("/businesses/{int:business_id}", response=BusinessOut, summary="One business")
def business_get(request: HttpRequest, business_id: int) -> Business:
    return selectors.business_get(user=request.user, pk=business_id)


@router.post("/businesses", response={201: BusinessOut}, summary="Record a business")
def business_create(request: HttpRequest, payload: BusinessIn) -> Status[Business]:
    """A duplicate (same registration number, or same name and address in the unit) is
    refused with 422 naming the existing record."""
    unit = get_object_or_404(AdministrativeUnit, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    return Status(201, services.business_create(actor=request.user, unit=unit, **data))


_OPTIONAL_TEXT = ("registration_number", "licence_number", "owner_name", "owner_phone", "notes")


@router.patch(
    "/businesses/{int:business_id}",
    response=BusinessOut,
    summary="Change a business (only the fields sent)",
)
def business_update(request: HttpRequest, business_id: int, payload: BusinessPatch) -> Business:
    business = selectors.business_get(user=request.user, pk=business_id)
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    unit = None
    unit_id = data.pop("unit_id", None)
    if unit_id is not None:
        unit = get_object_or_404(AdministrativeUnit, pk=unit_id)
    for key in _OPTIONAL_TEXT:
        if key in data and data[key] is None:
            data[key] = ""
    if data.get("commitment_signed", False) is None:
        data["commitment_signed"] = False
    services.business_update(actor=request.user, business=business, unit=unit, **data)
    return selectors.business_get(user=request.user, pk=business_id)


@router.post(
    "/businesses/{int:business_id}/status",
    response=BusinessOut,
    summary="Open, suspend or close a business from a date",
)
def business_status(request: HttpRequest, business_id: int, payload: StatusIn) -> Business:
    business = selectors.business_get(user=request.user, pk=business_id)
    services.business_set_status(
        actor=request.user, business=business, status=payload.status, on=payload.on
    )
    return selectors.business_get(user=request.user, pk=business_id)


@router.delete(
    "/businesses/{int:business_id}",
    response={204: None},
    summary="Delete a business recorded by mistake",
)
def business_delete(request: HttpRequest, business_id: int) -> Status[None]:
    """Refused (422) when the business has inspections, sanctions, tips or plans."""
    business = selectors.business_get(user=request.user, pk=business_id)
    services.business_delete(actor=request.user, business=business)
    return Status(204, None)
