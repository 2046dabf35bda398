"""Writes to the registry of at-risk businesses: create, update, status, delete.

Every write checks Perm.BUSINESS_MANAGE on the business's unit, validates, normalises text
(NFC; folded keys for search and duplicates), refuses duplicates and goes to the change log.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.records import (
    capitalised,
    day_text,
    delete_logged,
    refuse_unknown,
    save_changes,
    save_new,
    text_problem,
)
from pcmd.core.scoping import scope_for
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.models import Business, BusinessKind, BusinessStatus
from pcmd.registries.selectors.businesses import (
    business_dependants,
    business_duplicates,
    business_unit_eligible,
    business_visible,
    registration_key,
    search_key,
)

TEXT_FIELDS = (
    "name",
    "address",
    "registration_number",
    "licence_number",
    "owner_name",
    "owner_phone",
    "notes",
)
REQUIRED_TEXT = ("name", "address")
DATE_FIELDS = (
    "registration_date",
    "licence_date",
    "opened_on",
    "status_since",
    "closed_on",
    "commitment_date",
)
COUNT_FIELDS = ("workers_total", "workers_female")
FIELDS = (*TEXT_FIELDS, "kind", *DATE_FIELDS, *COUNT_FIELDS, "status", "commitment_signed")

Problems = dict[str, list[str]]


class DuplicateBusiness(ServiceError):
    """Refused: the registry already holds this business (`existing`)."""

    def __init__(self, message: str, existing: Business) -> None:
        super().__init__(message)
        self.existing = existing


def _label(field: str) -> str:
    model_field: Any = Business._meta.get_field(field)
    return str(model_field.verbose_name)


def unit_label(unit: AdministrativeUnit) -> str:
    """The unit's name, with its end date when it no longer exists (old and new communes
    often share a name)."""
    if unit.valid_to and unit.valid_to < timezone.localdate():
        return _("%(unit)s (đến %(date)s)") % {
            "unit": unit.name,
            "date": day_text(unit.valid_to),
        }
    return unit.name


def require_business_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse (PermissionDenied with the reason) a user who may not record businesses in
    `unit`; actor None is the system itself."""
    if actor is None or user_can(actor, Perm.BUSINESS_MANAGE, unit):
        return
    if scope_for(actor).contains_path(unit.path):
        message = _("Bạn không có quyền quản lý danh sách cơ sở kinh doanh của %(unit)s.")
    else:
        message = _(
            "%(unit)s nằm ngoài phạm vi quản lý của bạn: bạn không có quyền ghi nhận "
            "cơ sở kinh doanh ở đơn vị này."
        )
    raise PermissionDenied(message % {"unit": unit_label(unit)})


def check_unit(unit: AdministrativeUnit) -> None:
    """A business belongs to a commune (or, for records before the 2025 reform, a district)."""
    if not business_unit_eligible(unit):
        raise ServiceError(
            {
                "unit": [
                    _(
                        "Cơ sở kinh doanh phải thuộc một xã, phường, đặc khu (với số liệu "
                        "trước ngày 01/07/2025 có thể thuộc một huyện); %(unit)s không phải."
                    )
                    % {"unit": unit_label(unit)}
                ]
            }
        )


