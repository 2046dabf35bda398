"""The one scoping function: every read of unit-owned data goes through `restrict`.

A member of a unit sees that unit and everything below it, and nothing else. Because
units were reorganised in 2025, a member of a current unit also sees the units it
succeeded (the old communes merged into it), so history stays readable.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from pcmd.geo.models import AdministrativeUnit


@dataclass(frozen=True)
class Scope:
    everything: bool
    paths: tuple[str, ...]

    def q(self, unit_field: str) -> Q:
        """Q selecting rows whose `unit_field` lies in scope ('' for the unit itself)."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        prefix = f"{unit_field}__" if unit_field else ""
        q = Q()
        for path in self.paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def contains_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)


NOTHING = Scope(everything=False, paths=())


def scope_for(user: Any, at: dt.date | None = None) -> Scope:
    """The units this user may read on `at` (today by default), cached on the user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    at = at or dt.date.today()
    cache: dict[dt.date, Scope] = user.__dict__.setdefault("_pcmd_scope", {})
    if at in cache:
        return cache[at]
    # Imported here: accounts and geo import this module's callers.
    from pcmd.accounts.models import Membership, membership_valid_q
    from pcmd.accounts.roles import Role
    from pcmd.geo.selectors import unit_predecessor_paths

    if user.is_superuser:
        scope = Scope(everything=True, paths=())
    else:
        memberships = list(
            Membership.objects.filter(membership_valid_q(at), user=user).values_list(
                "role", "unit__path", "unit_id"
            )
        )
        if any(role == Role.SYSTEM_ADMIN for role, _, _ in memberships):
            scope = Scope(everything=True, paths=())
        else:
            paths = {path for _, path, _ in memberships}
            paths |= set(unit_predecessor_paths([uid for _, _, uid in memberships]))
            scope = Scope(everything=False, paths=_minimal(paths))
    cache[at] = scope
    return scope


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one, so the SQL stays short."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def restrict[M: Model](
    queryset: QuerySet[M], user: Any, *, unit_field: str = "unit"
) -> QuerySet[M]:
    """Only the rows of `queryset` whose unit the user may see."""
    return queryset.filter(scope_for(user).q(unit_field))


def get_scoped_or_404[M: Model](
    queryset: QuerySet[M], user: Any, *, unit_field: str = "unit", **lookup: Any
) -> M:
    """One object in scope, or 404 (never 403: existence outside scope is not revealed)."""
    try:
        return restrict(queryset, user, unit_field=unit_field).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def unit_pick(*, user: Any, pk: int) -> AdministrativeUnit:
    """A unit in the user's scope (with its parent, for labels), or 404: the unit a page
    or an API call names."""
    return get_scoped_or_404(
        AdministrativeUnit.objects.select_related("parent"), user, unit_field="", pk=pk
    )
