"""Writes of budget entries and commendations.

Each function checks Perm.PROGRAMME_MANAGE on the record's unit, validates, writes in one
transaction and records the change. A refusal is a ServiceError (or PermissionDenied) with
a Vietnamese message. `actor=None` is the system itself (demo data, tests).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.audit.services import snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.records import (
    choice,
    clean_text,
    day_text,
    delete_logged,
    number_typed,
    refuse_unknown,
    require_perm,
    save_changes,
    save_new,
    today,
)
from pcmd.core.text import fold, nfc
from pcmd.geo.models import LAST_PRE_REFORM_DAY, AdministrativeUnit, UnitLevel
from pcmd.plans.models import Area, Plan
from pcmd.programme.models import (
    BudgetEntry,
    BudgetKind,
    Commendation,
    CommendationForm,
    CommendationLevel,
    FundingSource,
    RecipientKind,
)

# Units that keep a budget and are commended: provinces, communes, districts of the past.
UNIT_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)
FIRST_YEAR = 2000
# An allocation may be decided late in the year before; spending settled early in the next.
YEAR_SLACK = 1
# More than a million billion đồng is a typing error, not a programme's budget.
MAX_AMOUNT = 10**15
# Forms a level may not award: a Bằng khen comes from a minister, a province chairman or
# the Prime Minister; a Huân chương from the President.
FORM_LEVELS: dict[str, tuple[str, ...]] = {
    CommendationForm.CERTIFICATE_OF_MERIT: (CommendationLevel.CENTRAL, CommendationLevel.PROVINCE),
    CommendationForm.ORDER: (CommendationLevel.CENTRAL,),
}


# ---- shared pieces ----------------------------------------------------------------------


def require_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse a user without Perm.PROGRAMME_MANAGE on `unit` (None: the system)."""
    require_perm(
        actor,
        Perm.PROGRAMME_MANAGE,
        unit,
        _("Bạn không có quyền ghi nhận kinh phí, khen thưởng của %(unit)s."),
    )


def amount_read(value: Any, label: str) -> int:
    """A non-negative whole amount of money typed as a number or text ("1.500.000")."""
    number = number_typed(value, label)
    if number is None:
        raise ServiceError(_("Cần nhập %(field)s.") % {"field": label.lower()})
    if number != number.to_integral_value():
        raise ServiceError(_("%(field)s phải là số nguyên (đồng).") % {"field": label})
    if number > MAX_AMOUNT:
        raise ServiceError(_("%(field)s quá lớn (%(v)s).") % {"field": label, "v": value})
    return int(number)


def _year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ServiceError(_("Năm ngân sách không hợp lệ: “%(v)s”.") % {"v": value}) from None
    last = today().year + 1
    if not FIRST_YEAR <= year <= last:
        raise ServiceError(
            _("Năm ngân sách phải từ %(a)d đến %(b)d.") % {"a": FIRST_YEAR, "b": last}
        )
    return year


def _unit_check(unit: AdministrativeUnit, on: dt.date) -> None:
    if unit.level not in UNIT_LEVELS:
        raise ServiceError(
            _("Chỉ ghi nhận cho đơn vị cấp tỉnh, cấp xã (hoặc cấp huyện trước 01/07/2025).")
        )
    if unit.valid_to and on > unit.valid_to:
        raise ServiceError(
            _("%(unit)s không còn tồn tại từ sau ngày %(end)s: hãy ghi nhận cho đơn vị kế thừa.")
            % {"unit": unit.name, "end": day_text(unit.valid_to)}
        )


# ---- budget -----------------------------------------------------------------------------

BUDGET_FIELDS = (
    "year",
    "kind",
    "source",
    "amount_vnd",
    "date",
    "plan",
    "activity",
    "area",
    "document_number",
    "notes",
)


def _budget_check(entry: BudgetEntry) -> None:
    """Validate and normalise an entry in place."""
    unit = entry.unit
    entry.kind = choice(entry.kind, BudgetKind, _("Loại (dự toán hay thực chi)"))
    entry.source = choice(entry.source, FundingSource, _("Nguồn kinh phí"))
    entry.year = _year(entry.year)
    entry.amount_vnd = amount_read(entry.amount_vnd, _("Số tiền"))
    on = entry.date
    if on is None:
        raise ServiceError(_("Cần nhập ngày quyết định giao dự toán hoặc ngày chi."))
    if on > today():
        raise ServiceError(
            _("Ngày %(d)s ở tương lai: chỉ ghi nhận dự toán đã giao, khoản đã chi.")
            % {"d": day_text(on)}
        )
    if abs(on.year - entry.year) > YEAR_SLACK:
        raise ServiceError(
            _("Ngày %(d)s không khớp với năm ngân sách %(y)d.")
            % {"d": day_text(on), "y": entry.year}
        )
    _unit_check(unit, on)
    if entry.source == FundingSource.STATE_DISTRICT and entry.year > LAST_PRE_REFORM_DAY.year:
        raise ServiceError(
            _(
                "Từ 01/07/2025 không còn cấp huyện: ngân sách cấp huyện chỉ ghi cho năm 2025 "
                "trở về trước."
            )
        )
    plan: Plan | None = entry.plan
    if plan is not None and plan.unit_id != unit.pk:
        raise ServiceError(
            _("Kế hoạch “%(p)s” là của %(owner)s, không phải của %(unit)s.")
            % {"p": plan, "owner": plan.unit.name, "unit": unit.name}
        )
    entry.area = choice(entry.area, Area, _("Lĩnh vực"), blank=True)
    entry.activity = clean_text(BudgetEntry, "activity", entry.activity)
    entry.document_number = clean_text(BudgetEntry, "document_number", entry.document_number)
    entry.notes = nfc(entry.notes or "").strip()


