"""Pieces the registries' services share: dates and field names in messages, user text as
stored, unexpected fields, and saving a change with its entry in the change log."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc


def day_text(value: dt.date) -> str:
    """A date as messages show it: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def capitalised(label: str) -> str:
    """The label starting a sentence: first letter upper case, the rest as written ("ANTT"
    stays upper case, which str.capitalize would not keep)."""
    return label[:1].upper() + label[1:]


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
    """User text as stored: NFC, within the column's length, present when required."""
    text = nfc(str(value or ""))
    problem = text_problem(model, field, text, required=required)
    if problem:
        raise ServiceError(problem)
    return text


def refuse_unknown(fields: Iterable[str], allowed: Iterable[str]) -> None:
    """A caller passed a field the service does not take: a programming error."""
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


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
