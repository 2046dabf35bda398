"""The agencies API (mounted at /api/agencies): agencies in the user's scope, the agency-type
catalogue, and the agency-name matcher. Dates are ISO (yyyy-mm-dd)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs import selectors, services
from pcmd.orgs.matching import AgencyMatch, agency_type_match, agency_type_match_all
from pcmd.orgs.models import Agency, AgencyLevel, AgencyType

router = Router(tags=["agencies"])

MAX_MATCH_TEXT = 5000


@contextmanager
def _refusals_as_http() -> Iterator[None]:
    """A permission refusal of a service answers 403 with its message."""
    try:
        yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("Bạn không có quyền thực hiện việc này.")) from exc


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    agency_type: str | None = Field(None, alias="agency_type.code")
    agency_type_name: str | None = Field(None, alias="agency_type.name")
    email: str
    phone: str
    address: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    active: bool
    is_current: bool
    is_standard: bool


class AgencyIn(Schema):
    unit_id: int
    name: str
    agency_type: str | None = Field(None, description="Mã loại cơ quan (GET /api/agencies/types)")
    short_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class AgencyPatch(Schema):
    name: str | None = None
    agency_type: str | None = None
    short_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    active: bool | None = None


class TypeNameOut(Schema):
    level: int
    name: str
    short_name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_coordinator: bool
    is_standard: bool
    unit_kinds: list[str]

    @staticmethod
    def resolve_unit_kinds(obj: Any) -> list[str]:
        return obj.unit_kinds.split(",") if obj.unit_kinds else []


class AliasOut(Schema):
    alias: str
    level: int | None
    is_sector: bool


class AgencyTypeOut(Schema):
    code: str
    name: str
    name_en: str
    is_requested_body: bool
    names: list[TypeNameOut]
    aliases: list[AliasOut]

    @staticmethod
    def resolve_names(obj: AgencyType) -> list[Any]:
        return list(obj.names.all())

    @staticmethod
    def resolve_aliases(obj: AgencyType) -> list[Any]:
        return list(obj.aliases.all())


class MatchOut(Schema):
    agency_type: str
    agency_type_name: str
    alias: str
    text: str
    start: int
    end: int
    level: int | None
    confidence: float
    name: str | None = Field(None, description="What the type was called at that level then")
    is_coordinator: bool
    is_requested_body: bool


class MatchResponse(Schema):
    text: str
    match: MatchOut | None
    mentions: list[MatchOut]


def _match_out(m: AgencyMatch) -> dict[str, Any]:
    return {
        "agency_type": m.agency_type.code,
        "agency_type_name": m.agency_type.name,
        "alias": m.alias,
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "level": m.level,
        "confidence": m.confidence,
        "name": m.type_name.name if m.type_name else None,
        "is_coordinator": m.is_coordinator,
        "is_requested_body": m.agency_type.is_requested_body,
    }


def _agency_type(code: str | None) -> AgencyType | None:
    if not code:
        return None
    found = AgencyType.objects.filter(code=code).first()
    if found is None:
        raise HttpError(422, _("Không có loại cơ quan mã “%(code)s”.") % {"code": code})
    return found


def _level(level: int | None) -> int | None:
    if level is not None and level not in AgencyLevel.values:
        raise HttpError(422, _("Cấp phải là 0 (trung ương), 1 (tỉnh), 2 (huyện) hoặc 3 (xã)."))
    return level


@router.get("", response=list[AgencyOut], summary="Agencies in the user's scope")
@paginate(LimitOffsetPagination)
def agency_list(
    request: HttpRequest,
    q: str | None = None,
    unit_id: int | None = None,
    agency_type: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Agency]:
    """Filtered by name words (with or without diacritics), unit and type code; only active
    agencies in existence today unless include_inactive."""
    unit = None
    if unit_id is not None:
        unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise HttpError(422, _("Không có đơn vị hành chính mã số %(id)d.") % {"id": unit_id})
    return selectors.agency_list(
        user=request.user,
        unit=unit,
        q=q,
        agency_type=_agency_type(agency_type),
        include_inactive=include_inactive,
    )


@router.get("/types", response=list[AgencyTypeOut], summary="The agency-type catalogue")
def agency_type_list(request: HttpRequest) -> QuerySet[AgencyType]:
    """Every type with its names per level (0 central, 1 province, 2 district, 3 commune)
    and period, whether it coordinates the programme then, and its aliases."""
    return selectors.agency_types()


@router.get("/match", response=MatchResponse, summary="Which agency types a text names")
def agency_match(
    request: HttpRequest, text: str, level: int | None = None, at: dt.date | None = None
) -> dict[str, Any]:
    """`match` is the agency the text names (null when none), `mentions` every agency it
    mentions in order. `level` is the level to assume where the text names none; `at` the
    date the text speaks of."""
    if len(text) > MAX_MATCH_TEXT:
        raise HttpError(422, _("Văn bản dài quá %(n)d ký tự.") % {"n": MAX_MATCH_TEXT})
    level = _level(level)
    found = agency_type_match(text, level=level, at=at)
    return {
        "text": text,
        "match": _match_out(found) if found else None,
        "mentions": [_match_out(m) for m in agency_type_match_all(text, level=level, at=at)],
    }


@router.get("/{int:pk}", response=AgencyOut, summary="One agency")
def agency_get(request: HttpRequest, pk: int) -> Agency:
    return selectors.agency_get(user=request.user, pk=pk)


@router.post("", response={201: AgencyOut}, summary="Add an agency to a unit")
def agency_create(request: HttpRequest, payload: AgencyIn) -> Status[Agency]:
    unit = get_object_or_404(AdministrativeUnit, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    data["agency_type"] = _agency_type(data["agency_type"])
    with _refusals_as_http():
        return Status(201, services.agency_create(actor=request.user, unit=unit, **data))


@router.patch("/{int:pk}", response=AgencyOut, summary="Change an agency (only the fields sent)")
def agency_update(request: HttpRequest, pk: int, payload: AgencyPatch) -> Agency:
    agency = selectors.agency_get(user=request.user, pk=pk)
    data = payload.dict(exclude_unset=True)
    if "agency_type" in data:
        data["agency_type"] = _agency_type(data["agency_type"])
    for key in ("name", "short_name", "email", "phone", "address", "active"):
        if key in data and data[key] is None:
            raise HttpError(422, _("Trường %(field)s không được để trống (null).") % {"field": key})
    with _refusals_as_http():
        return services.agency_update(actor=request.user, agency=agency, **data)
