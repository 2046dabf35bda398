"""The programme's figures per base unit, fed to the roll-up engine (analytics.sources).

Each function answers for records dated in one span (a budget entry's date, a
commendation's decision date); the unit is the record's own.
"""

import datetime as dt

from django.db.models import Count, QuerySet, Sum

from pcmd.analytics.sources import register
from pcmd.programme.models import BudgetEntry, BudgetKind, Commendation


def _per_unit(qs: QuerySet) -> dict[int, float]:
    return {row["unit_id"]: float(row["n"] or 0) for row in qs}


def _budget(kind: str, start: dt.date, end: dt.date) -> dict[int, float]:
    qs = BudgetEntry.objects.filter(kind=kind, date__range=(start, end))
    return _per_unit(qs.values("unit_id").annotate(n=Sum("amount_vnd")).order_by())


def budget_allocated(start: dt.date, end: dt.date) -> dict[int, float]:
    """Allocations (VND) decided in the span."""
    return _budget(BudgetKind.ALLOCATION, start, end)


def budget_spent(start: dt.date, end: dt.date) -> dict[int, float]:
    """Spending (VND) dated in the span."""
    return _budget(BudgetKind.SPENDING, start, end)


def commendations_count(start: dt.date, end: dt.date) -> dict[int, float]:
    """Collectives and individuals commended by decisions dated in the span."""
    qs = Commendation.objects.filter(decision_date__range=(start, end))
    return _per_unit(qs.values("unit_id").annotate(n=Count("id")).order_by())


def register_all() -> None:
    register("budget.allocated", budget_allocated)
    register("budget.spent", budget_spent)
    register("commendations.count", commendations_count)
