"""Reads of at-risk businesses, scoped by the business's commune (core.scoping.restrict).

Duplicate look-ups are the one exception: they answer for the whole registry (a business
recorded by another commune is still a duplicate), and callers that show the match to a
user check that the user may see it (`business_visible`).
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import is_system_admin, user_units_with
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.scoping import get_scoped_or_404, restrict, scope_for
from pcmd.core.text import fold
from pcmd.geo.models import AdministrativeUnit, UnitLevel
from pcmd.geo.selectors import unit_predecessor_paths
from pcmd.registries.models import Business, Inspection, Sanction, Tip

# Characters people put inside registration numbers that do not change the number.
REGISTRATION_NOISE = " -./_,:;()\\\t"
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def search_key(text: str) -> str:
    """Folded and without punctuation: "Số 12, Trần Phú" → "so 12 tran phu".

    What name_folded and address_folded hold, and what searches compare them with.
    """
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", fold(text))).strip()


def registration_key(number: str) -> str:
    """A registration number as compared: upper case, no spaces or punctuation."""
    return "".join(ch for ch in number.upper() if ch not in REGISTRATION_NOISE and not ch.isspace())


def _registration_key_sql() -> Any:
    """`registration_key` computed by the database, for look-ups across the registry."""
    expr: Any = F("registration_number")
    for ch in REGISTRATION_NOISE:
        expr = Replace(expr, Value(ch), Value(""))
    return Upper(expr)


# ---- lists --------------------------------------------------------------------------------


def _violations_q() -> Q:
    with_violations = Inspection.objects.filter(business=OuterRef("pk"), violations_found__gt=0)
    sanctioned = Sanction.objects.filter(business=OuterRef("pk"))
    return Q(Exists(with_violations)) | Q(Exists(sanctioned))


def _with_last_inspected(qs: QuerySet[Business]) -> QuerySet[Business]:
    last = Inspection.objects.filter(business=OuterRef("pk")).order_by("-date").values("date")
    return qs.annotate(last_inspected=Subquery(last[:1]))


def business_list(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    unit: AdministrativeUnit | None = None,
    status: str = "",
    never_inspected: bool = False,
    inspected_this_year: bool = False,
    with_violations: bool = False,
) -> QuerySet[Business]:
    """Businesses of the units in the user's scope, filtered as given.

    `q` matches every word in the name or address (with or without diacritics) or the
    registration number (spaces and punctuation ignored); `unit` takes the unit and the
    units below it. Each row carries `last_inspected` (the latest inspection's date).
    """
    qs = _with_last_inspected(
        restrict(Business.objects.select_related("unit", "unit__parent"), user)
    )
    words = search_key(q).split()
    if words:
        text = Q()
        for word in words:
            text &= Q(name_folded__contains=word) | Q(address_folded__contains=word)
        number = registration_key(q)
        if number:
            qs = qs.annotate(registration_key=_registration_key_sql())
            text |= Q(registration_key__contains=number)
        qs = qs.filter(text)
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    if never_inspected:
        qs = qs.filter(~Exists(Inspection.objects.filter(business=OuterRef("pk"))))
    if inspected_this_year:
        year = timezone.localdate().year
        qs = qs.filter(Exists(Inspection.objects.filter(business=OuterRef("pk"), date__year=year)))
    if with_violations:
        qs = qs.filter(_violations_q())
    return qs.order_by("unit__path", "name_folded", "pk")


def business_status_counts(businesses: QuerySet[Business]) -> dict[str, int]:
    """How many of the (filtered) businesses are in each status."""
    rows = businesses.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def business_get(*, user: Any, pk: int) -> Business:
    """One business of a unit in the user's scope; 404 otherwise."""
    qs = _with_last_inspected(Business.objects.select_related("unit", "unit__parent"))
    return get_scoped_or_404(qs, user, pk=pk)


def business_visible(*, user: Any, business: Business) -> bool:
    """True when the user may read this business (it lies in their scope)."""
    return user is None or scope_for(user).contains_path(business.unit.path)


def business_units_with_businesses(*, user: Any) -> QuerySet[AdministrativeUnit]:
    """The units that have businesses the user may see (for the list's commune filter)."""
    ids = restrict(Business.objects.all(), user).values("unit_id")
    return AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent").order_by("path")


def business_unit_eligible(unit: AdministrativeUnit, today: dt.date | None = None) -> bool:
    """A business belongs to a commune; before the 2025 reform also to a district (records
    of the past kept as they were reported)."""
    today = today or timezone.localdate()
    if unit.level == UnitLevel.COMMUNE:
        return True
    return unit.level == UnitLevel.DISTRICT and unit.valid_to is not None and unit.valid_to < today


def business_units_manageable(*, user: Any) -> QuerySet[AdministrativeUnit]:
    """Communes (of any period) and past districts where the user may record businesses:
    current ones first."""
    today = timezone.localdate()
    eligible = Q(level=UnitLevel.COMMUNE) | Q(level=UnitLevel.DISTRICT, valid_to__lt=today)
    qs = AdministrativeUnit.objects.filter(eligible).select_related("parent")
    ordered = (F("valid_to").desc(nulls_first=True), "path")
    if getattr(user, "is_superuser", False) or is_system_admin(user):
        return qs.order_by(*ordered)
    units = user_units_with(user, Perm.BUSINESS_MANAGE)
    paths = [u.path for u in units] + unit_predecessor_paths([u.pk for u in units])
    if not paths:
        return qs.none()
    cond = Q()
    for path in paths:
        cond |= Q(path__startswith=path)
    return qs.filter(cond).order_by(*ordered)


# ---- what a business's page lists -------------------------------------------------------


def business_related(*, user: Any, business: Business) -> dict[str, QuerySet[Any]]:
    """The business's inspections, sanctions and tips that the user may see."""
    return {
        "inspections": restrict(
            Inspection.objects.filter(business=business).select_related("team"), user
        ).order_by("-date", "-id"),
        "sanctions": restrict(
            Sanction.objects.filter(business=business).select_related("decree"), user
        ).order_by("-decision_date", "-id"),
        "tips": restrict(Tip.objects.filter(business=business).select_related("category"), user)
        .only("pk", "subject", "received_at", "status", "deadline", "closed_on", "category")
        .order_by("-received_at", "-id"),
    }


def business_dependants(business: Business) -> dict[str, int]:
    """How many records refer to the business (a business with any is never deleted)."""
    return {
        "inspections": Inspection.objects.filter(business=business).count(),
        "sanctions": Sanction.objects.filter(business=business).count(),
        "tips": Tip.objects.filter(business=business).count(),
        "plans": business.inspection_plans.count(),
    }


@dataclass(frozen=True)
class StatusChange:
    time: dt.datetime
    user_name: str
    status: str
    since: dt.date | None

    @property
    def label(self) -> str:
        from pcmd.registries.models import BusinessStatus

        return str(BusinessStatus(self.status).label) if self.status else ""


def business_status_history(business: Business) -> list[StatusChange]:
    """Each recorded change of status (and the first one), newest first, from the change
    log of a business the caller already holds."""
    entries = ObjectChange.objects.filter(
        content_type__app_label="registries",
        content_type__model="business",
        object_id=str(business.pk),
        action__in=[Action.CREATE, Action.UPDATE],
    ).order_by("-time", "-id")
    changes: list[StatusChange] = []
    for entry in entries:
        after, before = entry.after or {}, entry.before or {}
        key = ("status", "status_since")
        if entry.action == Action.UPDATE and all(before.get(k) == after.get(k) for k in key):
            continue
        since = after.get("status_since")
        changes.append(
            StatusChange(
                time=entry.time,
                user_name=entry.user_name,
                status=after.get("status", ""),
                since=dt.date.fromisoformat(since) if since else None,
            )
        )
    return changes


# ---- duplicates ---------------------------------------------------------------------------


def business_duplicates(
    *,
    unit: AdministrativeUnit,
    name: str,
    address: str,
    registration_number: str = "",
    exclude_pk: int | None = None,
) -> list[Business]:
    """Businesses the given one would duplicate: the same registration number anywhere in
    the registry, or the same name and address (folded) in the same unit. Unscoped."""
    found: list[Business] = []
    number = registration_key(registration_number)
    base = Business.objects.select_related("unit")
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    if number:
        found += list(
            base.annotate(registration_key=_registration_key_sql()).filter(registration_key=number)[
                :5
            ]
        )
    same_place = base.filter(
        unit=unit, name_folded=search_key(name), address_folded=search_key(address)
    )
    found += [b for b in same_place[:5] if b not in found]
    return found


@dataclass(frozen=True)
class DuplicateKeys:
    """The keys of many candidate rows, for one look-up (the import's preview)."""

    registration_keys: frozenset[str]
    places: frozenset[tuple[int, str, str]]  # (unit id, folded name, folded address)


def business_duplicates_many(
    keys: DuplicateKeys,
) -> tuple[dict[str, Business], dict[tuple[int, str, str], Business]]:
    """Existing businesses by registration key and by (unit, name, address): two queries."""
    by_number: dict[str, Business] = {}
    if keys.registration_keys:
        rows = (
            Business.objects.select_related("unit")
            .annotate(registration_key=_registration_key_sql())
            .filter(registration_key__in=sorted(keys.registration_keys))
            .order_by("pk")
        )
        for business in rows:
            by_number.setdefault(business.registration_key, business)
    by_place: dict[tuple[int, str, str], Business] = {}
    if keys.places:
        unit_ids = {u for u, _n, _a in keys.places}
        names = {n for _u, n, _a in keys.places}
        same_names = Business.objects.select_related("unit").filter(
            unit_id__in=unit_ids, name_folded__in=names
        )
        for match in same_names.order_by("pk"):
            place = (match.unit_id, match.name_folded, match.address_folded)
            if place in keys.places:
                by_place.setdefault(place, match)
    return by_number, by_place
