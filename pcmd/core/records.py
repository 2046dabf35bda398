"""What every service shares: the day and dates in messages, the permission check, user
text, numbers and choices as stored, unexpected fields, and writing a record together with
its entry in the change log."""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.reporting.values import InvalidValue, parse_number

# ---- days and labels in messages --------------------------------------------------------


def today() -> dt.date:
    """The officer's calendar day (Asia/Ho_Chi_Minh), not the server's."""
    return timezone.localdate()


def day_text(value: dt.date) -> str:
    """A date as messages show it: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def capitalised(label: str) -> str:
    """The label starting a sentence: first letter upper case, the rest as written ("ANTT"
    stays upper case, which str.capitalize would not keep)."""
    return label[:1].upper() + label[1:]


# ---- who may write ----------------------------------------------------------------------


def require_perm(actor: Any, perm: str, unit: AdministrativeUnit, refusal: str) -> None:
    """Refuse (PermissionDenied) a user without `perm` on `unit`; `refusal` is the message,
    with %(unit)s for the unit's name. Actor None is the system itself (demo data, tests)."""
    if actor is not None and not user_can(actor, perm, unit):
        raise PermissionDenied(refusal % {"unit": unit.name})


# ---- input as stored --------------------------------------------------------------------


def text_problem(
    model: type[models.Model], field: str, text: str, *, required: bool = False
) -> str | None:
    """What is wrong with (normalised) user text for the model's column: missing though
    required, or longer than the column; None when nothing is."""
    model_field: Any = model._meta.get_field(field)
    label = str(model_field.verbose_name)
    if required and not text:
        return _("Cần nhập %(field)s.") % {"field": label}
    max_length = getattr(model_field, "max_length", None)
    if max_length and len(text) > max_length:
        return _("%(field)s dài quá %(n)d ký tự.") % {"field": capitalised(label), "n": max_length}
    return None


def clean_text(model: type[models.Model], field: str, value: Any, *, required: bool = False) -> str:
    """User text as stored: NFC, trimmed, within the column's length, present when required."""
    text = nfc(str(value or ""))
    problem = text_problem(model, field, text, required=required)
    if problem:
        raise ServiceError(problem)
    return text


def number_typed(value: Any, label: str) -> Decimal | None:
    """A non-negative number given as a number or typed as a whole number ("1.500" reads
    1500); None when nothing was typed. Whether it must be whole, and how large it may be,
    is the caller's to check."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ServiceError(_("%(field)s phải là số.") % {"field": label})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        number = Decimal(str(value))
    else:
        raw = nfc(str(value))
        if not raw:
            return None
        if raw.startswith("-"):
            raise ServiceError(_("%(field)s không được âm (%(v)s).") % {"field": label, "v": raw})
        try:
            number = parse_number(raw, integer=True)
        except InvalidValue as exc:
            raise ServiceError(f"{label}: {exc}") from exc
    if number < 0:
        raise ServiceError(_("%(field)s không được âm (%(v)s).") % {"field": label, "v": value})
    return number


def whole_number(value: Any, label: str, *, maximum: int | None = None) -> int:
    """A non-negative whole number given as a number or text ("1.500" reads 1500), at most
    `maximum` when given; nothing typed is 0."""
    number = number_typed(value, label)
    if number is None:
        return 0
    if number != number.to_integral_value():
        raise ServiceError(_("%(field)s phải là số nguyên.") % {"field": label})
    if maximum is not None and number > maximum:
        raise ServiceError(
            _("%(field)s không được lớn hơn %(n)d.") % {"field": label, "n": maximum}
        )
    return int(number)


def choice(
    value: Any,
    choices: type[models.TextChoices],
    label: str,
    *,
    blank: bool = False,
    list_accepted: bool = False,
) -> str:
    """One of `choices` ("" as well when `blank`); anything else is refused, naming the
    accepted values when `list_accepted`."""
    if blank and value in (None, ""):
        return ""
    if value in choices.values:
        return str(value)
    if list_accepted:
        accepted = ", ".join(f"{c.value} ({c.label})" for c in choices)
        raise ServiceError(
            _("%(field)s không hợp lệ: “%(v)s”. Chọn một trong: %(ok)s.")
            % {"field": label, "v": value if value not in (None, "") else "—", "ok": accepted}
        )
    raise ServiceError(_("%(field)s không hợp lệ: “%(v)s”.") % {"field": label, "v": value})


def refuse_unknown(fields: Iterable[str], allowed: Iterable[str]) -> None:
    """A caller passed a field the service does not take: a programming error."""
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


# ---- writing with the change log -------------------------------------------------------


@contextmanager
def kept_on_refusal(obj: models.Model) -> Iterator[None]:
    """Changes set on `obj` inside the block are undone when a check refuses them, so the
    caller's object still says what is stored."""
    try:
        yield
    except ServiceError:
        obj.refresh_from_db()
        raise


def save_new(actor: Any, obj: models.Model) -> None:
    """Save a new `obj` and record its creation."""
    obj.save()
    change_record(actor=actor, action=Action.CREATE, obj=obj)


def save_changes(
    actor: Any, obj: models.Model, before: dict[str, Any], *, force: bool = False
) -> bool:
    """Save `obj` and record the update when it differs from the snapshot `before`; True
    when it was saved. `force`: save even so (a change only in encrypted fields, which
    look alike in snapshots)."""
    if snapshot(obj) == before and not force:
        return False
    obj.save()
    change_record(actor=actor, action=Action.UPDATE, obj=obj, before=before)
    return True


def delete_logged(actor: Any, obj: models.Model) -> None:
    """Record the deletion of `obj` (with what it held), then delete it."""
    change_record(actor=actor, action=Action.DELETE, obj=obj, before=snapshot(obj))
    obj.delete()
