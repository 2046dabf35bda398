"""The public tip page's writes and reads: citizens send a tip without an account, keep a
receipt code, and later read its status and add information with that code.

Privacy: nothing here receives or stores a citizen's network address or browser details.
The views pass an address only to the rate limits, which keep an HMAC of it under a salt
that changes every day (so counters cannot be joined across days or back to an address)
and never next to what was sent. The receipt code is kept only as its SHA-256 hash.
Public writes are recorded in the change log with no actor (the system).

Abuse: per-address and global limits per hour (PublicRateCounter), and a challenge (an
addition or subtraction written in words) signed with the secret key, valid for 30
minutes and accepted once.
"""

import contextlib
import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.core.context import get_request_id, set_request_id
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit, UnitLevel
from pcmd.geo.selectors import units_at
from pcmd.registries.models import (
    PublicRateCounter,
    Tip,
    TipAttachment,
    TipCategory,
    TipChannel,
    TipMessage,
    TipStatus,
)
from pcmd.registries.services.attachments import (
    attachments_prepare,
    attachments_store,
    files_removed_on_failure,
)
from pcmd.registries.services.deadlines import deadline_for

RECEIPT_DIGITS = 20
CONTENT_MAX = 10_000
CHALLENGE_MAX_AGE = 30 * 60
_CHALLENGE_SALT = "pcmd.registries.public.challenge"
_CHALLENGE_PREFIX = "challenge:"
# Counters older than this are no longer read (windows are one hour; a challenge lives
# 30 minutes after the hour it was issued in), so they are deleted.
_KEEP = dt.timedelta(hours=2)


@contextlib.contextmanager
def _unlinked() -> Iterator[None]:
    """Public writes are logged without the request id: a proxy's access log that records
    the same id next to the address would otherwise tell who sent the tip."""
    saved = get_request_id()
    set_request_id("")
    try:
        yield
    finally:
        set_request_id(saved)


# ---- errors ---------------------------------------------------------------------------


