"""API: budget entries, allocation versus spending per unit, commendations. Everything is
read through the scoped selectors (404 outside scope) and written through the services
(422 with a Vietnamese detail for bad input, 403 without the right)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.core.scoping import unit_pick
from pcmd.programme import selectors, services
from pcmd.programme.models import BudgetEntry, Commendation, FundingSource
from pcmd.programme.selectors import BudgetSummary, Cell

router = Router(tags=["programme"])


def _sent(payload: Schema) -> dict[str, Any]:
    """Only what the caller sent (PATCH: a field left out is kept)."""
    return payload.dict(exclude_unset=True)


def _unit(request: HttpRequest, unit_id: int | None) -> Any:
    return unit_pick(user=request.user, pk=unit_id) if unit_id else None


# ---- budget entries -----------------------------------------------------------------------


class BudgetEntryOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    year: int
    kind: str
    source: str
    amount_vnd: int
    date: dt.date
    plan_id: int | None
    activity: str
    area: str
    document_number: str
    notes: str

    @staticmethod
    def resolve_unit_name(obj: BudgetEntry) -> str:
        return obj.unit.name


class BudgetEntryIn(Schema):
    unit_id: int
    # Everything else is checked by the service, which answers in Vietnamese.
    year: int | str | None = None
    kind: str = ""
    source: str = ""
    # A number, or text typed the Vietnamese way: "1.500.000".
    amount_vnd: int | str | None = None
    date: dt.date | None = None
    plan_id: int | None = None
    activity: str = ""
    area: str = ""
    document_number: str = ""
    notes: str = ""


class BudgetEntryPatch(Schema):
    year: int | str | None = None
    kind: str | None = None
    source: str | None = None
    amount_vnd: int | str | None = None
    date: dt.date | None = None
    plan_id: int | None = None
    activity: str | None = None
    area: str | None = None
    document_number: str | None = None
    notes: str | None = None


class BudgetFilter(Schema):
    unit_id: int | None = None
    year: int | None = None
    source: str = ""
    kind: str = ""
    area: str = ""
    plan_id: int | None = None
    q: str = ""


def _plan(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if "plan_id" in data:
        plan_id = data.pop("plan_id")
        data["plan"] = selectors.plan_pick(user=request.user, pk=plan_id) if plan_id else None
    return data


@router.get(
    "/budget-entries",
    response=list[BudgetEntryOut],
    summary="Budget allocations and spending in the caller's scope",
)
@paginate(LimitOffsetPagination)
def budget_entry_list(request: HttpRequest, filters: Query[BudgetFilter]) -> Any:
    user = request.user
    plan = selectors.plan_pick(user=user, pk=filters.plan_id) if filters.plan_id else None
    return selectors.budget_list(
        user=user,
        unit=_unit(request, filters.unit_id),
        year=filters.year,
        source=filters.source,
        kind=filters.kind,
        area=filters.area,
        plan=plan,
        q=filters.q,
    )


@router.post(
    "/budget-entries", response={201: BudgetEntryOut}, summary="Record an allocation or a spending"
)
def budget_entry_create(request: HttpRequest, payload: BudgetEntryIn) -> Status[BudgetEntry]:
    unit = unit_pick(user=request.user, pk=payload.unit_id)
    data = _plan(request, payload.dict(exclude={"unit_id"}))
    return Status(201, services.budget_entry_create(actor=request.user, unit=unit, **data))


@router.get(
    "/budget-entries/{int:budget_entry_id}", response=BudgetEntryOut, summary="One budget entry"
)
def budget_entry_get(request: HttpRequest, budget_entry_id: int) -> BudgetEntry:
    return selectors.budget_get(user=request.user, pk=budget_entry_id)


@router.patch(
    "/budget-entries/{int:budget_entry_id}", response=BudgetEntryOut, summary="Change an entry"
)
def budget_entry_update(
    request: HttpRequest, budget_entry_id: int, payload: BudgetEntryPatch
) -> BudgetEntry:
    entry = selectors.budget_get(user=request.user, pk=budget_entry_id)
    data = _plan(request, _sent(payload))
    return services.budget_entry_update(actor=request.user, entry=entry, **data)


@router.delete(
    "/budget-entries/{int:budget_entry_id}", response={204: None}, summary="Delete an entry"
)
def budget_entry_delete(request: HttpRequest, budget_entry_id: int) -> Status[None]:
    entry = selectors.budget_get(user=request.user, pk=budget_entry_id)
    services.budget_entry_delete(actor=request.user, entry=entry)
    return Status(204, None)


# ---- allocation versus spending ---------------------------------------------------------


class CellOut(Schema):
    allocated: int
    spent: int
    # Spent as a percentage of allocated; null when nothing was allocated.
    share: float | None
    # Spending above the allocation (allowed, flagged).
    over: bool


class SourceCellOut(CellOut):
    source: str


class SummaryRowOut(Schema):
    # "total": the unit with everything below it; "own": its own entries; "child": a unit
    # one level down with everything below it.
    kind: str
    label: str
    unit_id: int | None
    total: CellOut
    by_source: list[SourceCellOut]


class SourceOut(Schema):
    code: str
    label: str


class SummaryOut(Schema):
    unit_id: int | None
    unit_name: str | None
    year: int
    sources: list[SourceOut]
    rows: list[SummaryRowOut]


class SummaryQuery(Schema):
    unit_id: int | None = None
    year: int | None = None


def _cell(cell: Cell, source: str | None = None) -> dict[str, Any]:
    out = {
        "allocated": cell.allocated,
        "spent": cell.spent,
        "share": round(cell.share, 2) if cell.share is not None else None,
        "over": cell.over and cell.spent > 0,
    }
    return out | ({"source": source} if source is not None else {})


def _summary_out(summary: BudgetSummary) -> dict[str, Any]:
    return {
        "unit_id": summary.unit.pk if summary.unit else None,
        "unit_name": summary.unit.name if summary.unit else None,
        "year": summary.year,
        "sources": [{"code": s, "label": str(FundingSource(s).label)} for s in summary.sources],
        "rows": [
            {
                "kind": row.kind,
                "label": row.label,
                "unit_id": row.unit.pk if row.unit else None,
                "total": _cell(row.total),
                "by_source": [_cell(c, s) for s, c in zip(summary.sources, cells, strict=True)],
            }
            for row, cells in summary.table
        ],
    }


@router.get(
    "/budget-summary",
    response=SummaryOut,
    summary="Allocated and spent per funding source for a unit and each unit one level down",
)
def budget_summary(request: HttpRequest, query: Query[SummaryQuery]) -> dict[str, Any]:
    """Every figure sums the unit's whole subtree. Without `unit_id`: the caller's highest
    unit; without `year`: this year."""
    unit = selectors.summary_unit(request.user, query.unit_id)
    year = query.year or timezone.localdate().year
    return _summary_out(selectors.budget_summary(user=request.user, unit=unit, year=year))


# ---- commendations ----------------------------------------------------------------------


class CommendationOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    recipient_kind: str
    name: str
    level: str
    form: str
    decision_number: str
    decision_date: dt.date
    issuer: str
    reason: str

    @staticmethod
    def resolve_unit_name(obj: Commendation) -> str:
        return obj.unit.name


class CommendationIn(Schema):
    unit_id: int
    recipient_kind: str = ""
    name: str = ""
    level: str = ""
    form: str = ""
    decision_number: str = ""
    decision_date: dt.date | None = None
    issuer: str = ""
    reason: str = ""


class CommendationPatch(Schema):
    recipient_kind: str | None = None
    name: str | None = None
    level: str | None = None
    form: str | None = None
    decision_number: str | None = None
    decision_date: dt.date | None = None
    issuer: str | None = None
    reason: str | None = None


class CommendationFilter(Schema):
    unit_id: int | None = None
    year: int | None = None
    form: str = ""
    level: str = ""
    recipient_kind: str = ""
    q: str = ""


@router.get(
    "/commendations",
    response=list[CommendationOut],
    summary="Commendations in the caller's scope",
)
@paginate(LimitOffsetPagination)
def commendation_list(request: HttpRequest, filters: Query[CommendationFilter]) -> Any:
    return selectors.commendation_list(
        user=request.user,
        unit=_unit(request, filters.unit_id),
        year=filters.year,
        form=filters.form,
        level=filters.level,
        recipient_kind=filters.recipient_kind,
        q=filters.q,
    )


@router.post("/commendations", response={201: CommendationOut}, summary="Record a commendation")
def commendation_create(request: HttpRequest, payload: CommendationIn) -> Status[Commendation]:
    unit = unit_pick(user=request.user, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    return Status(201, services.commendation_create(actor=request.user, unit=unit, **data))


@router.get(
    "/commendations/{int:commendation_id}", response=CommendationOut, summary="One commendation"
)
def commendation_get(request: HttpRequest, commendation_id: int) -> Commendation:
    return selectors.commendation_get(user=request.user, pk=commendation_id)


@router.patch(
    "/commendations/{int:commendation_id}",
    response=CommendationOut,
    summary="Change a commendation",
)
def commendation_update(
    request: HttpRequest, commendation_id: int, payload: CommendationPatch
) -> Commendation:
    item = selectors.commendation_get(user=request.user, pk=commendation_id)
    return services.commendation_update(actor=request.user, item=item, **_sent(payload))


@router.delete(
    "/commendations/{int:commendation_id}", response={204: None}, summary="Delete a commendation"
)
def commendation_delete(request: HttpRequest, commendation_id: int) -> Status[None]:
    item = selectors.commendation_get(user=request.user, pk=commendation_id)
    services.commendation_delete(actor=request.user, item=item)
    return Status(204, None)
