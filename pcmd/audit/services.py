"""Writing the change log. Only services call this; nothing else writes ObjectChange."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile

from pcmd.audit.models import AccessRecord, Action, ObjectChange
from pcmd.core.context import get_request_id

REDACTED = "***"
# Field names never written to the log in clear, whatever the model.
ALWAYS_REDACTED = frozenset({"password", "key_hash", "secret", "totp_secret"})


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe dict of the object's concrete fields, sensitive ones redacted.

    A model lists its own sensitive fields in `audit_redact`; encrypted fields are always
    redacted.
    """
    redact = ALWAYS_REDACTED | frozenset(getattr(obj, "audit_redact", ()))
    data: dict[str, Any] = {}
    encoder = DjangoJSONEncoder()
    for field in obj._meta.concrete_fields:
        name = field.attname
        value = getattr(obj, name)
        if field.name in redact or name in redact or getattr(field, "sensitive", False):
            data[field.name] = REDACTED if value not in (None, "") else value
            continue
        if isinstance(value, FieldFile):
            value = value.name or ""  # the stored file's name, not its content
        if value is None or isinstance(value, (str, int, float, bool)):
            data[field.name] = value
        else:
            data[field.name] = (
                encoder.default(value) if not isinstance(value, (list, dict)) else value
            )
    return data


def change_record(
    *,
    actor: Any,
    action: Action | str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
) -> ObjectChange:
    """Append one entry; `before` is the snapshot taken before an update or delete."""
    after = None if action == Action.DELETE else snapshot(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return ObjectChange.objects.create(
        user=user,
        user_name=user.get_username() if user else "system",
        request_id=get_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
    )


def access_record(*, actor: Any, obj: models.Model, what: str, reason: str) -> AccessRecord:
    """Log one read of sensitive data; the caller refuses the read when no reason is given."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AccessRecord.objects.create(
        user=user,
        user_name=user.get_username() if user else "system",
        request_id=get_request_id(),
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        what=what,
        reason=reason[:500],
    )
