"""Writes to agency types and agencies: the catalogue sync and the audited agency services."""

import datetime as dt
import enum
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import fold, nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs import catalogue
from pcmd.orgs.models import AGENCY_UNIT_LEVELS, Agency, AgencyAlias, AgencyType, AgencyTypeName
from pcmd.orgs.selectors import agencies_standard_missing


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET


# ---- the catalogue ---------------------------------------------------------------------


def _name_rows(spec: catalogue.TypeSpec) -> list[dict[str, Any]]:
    return [
        {
            "level": n.level,
            "name": nfc(n.name),
            "short_name": nfc(n.short),
            "valid_from": n.start,
            "valid_to": n.end,
            "is_coordinator": n.coordinator,
            "is_standard": n.standard,
            "unit_kinds": ",".join(n.kinds),
            "pattern": n.pattern,
        }
        for n in spec.names
    ]


def _alias_rows(spec: catalogue.TypeSpec) -> dict[tuple[str, int | None], dict[str, Any]]:
    """(folded alias, level) -> the alias row the catalogue asks for; names are aliases too."""
    rows: dict[tuple[str, int | None], dict[str, Any]] = {}

    def add(text: str, level: int | None, is_sector: bool = False) -> None:
        text = nfc(text)
        rows.setdefault((fold(text), level), {"alias": text, "is_sector": is_sector})

    for n in spec.names:
        add(n.name, n.level)
        if n.short:
            add(n.short, n.level)
    for level, texts in spec.aliases.items():
        for text in texts:
            add(text, level)
    for text in spec.sectors:
        add(text, None, is_sector=True)
    return rows


_COUNT_KEYS = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted"}
_NAME_FIELDS = (
    "level",
    "name",
    "short_name",
    "valid_from",
    "valid_to",
    "is_coordinator",
    "is_standard",
    "unit_kinds",
    "pattern",
)


