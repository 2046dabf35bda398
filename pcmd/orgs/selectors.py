"""Reads of agencies (scoped to the user's units) and of the agency-type catalogue."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import is_system_admin, user_units_with
from pcmd.core.scoping import get_scoped_or_404, restrict
from pcmd.core.text import fold
from pcmd.geo.models import AdministrativeUnit, valid_at
from pcmd.orgs import catalogue
from pcmd.orgs.models import (
    AGENCY_UNIT_LEVELS,
    Agency,
    AgencyAlias,
    AgencyType,
    AgencyTypeName,
)


def agency_list(
    *,
    user: Any,
    unit: AdministrativeUnit | None = None,
    q: str | None = None,
    agency_type: AgencyType | None = None,
    include_inactive: bool = False,
) -> QuerySet[Agency]:
    """Agencies of units in the user's scope, optionally of one unit, one type, or whose
    name contains every word of `q` (with or without diacritics).

    Without include_inactive, only agencies that are active and in existence today.
    """
    qs = restrict(Agency.objects.select_related("unit", "agency_type"), user)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if agency_type is not None:
        qs = qs.filter(agency_type=agency_type)
    for word in fold(q or "").split():
        qs = qs.filter(name_folded__contains=word)
    if not include_inactive:
        qs = qs.filter(valid_at(dt.date.today()), active=True)
    return qs


def agency_get(*, user: Any, pk: int) -> Agency:
    """One agency in the user's scope; 404 otherwise (existence outside scope is not told)."""
    return get_scoped_or_404(Agency.objects.select_related("unit", "agency_type"), user, pk=pk)


def agency_units_manageable(
    *, user: Any, at: dt.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """Provinces, districts and communes valid on `at` (today) whose agencies the user manages."""
    qs = AdministrativeUnit.objects.filter(
        valid_at(at or dt.date.today()), level__in=AGENCY_UNIT_LEVELS
    )
    if getattr(user, "is_superuser", False) or is_system_admin(user):
        return qs.order_by("path")
    paths = [unit.path for unit in user_units_with(user, Perm.AGENCY_MANAGE)]
    if not paths:
        return qs.none()
    cond = Q()
    for path in paths:
        cond |= Q(path__startswith=path)
    return qs.filter(cond).order_by("path")


def agency_units_with_agencies(*, user: Any) -> QuerySet[AdministrativeUnit]:
    """The units that have agencies the user may see (for a list filter)."""
    ids = restrict(Agency.objects.all(), user).values("unit_id")
    return AdministrativeUnit.objects.filter(pk__in=ids).order_by("path")


def agency_types() -> QuerySet[AgencyType]:
    """The catalogue, with each type's names (by level and date) and aliases."""
    return AgencyType.objects.prefetch_related(
        Prefetch("names", queryset=AgencyTypeName.objects.order_by("level", "valid_from")),
        Prefetch("aliases", queryset=AgencyAlias.objects.order_by("level", "alias")),
    )


def agency_type_coordinator(*, level: int, at: dt.date | None = None) -> AgencyType | None:
    """The type that coordinates the programme at `level` on `at` (today): social affairs
    until 2025-02-28, health after; at commune level its People's Committee before the
    2025 reform and its culture-society department after."""
    name = (
        AgencyTypeName.objects.filter(
            valid_at(at or dt.date.today()), level=level, is_coordinator=True
        )
        .select_related("agency_type")
        .first()
    )
    return name.agency_type if name else None


# ---- the standard agencies of a unit ---------------------------------------------------


def _standard_window(unit: AdministrativeUnit) -> tuple[dt.date | None, dt.date | None]:
    """The part of the unit's life whose names make its standard set: up to today."""
    today = dt.date.today()
    if unit.valid_from and unit.valid_from > today:
        # A unit not yet in force gets the agencies of its first day.
        return unit.valid_from, unit.valid_from
    return unit.valid_from, min(unit.valid_to, today) if unit.valid_to else today


def _overlaps(
    a_from: dt.date | None, a_to: dt.date | None, b_from: dt.date | None, b_to: dt.date | None
) -> bool:
    return (a_to is None or b_from is None or b_from <= a_to) and (
        b_to is None or a_from is None or a_from <= b_to
    )


def agencies_standard_plan(
    unit: AdministrativeUnit,
) -> list[tuple[AgencyTypeName, str, dt.date | None, dt.date | None]]:
    """(catalogue name, agency name, valid from, valid to) of the unit's standard agencies.

    One entry per agency: consecutive catalogue names that give the same agency name
    (e.g. "Sở Y tế" before and after it took over social affairs) are one agency.
    """
    start, end = _standard_window(unit)
    names = AgencyTypeName.objects.filter(level=unit.level, is_standard=True).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=end)
    )
    if start is not None:
        names = names.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    first: dict[tuple[int, str], tuple[AgencyTypeName, str]] = {}
    periods: dict[tuple[int, str], tuple[dt.date | None, dt.date | None]] = {}
    names = names.select_related("agency_type").order_by("agency_type__order", "valid_from")
    for type_name in names:
        if not type_name.applies_to_kind(unit.kind):
            continue
        agency_name = catalogue.agency_name_for_unit(type_name.pattern, type_name.name, unit)
        key = (type_name.agency_type_id, fold(agency_name))
        valid_from = _later(type_name.valid_from, unit.valid_from)
        valid_to = _earlier(type_name.valid_to, unit.valid_to)
        if key in periods:
            had_from, had_to = periods[key]
            valid_from = min(had_from, valid_from) if had_from and valid_from else None
            valid_to = max(had_to, valid_to) if had_to and valid_to else None
        first.setdefault(key, (type_name, agency_name))
        periods[key] = (valid_from, valid_to)
    return [(*first[key], *periods[key]) for key in first]


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return max(a, b) if a and b else a or b


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return min(a, b) if a and b else a or b


def agencies_standard_missing(
    unit: AdministrativeUnit,
) -> list[tuple[AgencyTypeName, str, dt.date | None, dt.date | None]]:
    """The standard agencies (as agencies_standard_plan gives them) the unit lacks: those
    whose name it has not, and whose type it has not for an overlapping time."""
    have = list(
        Agency.objects.filter(unit=unit).values_list(
            "name_folded", "agency_type_id", "valid_from", "valid_to"
        )
    )
    missing = []
    for entry in agencies_standard_plan(unit):
        type_name, agency_name, valid_from, valid_to = entry
        if not any(
            folded == fold(agency_name)
            or (type_id == type_name.agency_type_id and _overlaps(valid_from, valid_to, f, t))
            for folded, type_id, f, t in have
        ):
            missing.append(entry)
    return missing
