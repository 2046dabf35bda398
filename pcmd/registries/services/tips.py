"""Writes of tips and complaints by officers: intake, assignment, verification, closure,
notes, and the logged read of a named tip-giver's identity.

Every function checks Perm.TIP_MANAGE (or Perm.TIP_IDENTITY) on the tip's unit, validates,
writes in one transaction and records the change. The tip-giver's name and contact are
encrypted columns: the change log redacts them (audit.services.snapshot), and they are
read back only through `tip_identity`, which logs who read them and why.
"""

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import access_record, change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.records import (
    capitalised,
    clean_text,
    day_text,
    require_perm,
    save_changes,
    save_new,
)
from pcmd.core.scoping import scope_for
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.registries.models import (
    Business,
    Tip,
    TipAttachment,
    TipCategory,
    TipChannel,
    TipConclusion,
    TipMessage,
    TipStatus,
)
from pcmd.registries.services.deadlines import deadline_for

# Clocks of officers' computers run a little ahead; a receipt "now" must still pass.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
# Older dates are typing mistakes (the programme's records start long after).
EARLIEST = dt.date(2000, 1, 1)


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET


# ---- checks ---------------------------------------------------------------------------


def require_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse a user without Perm.TIP_MANAGE on `unit`; actor None is the system itself."""
    require_perm(actor, Perm.TIP_MANAGE, unit, _("Bạn không có quyền xử lý tin báo của %(unit)s."))


def _required_text(value: Any, message: str) -> str:
    text = nfc(str(value or ""))
    if not text:
        raise ServiceError(message)
    return text


def _category(value: TipCategory | str | int | None, *, new: bool) -> TipCategory:
    """A category given as an object, a code or an id; unknown (or retired, for a new
    tip) is refused."""
    if isinstance(value, TipCategory):
        category: TipCategory | None = value
    elif value in (None, ""):
        raise ServiceError(_("Cần chọn loại tin báo."))
    else:
        lookup = {"pk": value} if isinstance(value, int) else {"code": str(value).strip()}
        category = TipCategory.objects.filter(**lookup).first()
    if category is None:
        raise ServiceError(_("Loại tin báo “%(code)s” không có trong danh mục.") % {"code": value})
    if new and not category.active:
        raise ServiceError(
            _("Loại tin báo “%(name)s” không còn được dùng.") % {"name": category.name}
        )
    return category


def _channel(value: str) -> str:
    if value not in TipChannel.values:
        raise ServiceError(_("Kênh tiếp nhận “%(v)s” không hợp lệ.") % {"v": value})
    return value


def _moment(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    """An aware datetime (a plain date is taken as the start of that day, local time)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day of a moment in the configured time zone (Vietnam)."""
    return timezone.localdate(moment)


def _check_received(received_at: dt.datetime | None) -> dt.datetime:
    if received_at is None:
        raise ServiceError(_("Cần nhập thời điểm tiếp nhận."))
    if received_at > timezone.now() + FUTURE_TOLERANCE:
        raise ServiceError(_("Thời điểm tiếp nhận không thể ở tương lai."))
    if local_date(received_at) < EARLIEST:
        raise ServiceError(_("Ngày tiếp nhận không hợp lệ (trước năm 2000)."))
    return received_at


def _check_seen(seen_at: dt.datetime | None, received_at: dt.datetime) -> None:
    if seen_at is None:
        return
    if seen_at > received_at + FUTURE_TOLERANCE:
        raise ServiceError(_("Thời điểm phát hiện không thể sau thời điểm tiếp nhận."))
    if local_date(seen_at) < EARLIEST:
        raise ServiceError(_("Thời điểm phát hiện không hợp lệ (trước năm 2000)."))


def _link(value: str) -> str:
    link = clean_text(Tip, "link", value)
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError as exc:
            raise ServiceError(
                _("Đường dẫn không hợp lệ: nhập địa chỉ đầy đủ, bắt đầu bằng https://.")
            ) from exc
    return link


def _check_unit(actor: Any, unit: AdministrativeUnit, received: dt.date) -> None:
    require_manage(actor, unit)
    if not unit.is_valid_on(received):
        raise ServiceError(
            _("%(unit)s không tồn tại vào ngày tiếp nhận %(day)s.")
            % {"unit": unit.name, "day": day_text(received)}
        )


def _related(a: AdministrativeUnit, b: AdministrativeUnit) -> bool:
    """The same unit, or one lies below the other."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def _check_business(actor: Any, business: Business | None, unit: AdministrativeUnit) -> None:
    if business is None:
        return
    if actor is not None and not scope_for(actor).contains_path(business.unit.path):
        raise PermissionDenied(_("Cơ sở kinh doanh này nằm ngoài phạm vi của bạn."))
    if not _related(business.unit, unit):
        raise ServiceError(
            _("Cơ sở “%(b)s” không thuộc địa bàn %(unit)s của tin báo.")
            % {"b": business.name, "unit": unit.name}
        )


