"""Pieces every activities service shares: the permission check, reading typed input, the
units that may keep records, and recording changes."""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.geo.models import LAST_PRE_REFORM_DAY, AdministrativeUnit, UnitLevel
from pcmd.reporting.values import InvalidValue, parse_number

# Records belong to provinces and communes, and to districts for dates before 01/07/2025.
RECORD_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)
# A count of people or items beyond this is a typing error, not a fact.
MAX_COUNT = 10_000_000


def today() -> dt.date:
    # The officer's calendar day (Asia/Ho_Chi_Minh), not the server's.
    return timezone.localdate()


def d(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def require_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse a user without Perm.ACTIVITY_MANAGE on `unit` (None: the system)."""
    if actor is not None and not user_can(actor, Perm.ACTIVITY_MANAGE, unit):
        raise PermissionDenied(
            _("Bạn không có quyền ghi nhận tập huấn, truyền thông, mô hình của %(unit)s.")
            % {"unit": unit.name}
        )


def check_unit(unit: AdministrativeUnit, last_day: dt.date | None) -> None:
    """A record's unit is a province or commune, or a district for dates before the reform
    (`last_day`: the record's last date, None when open)."""
    if unit.level not in RECORD_LEVELS:
        raise ServiceError(
            _(
                "Chỉ ghi nhận cho đơn vị cấp tỉnh, cấp xã (hoặc cấp huyện trước 01/07/2025); "
                "%(unit)s là thôn, tổ dân phố."
            )
            % {"unit": unit.name}
        )
    if unit.level == UnitLevel.DISTRICT and (last_day is None or last_day > LAST_PRE_REFORM_DAY):
        raise ServiceError(
            _("Từ 01/07/2025 không còn cấp huyện: %(unit)s chỉ ghi nhận cho thời gian trước đó.")
            % {"unit": unit.name}
        )


def text(model: type[models.Model], field: str, value: Any, *, required: bool = False) -> str:
    """User text as stored: NFC, within the column's length, present when required."""
    out = nfc(str(value or ""))
    model_field: Any = model._meta.get_field(field)
    label = str(model_field.verbose_name)
    if required and not out:
        raise ServiceError(_("Cần nhập %(field)s.") % {"field": label})
    if getattr(model_field, "max_length", None) and len(out) > model_field.max_length:
        raise ServiceError(
            _("%(field)s dài quá %(n)d ký tự.")
            % {"field": label[:1].upper() + label[1:], "n": model_field.max_length}
        )
    return out


def whole(value: Any, label: str, *, maximum: int = MAX_COUNT) -> int:
    """A non-negative whole number typed as a number or text ("1.500" reads 1500); empty is 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ServiceError(_("%(field)s phải là số.") % {"field": label})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        number = Decimal(str(value))
    else:
        raw = nfc(str(value))
        if not raw:
            return 0
        if raw.startswith("-"):
            raise ServiceError(_("%(field)s không được âm (%(v)s).") % {"field": label, "v": raw})
        try:
            number = parse_number(raw, integer=True)
        except InvalidValue as exc:
            raise ServiceError(f"{label}: {exc}") from exc
    if number < 0:
        raise ServiceError(_("%(field)s không được âm (%(v)s).") % {"field": label, "v": value})
    if number != number.to_integral_value():
        raise ServiceError(_("%(field)s phải là số nguyên.") % {"field": label})
    if number > maximum:
        raise ServiceError(
            _("%(field)s không được lớn hơn %(n)d.") % {"field": label, "n": maximum}
        )
    return int(number)


def choice(value: Any, choices: type[models.TextChoices], label: str) -> str:
    """One of `choices`; anything else is refused naming the accepted values."""
    if value not in choices.values:
        accepted = ", ".join(f"{c.value} ({c.label})" for c in choices)
        raise ServiceError(
            _("%(field)s không hợp lệ: “%(v)s”. Chọn một trong: %(ok)s.")
            % {"field": label, "v": value if value not in (None, "") else "—", "ok": accepted}
        )
    return str(value)


def unknown(fields: Iterable[str], allowed: Iterable[str]) -> None:
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


@contextmanager
def kept_on_refusal(obj: models.Model) -> Iterator[None]:
    """Changes set on `obj` inside the block are undone when a check refuses them, so the
    caller's object still says what is stored."""
    try:
        yield
    except ServiceError:
        obj.refresh_from_db()
        raise


def save_changes(actor: Any, obj: models.Model, before: dict[str, Any]) -> bool:
    """Save and record an update when something changed; True when it did."""
    if snapshot(obj) == before:
        return False
    obj.save()
    change_record(actor=actor, action=Action.UPDATE, obj=obj, before=before)
    return True


def created(actor: Any, obj: models.Model) -> None:
    obj.save()
    change_record(actor=actor, action=Action.CREATE, obj=obj)


def deleted(actor: Any, obj: models.Model) -> None:
    change_record(actor=actor, action=Action.DELETE, obj=obj, before=snapshot(obj))
    obj.delete()
