"""Files sent with tips: checked by their content, the original kept encrypted, a working
copy without metadata for officers.

What a file is, is read from its first bytes, never from its name: JPEG, PNG and WebP
images and PDF documents are accepted, anything else (an executable or a web page renamed
.jpg) is refused. Images are decoded and drawn again into a fresh image, so the working
copy carries no EXIF (GPS position, camera serial number, time), XMP, ICC or text chunks;
the original, which may hold exactly those, is stored encrypted and is read back only
through `attachment_original`, which logs who read it and why.

PDF documents are kept as sent in the working copy too: no PDF library is installed, so
their document information (author, software) is not removed.
"""

import contextlib
import io
import uuid
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import access_record, change_record
from pcmd.core.crypto import decrypt_bytes, encrypt_bytes
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.registries.models import Tip, TipAttachment, TipMessage

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Files in one submission (a tip or one addition to it).
MAX_FILES = 5
# Larger pictures are refused before they are decoded (a small file can expand to gigabytes).
MAX_PIXELS = 40_000_000

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", PDF: ".pdf"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


class AttachmentError(ServiceError):
    """A file refused: too large, too many, of a type not accepted, or unreadable."""


@dataclass(frozen=True)
class PreparedFile:
    """An accepted file, checked and cleaned, not yet stored."""

    name: str
    content_type: str
    size: int
    original: bytes
    working: bytes


