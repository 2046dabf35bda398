"""Reads of administrative units. Every query here is one SQL statement whatever the depth.

Units are public reference data (not unit-owned), so these need no user; data that
belongs to a unit is read through pcmd.core.scoping.restrict.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from pcmd.core.text import fold
from pcmd.geo.models import AdministrativeUnit, UnitLevel, UnitSuccession, valid_at

_UNIT = AdministrativeUnit._meta.db_table
_SUCC = UnitSuccession._meta.db_table
# Guards the recursive queries against a cycle typed in by hand.
_MAX_HOPS = 32


def units_at(at: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    """All units valid on `at` (every unit when `at` is None)."""
    qs = AdministrativeUnit.objects.all()
    return qs.filter(valid_at(at)) if at else qs


def unit_roots(at: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    return units_at(at).filter(parent__isnull=True).order_by("code")


def unit_children(
    unit: AdministrativeUnit, at: dt.date | None = None
) -> QuerySet[AdministrativeUnit]:
    # Folded names sort "Đông" with the d's, not after "Z" as code points would.
    return units_at(at).filter(parent=unit).order_by("kind", "name_folded", "name")


def unit_descendants(
    unit: AdministrativeUnit, at: dt.date | None = None, *, include_self: bool = False
) -> QuerySet[AdministrativeUnit]:
    """Every unit below `unit` (valid on `at` when given): one prefix match on the path."""
    qs = units_at(at).filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def unit_ancestors(
    unit: AdministrativeUnit, *, include_self: bool = False
) -> QuerySet[AdministrativeUnit]:
    """From the root down to the parent (and the unit itself when asked)."""
    ids = unit.ancestor_ids + ([unit.pk] if include_self else [])
    return AdministrativeUnit.objects.filter(pk__in=ids).order_by("depth")


def units_ancestors_map(units: Iterable[AdministrativeUnit]) -> dict[int, list[AdministrativeUnit]]:
    """Ancestors of many units at once (one query): unit id -> [root, ..., parent]."""
    units = list(units)
    wanted = {i for u in units for i in u.ancestor_ids}
    by_id = AdministrativeUnit.objects.in_bulk(wanted)
    return {u.pk: [by_id[i] for i in u.ancestor_ids] for u in units}


def _chain_sql(direction: str) -> str:
    """A recursive CTE over successions, from each start unit to the end of its chain.

    Yields (origin, id): every unit reached from origin, forwards (successors) or
    backwards (predecessors).
    """
    src, dst = (
        ("predecessor_id", "successor_id")
        if direction == "forward"
        else ("successor_id", "predecessor_id")
    )
    return f"""
        WITH RECURSIVE chain(origin, id, hops) AS (
            SELECT s.{src}, s.{dst}, 1 FROM {_SUCC} s WHERE s.{src} IN ({{placeholders}})
            UNION
            SELECT c.origin, s.{dst}, c.hops + 1 FROM {_SUCC} s
            JOIN chain c ON s.{src} = c.id WHERE c.hops < {_MAX_HOPS}
        )
    """


def _chain_ids(direction: str, start_ids: list[int]) -> RawSQL:
    placeholders = ", ".join(["%s"] * len(start_ids)) or "NULL"
    sql = _chain_sql(direction).format(placeholders=placeholders) + "SELECT id FROM chain"
    return RawSQL(sql, tuple(start_ids))  # noqa: S611  (only placeholders are interpolated)


def unit_successors(
    unit: AdministrativeUnit, at: dt.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """The unit(s) that carry on `unit` on `at` (today by default), however many hops."""
    at = at or dt.date.today()
    if unit.is_valid_on(at):
        return AdministrativeUnit.objects.filter(pk=unit.pk)
    return units_at(at).filter(pk__in=_chain_ids("forward", [unit.pk]))


def unit_predecessors(
    unit: AdministrativeUnit, at: dt.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """Every unit that `unit` took over, directly or through earlier changes.

    With `at`, only those valid on that date (e.g. the pre-reform communes on 2024-12-31).
    """
    return units_at(at).filter(pk__in=_chain_ids("backward", [unit.pk]))


def unit_direct_successions(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    return UnitSuccession.objects.filter(predecessor=unit).select_related("successor")


def unit_direct_predecessions(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    return UnitSuccession.objects.filter(successor=unit).select_related("predecessor")


def units_successor_map(
    start_ids: list[int], at: dt.date | None = None
) -> dict[int, list[tuple[int, bool]]]:
    """For many units at once (one query): unit id -> [(successor id valid on `at`, is_default)].

    is_default is True when every hop on the way is a default succession, i.e. the
    successor that takes the unit's data when one must be chosen.
    """
    from django.db import connection

    at = at or dt.date.today()
    if not start_ids:
        return {}
    placeholders = ", ".join(["%s"] * len(start_ids))
    sql = f"""
        WITH RECURSIVE chain(origin, id, hops, dflt) AS (
            SELECT s.predecessor_id, s.successor_id, 1, s.is_default FROM {_SUCC} s
            WHERE s.predecessor_id IN ({placeholders})
            UNION
            SELECT c.origin, s.successor_id, c.hops + 1, c.dflt AND s.is_default FROM {_SUCC} s
            JOIN chain c ON s.predecessor_id = c.id WHERE c.hops < {_MAX_HOPS}
        )
        SELECT c.origin, c.id, c.dflt FROM chain c JOIN {_UNIT} u ON u.id = c.id
        WHERE (u.valid_from IS NULL OR u.valid_from <= %s)
          AND (u.valid_to IS NULL OR u.valid_to >= %s)
    """
    # A successor reached along several paths (different hop counts or defaults) is listed
    # once, as default when any path to it is all-default.
    reached: dict[int, dict[int, bool]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*start_ids, at, at])
        for origin, succ, dflt in cursor.fetchall():
            seen = reached.setdefault(origin, {})
            seen[succ] = seen.get(succ, False) or bool(dflt)
    return {origin: sorted(succs.items()) for origin, succs in reached.items()}


def unit_predecessor_paths(unit_ids: list[int]) -> list[str]:
    """Paths of all units the given units took over (for scoping across the reform)."""
    if not unit_ids:
        return []
    return list(
        AdministrativeUnit.objects.filter(pk__in=_chain_ids("backward", unit_ids)).values_list(
            "path", flat=True
        )
    )


def unit_search(
    query: str,
    *,
    at: dt.date | None = None,
    level: int | None = None,
    within: AdministrativeUnit | None = None,
    limit: int = 50,
) -> QuerySet[AdministrativeUnit]:
    """Units with a word starting with each word of `query`, with or without diacritics.

    "ky an" finds "Xã Kỳ Anh"; "anh" does not find "Xã Thanh Kỳ" (no word starts with it).

    An exact code also matches. Shorter names (closer matches) and higher levels first.
    """
    folded = fold(query)
    qs = units_at(at)
    if level:
        qs = qs.filter(level=level)
    if within:
        qs = qs.filter(path__startswith=within.path)
    if not folded:
        return qs.none()
    cond = Q()
    for word in folded.split(" "):
        cond &= Q(name_folded__startswith=word) | Q(name_folded__contains=f" {word}")
    if query.strip().isdigit():
        cond |= Q(code=query.strip())
    from django.db.models.functions import Length

    return (
        qs.filter(cond)
        .select_related("parent")
        # Within a level, names holding the words in the typed order come first:
        # "ky anh" ranks "Xã Kỳ Anh" above a shorter "Xã Anh Kỳ".
        .annotate(
            name_len=Length("name"),
            phrase=Case(When(name_folded__contains=folded, then=Value(0)), default=Value(1)),
        )
        .order_by("level", "phrase", "name_len", "name")[:limit]
    )


def unit_by_code(code: str, *, level: int, at: dt.date) -> AdministrativeUnit | None:
    """The unit with this code valid on `at` (codes are reused across periods)."""
    return units_at(at).filter(level=level, code=code).first()


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    if unit.level == UnitLevel.PROVINCE or not unit.ancestor_ids:
        return unit
    return AdministrativeUnit.objects.get(pk=unit.ancestor_ids[0])