def _identity(anonymous: bool, name: str, contact: str) -> tuple[str, str]:
    name = clean_text(Tip, "reporter_name", name)
    contact = clean_text(Tip, "reporter_contact", contact)
    if anonymous and (name or contact):
        raise ServiceError(
            _(
                "Tin báo ẩn danh không ghi danh tính người báo tin: bỏ chọn “ẩn danh” "
                "hoặc xóa họ tên, liên hệ."
            )
        )
    if not anonymous and not name:
        raise ServiceError(_("Tin báo có danh tính cần họ tên người báo tin."))
    return name, contact


def _day(value: dt.date | None, label: str, *, not_before: dt.date) -> dt.date:
    """A date of the tip's handling: not before its receipt, not in the future."""
    if value is None:
        raise ServiceError(_("Cần nhập %(what)s.") % {"what": label})
    if value > timezone.localdate():
        raise ServiceError(_("%(what)s không thể ở tương lai.") % {"what": capitalised(label)})
    if value < not_before:
        raise ServiceError(
            _("%(what)s không thể trước ngày tiếp nhận %(day)s.")
            % {"what": capitalised(label), "day": day_text(not_before)}
        )
    return value


def _require_open(tip: Tip) -> None:
    # The status in the database counts, not that of an object read before a closure.
    status = Tip.objects.filter(pk=tip.pk).values_list("status", flat=True).first()
    if status == TipStatus.CLOSED:
        raise ServiceError(_("Tin báo đã kết thúc; hãy mở lại trước khi xử lý tiếp."))


# ---- intake ---------------------------------------------------------------------------