def max_bytes() -> int:
    """The size limit of one file (setting PCMD_TIP_ATTACHMENT_MAX_BYTES, 10 MB by default)."""
    return int(getattr(settings, "PCMD_TIP_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def megabytes(size: int) -> str:
    """A size in MB as people read it in Vietnamese: 10, 2,5."""
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")


def sniff(head: bytes) -> str | None:
    """The accepted type these first bytes start, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _safe_name(raw: str | None, content_type: str, index: int) -> str:
    """The sender's file name without folders or control characters, with the extension of
    what the file really is."""
    base = nfc(Path((raw or "").replace("\\", "/")).name)
    base = "".join(ch for ch in base if ch.isprintable())
    stem = Path(base).stem.strip(" .")[:150] or f"tep-{index}"
    return stem + EXTENSIONS[content_type]


def _srgb(image: Image.Image) -> Image.Image:
    """Colours converted to sRGB when the image names another profile (the profile itself,
    which may carry text, is not kept)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _clean_image(data: bytes, content_type: str, name: str) -> bytes:
    """The picture drawn again into a new image and encoded without any metadata."""
    unreadable = AttachmentError(
        _("Không đọc được ảnh “%(name)s”: tệp bị hỏng hoặc không phải ảnh.") % {"name": name}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != PILLOW_FORMATS[content_type]:
                raise unreadable
            if image.width * image.height > MAX_PIXELS:
                raise AttachmentError(
                    _("Ảnh “%(name)s” quá lớn (%(w)s × %(h)s điểm ảnh).")
                    % {"name": name, "w": image.width, "h": image.height}
                )
            image.load()
            # Turned upright first: the orientation tag goes with the rest of the EXIF.
            upright = ImageOps.exif_transpose(image)
            upright = _srgb(upright)
            alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
                upright.mode == "P" and "transparency" in upright.info
            )
            if content_type == JPEG:
                alpha = False
            pixels = upright.convert("RGBA" if alpha else "RGB")
    except AttachmentError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as exc:
        raise unreadable from exc
    # A new image has an empty info dictionary: nothing of the original's metadata follows.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if content_type == JPEG:
        clean.save(out, "JPEG", quality=90, optimize=True)
    elif content_type == PNG:
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=90)
    return out.getvalue()


def attachment_prepare(upload: UploadedFile, *, index: int = 1) -> PreparedFile:
    """Check one uploaded file and make its working copy; nothing is written.

    Raises AttachmentError with a message for the sender when the file is too large, not
    of an accepted type (by its content), or unreadable."""
    shown = nfc(Path((upload.name or "").replace("\\", "/")).name) or f"tep-{index}"
    limit = max_bytes()
    if (upload.size or 0) > limit:
        raise AttachmentError(
            _("Tệp “%(name)s” lớn hơn %(limit)s MB; hãy gửi tệp nhỏ hơn.")
            % {"name": shown, "limit": megabytes(limit)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(
            _("Tệp “%(name)s” lớn hơn %(limit)s MB; hãy gửi tệp nhỏ hơn.")
            % {"name": shown, "limit": megabytes(limit)}
        )
    if not data:
        raise AttachmentError(_("Tệp “%(name)s” không có nội dung.") % {"name": shown})
    content_type = sniff(data[:16])
    if content_type is None:
        raise AttachmentError(
            _(
                "Tệp “%(name)s” không phải ảnh JPEG, PNG, WebP hay tài liệu PDF (nội dung tệp "
                "không khớp với tên). Chỉ nhận các loại tệp này."
            )
            % {"name": shown}
        )
    # A PDF is kept as sent (see the module's docstring); an image is drawn again.
    working = data if content_type == PDF else _clean_image(data, content_type, shown)
    return PreparedFile(
        name=_safe_name(upload.name, content_type, index),
        content_type=content_type,
        size=len(data),
        original=data,
        working=working,
    )


def attachments_prepare(uploads: list[UploadedFile]) -> list[PreparedFile]:
    """Check every file of one submission (at most MAX_FILES) before anything is stored."""
    if len(uploads) > MAX_FILES:
        raise AttachmentError(
            _("Chỉ gửi được tối đa %(n)s tệp mỗi lần (bạn đã chọn %(m)s tệp).")
            % {"n": MAX_FILES, "m": len(uploads)}
        )
    return [attachment_prepare(u, index=i) for i, u in enumerate(uploads, start=1)]


def attachment_store(
    *, tip: Tip, prepared: PreparedFile, from_public: bool, message: TipMessage | None = None
) -> TipAttachment:
    """Write a prepared file: the original encrypted, the working copy in clear.

    Stored file names are random: neither the sender's file name nor the tip shows in the
    media folder. The caller records the change (it knows the actor)."""
    stem = uuid.uuid4().hex
    attachment = TipAttachment(
        tip=tip,
        message=message,
        name=prepared.name[:200],
        content_type=prepared.content_type,
        size=prepared.size,
        from_public=from_public,
    )
    attachment.original.save(
        f"{stem}.enc", ContentFile(encrypt_bytes(prepared.original)), save=False
    )
    try:
        attachment.working.save(
            stem + EXTENSIONS[prepared.content_type], ContentFile(prepared.working), save=False
        )
        attachment.save()
    except BaseException:
        attachment_files_delete(attachment)
        raise
    return attachment


def attachments_store(
    *,
    actor: Any,
    tip: Tip,
    prepared: Iterable[PreparedFile],
    from_public: bool,
    message: TipMessage | None = None,
    stored: list[TipAttachment] | None = None,
) -> list[TipAttachment]:
    """Store the checked files of one submission and record each in the change log. Each
    is also appended to `stored` as soon as its files are written, so that the caller can
    remove them should the transaction be rolled back (`files_removed_on_failure`)."""
    out = [] if stored is None else stored
    for item in prepared:
        attachment = attachment_store(
            tip=tip, prepared=item, from_public=from_public, message=message
        )
        out.append(attachment)
        change_record(actor=actor, action=Action.CREATE, obj=attachment)
    return out


@contextlib.contextmanager
def files_removed_on_failure() -> Iterator[list[TipAttachment]]:
    """A list for the attachments stored inside the block; if the block fails (and with it
    the transaction that saved their rows), their files are removed from storage too."""
    stored: list[TipAttachment] = []
    try:
        yield stored
    except BaseException:
        for attachment in stored:
            attachment_files_delete(attachment)
        raise


def attachment_add(
    *, tip: Tip, upload: UploadedFile, from_public: bool, message: TipMessage | None = None
) -> TipAttachment:
    """Check, clean and store one file of a tip (see the module's docstring).

    The caller checks permission and records the change; a refused file raises
    AttachmentError (a ServiceError) and writes nothing."""
    return attachment_store(
        tip=tip, prepared=attachment_prepare(upload), from_public=from_public, message=message
    )


def attachment_files_delete(attachment: TipAttachment) -> None:
    """Remove the stored files of an attachment whose row was not (or is no longer) kept."""
    for field in (attachment.original, attachment.working):
        if field and field.name:
            field.storage.delete(field.name)


def attachment_working_open(attachment: TipAttachment) -> File:
    """The working copy (metadata removed), opened for reading."""
    if not attachment.working:
        raise FileNotFoundError(attachment.pk)
    return attachment.working.open("rb")


def attachment_working(attachment: TipAttachment) -> bytes:
    """The working copy's content (metadata removed)."""
    with attachment_working_open(attachment) as handle:
        data: bytes = handle.read()
    return data


def attachment_original(*, actor: Any, attachment: TipAttachment, reason: str) -> bytes:
    """The file exactly as sent, decrypted, for a user allowed to see who sent a tip
    (Perm.TIP_IDENTITY on its unit) who states why: its metadata may identify the sender.
    Every read is written to the access log."""
    tip = attachment.tip
    if actor is None or not user_can(actor, Perm.TIP_IDENTITY, tip.unit):
        raise PermissionDenied(_("Bạn không có quyền xem tệp gốc của tin báo."))
    why = nfc(reason or "")
    if not why:
        raise ServiceError(_("Cần nêu lý do xem tệp gốc."))
    with attachment.original.open("rb") as handle:
        token = handle.read()
    access_record(actor=actor, obj=attachment, what="original", reason=why)
    return decrypt_bytes(token)
