"""Reading the change log: an object's history, shown only to those who may see the object."""

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import is_system_admin, user_can, user_list, user_units_with
from pcmd.audit.models import ObjectChange
from pcmd.core.scoping import scope_for
from pcmd.geo.models import AdministrativeUnit


def _owning_unit(
    model: type[Model], pk: str, entries: QuerySet[ObjectChange]
) -> AdministrativeUnit | None:
    """The unit an object belongs to: from the live row, else from its last snapshot."""
    field_names = {f.name for f in model._meta.get_fields()}
    if "unit" not in field_names:
        return None
    unit_id = model._default_manager.filter(pk=pk).values_list("unit_id", flat=True).first()
    if unit_id is None:
        last = entries.first()
        snap = (last.before or last.after or {}) if last else {}
        unit_id = snap.get("unit")
    return AdministrativeUnit.objects.filter(pk=unit_id).first() if unit_id else None


def object_history(
    *, user: Any, app_label: str, model_name: str, pk: str
) -> tuple[type[Model], QuerySet[ObjectChange]]:
    """The change log of one object, newest first; 404 when the user may not see it."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    content_type = ContentType.objects.get_for_model(model)
    entries = ObjectChange.objects.filter(content_type=content_type, object_id=str(pk))
    if not _may_read_history(user, model, str(pk), entries):
        raise Http404
    return model, entries.order_by("-time", "-id")


def _may_read_history(
    user: Any, model: type[Model], pk: str, entries: QuerySet[ObjectChange]
) -> bool:
    if is_system_admin(user):
        return True
    if not user_units_with(user, Perm.AUDIT_VIEW):
        return False
    if model is AdministrativeUnit:
        # Units are public reference data; their history is as readable as the units.
        return True
    if model._meta.label_lower == "accounts.user":
        return user_list(user=user).filter(pk=pk).exists() or str(user.pk) == pk
    unit = _owning_unit(model, pk, entries)
    if unit is None:
        return False
    return scope_for(user).contains_path(unit.path) and user_can(user, Perm.AUDIT_VIEW, unit)
