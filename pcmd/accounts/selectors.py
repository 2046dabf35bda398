"""Reads of accounts and memberships, and the permission check every write uses."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from pcmd.accounts.models import Membership, User, membership_valid_q
from pcmd.accounts.roles import ROLE_PERMS, Role
from pcmd.core.scoping import restrict
from pcmd.geo.models import AdministrativeUnit


def memberships_current(*, user: Any, at: dt.date | None = None) -> QuerySet[Membership]:
    """The user's own memberships valid on `at` (today by default)."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(membership_valid_q(at or dt.date.today()), user=user)


def is_system_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        bool(user.is_superuser)
        or memberships_current(user=user).filter(role=Role.SYSTEM_ADMIN).exists()
    )


def user_can(user: Any, perm: str, unit: AdministrativeUnit) -> bool:
    """True when one of the user's current memberships grants `perm` on `unit`.

    A membership covers its unit and everything below it (and the units it took over).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache: dict[tuple[str, int], bool] = user.__dict__.setdefault("_pcmd_perm", {})
    key = (perm, unit.pk)
    if key not in cache:
        from pcmd.geo.selectors import unit_predecessor_paths

        allowed = False
        for m in memberships_current(user=user).select_related("unit"):
            if perm not in ROLE_PERMS.get(m.role, frozenset()):
                continue
            if m.role == Role.SYSTEM_ADMIN or unit.path.startswith(m.unit.path):
                allowed = True
                break
            if any(unit.path.startswith(p) for p in unit_predecessor_paths([m.unit_id])):
                allowed = True
                break
        cache[key] = allowed
    return cache[key]


def user_units_with(user: Any, perm: str) -> list[AdministrativeUnit]:
    """The membership units where the user holds `perm` (e.g. where they may add users)."""
    return [
        m.unit
        for m in memberships_current(user=user).select_related("unit")
        if perm in ROLE_PERMS.get(m.role, frozenset())
    ]


def membership_list(*, user: Any, unit: AdministrativeUnit | None = None) -> QuerySet[Membership]:
    """Memberships the user may see: those of units in their scope."""
    qs = restrict(Membership.objects.select_related("user", "unit", "agency"), user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


def user_list(*, user: Any) -> QuerySet[User]:
    """Accounts with at least one membership in the user's scope (all for administrators)."""
    if is_system_admin(user):
        return User.objects.all().order_by("username")
    ids = membership_list(user=user).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("username")


def units_user_manages(user: Any, perm: str = "membership.manage") -> QuerySet[AdministrativeUnit]:
    """Current units (not villages) where the user holds `perm`: their units and below."""
    from django.db.models import Q

    from pcmd.geo.models import UnitLevel, valid_at

    qs = AdministrativeUnit.objects.filter(valid_at(dt.date.today()), level__lt=UnitLevel.VILLAGE)
    if is_system_admin(user):
        return qs
    cond = Q(pk__in=[])
    for unit in user_units_with(user, perm):
        cond |= Q(path__startswith=unit.path)
    return qs.filter(cond)
