"""Writes of communication activities and pilot models.

Each function checks Perm.ACTIVITY_MANAGE on the record's unit, validates, writes in one
transaction and records the change. A refusal is a ServiceError (or PermissionDenied)
with a Vietnamese message. `actor=None` is the system.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.activities.models import (
    ActivityFormat,
    Audience,
    CommunicationActivity,
    PilotKind,
    PilotModel,
    PilotStatus,
)
from pcmd.activities.services.common import MAX_COUNT, check_unit, require_manage
from pcmd.audit.services import snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.records import (
    choice,
    clean_text,
    day_text,
    delete_logged,
    kept_on_refusal,
    refuse_unknown,
    save_changes,
    save_new,
    today,
    whole_number,
)
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit

ACTIVITY_FIELDS = ("unit", "date", "form", "title", "audience", "reach", "media_items", "notes")
PILOT_FIELDS = ("unit", "name", "kind", "start", "end", "members", "activities", "status", "notes")


def _move(actor: Any, current: AdministrativeUnit, changes: dict[str, Any]) -> None:
    """A record moves to another unit only when the actor manages both."""
    unit = changes.get("unit")
    if unit is None or unit.pk == current.pk:
        changes.pop("unit", None)
    else:
        require_manage(actor, unit)


# ---- communication activities -----------------------------------------------------------


def _activity_check(activity: CommunicationActivity) -> None:
    if activity.date is None:
        raise ServiceError(_("Cần nhập ngày của hoạt động."))
    if activity.date > today():
        raise ServiceError(
            _("Ngày %(d)s ở tương lai: chỉ ghi nhận hoạt động đã diễn ra.")
            % {"d": day_text(activity.date)}
        )
    check_unit(activity.unit, activity.date)
    activity.form = choice(activity.form, ActivityFormat, _("Hình thức"), list_accepted=True)
    activity.audience = choice(activity.audience, Audience, _("Nhóm đối tượng"), list_accepted=True)
    activity.title = clean_text(CommunicationActivity, "title", activity.title, required=True)
    activity.reach = whole_number(
        activity.reach, _("Số người được tuyên truyền"), maximum=MAX_COUNT
    )
    activity.media_items = whole_number(
        activity.media_items, _("Số tin, bài, lượt phát"), maximum=100_000
    )
    activity.notes = nfc(activity.notes or "")


@transaction.atomic
def communication_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    date: dt.date | None,
    form: str,
    title: str,
    audience: str,
    reach: int | str = 0,
    media_items: int | str = 0,
    notes: str = "",
) -> CommunicationActivity:
    """Record an awareness activity or media item of `unit` (held: not a future date).
    `form` a ActivityFormat, `audience` the catalogue's audience code; reach and media
    items are whole numbers ≥ 0, typed Vietnamese-style or as numbers."""
    require_manage(actor, unit)
    activity = CommunicationActivity(
        unit=unit,
        date=date,  # type: ignore[misc]  # checked below
        form=form,
        title=title,
        audience=audience,
        reach=reach,  # as typed: read by whole_number()
        media_items=media_items,
        notes=notes,
    )
    _activity_check(activity)
    save_new(actor, activity)
    return activity


@transaction.atomic
def communication_update(
    *, actor: Any, activity: CommunicationActivity, **changes: Any
) -> CommunicationActivity:
    """Change the given fields (ACTIVITY_FIELDS)."""
    refuse_unknown(changes, ACTIVITY_FIELDS)
    require_manage(actor, activity.unit)
    _move(actor, activity.unit, changes)
    before = snapshot(activity)
    with kept_on_refusal(activity):
        for field, value in changes.items():
            setattr(activity, field, value)
        _activity_check(activity)
    save_changes(actor, activity, before)
    return activity


@transaction.atomic
def communication_delete(*, actor: Any, activity: CommunicationActivity) -> None:
    require_manage(actor, activity.unit)
    delete_logged(actor, activity)


# ---- pilot models -----------------------------------------------------------------------


def _pilot_check(model: PilotModel) -> None:
    model.name = clean_text(PilotModel, "name", model.name, required=True)
    model.kind = choice(model.kind, PilotKind, _("Loại mô hình"), list_accepted=True)
    model.status = choice(model.status, PilotStatus, _("Tình trạng"), list_accepted=True)
    if model.start is None:
        raise ServiceError(_("Cần nhập ngày mô hình bắt đầu."))
    if model.start > today():
        raise ServiceError(
            _("Ngày bắt đầu %(d)s ở tương lai: chỉ ghi nhận mô hình đã bắt đầu.")
            % {"d": day_text(model.start)}
        )
    if model.status == PilotStatus.ENDED:
        if model.end is None:
            raise ServiceError(_("Mô hình đã kết thúc: cần nhập ngày kết thúc."))
        if model.end < model.start:
            raise ServiceError(
                _("Ngày kết thúc (%(e)s) phải từ ngày bắt đầu (%(s)s) trở đi.")
                % {"e": day_text(model.end), "s": day_text(model.start)}
            )
        if model.end > today():
            raise ServiceError(
                _("Ngày kết thúc %(d)s ở tương lai: chỉ ghi khi mô hình đã kết thúc.")
                % {"d": day_text(model.end)}
            )
    elif model.end is not None:
        raise ServiceError(
            _("Chỉ ghi ngày kết thúc khi mô hình đã kết thúc (chọn tình trạng “Đã kết thúc”).")
        )
    check_unit(model.unit, model.end)
    model.members = whole_number(model.members, _("Số thành viên"), maximum=1_000_000)
    model.activities = nfc(model.activities or "")
    model.notes = nfc(model.notes or "")


@transaction.atomic
def pilot_model_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    name: str,
    kind: str,
    start: dt.date | None,
    end: dt.date | None = None,
    members: int | str = 0,
    activities: str = "",
    status: str = PilotStatus.ACTIVE,
    notes: str = "",
) -> PilotModel:
    """Record a pilot model `unit` runs; an ended one has its end date (and only it has)."""
    require_manage(actor, unit)
    model = PilotModel(
        unit=unit,
        name=name,
        kind=kind,
        start=start,  # type: ignore[misc]  # checked below
        end=end,
        members=members,  # as typed: read by whole_number()
        activities=activities,
        status=status or PilotStatus.ACTIVE,
        notes=notes,
    )
    _pilot_check(model)
    save_new(actor, model)
    return model


@transaction.atomic
def pilot_model_update(*, actor: Any, pilot_model: PilotModel, **changes: Any) -> PilotModel:
    """Change the given fields (PILOT_FIELDS). Setting the status back from "ended" clears
    the end date."""
    refuse_unknown(changes, PILOT_FIELDS)
    require_manage(actor, pilot_model.unit)
    _move(actor, pilot_model.unit, changes)
    before = snapshot(pilot_model)
    with kept_on_refusal(pilot_model):
        for field, value in changes.items():
            setattr(pilot_model, field, value)
        if (
            "status" in changes
            and pilot_model.status != PilotStatus.ENDED
            and before["status"] == PilotStatus.ENDED
            and "end" not in changes
        ):
            pilot_model.end = None
        _pilot_check(pilot_model)
    save_changes(actor, pilot_model, before)
    return pilot_model


@transaction.atomic
def pilot_model_delete(*, actor: Any, pilot_model: PilotModel) -> None:
    require_manage(actor, pilot_model.unit)
    delete_logged(actor, pilot_model)