def business_clean(
    values: dict[str, Any], *, unit: AdministrativeUnit | None, today: dt.date | None = None
) -> tuple[dict[str, Any], Problems]:
    """The values as stored (NFC text, folded keys, the status rule applied) and what is
    wrong with them, by field. Shared by the services and the file import (where the unit
    may be unknown: a row naming no valid commune)."""
    today = today or timezone.localdate()
    problems: Problems = {}

    def refuse(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    data: dict[str, Any] = {}
    for field in TEXT_FIELDS:
        raw = values.get(field)
        text = nfc(str(raw)) if raw is not None else ""
        problem = text_problem(Business, field, text, required=field in REQUIRED_TEXT)
        if problem:
            refuse(field, problem)
        data[field] = text
    data["name_folded"] = search_key(data["name"])[:300]
    data["address_folded"] = search_key(data["address"])[:300]

    kind = values.get("kind") or ""
    if not kind:
        refuse("kind", _("Cần chọn loại hình kinh doanh."))
    elif kind not in BusinessKind.values:
        refuse("kind", _("Loại hình “%(kind)s” không có trong danh mục.") % {"kind": kind})
    data["kind"] = kind
    status = values.get("status") or BusinessStatus.OPEN
    if status not in BusinessStatus.values:
        refuse("status", _("Tình trạng “%(status)s” không hợp lệ.") % {"status": status})
    data["status"] = status

    for field in DATE_FIELDS:
        day = values.get(field)
        if isinstance(day, dt.datetime):
            day = day.date()
        if day is not None and not isinstance(day, dt.date):
            refuse(
                field, _("%(field)s không phải là ngày.") % {"field": capitalised(_label(field))}
            )
            day = None
        if day is not None and day > today:
            refuse(
                field,
                _("%(field)s (%(date)s) không được sau ngày hôm nay.")
                % {"field": capitalised(_label(field)), "date": day_text(day)},
            )
        data[field] = day

    for field in COUNT_FIELDS:
        count = values.get(field)
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            refuse(field, _("%(field)s phải là số nguyên.") % {"field": capitalised(_label(field))})
            count = None
        elif count is not None and count < 0:
            refuse(field, _("%(field)s không được âm.") % {"field": capitalised(_label(field))})
            count = None
        data[field] = count
    total, female = data["workers_total"], data["workers_female"]
    if total is not None and female is not None and female > total:
        refuse(
            "workers_female",
            _("Số lao động nữ (%(female)d) lớn hơn tổng số lao động (%(total)d).")
            % {"female": female, "total": total},
        )

    data["commitment_signed"] = bool(values.get("commitment_signed")) or bool(
        data["commitment_date"]
    )
    _apply_status_rule(data, today, refuse)
    opened = data["opened_on"]
    if opened and data["closed_on"] and opened > data["closed_on"]:
        refuse("closed_on", _("Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động."))
    elif opened and data["status_since"] and opened > data["status_since"]:
        refuse("status_since", _("Ngày của tình trạng phải sau ngày bắt đầu hoạt động."))
    if opened and unit is not None and unit.valid_to and opened > unit.valid_to:
        refuse(
            "opened_on",
            _(
                "%(unit)s chỉ tồn tại đến %(date)s: cơ sở bắt đầu hoạt động sau ngày đó "
                "thuộc đơn vị hành chính mới."
            )
            % {"unit": unit.name, "date": day_text(unit.valid_to)},
        )
    return data, problems


def _apply_status_rule(data: dict[str, Any], today: dt.date, refuse: Any) -> None:
    """Closed ⇔ a closing date: closing without one closes on the status date (or today)."""
    if data["status"] == BusinessStatus.CLOSED:
        closed_on = data["closed_on"] or data["status_since"] or today
        data["closed_on"] = closed_on
        data["status_since"] = closed_on
    elif data["closed_on"] is not None:
        refuse(
            "closed_on",
            _("Chỉ cơ sở đã ngừng hoạt động mới có ngày ngừng hoạt động."),
        )


def _refuse_problems(problems: Problems) -> None:
    if problems:
        raise ServiceError(problems)


def _refuse_duplicate(actor: Any, data: dict[str, Any], unit: AdministrativeUnit, pk: Any) -> None:
    found = business_duplicates(
        unit=unit,
        name=data["name"],
        address=data["address"],
        registration_number=data["registration_number"],
        exclude_pk=pk,
    )
    if found:
        existing = found[0]
        raise DuplicateBusiness(duplicate_message(actor, existing, data), existing)


def duplicate_message(actor: Any, existing: Business, data: dict[str, Any]) -> str:
    """Why a business is a duplicate, naming the existing record when the user may see it."""
    number = registration_key(data.get("registration_number") or "")
    same_number = bool(number) and registration_key(existing.registration_number) == number
    if not business_visible(user=actor, business=existing):
        return _(
            "Số đăng ký kinh doanh %(number)s đã được ghi nhận cho một cơ sở thuộc đơn vị "
            "khác, ngoài phạm vi của bạn. Hãy liên hệ đơn vị đó."
        ) % {"number": data.get("registration_number", "")}
    values = {
        "name": existing.name,
        "address": existing.address,
        "unit": unit_label(existing.unit),
        "number": existing.registration_number,
    }
    if same_number:
        return (
            _(
                "Đã có cơ sở cùng số đăng ký kinh doanh %(number)s: “%(name)s”, %(address)s "
                "(%(unit)s). Hãy sửa cơ sở đó thay vì tạo thêm."
            )
            % values
        )
    return (
        _(
            "Đã có cơ sở cùng tên và địa chỉ: “%(name)s”, %(address)s (%(unit)s). "
            "Hãy sửa cơ sở đó thay vì tạo thêm."
        )
        % values
    )


def business_insert(*, actor: Any, unit: AdministrativeUnit, data: dict[str, Any]) -> Business:
    """Save a business from values already cleaned and checked (business_clean, no
    duplicate), and log it. For the services here and the file import only."""
    business = Business(unit=unit, **data)
    save_new(actor, business)
    return business


@transaction.atomic
def business_create(*, actor: Any, unit: AdministrativeUnit, **fields: Any) -> Business:
    """Record a business in `unit` (a commune; a district of the past for old records).

    Fields are those of Business (FIELDS); refused when the user may not manage the
    unit, when a value is wrong (ServiceError by field) or when the registry already
    holds the business (DuplicateBusiness, naming it).
    """
    refuse_unknown(fields, FIELDS)
    require_business_manage(actor, unit)
    check_unit(unit)
    data, problems = business_clean(fields, unit=unit)
    _refuse_problems(problems)
    _refuse_duplicate(actor, data, unit, None)
    return business_insert(actor=actor, unit=unit, data=data)


def _current_values(business: Business) -> dict[str, Any]:
    return {field: getattr(business, field) for field in FIELDS}


@transaction.atomic
def business_update(
    *,
    actor: Any,
    business: Business,
    unit: AdministrativeUnit | None = None,
    **changes: Any,
) -> Business:
    """Change the given fields (the others are kept), and the unit if given.

    A business with inspections, sanctions or tips stays in its unit: those records are
    counted for the unit they were made in.
    """
    refuse_unknown(changes, FIELDS)
    require_business_manage(actor, business.unit)
    target = business.unit
    if unit is not None and unit.pk != business.unit_id:
        require_business_manage(actor, unit)
        check_unit(unit)
        counts = business_dependants(business)
        if counts["inspections"] or counts["sanctions"] or counts["tips"]:
            raise ServiceError(
                {
                    "unit": [
                        _(
                            "Cơ sở đã có cuộc kiểm tra, quyết định xử phạt hoặc tin báo gắn với "
                            "%(unit)s nên không chuyển sang đơn vị khác được."
                        )
                        % {"unit": unit_label(business.unit)}
                    ]
                }
            )
        target = unit
    values = {**_current_values(business), **changes}
    data, problems = business_clean(values, unit=target)
    _refuse_problems(problems)
    _refuse_duplicate(actor, data, target, business.pk)
    before = snapshot(business)
    business.unit = target
    for field, value in data.items():
        setattr(business, field, value)
    save_changes(actor, business, before)
    return business


@transaction.atomic
def business_set_status(
    *, actor: Any, business: Business, status: str, on: dt.date | None = None
) -> Business:
    """Open, suspend or close the business from `on` (today by default).

    Closing sets closed_on (the business stops counting after that day); opening or
    suspending a closed business clears it.
    """
    require_business_manage(actor, business.unit)
    today = timezone.localdate()
    on = on or today
    if status not in BusinessStatus.values:
        raise ServiceError(
            {"status": [_("Tình trạng “%(status)s” không hợp lệ.") % {"status": status}]}
        )
    if on > today:
        raise ServiceError(
            {
                "on": [
                    _("Ngày thay đổi tình trạng (%(date)s) không được sau ngày hôm nay.")
                    % {"date": day_text(on)}
                ]
            }
        )
    if business.opened_on and on < business.opened_on:
        raise ServiceError(
            {
                "on": [
                    _("Ngày thay đổi tình trạng phải sau ngày bắt đầu hoạt động (%(date)s).")
                    % {"date": day_text(business.opened_on)}
                ]
            }
        )
    before = snapshot(business)
    business.status = status
    business.status_since = on
    business.closed_on = on if status == BusinessStatus.CLOSED else None
    if snapshot(business) == before:
        return business
    business.save(update_fields=["status", "status_since", "closed_on", "updated"])
    change_record(actor=actor, action=Action.UPDATE, obj=business, before=before)
    return business


@transaction.atomic
def business_delete(*, actor: Any, business: Business) -> None:
    """Remove a business recorded by mistake; one with inspections, sanctions, tips or in
    an inspection plan is kept (close it instead)."""
    require_business_manage(actor, business.unit)
    counts = business_dependants(business)
    if any(counts.values()):
        raise ServiceError(
            _(
                "Không xóa được “%(name)s”: cơ sở đã có %(inspections)d cuộc kiểm tra, "
                "%(sanctions)d quyết định xử phạt, %(tips)d tin báo và thuộc %(plans)d kế "
                "hoạch kiểm tra. Nếu cơ sở không còn hoạt động, hãy chuyển tình trạng sang "
                "“Đã ngừng hoạt động”."
            )
            % {"name": business.name, **counts}
        )
    delete_logged(actor, business)