class RateLimited(ServiceError):
    """Too many requests from one address, or in total, this hour: the page answers 429."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ChallengeError(ServiceError):
    """The challenge was answered wrongly, has expired, or was used already."""


class TipNotFound(ServiceError):
    """No tip has this receipt code (or the code is not one): one message for every case."""


# ---- rate limits ----------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """A budget per hour: per address and in total, read from settings."""

    bucket: str
    per_address_setting: str
    per_address_default: int
    global_setting: str
    global_default: int

    @property
    def per_address(self) -> int:
        return int(getattr(settings, self.per_address_setting, self.per_address_default))

    @property
    def total(self) -> int:
        return int(getattr(settings, self.global_setting, self.global_default))


SUBMIT = Limit("submit", "PCMD_TIP_RATE_PER_ADDRESS", 5, "PCMD_TIP_RATE_GLOBAL", 200)
LOOKUP = Limit(
    "lookup", "PCMD_TIP_LOOKUP_RATE_PER_ADDRESS", 20, "PCMD_TIP_LOOKUP_RATE_GLOBAL", 2000
)
# Information added to a tip already sent: the same budget as new tips, counted apart.
ADD = Limit("add", "PCMD_TIP_RATE_PER_ADDRESS", 5, "PCMD_TIP_RATE_GLOBAL", 200)
# Wrong answers to the challenge (guessing it by machine).
CHALLENGE = Limit(
    "challenge",
    "PCMD_TIP_CHALLENGE_FAILURES_PER_ADDRESS",
    20,
    "PCMD_TIP_CHALLENGE_FAILURES_GLOBAL",
    2000,
)


def _window(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _seconds_left(now: dt.datetime) -> int:
    return max(1, int((_window(now) + dt.timedelta(hours=1) - now).total_seconds()))


def address_key(bucket: str, address: str, now: dt.datetime) -> str:
    """The counter key of an address: HMAC-SHA256 under a salt derived from the secret
    key and the day, so the address itself is never stored and keys change daily."""
    day_salt = hmac.new(
        settings.SECRET_KEY.encode(),
        b"pcmd.registries.public.rate:" + now.date().isoformat().encode(),
        hashlib.sha256,
    ).digest()
    return hmac.new(day_salt, f"{bucket}:{address}".encode(), hashlib.sha256).hexdigest()


def _bump(key: str, window: dt.datetime) -> int:
    """Add one to a counter and return its new value, safely under concurrent requests."""
    counters = PublicRateCounter.objects.filter(key=key, window=window)
    with transaction.atomic():
        if counters.update(count=F("count") + 1):
            return counters.values_list("count", flat=True).get()
        try:
            # Its own savepoint: a request that created the row first makes this one fail
            # on the unique (key, window) constraint, and the update below then counts.
            with transaction.atomic():
                PublicRateCounter.objects.create(key=key, window=window, count=1)
        except IntegrityError:
            counters.update(count=F("count") + 1)
            return counters.values_list("count", flat=True).get()
    if key.startswith("*"):
        # The first request of an hour in a bucket clears windows nobody reads any more.
        rate_prune(window)
    return 1


def rate_prune(now: dt.datetime | None = None) -> int:
    """Delete counters of windows no longer read; returns how many."""
    cutoff = _window(now or timezone.now()) - _KEEP
    deleted, _detail = PublicRateCounter.objects.filter(window__lt=cutoff).delete()
    return deleted


def rate_hit(limit: Limit, address: str, now: dt.datetime | None = None) -> None:
    """Count one request of `address` in `limit`'s bucket; RateLimited when the address or
    everybody together is over the hour's budget.

    Called inside the transaction that saves what was sent, a refusal also takes the count
    back; called alone (look-ups), the count stays, refused or not."""
    now = now or timezone.now()
    window = _window(now)
    if _bump(address_key(limit.bucket, address, now), window) > limit.per_address:
        raise RateLimited(
            _(
                "Đã có quá nhiều yêu cầu từ mạng của bạn trong giờ này. Vui lòng thử lại sau "
                "khoảng một giờ."
            ),
            _seconds_left(now),
        )
    # The shared budget counts only requests an address was still allowed to make.
    if _bump("*" + limit.bucket, window) > limit.total:
        raise RateLimited(
            _(
                "Hệ thống đang nhận quá nhiều yêu cầu. Vui lòng thử lại sau ít phút, hoặc báo "
                "tin qua đường dây nóng."
            ),
            _seconds_left(now),
        )


# ---- the challenge --------------------------------------------------------------------


def _number_words() -> list[str]:
    return [
        pgettext("number", "không"),
        pgettext("number", "một"),
        pgettext("number", "hai"),
        pgettext("number", "ba"),
        pgettext("number", "bốn"),
        pgettext("number", "năm"),
        pgettext("number", "sáu"),
        pgettext("number", "bảy"),
        pgettext("number", "tám"),
        pgettext("number", "chín"),
        pgettext("number", "mười"),
    ]


@dataclass(frozen=True)
class Challenge:
    """A question to show and the signed token that goes back with the answer."""

    question: str
    token: str


def _answer_digest(nonce: str, answer: int) -> str:
    return salted_hmac(_CHALLENGE_SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def challenge_new() -> Challenge:
    """A new question ("Bảy cộng năm bằng mấy?"). The token holds no numbers, only an HMAC
    of the answer: reading the token does not answer the question."""
    a, b = secrets.randbelow(10) + 1, secrets.randbelow(10) + 1
    if secrets.randbelow(2) and a > b:
        op, answer = pgettext("arithmetic", "trừ"), a - b
    else:
        op, answer = pgettext("arithmetic", "cộng"), a + b
    words = _number_words()
    question = _("%(a)s %(op)s %(b)s bằng mấy?") % {"a": words[a], "op": op, "b": words[b]}
    nonce = secrets.token_urlsafe(16)
    issued = int(timezone.now().timestamp())
    value = f"{nonce}:{issued}:{_answer_digest(nonce, answer)}"
    token = signing.TimestampSigner(salt=_CHALLENGE_SALT).sign(value)
    return Challenge(question=question[:1].upper() + question[1:], token=token)


def challenge_check(*, token: str, answer: int | None, address: str) -> None:
    """Accept a right answer to an unexpired challenge, once; else ChallengeError (or
    RateLimited after too many wrong answers from one address)."""
    try:
        value = signing.TimestampSigner(salt=_CHALLENGE_SALT).unsign(
            token or "", max_age=CHALLENGE_MAX_AGE
        )
        nonce, issued_text, digest = value.split(":")
        issued = dt.datetime.fromtimestamp(int(issued_text), tz=dt.UTC)
    except signing.SignatureExpired as exc:
        raise ChallengeError(
            _("Câu hỏi kiểm tra đã hết hạn. Vui lòng trả lời câu hỏi mới bên dưới.")
        ) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise ChallengeError(
            _("Câu hỏi kiểm tra không hợp lệ. Vui lòng trả lời câu hỏi mới bên dưới.")
        ) from exc
    # Used up whatever the answer: a question is answered once, right or wrong. The
    # counter's window is the hour the question was issued in, the same for every replay.
    marker = _CHALLENGE_PREFIX + hashlib.sha256(nonce.encode()).hexdigest()[:54]
    if _bump(marker, _window(issued)) > 1:
        raise ChallengeError(
            _("Câu hỏi kiểm tra này đã được dùng. Vui lòng trả lời câu hỏi mới bên dưới.")
        )
    if answer is None or not constant_time_compare(_answer_digest(nonce, answer), digest):
        rate_hit(CHALLENGE, address)
        raise ChallengeError(_("Câu trả lời chưa đúng. Vui lòng trả lời câu hỏi mới bên dưới."))


# ---- receipt codes --------------------------------------------------------------------

_RECEIPT_SEPARATORS = re.compile(r"[\s\-‐‑–—.·_/]+")


def receipt_new() -> str:
    """A receipt code: RECEIPT_DIGITS random digits from the operating system's source."""
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def receipt_hash(code: str) -> str:
    """What is stored of a receipt code: the SHA-256 of its digits."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def receipt_grouped(code: str) -> str:
    """1234 5678 ...: how a code is shown, so that it is easy to copy by hand."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def receipt_normalise(text: str) -> str | None:
    """The digits of a typed code (spaces, dashes and dots ignored), or None if it is not
    a code."""
    digits = _RECEIPT_SEPARATORS.sub("", text or "")
    return digits if re.fullmatch(rf"[0-9]{{{RECEIPT_DIGITS}}}", digits) else None


