"""Writes to administrative units: every insert, move and change keeps paths and audits."""

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import fold, nfc
from pcmd.geo.models import (
    LEVEL_OF_KIND,
    VILLAGE_KINDS,
    AdministrativeUnit,
    SuccessionKind,
    UnitLevel,
    UnitSuccession,
)


def overlapping_units(
    *,
    level: int,
    code: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    exclude_pk: int | None = None,
) -> bool:
    """True when another unit with this level and code is valid on some shared day."""
    qs = AdministrativeUnit.objects.filter(level=level, code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if valid_to is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_to))
    if valid_from is not None:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    return qs.exists()


def _lock_code(level: int, code: str) -> None:
    """Serialise writers of one (level, code) until the transaction ends.

    The overlap check reads before it writes; on PostgreSQL two transactions could both
    pass it. SQLite needs nothing: its write transactions already run one at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"geo.unit:{level}:{code}"]
            )


def _outside_parent(
    parent: AdministrativeUnit | None, valid_from: dt.date | None, valid_to: dt.date | None
) -> bool:
    """True when [valid_from, valid_to] is not inside the parent's validity."""
    if parent is None:
        return False
    starts_before = parent.valid_from and (valid_from is None or valid_from < parent.valid_from)
    ends_after = parent.valid_to and (valid_to is None or valid_to > parent.valid_to)
    return bool(starts_before or ends_after)


def _outside_parent_error() -> ServiceError:
    return ServiceError(
        _("Thời gian hiệu lực phải nằm trong thời gian hiệu lực của đơn vị cấp trên.")
    )


def _code_taken_error(code: str) -> ServiceError:
    return ServiceError(
        _("Mã %(code)s đã được dùng cho một đơn vị khác trong cùng thời gian.") % {"code": code}
    )


def _set_path(unit: AdministrativeUnit) -> None:
    # Read from the database: the caller's parent object may predate a move of the parent.
    parent_path = (
        AdministrativeUnit.objects.values_list("path", flat=True).get(pk=unit.parent_id)
        if unit.parent_id
        else "/"
    )
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = parent_path.count("/") - 1
    AdministrativeUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: AdministrativeUnit | None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    source: str = "local",
) -> AdministrativeUnit:
    """Add a unit under `parent`; refuses a code already valid at the same time."""
    name, code = nfc(name), nfc(code)
    if not name or not code:
        raise ServiceError(_("Cần nhập mã và tên đơn vị."))
    if kind not in LEVEL_OF_KIND:
        raise ServiceError(_("Loại đơn vị không hợp lệ."))
    level = LEVEL_OF_KIND[kind]
    if parent is None and level != UnitLevel.PROVINCE:
        raise ServiceError(_("Đơn vị cấp dưới phải thuộc một đơn vị cấp trên."))
    if parent is not None and parent.level >= level:
        raise ServiceError(_("Đơn vị cấp trên phải ở cấp cao hơn."))
    if valid_from and valid_to and valid_from > valid_to:
        raise ServiceError(_("Ngày bắt đầu hiệu lực phải trước ngày kết thúc."))
    if _outside_parent(parent, valid_from, valid_to):
        raise _outside_parent_error()
    _lock_code(level, code)
    if overlapping_units(level=level, code=code, valid_from=valid_from, valid_to=valid_to):
        raise _code_taken_error(code)
    unit = AdministrativeUnit.objects.create(
        code=code,
        name=name,
        name_folded=fold(name),
        kind=kind,
        level=level,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        path="",
    )
    _set_path(unit)
    change_record(actor=actor, action=Action.CREATE, obj=unit)
    return unit


