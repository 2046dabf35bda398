"""Reading plans, always through the one scoping function (by the plan's unit)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from pcmd.core.scoping import get_scoped_or_404, restrict
from pcmd.core.text import fold
from pcmd.plans.models import (
    Assignment,
    BudgetSource,
    LegalBasis,
    Plan,
    PlanImport,
    PlanItem,
    ReportingDuty,
    Section,
    Target,
    Task,
)

# The item kinds as the URLs and the API name them, in the order the review page lists them.
ITEM_MODELS: dict[str, type[PlanItem]] = {
    "targets": Target,
    "assignments": Assignment,
    "reporting": ReportingDuty,
    "tasks": Task,
    "budget": BudgetSource,
    "legal": LegalBasis,
}


def plan_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    year: int | None = None,
    unit_id: int | None = None,
) -> QuerySet[Plan]:
    plans = restrict(Plan.objects.select_related("unit"), user)
    if status:
        plans = plans.filter(status=status)
    if year:
        plans = plans.filter(
            Q(period_start__lte=year, period_end__gte=year)
            | Q(period_start=year, period_end__isnull=True)
        )
    if unit_id:
        plans = plans.filter(unit_id=unit_id)
    if q:
        # Plans are few per unit; folding in Python keeps "ke hoach" finding "Kế hoạch".
        wanted = fold(q)
        ids = [p.pk for p in plans if wanted in fold(f"{p.number} {p.title} {p.issuer_name}")]
        plans = plans.filter(pk__in=ids)
    # Meta.ordering does not survive the GROUP BY of the count: order explicitly.
    return plans.annotate(n_targets=Count("targets", distinct=True)).order_by(
        "-period_start", "-issued_on", "-id"
    )


def plan_get(*, user: Any, pk: int) -> Plan:
    return get_scoped_or_404(Plan.objects.select_related("unit", "parent"), user, pk=pk)


def plan_items(plan: Plan, kind: str) -> QuerySet[Any]:
    """The items of one kind of a plan the caller already holds (so already scoped)."""
    model = ITEM_MODELS[kind]
    return model._default_manager.filter(plan=plan).order_by("order", "id")


def plan_sections(plan: Plan) -> QuerySet[Section]:
    return Section.objects.filter(plan=plan).order_by("order", "id")


def plan_item_get(*, user: Any, kind: str, pk: int) -> Any:
    """One item by id, scoped through its plan's unit (404 outside scope or unknown kind)."""
    from django.http import Http404

    model = ITEM_MODELS.get(kind)
    if model is None:
        raise Http404
    qs = model._default_manager.select_related("plan", "plan__unit")
    return get_scoped_or_404(qs, user, unit_field="plan__unit", pk=pk)


def plan_import_get(*, user: Any, pk: Any) -> PlanImport:
    return get_scoped_or_404(PlanImport.objects.select_related("plan"), user, pk=pk)


def cascade_gaps(plan: Plan) -> list[dict[str, Any]]:
    """Each target of the upper plan beside the lower plan's: missing, weaker or kept.

    "Weaker" means a lower bar: a smaller value for "at least"/"exactly"/ranges, a larger
    one for "at most".
    """
    if plan.parent_id is None:
        return []
    assert plan.parent is not None
    mine: dict[int, list[Target]] = {}
    for t in Target.objects.filter(plan=plan, parent__isnull=False):
        assert t.parent_id is not None
        mine.setdefault(t.parent_id, []).append(t)
    rows = []
    for upper in Target.objects.filter(plan=plan.parent).order_by("order", "id"):
        lower = mine.get(upper.pk, [])
        if not lower:
            state = "missing"
        elif any(_weaker(t, upper) for t in lower):
            state = "weaker"
        else:
            state = "kept"
        rows.append({"upper": upper, "lower": lower, "state": state})
    return rows


def _weaker(lower: Target, upper: Target) -> bool:
    if lower.target_unit != upper.target_unit:
        return True
    if upper.comparator == "<=":
        return lower.value > upper.value
    return lower.value < upper.value