# ---- sending a tip --------------------------------------------------------------------


def public_provinces(at: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    """The provinces a citizen chooses from: the current ones."""
    provinces = units_at(at or timezone.localdate()).filter(level=UnitLevel.PROVINCE)
    return provinces.order_by("name_folded", "name")


def public_communes(province_id: Any, at: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    """The current communes (xã, phường, đặc khu) of the current province with this id;
    none for any other value."""
    try:
        pk = int(province_id)
    except (TypeError, ValueError):
        return AdministrativeUnit.objects.none()
    at = at or timezone.localdate()
    province = public_provinces(at).filter(pk=pk).first()
    if province is None:
        return AdministrativeUnit.objects.none()
    communes = units_at(at).filter(level=UnitLevel.COMMUNE, path__startswith=province.path)
    return communes.order_by("name_folded", "name")


def _category(category: TipCategory | None, link: str) -> TipCategory:
    """The category chosen, or a likely one: online ads when a link was given, else the
    catch-all "other" (the officers classify the tip again)."""
    if category is not None:
        if not category.active:
            raise ServiceError(_("Loại tin báo này không còn được dùng; vui lòng chọn loại khác."))
        return category
    active = TipCategory.objects.filter(active=True)
    guess = active.filter(code="online" if link else "other").first()
    chosen = guess or active.filter(code="other").first() or active.order_by("order").first()
    if chosen is None:
        raise ServiceError(
            _("Chưa có loại tin báo nào được thiết lập; vui lòng báo qua đường dây nóng.")
        )
    return chosen


def _place(province: AdministrativeUnit, commune: AdministrativeUnit | None) -> AdministrativeUnit:
    today = timezone.localdate()
    if province.level != UnitLevel.PROVINCE or not province.is_valid_on(today):
        raise ServiceError(_("Tỉnh, thành phố không có trong danh sách."))
    if commune is None:
        return province
    if (
        commune.level != UnitLevel.COMMUNE
        or not commune.is_valid_on(today)
        or not province.contains(commune)
    ):
        raise ServiceError(_("Xã, phường không thuộc tỉnh, thành phố đã chọn."))
    return commune


def _subject(content: str) -> str:
    """A one-line summary for officers' lists: the first line, cut at a word."""
    first = content.splitlines()[0].strip() if content else ""
    if len(first) <= 120:
        return first
    return first[:120].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


@dataclass
class PublicTip:
    """What a citizen sends (the form's cleaned fields)."""

    content: str
    province: AdministrativeUnit
    commune: AdministrativeUnit | None = None
    category: TipCategory | None = None
    place: str = ""
    seen_at: dt.datetime | None = None
    platform: str = ""
    link: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""
    uploads: list[UploadedFile] = field(default_factory=list)


def tip_submit(*, sent: PublicTip, address: str) -> tuple[Tip, str]:
    """Save a citizen's tip with its files and return it with its receipt code.

    Everything is committed when this returns (the caller shows the receipt only then).
    Over the hour's budget RateLimited is raised and nothing is saved. The address only
    counts against the budget; it is stored nowhere."""
    content = nfc(sent.content or "")
    if not content:
        raise ServiceError(_("Vui lòng cho biết sự việc bạn muốn báo."))
    if len(content) > CONTENT_MAX:
        raise ServiceError(_("Nội dung dài quá %(n)s ký tự.") % {"n": CONTENT_MAX})
    unit = _place(sent.province, sent.commune)
    link = nfc(sent.link or "")
    category = _category(sent.category, link)
    now = timezone.now()
    if sent.seen_at is not None and sent.seen_at > now + dt.timedelta(minutes=10):
        raise ServiceError(_("Thời điểm phát hiện không thể sau thời điểm hiện tại."))
    name, contact = nfc(sent.reporter_name or ""), nfc(sent.reporter_contact or "")
    # Files are checked before anything is written: a refused file saves nothing.
    prepared = attachments_prepare(list(sent.uploads))
    code = receipt_new()
    with files_removed_on_failure() as stored, _unlinked(), transaction.atomic():
        rate_hit(SUBMIT, address, now)
        tip = Tip.objects.create(
            unit=unit,
            channel=TipChannel.WEB,
            received_at=now,
            category=category,
            subject=_subject(content),
            content=content,
            place=nfc(sent.place or ""),
            platform=nfc(sent.platform or ""),
            link=link,
            seen_at=sent.seen_at,
            anonymous=not (name or contact),
            reporter_name=name,
            reporter_contact=contact,
            deadline=deadline_for(category, timezone.localdate(now)),
            receipt_hash=receipt_hash(code),
        )
        change_record(actor=None, action=Action.CREATE, obj=tip)
        attachments_store(actor=None, tip=tip, prepared=prepared, from_public=True, stored=stored)
    return tip, code


# ---- following a tip up ---------------------------------------------------------------


def tip_lookup(*, code: str, address: str) -> Tip:
    """The tip with this receipt code. Every look-up counts against the address's budget
    (so codes cannot be guessed at speed); a wrong code and a malformed one get the same
    TipNotFound."""
    rate_hit(LOOKUP, address)
    digits = receipt_normalise(code)
    tip = Tip.objects.filter(receipt_hash=receipt_hash(digits)).first() if digits else None
    if tip is None:
        raise TipNotFound(
            _("Không tìm thấy tin báo với mã này. Hãy kiểm tra lại mã tiếp nhận (%(n)s chữ số).")
            % {"n": RECEIPT_DIGITS}
        )
    return tip


def public_tip(pk: int) -> Tip | None:
    """A public-channel tip by id, for a session that showed its receipt code before."""
    return Tip.objects.filter(pk=pk).exclude(receipt_hash="").first()


@dataclass(frozen=True)
class PublicEntry:
    """One entry of the conversation a citizen sees."""

    when: dt.datetime
    text: str
    from_public: bool
    files: list[str]


@dataclass(frozen=True)
class PublicStatus:
    """What the follow-up page shows: never officers, agencies or internal notes."""

    status: str
    status_label: str
    received_at: dt.datetime
    deadline: dt.date
    closed: bool
    note: str
    content: str
    files: list[str]
    conversation: list[PublicEntry]


def tip_public_status(tip: Tip) -> PublicStatus:
    """The citizen's view of their tip: status, dates, the officers' public note, what they
    sent and added. Officers' notes, the agency and anyone's identity are left out."""
    messages = list(
        TipMessage.objects.filter(tip=tip, from_public=True).prefetch_related("attachments")
    )
    first_files = [
        a.name for a in TipAttachment.objects.filter(tip=tip, from_public=True, message=None)
    ]
    return PublicStatus(
        status=tip.status,
        status_label=tip.get_status_display(),
        received_at=tip.received_at,
        deadline=tip.deadline,
        closed=tip.status == TipStatus.CLOSED,
        note=tip.public_status_note,
        content=tip.content,
        files=first_files,
        conversation=[
            PublicEntry(
                when=m.created,
                text=m.text,
                from_public=True,
                files=[a.name for a in m.attachments.all()],
            )
            for m in messages
        ],
    )


def tip_add_information(
    *, tip: Tip, text: str, uploads: Sequence[UploadedFile] = (), address: str
) -> TipMessage:
    """Add what a citizen learned later (text and files) to their tip."""
    body = nfc(text or "")
    if not body:
        raise ServiceError(_("Vui lòng nhập thông tin bổ sung."))
    if len(body) > CONTENT_MAX:
        raise ServiceError(_("Nội dung dài quá %(n)s ký tự.") % {"n": CONTENT_MAX})
    if tip.status == TipStatus.CLOSED:
        raise ServiceError(
            _(
                "Tin báo này đã kết thúc xử lý nên không bổ sung được. Nếu có sự việc mới, "
                "vui lòng gửi tin báo mới."
            )
        )
    prepared = attachments_prepare(list(uploads))
    with files_removed_on_failure() as stored, _unlinked(), transaction.atomic():
        rate_hit(ADD, address)
        message = TipMessage.objects.create(tip=tip, from_public=True, text=body)
        change_record(actor=None, action=Action.CREATE, obj=message)
        attachments_store(
            actor=None, tip=tip, prepared=prepared, from_public=True, message=message, stored=stored
        )
    return message