@transaction.atomic
def tip_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    channel: str,
    category: TipCategory | str | int | None,
    received_at: dt.datetime | dt.date | None,
    subject: str,
    content: str,
    place: str = "",
    business: Business | None = None,
    platform: str = "",
    link: str = "",
    seen_at: dt.datetime | dt.date | None = None,
    anonymous: bool = True,
    reporter_name: str = "",
    reporter_contact: str = "",
    uploads: Iterable[UploadedFile] = (),
) -> Tip:
    """Log a tip an officer received (hotline, mailbox, in person, their own monitoring of
    cyberspace). The deadline follows from the category and the day of receipt."""
    if not isinstance(unit, AdministrativeUnit):
        raise ServiceError(_("Cần chọn địa bàn của tin báo."))
    require_manage(actor, unit)
    received = _check_received(_moment(received_at))
    _check_unit(actor, unit, local_date(received))
    cat = _category(category, new=True)
    seen = _moment(seen_at)
    _check_seen(seen, received)
    _check_business(actor, business, unit)
    name, contact = _identity(bool(anonymous), reporter_name, reporter_contact)
    tip = Tip(
        unit=unit,
        business=business,
        channel=_channel(channel),
        received_at=received,
        category=cat,
        subject=clean_text(Tip, "subject", subject, required=True),
        content=clean_text(Tip, "content", content, required=True),
        place=clean_text(Tip, "place", place),
        platform=clean_text(Tip, "platform", platform),
        link=_link(link),
        seen_at=seen,
        anonymous=bool(anonymous),
        reporter_name=name,
        reporter_contact=contact,
        deadline=deadline_for(cat, local_date(received)),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    save_new(actor, tip)
    files = list(uploads)
    if files:
        _attach(actor, tip, files)
    return tip


@transaction.atomic
def tip_update(
    *,
    actor: Any,
    tip: Tip,
    unit: AdministrativeUnit | None = None,
    channel: str | None = None,
    category: TipCategory | str | int | None = None,
    received_at: dt.datetime | dt.date | None = None,
    subject: str | None = None,
    content: str | None = None,
    place: str | None = None,
    business: Business | _Unset | None = UNSET,
    platform: str | None = None,
    link: str | None = None,
    seen_at: dt.datetime | dt.date | _Unset | None = UNSET,
    anonymous: bool | None = None,
    reporter_name: str | None = None,
    reporter_contact: str | None = None,
) -> Tip:
    """Change what is given (None or UNSET: keep). A new category or day of receipt moves
    the deadline; making a tip anonymous erases the tip-giver's identity."""
    require_manage(actor, tip.unit)
    before = snapshot(tip)
    identity_before = (tip.reporter_name, tip.reporter_contact)
    if unit is not None and unit.pk != tip.unit_id:
        require_manage(actor, unit)
        tip.unit = unit
    if channel is not None:
        tip.channel = _channel(channel)
    if category is not None:
        tip.category = _category(category, new=False)
    if received_at is not None:
        tip.received_at = _check_received(_moment(received_at))
    received = local_date(tip.received_at)
    if unit is not None or received_at is not None:
        _check_unit(actor, tip.unit, received)
    for field, value in (("subject", subject), ("content", content)):
        if value is not None:
            setattr(tip, field, clean_text(Tip, field, value, required=True))
    for field, value in (("place", place), ("platform", platform)):
        if value is not None:
            setattr(tip, field, clean_text(Tip, field, value))
    if link is not None:
        tip.link = _link(link)
    if seen_at is not UNSET:
        tip.seen_at = _moment(seen_at)
    _check_seen(tip.seen_at, tip.received_at)
    if business is not UNSET:
        tip.business = business
    if business is not UNSET or unit is not None:
        _check_business(actor, tip.business, tip.unit)
    if anonymous is not None:
        tip.anonymous = bool(anonymous)
    if tip.anonymous:
        # An identity sent along is refused; one stored before is erased with the decision.
        _identity(True, reporter_name or "", reporter_contact or "")
        tip.reporter_name = tip.reporter_contact = ""
    else:
        # Blank means "keep": an edit form never shows the identity it would have to send.
        name = reporter_name if reporter_name else tip.reporter_name
        contact = reporter_contact if reporter_contact else tip.reporter_contact
        tip.reporter_name, tip.reporter_contact = _identity(False, name, contact)
    if tip.closed_on and tip.closed_on < received:
        raise ServiceError(_("Ngày tiếp nhận không thể sau ngày kết thúc tin báo."))
    tip.deadline = deadline_for(tip.category, received)
    identity_changed = (tip.reporter_name, tip.reporter_contact) != identity_before
    save_changes(actor, tip, before, force=identity_changed)
    return tip


def _attach(actor: Any, tip: Tip, uploads: list[UploadedFile]) -> list[TipAttachment]:
    from pcmd.registries.services import attachments

    # Every file is checked before any is stored: a refused one leaves nothing behind.
    prepared = attachments.attachments_prepare(uploads)
    return attachments.attachments_store(actor=actor, tip=tip, prepared=prepared, from_public=False)


@transaction.atomic
def tip_attachments_add(
    *, actor: Any, tip: Tip, uploads: Iterable[UploadedFile]
) -> list[TipAttachment]:
    """Add files (screenshots, a scanned letter) to a tip; their metadata is removed from
    the working copy and the original kept encrypted (services.attachments)."""
    require_manage(actor, tip.unit)
    files = list(uploads)
    if not files:
        raise ServiceError(_("Chọn ít nhất một tệp."))
    return _attach(actor, tip, files)


# ---- handling -------------------------------------------------------------------------


@transaction.atomic
def tip_assign(
    *, actor: Any, tip: Tip, agency: Agency | None, assigned_on: dt.date | None = None
) -> Tip:
    """Hand the tip to an agency of its unit, or of a unit above or below it."""
    require_manage(actor, tip.unit)
    _require_open(tip)
    if agency is None:
        raise ServiceError(_("Cần chọn cơ quan xử lý."))
    if actor is not None and not scope_for(actor).contains_path(agency.unit.path):
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi của bạn."))
    if not _related(agency.unit, tip.unit):
        raise ServiceError(
            _("%(agency)s không thuộc %(unit)s hay đơn vị cấp trên, cấp dưới của nó.")
            % {"agency": agency.name, "unit": tip.unit.name}
        )
    if not agency.active:
        raise ServiceError(_("%(agency)s đã ngừng hoạt động.") % {"agency": agency.name})
    received = local_date(tip.received_at)
    day = _day(assigned_on or timezone.localdate(), _("ngày giao"), not_before=received)
    before = snapshot(tip)
    tip.assigned_agency = agency
    tip.assigned_on = day
    tip.status = TipStatus.ASSIGNED
    save_changes(actor, tip, before)
    return tip


def _conclusion(value: str, *, required: bool) -> str:
    if not value:
        if required:
            raise ServiceError(_("Cần chọn kết luận."))
        return ""
    if value not in TipConclusion.values:
        raise ServiceError(_("Kết luận “%(v)s” không hợp lệ.") % {"v": value})
    return value


@transaction.atomic
def tip_verify(*, actor: Any, tip: Tip, verification: str, conclusion: str = "") -> Tip:
    """Record what the verification found so far (status: verifying)."""
    require_manage(actor, tip.unit)
    _require_open(tip)
    before = snapshot(tip)
    tip.verification = _required_text(verification, _("Cần nhập kết quả xác minh."))
    tip.conclusion = _conclusion(conclusion, required=False)
    tip.status = TipStatus.VERIFYING
    save_changes(actor, tip, before)
    return tip


@transaction.atomic
def tip_close(
    *,
    actor: Any,
    tip: Tip,
    conclusion: str,
    outcome: str = "",
    closed_on: dt.date | None,
    reason: str,
) -> Tip:
    """Close the tip with a conclusion and a reason, on a day between receipt and today."""
    require_manage(actor, tip.unit)
    _require_open(tip)
    before = snapshot(tip)
    tip.conclusion = _conclusion(conclusion, required=True)
    tip.outcome = nfc(outcome or "")
    tip.closure_reason = clean_text(
        Tip, "closure_reason", _required_text(reason, _("Cần nêu lý do kết thúc tin báo."))
    )
    tip.closed_on = _day(closed_on, _("ngày kết thúc"), not_before=local_date(tip.received_at))
    tip.status = TipStatus.CLOSED
    save_changes(actor, tip, before)
    return tip


@transaction.atomic
def tip_reopen(*, actor: Any, tip: Tip, reason: str) -> Tip:
    """Reopen a closed tip (a new fact came in, the closure was wrong); the reason is kept
    as an officer's note."""
    require_manage(actor, tip.unit)
    why = _required_text(reason, _("Cần nêu lý do mở lại tin báo."))
    if tip.status != TipStatus.CLOSED:
        raise ServiceError(_("Tin báo chưa kết thúc nên không cần mở lại."))
    before = snapshot(tip)
    tip.status = TipStatus.ASSIGNED if tip.assigned_agency_id else TipStatus.RECEIVED
    tip.closed_on = None
    tip.closure_reason = ""
    tip.conclusion = ""
    save_changes(actor, tip, before)
    _message(actor, tip, _("Mở lại tin báo: %(why)s") % {"why": why})
    return tip


def _message(actor: Any, tip: Tip, text: str) -> TipMessage:
    message = TipMessage.objects.create(
        tip=tip,
        from_public=False,
        text=text,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    change_record(actor=actor, action=Action.CREATE, obj=message)
    return message


@transaction.atomic
def tip_note(*, actor: Any, tip: Tip, text: str, public: bool = False) -> TipMessage:
    """Add an officer's note. A public note also becomes what the tip-giver reads on the
    follow-up page (the latest one replaces the earlier)."""
    require_manage(actor, tip.unit)
    body = _required_text(text, _("Cần nhập nội dung ghi chú."))
    message = _message(actor, tip, body)
    if public:
        before = snapshot(tip)
        tip.public_status_note = body
        save_changes(actor, tip, before)
    return message


@transaction.atomic
def tip_link_business(*, actor: Any, tip: Tip, business: Business | None) -> Tip:
    """Link the tip to the business it concerns (None: unlink)."""
    require_manage(actor, tip.unit)
    _check_business(actor, business, tip.unit)
    before = snapshot(tip)
    tip.business = business
    save_changes(actor, tip, before)
    return tip


# ---- identity -------------------------------------------------------------------------


def tip_identity(*, actor: Any, tip: Tip, reason: str) -> tuple[str, str]:
    """The named tip-giver's (name, contact), for a user with Perm.TIP_IDENTITY on the
    tip's unit who states why; every read is written to the access log."""
    if actor is None or not user_can(actor, Perm.TIP_IDENTITY, tip.unit):
        raise PermissionDenied(_("Bạn không có quyền xem danh tính người báo tin."))
    why = _required_text(reason, _("Cần nêu lý do xem danh tính người báo tin."))
    if tip.anonymous or not tip.reporter_name:
        raise ServiceError(_("Tin báo ẩn danh: không có danh tính người báo tin."))
    access_record(actor=actor, obj=tip, what="identity", reason=why)
    return tip.reporter_name, tip.reporter_contact
