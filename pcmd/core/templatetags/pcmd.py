from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def number(value: Any, decimals: int | None = None) -> str:
    """A number in the active language's separators (1.234,5 in Vietnamese)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal) and decimals is None:
        # Stored with two places; show what was meant: 90 not 90,00, 1,5 not 1,50.
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    if isinstance(value, float) and decimals is not None:
        # number_format cuts extra places off; round half up first (79,96 → 80,0).
        value = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def can_manage_members(user: Any) -> bool:
    from pcmd.accounts.roles import Perm
    from pcmd.accounts.selectors import user_units_with

    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or bool(user_units_with(user, Perm.MEMBERSHIP_MANAGE))
    )


@register.filter
def is_system_admin(user: Any) -> bool:
    from pcmd.accounts.selectors import is_system_admin as _is_system_admin

    return _is_system_admin(user)


@register.simple_tag
def user_can(user: Any, perm: str, unit: Any) -> bool:
    from pcmd.accounts.selectors import user_can as _user_can

    return _user_can(user, perm, unit)
