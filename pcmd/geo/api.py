"""The units API (mounted at /api/units): the hierarchy on a date, search, successions, villages.

Dates are ISO (yyyy-mm-dd). Units are public reference data, so reads need only a login.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.geo import selectors
from pcmd.geo.forms import VillageCreateForm, form_errors_text
from pcmd.geo.models import AdministrativeUnit, UnitLevel

router = Router(tags=["units"])

MAX_PAGE = 500


def _succession(s: Any, unit: AdministrativeUnit) -> dict[str, Any]:
    return {
        "unit": unit,
        "kind": s.kind,
        "effective_date": s.effective_date,
        "is_default": s.is_default,
        "note": s.note,
    }


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    level: int
    level_label: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str
    is_current: bool

    @staticmethod
    def resolve_kind_label(obj: AdministrativeUnit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_level_label(obj: AdministrativeUnit) -> str:
        return str(obj.get_level_display())


class SuccessionOut(Schema):
    unit: UnitOut
    kind: str
    effective_date: dt.date
    is_default: bool
    note: str


class UnitDetailOut(UnitOut):
    ancestors: list[UnitOut]
    successions: list[SuccessionOut]
    predecessions: list[SuccessionOut]

    @staticmethod
    def resolve_ancestors(obj: AdministrativeUnit) -> list[AdministrativeUnit]:
        return list(selectors.unit_ancestors(obj))

    @staticmethod
    def resolve_successions(obj: AdministrativeUnit) -> list[dict[str, Any]]:
        links = selectors.unit_direct_successions(obj).order_by("effective_date")
        return [_succession(s, s.successor) for s in links]

    @staticmethod
    def resolve_predecessions(obj: AdministrativeUnit) -> list[dict[str, Any]]:
        links = selectors.unit_direct_predecessions(obj).order_by("effective_date")
        return [_succession(s, s.predecessor) for s in links]


class VillageIn(Schema):
    name: str
    kind: str = "thon"
    code: str = ""
    valid_from: dt.date


class ErrorOut(Schema):
    detail: str


def _date(value: str | None, *, default_today: bool = False) -> dt.date | None:
    """An ISO date from the query string; 422 with a message when malformed."""
    if not value:
        return dt.date.today() if default_today else None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HttpError(
            422,
            _("Ngày không hợp lệ: “%(value)s”. Dùng dạng yyyy-mm-dd, ví dụ 2024-12-31.")
            % {"value": value[:20]},
        ) from None


def _level(value: int | None) -> int | None:
    if value is not None and value not in UnitLevel.values:
        raise HttpError(
            422, _("Cấp không hợp lệ: 1 = tỉnh, 2 = huyện, 3 = xã, 4 = thôn, tổ dân phố.")
        )
    return value


def _unit(unit_id: int) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise HttpError(404, _("Không tìm thấy đơn vị hành chính."))
    return unit


@router.get("", response=list[UnitOut], summary="Search or list units")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def unit_list(
    request: HttpRequest,
    q: str = "",
    at: str | None = None,
    level: int | None = None,
    parent: int | None = None,
) -> QuerySet[AdministrativeUnit]:
    """Units valid on `at` (every period when omitted), optionally below `parent` and of a `level`.

    With `q`, a search by name (diacritics optional) or exact code, best matches first.
    """
    day, lvl = _date(at), _level(level)
    within = _unit(parent) if parent is not None else None
    if q.strip():
        return selectors.unit_search(q, at=day, level=lvl, within=within, limit=MAX_PAGE * 20)
    qs = selectors.units_at(day)
    if lvl:
        qs = qs.filter(level=lvl)
    if within is not None:
        qs = qs.filter(path__startswith=within.path).exclude(pk=within.pk)
    return qs.order_by("path")


@router.get("/roots", response=list[UnitOut], summary="Provinces on a date")
def unit_roots(request: HttpRequest, at: str | None = None) -> QuerySet[AdministrativeUnit]:
    """The provinces valid on `at` (today when omitted)."""
    return selectors.unit_roots(_date(at, default_today=True))


@router.get("/by-code/{level}/{code}", response=UnitOut, summary="The unit with a code on a date")
def unit_by_code(
    request: HttpRequest, level: int, code: str, at: str | None = None
) -> AdministrativeUnit:
    """Codes are reused across periods, so the date (today when omitted) picks the unit."""
    day = _date(at, default_today=True)
    assert day is not None
    unit = selectors.unit_by_code(code, level=_level(level) or 0, at=day)
    if unit is None:
        raise HttpError(
            404,
            _("Không có đơn vị cấp %(level)s mã %(code)s vào ngày %(day)s.")
            % {"level": level, "code": code[:20], "day": day.strftime("%d/%m/%Y")},
        )
    return unit


@router.get("/{unit_id}", response=UnitDetailOut, summary="One unit")
def unit_detail(request: HttpRequest, unit_id: int) -> AdministrativeUnit:
    """The unit with its ancestors and its direct successions both ways."""
    return _unit(unit_id)


@router.get("/{unit_id}/children", response=list[UnitOut], summary="Children on a date")
def unit_children(
    request: HttpRequest, unit_id: int, at: str | None = None
) -> QuerySet[AdministrativeUnit]:
    """Direct children valid on `at` (today when omitted)."""
    return selectors.unit_children(_unit(unit_id), _date(at, default_today=True))


@router.get("/{unit_id}/descendants", response=list[UnitOut], summary="Everything below a unit")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def unit_descendants(
    request: HttpRequest, unit_id: int, at: str | None = None, level: int | None = None
) -> QuerySet[AdministrativeUnit]:
    """Units below `unit_id` valid on `at` (every period when omitted), of one `level` if given."""
    qs = selectors.unit_descendants(_unit(unit_id), _date(at))
    lvl = _level(level)
    return (qs.filter(level=lvl) if lvl else qs).order_by("path")


@router.get(
    "/{unit_id}/ancestors", response=list[UnitOut], summary="From the province down to the parent"
)
def unit_ancestors(request: HttpRequest, unit_id: int) -> QuerySet[AdministrativeUnit]:
    return selectors.unit_ancestors(_unit(unit_id))


@router.get(
    "/{unit_id}/successors", response=list[UnitOut], summary="The unit(s) carrying it on, on a date"
)
def unit_successors(
    request: HttpRequest, unit_id: int, at: str | None = None
) -> QuerySet[AdministrativeUnit]:
    """The unit itself when valid on `at` (today when omitted), else its successors valid then."""
    return selectors.unit_successors(_unit(unit_id), _date(at, default_today=True)).order_by("path")


@router.get("/{unit_id}/predecessors", response=list[UnitOut], summary="Units it took over")
def unit_predecessors(
    request: HttpRequest, unit_id: int, at: str | None = None
) -> QuerySet[AdministrativeUnit]:
    """Every unit it took over through any number of changes; with `at`, those valid then."""
    return selectors.unit_predecessors(_unit(unit_id), _date(at)).order_by("level", "path")


@router.post(
    "/{unit_id}/villages",
    response={201: UnitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a village or residential group to a commune",
)
def village_create(
    request: HttpRequest, unit_id: int, payload: VillageIn
) -> Status[AdministrativeUnit]:
    """Needs Perm.UNIT_MANAGE on the commune; an empty `code` becomes "<commune code>-NN"."""
    commune = _unit(unit_id)
    if commune.level != UnitLevel.COMMUNE:
        raise HttpError(422, _("Chỉ thêm được thôn, tổ dân phố vào đơn vị cấp xã."))
    if not user_can(request.user, Perm.UNIT_MANAGE, commune):
        raise HttpError(
            403,
            _("Bạn không có quyền quản lý thôn, tổ dân phố của %(name)s.") % {"name": commune.name},
        )
    form = VillageCreateForm(
        data={**payload.dict(), "valid_from": payload.valid_from.isoformat()}, commune=commune
    )
    village = form.save(actor=request.user) if form.is_valid() else None
    if village is None:
        raise HttpError(422, form_errors_text(form))
    return Status(201, village)