@transaction.atomic
def unit_move(
    *, actor: Any, unit: AdministrativeUnit, new_parent: AdministrativeUnit
) -> AdministrativeUnit:
    """Put `unit` (and its subtree) under `new_parent`, rewriting every path in one UPDATE.

    A correction of where a unit belongs; a change that happened on a date is recorded
    with unit_change instead, so the old arrangement stays queryable.
    """
    # Lock both rows and re-read them: the paths in the caller's objects may be stale.
    list(AdministrativeUnit.objects.select_for_update().filter(pk__in=[unit.pk, new_parent.pk]))
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.path.startswith(unit.path):
        raise ServiceError(
            _("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")
        )
    if new_parent.level >= unit.level:
        raise ServiceError(_("Đơn vị cấp trên phải ở cấp cao hơn."))
    if _outside_parent(new_parent, unit.valid_from, unit.valid_to):
        raise _outside_parent_error()
    before = snapshot(unit)
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    depth_delta = (new_parent.depth + 1) - unit.depth
    AdministrativeUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    AdministrativeUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    change_record(actor=actor, action=Action.UPDATE, obj=unit, before=before)
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    name: str | None = None,
    valid_to: dt.date | None = None,
) -> AdministrativeUnit:
    """Correct a unit's name or end date in place (a typo, not a rename on a date)."""
    before = snapshot(unit)
    if name is not None:
        name = nfc(name)
        if not name:
            raise ServiceError(_("Cần nhập tên đơn vị."))
        unit.name, unit.name_folded = name, fold(name)
    if valid_to is not None and valid_to != unit.valid_to:
        if unit.valid_from and valid_to < unit.valid_from:
            raise ServiceError(_("Ngày bắt đầu hiệu lực phải trước ngày kết thúc."))
        if _outside_parent(unit.parent, unit.valid_from, valid_to):
            raise _outside_parent_error()
        # A later end date may reach into the validity of another unit with the same code.
        _lock_code(unit.level, unit.code)
        if overlapping_units(
            level=unit.level,
            code=unit.code,
            valid_from=unit.valid_from,
            valid_to=valid_to,
            exclude_pk=unit.pk,
        ):
            raise _code_taken_error(unit.code)
        unit.valid_to = valid_to
    unit.save(update_fields=["name", "name_folded", "valid_to"])
    change_record(actor=actor, action=Action.UPDATE, obj=unit, before=before)
    return unit


@transaction.atomic
def unit_change(
    *,
    actor: Any,
    predecessors: list[AdministrativeUnit],
    kind: str,
    effective_date: dt.date,
    new_name: str,
    new_code: str | None = None,
    note: str = "",
) -> AdministrativeUnit:
    """Record a rename or a merge of villages on a date.

    The predecessors end the day before `effective_date`; one new unit starts on it
    under the same commune and is linked to each of them, so reports stay attributable.
    """
    if not predecessors:
        raise ServiceError(_("Chọn ít nhất một đơn vị."))
    if kind not in (SuccessionKind.RENAME, SuccessionKind.MERGE):
        raise ServiceError(_("Chỉ ghi nhận được đổi tên hoặc sáp nhập."))
    if kind == SuccessionKind.RENAME and len(predecessors) != 1:
        raise ServiceError(_("Đổi tên áp dụng cho đúng một đơn vị."))
    if kind == SuccessionKind.MERGE and len(predecessors) < 2:
        raise ServiceError(_("Sáp nhập cần ít nhất hai đơn vị."))
    parents = {u.parent_id for u in predecessors}
    if len(parents) != 1 or any(u.kind not in VILLAGE_KINDS for u in predecessors):
        raise ServiceError(
            _("Chỉ thôn, tổ dân phố của cùng một xã mới được ghi nhận thay đổi ở đây.")
        )
    for unit in predecessors:
        if not unit.is_valid_on(effective_date):
            raise ServiceError(
                _("%(name)s không còn hiệu lực vào ngày thay đổi.") % {"name": unit.name}
            )
        if unit.valid_from and unit.valid_from >= effective_date:
            raise ServiceError(
                _("Ngày thay đổi phải sau ngày bắt đầu hiệu lực của %(name)s.")
                % {"name": unit.name}
            )
    first = predecessors[0]
    end = effective_date - dt.timedelta(days=1)
    for unit in predecessors:
        unit_update(actor=actor, unit=unit, valid_to=end)
    successor = unit_create(
        actor=actor,
        code=new_code or first.code,
        name=new_name,
        kind=first.kind,
        parent=first.parent,
        valid_from=effective_date,
        source=first.source,
    )
    for unit in predecessors:
        link = UnitSuccession.objects.create(
            predecessor=unit,
            successor=successor,
            kind=kind,
            effective_date=effective_date,
            is_default=True,
            note=nfc(note),
        )
        change_record(actor=actor, action=Action.CREATE, obj=link)
    return successor
