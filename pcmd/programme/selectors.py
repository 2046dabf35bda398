"""Reads of budget entries and commendations, scoped by unit, and the per-unit comparison
of allocation and spending."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pcmd.core.scoping import get_scoped_or_404, restrict, scope_for, unit_pick
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.plans.models import Plan
from pcmd.programme.models import BudgetEntry, BudgetKind, Commendation, FundingSource

# ---- units and plans the pages and the API pick from ------------------------------------


def plan_choices(*, user: Any, unit: AdministrativeUnit | None = None) -> QuerySet[Plan]:
    """Plans in the user's scope (of `unit` alone when given) a budget entry may follow."""
    qs = restrict(Plan.objects.select_related("unit"), user)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit__path", "-period_start", "-issued_on", "-id")


def plan_pick(*, user: Any, pk: int) -> Plan:
    """A plan in the user's scope, or 404."""
    return get_scoped_or_404(Plan.objects.select_related("unit"), user, pk=pk)


def units_with(
    *, user: Any, model: type[BudgetEntry] | type[Commendation]
) -> QuerySet[AdministrativeUnit]:
    """Units in scope that hold rows of `model` (a short filter list, not every commune)."""
    ids = restrict(model.objects.all(), user).values("unit_id")
    return AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent").order_by("path")


def years_of(*, user: Any, model: type[BudgetEntry] | type[Commendation]) -> list[int]:
    """Years that have rows in scope, newest first (always including this year)."""
    qs = restrict(model.objects.all(), user)
    if model is BudgetEntry:
        years = set(qs.values_list("year", flat=True).distinct())
    else:
        years = {d.year for d in qs.dates("decision_date", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def _under(unit: AdministrativeUnit | None) -> Q:
    return Q(unit__path__startswith=unit.path) if unit is not None else Q()


# ---- budget -----------------------------------------------------------------------------


def budget_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    year: int | None = None,
    source: str = "",
    kind: str = "",
    area: str = "",
    plan: Plan | None = None,
    q: str = "",
) -> QuerySet[BudgetEntry]:
    """Entries of units in the user's scope (of `unit` and below), newest first."""
    qs = restrict(BudgetEntry.objects.select_related("unit", "plan"), user).filter(_under(unit))
    if year:
        qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source=source)
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(area=area)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if q.strip():
        text = nfc(q.strip())
        qs = qs.filter(
            Q(activity__icontains=text)
            | Q(document_number__icontains=text)
            | Q(notes__icontains=text)
        )
    return qs.order_by("-year", "-date", "-id")


def budget_get(*, user: Any, pk: int) -> BudgetEntry:
    """One entry in the user's scope, or 404."""
    return get_scoped_or_404(
        BudgetEntry.objects.select_related("unit", "unit__parent", "plan", "created_by"),
        user,
        pk=pk,
    )


def budget_totals(qs: QuerySet[BudgetEntry]) -> dict[str, int]:
    """Allocated and spent over the rows of a (filtered) list."""
    sums = qs.aggregate(
        allocated=Sum("amount_vnd", filter=Q(kind=BudgetKind.ALLOCATION)),
        spent=Sum("amount_vnd", filter=Q(kind=BudgetKind.SPENDING)),
    )
    return {k: int(v or 0) for k, v in sums.items()}


@dataclass
class Cell:
    """Allocated and spent for one unit and one source (or all sources)."""

    allocated: int = 0
    spent: int = 0

    @property
    def share(self) -> float | None:
        """Spent as a percentage of allocated (None when nothing was allocated)."""
        return self.spent * 100 / self.allocated if self.allocated else None

    @property
    def over(self) -> bool:
        """Spending above the allocation: allowed, but flagged."""
        return self.spent > self.allocated

    def add(self, kind: str, amount: int) -> None:
        if kind == BudgetKind.ALLOCATION:
            self.allocated += amount
        else:
            self.spent += amount


class RowKind:
    TOTAL = "total"  # the unit and everything below it
    OWN = "own"  # the unit's own entries
    CHILD = "child"  # one unit one level down, with everything below it


@dataclass
class SummaryRow:
    kind: str
    label: str
    unit: AdministrativeUnit | None
    cells: dict[str, Cell] = field(default_factory=dict)
    total: Cell = field(default_factory=Cell)

    def add(self, source: str, kind: str, amount: int) -> None:
        self.cells.setdefault(source, Cell()).add(kind, amount)
        self.total.add(kind, amount)

    def cell(self, source: str) -> Cell:
        return self.cells.get(source, Cell())

    @property
    def over(self) -> bool:
        return self.total.over or any(c.over for c in self.cells.values())


@dataclass
class BudgetSummary:
    unit: AdministrativeUnit | None
    year: int
    sources: list[str]
    rows: list[SummaryRow]

    @property
    def source_labels(self) -> list[tuple[str, str]]:
        return [(s, str(FundingSource(s).label)) for s in self.sources]

    @property
    def table(self) -> list[tuple[SummaryRow, list[Cell]]]:
        """Each row with its cells in the order of `sources` (what the page shows)."""
        return [(r, [r.cell(s) for s in self.sources]) for r in self.rows]

    @property
    def flagged(self) -> list[SummaryRow]:
        return [r for r in self.rows if r.over and r.total.spent]