@transaction.atomic
def budget_entry_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    year: int | str,
    kind: str,
    source: str,
    amount_vnd: int | str,
    date: dt.date | None,
    plan: Plan | None = None,
    activity: str = "",
    area: str = "",
    document_number: str = "",
    notes: str = "",
) -> BudgetEntry:
    """Record an allocation or a spending of `unit` for a budget year. The amount may be
    typed the Vietnamese way ("1.500.000"); spending above the allocation is allowed (the
    summary flags it)."""
    require_manage(actor, unit)
    entry = BudgetEntry(
        unit=unit,
        year=year,  # type: ignore[misc]  # read by _budget_check
        kind=kind,
        source=source,
        amount_vnd=amount_vnd,
        date=date,
        plan=plan,
        activity=activity,
        area=area,
        document_number=document_number,
        notes=notes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _budget_check(entry)
    save_new(actor, entry)
    return entry


@transaction.atomic
def budget_entry_update(*, actor: Any, entry: BudgetEntry, **changes: Any) -> BudgetEntry:
    """Change the given fields (BUDGET_FIELDS); an entry stays with its unit."""
    refuse_unknown(changes, BUDGET_FIELDS)
    require_manage(actor, entry.unit)
    before = snapshot(entry)
    for field, value in changes.items():
        setattr(entry, field, value)
    _budget_check(entry)
    save_changes(actor, entry, before)
    return entry


@transaction.atomic
def budget_entry_delete(*, actor: Any, entry: BudgetEntry) -> None:
    require_manage(actor, entry.unit)
    delete_logged(actor, entry)


# ---- commendations ----------------------------------------------------------------------

COMMENDATION_FIELDS = (
    "recipient_kind",
    "name",
    "level",
    "form",
    "decision_number",
    "decision_date",
    "issuer",
    "reason",
)


def _commendation_check(item: Commendation) -> None:
    """Validate and normalise a commendation in place."""
    item.recipient_kind = choice(item.recipient_kind, RecipientKind, _("Tập thể hay cá nhân"))
    item.name = clean_text(Commendation, "name", item.name, required=True)
    item.level = choice(item.level, CommendationLevel, _("Cấp khen thưởng"))
    item.form = choice(item.form, CommendationForm, _("Hình thức khen thưởng"))
    item.decision_number = clean_text(
        Commendation, "decision_number", item.decision_number, required=True
    )
    item.issuer = clean_text(Commendation, "issuer", item.issuer)
    item.reason = nfc(item.reason or "").strip()
    on = item.decision_date
    if on is None:
        raise ServiceError(_("Cần nhập ngày quyết định khen thưởng."))
    if on > today():
        raise ServiceError(_("Ngày quyết định %(d)s ở tương lai.") % {"d": day_text(on)})
    _unit_check(item.unit, on)
    if item.level == CommendationLevel.DISTRICT and on > LAST_PRE_REFORM_DAY:
        raise ServiceError(
            _(
                "Từ 01/07/2025 không còn cấp huyện: khen thưởng cấp huyện chỉ ghi cho quyết định "
                "trước ngày đó."
            )
        )
    allowed = FORM_LEVELS.get(item.form)
    if allowed and item.level not in allowed:
        raise ServiceError(
            _("%(form)s không do %(level)s khen tặng: chọn %(allowed)s.")
            % {
                "form": CommendationForm(item.form).label,
                "level": str(CommendationLevel(item.level).label).lower(),
                "allowed": ", ".join(str(CommendationLevel(v).label).lower() for v in allowed),
            }
        )
    _refuse_duplicate(item)


def _refuse_duplicate(item: Commendation) -> None:
    """The same decision names a collective or a person once."""
    same = Commendation.objects.filter(unit_id=item.unit_id, decision_date=item.decision_date)
    if item.pk:
        same = same.exclude(pk=item.pk)
    number, name = fold(item.decision_number).replace(" ", ""), fold(item.name)
    for other in same.only("decision_number", "name"):
        if fold(other.decision_number).replace(" ", "") == number and fold(other.name) == name:
            raise ServiceError(
                _("%(name)s đã được ghi nhận theo quyết định %(n)s ngày %(d)s.")
                % {"name": item.name, "n": item.decision_number, "d": day_text(item.decision_date)}
            )


@transaction.atomic
def commendation_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    recipient_kind: str,
    name: str,
    level: str,
    form: str,
    decision_number: str,
    decision_date: dt.date | None,
    issuer: str = "",
    reason: str = "",
) -> Commendation:
    """Record a commendation of a collective or a person of `unit` (public information)."""
    require_manage(actor, unit)
    item = Commendation(
        unit=unit,
        recipient_kind=recipient_kind,
        name=name,
        level=level,
        form=form,
        decision_number=decision_number,
        decision_date=decision_date,  # type: ignore[misc]  # None is refused by the check
        issuer=issuer,
        reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _commendation_check(item)
    save_new(actor, item)
    return item


@transaction.atomic
def commendation_update(*, actor: Any, item: Commendation, **changes: Any) -> Commendation:
    """Change the given fields (COMMENDATION_FIELDS); a commendation stays with its unit."""
    refuse_unknown(changes, COMMENDATION_FIELDS)
    require_manage(actor, item.unit)
    before = snapshot(item)
    for field, value in changes.items():
        setattr(item, field, value)
    _commendation_check(item)
    save_changes(actor, item, before)
    return item


@transaction.atomic
def commendation_delete(*, actor: Any, item: Commendation) -> None:
    require_manage(actor, item.unit)
    delete_logged(actor, item)