@transaction.atomic
def agency_catalogue_sync(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Make the agency-type tables say what pcmd/orgs/catalogue.py says; safe to run again.

    Runs after every migrate. Aliases added locally (in the admin) are kept; catalogue
    names and aliases that left the catalogue are removed; types that left it are kept
    (agencies may use them). Changes to an existing catalogue go to the change log; the
    first load of an empty one does not (it is the code in the repository). Returns counts
    of rows created, updated and deleted.
    """
    from pcmd.orgs.matching import agency_matcher_reset

    counts = {"created": 0, "updated": 0, "deleted": 0}
    existing = {t.code: t for t in AgencyType.objects.using(using).all()}
    log = bool(existing) and using == DEFAULT_DB_ALIAS

    def record(action: Action, obj: models.Model, before: dict[str, Any] | None = None) -> None:
        counts[_COUNT_KEYS[action]] += 1
        if log:
            change_record(actor=None, action=action, obj=obj, before=before)

    for position, spec in enumerate(catalogue.CATALOGUE, start=1):
        values = {
            "name": nfc(spec.name),
            "name_en": spec.name_en,
            "is_requested_body": spec.requested,
            "order": position * 10,
        }
        agency_type = existing.get(spec.code)
        if agency_type is None:
            agency_type = AgencyType.objects.using(using).create(code=spec.code, **values)
            record(Action.CREATE, agency_type)
        elif any(getattr(agency_type, k) != v for k, v in values.items()):
            before = snapshot(agency_type)
            for key, value in values.items():
                setattr(agency_type, key, value)
            agency_type.save(using=using)
            record(Action.UPDATE, agency_type, before)
        _sync_names(agency_type, spec, using, record)
        _sync_aliases(agency_type, spec, using, record)
    agency_matcher_reset()
    return counts


def _sync_names(agency_type: AgencyType, spec: catalogue.TypeSpec, using: str, record: Any) -> None:
    wanted = Counter(tuple(row[f] for f in _NAME_FIELDS) for row in _name_rows(spec))
    for row in AgencyTypeName.objects.using(using).filter(agency_type=agency_type):
        key = tuple(getattr(row, f) for f in _NAME_FIELDS)
        if wanted[key] > 0:
            wanted[key] -= 1
            continue
        before = snapshot(row)
        row.delete(using=using)
        record(Action.DELETE, row, before)
    for key, missing in wanted.items():
        for _copy in range(missing):
            row = AgencyTypeName.objects.using(using).create(
                agency_type=agency_type, **dict(zip(_NAME_FIELDS, key, strict=True))
            )
            record(Action.CREATE, row)


def _sync_aliases(
    agency_type: AgencyType, spec: catalogue.TypeSpec, using: str, record: Any
) -> None:
    wanted = _alias_rows(spec)
    for row in AgencyAlias.objects.using(using).filter(agency_type=agency_type):
        values = wanted.pop((row.alias_folded, row.level), None)
        if values is None:
            if row.from_catalogue:
                before = snapshot(row)
                row.delete(using=using)
                record(Action.DELETE, row, before)
            continue
        values = {**values, "from_catalogue": True}
        if any(getattr(row, k) != v for k, v in values.items()):
            before = snapshot(row)
            AgencyAlias.objects.using(using).filter(pk=row.pk).update(**values)
            row.refresh_from_db(using=using)
            record(Action.UPDATE, row, before)
    for (folded, level), values in wanted.items():
        row = AgencyAlias.objects.using(using).create(
            agency_type=agency_type, alias_folded=folded, level=level, from_catalogue=True, **values
        )
        record(Action.CREATE, row)


# ---- agencies --------------------------------------------------------------------------


def _require_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse a user without Perm.AGENCY_MANAGE on `unit`; actor None is the system itself."""
    if actor is not None and not user_can(actor, Perm.AGENCY_MANAGE, unit):
        raise PermissionDenied(
            _("Bạn không có quyền quản lý cơ quan của %(unit)s.") % {"unit": unit.name}
        )


def _check_unit(unit: AdministrativeUnit) -> None:
    if unit.level not in AGENCY_UNIT_LEVELS:
        raise ServiceError(_("Cơ quan chỉ thuộc đơn vị cấp tỉnh, cấp huyện hoặc cấp xã."))


def _text(value: str, field: str, *, required: bool = False) -> str:
    """User text as stored: NFC, within the column's length, present when required."""
    value = nfc(value or "")
    model_field: Any = Agency._meta.get_field(field)
    if required and not value:
        raise ServiceError(_("Cần nhập %(field)s.") % {"field": model_field.verbose_name})
    if model_field.max_length and len(value) > model_field.max_length:
        raise ServiceError(
            _("%(field)s dài quá %(n)d ký tự.")
            % {"field": str(model_field.verbose_name).capitalize(), "n": model_field.max_length}
        )
    if field == "email" and value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ServiceError(_("Địa chỉ thư điện tử không hợp lệ.")) from exc
    return value


def _check_validity(
    unit: AdministrativeUnit, valid_from: dt.date | None, valid_to: dt.date | None
) -> None:
    if valid_from and valid_to and valid_from > valid_to:
        raise ServiceError(_("Ngày bắt đầu hoạt động phải trước ngày kết thúc."))
    starts_before = unit.valid_from and valid_from and valid_from < unit.valid_from
    ends_after = unit.valid_to and valid_to and valid_to > unit.valid_to
    if starts_before or ends_after:
        raise ServiceError(
            _("Thời gian hoạt động phải nằm trong thời gian hiệu lực của %(unit)s.")
            % {"unit": unit.name}
        )


def _refuse_duplicate(unit: AdministrativeUnit, name: str, exclude_pk: int | None = None) -> None:
    same = Agency.objects.filter(unit=unit, name_folded=fold(name))
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    other = same.first()
    if other is not None:
        raise ServiceError(_duplicate_message(unit, other.name))


def _duplicate_message(unit: AdministrativeUnit, name: str) -> str:
    return _("%(unit)s đã có cơ quan “%(name)s”. Hãy sửa cơ quan đó thay vì tạo thêm.") % {
        "unit": unit.name,
        "name": name,
    }


@transaction.atomic
def agency_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    name: str,
    agency_type: AgencyType | None = None,
    short_name: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Agency:
    """Add an agency to `unit`; refuses a name the unit already has (whatever the typing)."""
    _require_manage(actor, unit)
    _check_unit(unit)
    name = _text(name, "name", required=True)
    _check_validity(unit, valid_from, valid_to)
    _refuse_duplicate(unit, name)
    agency = Agency(
        unit=unit,
        agency_type=agency_type,
        name=name,
        name_folded=fold(name),
        short_name=_text(short_name, "short_name"),
        email=_text(email, "email"),
        phone=_text(phone, "phone"),
        address=_text(address, "address"),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _save(agency, unit)
    change_record(actor=actor, action=Action.CREATE, obj=agency)
    return agency


def _save(agency: Agency, unit: AdministrativeUnit) -> None:
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError as exc:
        # Another request created the same name between our check and the insert.
        raise ServiceError(_duplicate_message(unit, agency.name)) from exc


@transaction.atomic
def agency_update(
    *,
    actor: Any,
    agency: Agency,
    name: str | None = None,
    agency_type: AgencyType | _Unset | None = UNSET,
    short_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    valid_from: dt.date | _Unset | None = UNSET,
    valid_to: dt.date | _Unset | None = UNSET,
    active: bool | None = None,
) -> Agency:
    """Change what is given (None or UNSET: keep); the unit of an agency never changes."""
    unit = agency.unit
    _require_manage(actor, unit)
    before = snapshot(agency)
    if name is not None:
        agency.name = _text(name, "name", required=True)
        agency.name_folded = fold(agency.name)
        _refuse_duplicate(unit, agency.name, exclude_pk=agency.pk)
    for field, value in (
        ("short_name", short_name),
        ("email", email),
        ("phone", phone),
        ("address", address),
    ):
        if value is not None:
            setattr(agency, field, _text(value, field))
    if agency_type is not UNSET:
        agency.agency_type = agency_type
    if valid_from is not UNSET:
        agency.valid_from = valid_from
    if valid_to is not UNSET:
        agency.valid_to = valid_to
    if active is not None:
        agency.active = active
    _check_validity(unit, agency.valid_from, agency.valid_to)
    if snapshot(agency) == before:
        return agency
    _save(agency, unit)
    change_record(actor=actor, action=Action.UPDATE, obj=agency, before=before)
    return agency


@transaction.atomic
def agency_deactivate(*, actor: Any, agency: Agency, on: dt.date | None = None) -> Agency:
    """Mark the agency as no longer working from `on` (today by default); the record stays."""
    _require_manage(actor, agency.unit)
    on = on or dt.date.today()
    if agency.valid_from and on < agency.valid_from:
        raise ServiceError(_("Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động."))
    before = snapshot(agency)
    agency.active = False
    if agency.valid_to is None or agency.valid_to > on:
        agency.valid_to = on
    if snapshot(agency) == before:
        return agency
    agency.save(update_fields=["active", "valid_to"])
    change_record(actor=actor, action=Action.UPDATE, obj=agency, before=before)
    return agency


@transaction.atomic
def agencies_ensure_standard(*, actor: Any, unit: AdministrativeUnit) -> list[Agency]:
    """Create the standard agencies of `unit` it does not have yet; returns those created.

    The standard set is every standard catalogue name of the unit's level and kind in
    force at some time between the unit's start and today (or the unit's end), named after
    the unit ("Công an xã Kỳ Hoa", "Sở Y tế tỉnh Hà Tĩnh", "Tỉnh đoàn Hà Tĩnh") and valid
    while both the name and the unit were. An agency is left out when the unit already has
    one of that name, or one of that type for an overlapping time. Running it again
    creates nothing.
    """
    _require_manage(actor, unit)
    _check_unit(unit)
    created: list[Agency] = []
    for type_name, agency_name, valid_from, valid_to in agencies_standard_missing(unit):
        agency = Agency(
            unit=unit,
            agency_type_id=type_name.agency_type_id,
            name=agency_name,
            name_folded=fold(agency_name),
            valid_from=valid_from,
            valid_to=valid_to,
            is_standard=True,
        )
        _save(agency, unit)
        change_record(actor=actor, action=Action.CREATE, obj=agency)
        created.append(agency)
    return created