def _children_in(unit: AdministrativeUnit | None, year: int) -> list[AdministrativeUnit]:
    """Units one level down as they stood in the year (today's, for a unit of today asked
    about a year before it existed; the provinces, for the whole country)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    today = timezone.localdate()
    at = min(end, today)
    if unit is not None:
        existed = (unit.valid_from is None or unit.valid_from <= end) and (
            unit.valid_to is None or unit.valid_to >= start
        )
        if existed:
            at = min(at, unit.valid_to or at)
            if unit.valid_from and at < unit.valid_from:
                at = unit.valid_from
        else:
            at = today
    qs = AdministrativeUnit.objects.filter(valid_at(at), level__lte=UnitLevel.COMMUNE)
    qs = qs.filter(parent=unit) if unit is not None else qs.filter(parent__isnull=True)
    return list(qs)


def _child_id(parent_path: str, path: str) -> int | None:
    """The id of the unit one level below `parent_path` on the way to `path`."""
    rest = path[len(parent_path) :].strip("/")
    return int(rest.split("/")[0]) if rest else None


def budget_summary(*, user: Any, unit: AdministrativeUnit | None, year: int) -> BudgetSummary:
    """Allocated, spent and spent/allocated per funding source for `unit` and each unit one
    level down in `year`; every figure sums the unit's whole subtree (by unit path).

    `unit` None is the whole country (only for those whose scope is everything). The
    caller read `unit` through scope; rows are restricted again all the same.
    """
    qs = restrict(BudgetEntry.objects.filter(year=year), user).filter(_under(unit))
    figures = (
        qs.values("unit__path", "source", "kind").annotate(amount=Sum("amount_vnd")).order_by()
    )
    parent_path = unit.path if unit is not None else "/"
    label = unit.name if unit is not None else _("Toàn quốc")
    total = SummaryRow(RowKind.TOTAL, label, unit)
    own = SummaryRow(
        RowKind.OWN, _("Riêng %(unit)s (không kể đơn vị trực thuộc)") % {"unit": label}, unit
    )
    children = {c.pk: c for c in _children_in(unit, year)}
    by_child: dict[int, list[tuple[str, str, int]]] = {}
    used: set[str] = set()
    for row in figures:
        amount = int(row["amount"] or 0)
        source, kind = row["source"], row["kind"]
        used.add(source)
        total.add(source, kind, amount)
        child_id = _child_id(parent_path, row["unit__path"])
        if child_id is None:
            own.add(source, kind, amount)
        else:
            by_child.setdefault(child_id, []).append((source, kind, amount))
    # A unit below that held entries but was not standing at the year's end still shows.
    missing = set(by_child) - set(children)
    if missing:
        children.update({c.pk: c for c in AdministrativeUnit.objects.filter(pk__in=missing)})
    child_rows = []
    for child in sorted(children.values(), key=lambda c: (c.name, c.pk)):
        row_ = SummaryRow(RowKind.CHILD, child.name, child)
        for source, kind, amount in by_child.get(child.pk, []):
            row_.add(source, kind, amount)
        child_rows.append(row_)
    sources = [s for s in FundingSource.values if s in used]
    rows = [total]
    if unit is not None:
        rows.append(own)
    return BudgetSummary(unit=unit, year=year, sources=sources, rows=rows + child_rows)


def summary_unit(user: Any, unit_id: int | None) -> AdministrativeUnit | None:
    """The unit a summary is asked for: the given one in scope (404 otherwise), else the
    user's highest current unit (None: the country, for those whose scope is everything)."""
    if unit_id is not None:
        return unit_pick(user=user, pk=unit_id)
    scope = scope_for(user)
    if scope.everything:
        return None
    units = AdministrativeUnit.objects.filter(
        valid_at(timezone.localdate()), path__in=scope.paths, level__lte=UnitLevel.COMMUNE
    ).order_by("depth", "path")
    first = units.first()
    if first is None:
        first = AdministrativeUnit.objects.filter(path__in=scope.paths).order_by("depth").first()
    return first


# ---- commendations ----------------------------------------------------------------------


def commendation_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    year: int | None = None,
    form: str = "",
    level: str = "",
    recipient_kind: str = "",
    q: str = "",
) -> QuerySet[Commendation]:
    """Commendations of units in the user's scope (of `unit` and below), newest first."""
    qs = restrict(Commendation.objects.select_related("unit"), user).filter(_under(unit))
    if year:
        qs = qs.filter(decision_date__year=year)
    if form:
        qs = qs.filter(form=form)
    if level:
        qs = qs.filter(level=level)
    if recipient_kind:
        qs = qs.filter(recipient_kind=recipient_kind)
    if q.strip():
        text = nfc(q.strip())
        qs = qs.filter(
            Q(name__icontains=text) | Q(decision_number__icontains=text) | Q(reason__icontains=text)
        )
    return qs.order_by("-decision_date", "-id")


def commendation_get(*, user: Any, pk: int) -> Commendation:
    """One commendation in the user's scope, or 404."""
    return get_scoped_or_404(
        Commendation.objects.select_related("unit", "unit__parent", "created_by"), user, pk=pk
    )
