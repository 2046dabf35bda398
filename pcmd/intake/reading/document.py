"""read_document: any uploaded plan (text, Word, PDF, scan) → its text, and how it was read."""

import hashlib
import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _

from pcmd.intake.legacy_encodings import repair_text

from .errors import ReadError
from .layout import document_lines
from .ocr import LOW_CONFIDENCE, low_confidence_warning, recognise
from .ocr_text import repair_ocr_text
from .pdf import read_pdf
from .text import legacy_warning, read_text
from .word import convert_to_docx, read_docx

Method = Literal["text", "docx", "doc", "pdf-text", "pdf-ocr", "image-ocr"]
Kind = Literal["text", "docx", "doc", "rtf", "odt", "pdf", "image"]

_SUFFIXES: dict[str, Kind] = {
    ".txt": "text",
    ".md": "text",
    ".docx": "docx",
    ".doc": "doc",
    ".rtf": "rtf",
    ".odt": "odt",
    ".pdf": "pdf",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}
# What each extension may hold. Word opens RTF saved as .doc without a word, and so do we.
_ACCEPTED: dict[Kind, set[str]] = {
    "text": {"text"},
    "docx": {"docx"},
    "doc": {"doc", "rtf"},
    "rtf": {"rtf"},
    "odt": {"odt"},
    "pdf": {"pdf"},
    "image": {"png", "jpeg", "tiff"},
}
_CONTENT_NAMES = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "doc": "Word 97-2003 (.doc)",
    "rtf": "RTF",
    "odt": "OpenDocument (.odt)",
    "png": "PNG",
    "jpeg": "JPEG",
    "tiff": "TIFF",
    "zip": "ZIP",
    "ole": "Office 97-2003",
}
# A .docx is a zip: this much unpacked content is far beyond any plan (a zip bomb is not).
_MAX_UNPACKED_BYTES = 500 * 1024 * 1024
# C0 and C1 controls except tab and line feed, and stray byte-order marks.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


@dataclass(frozen=True)
class ReadResult:
    """The text of a document (NFC, one paragraph per line) and how it was obtained."""

    text: str
    method: Method
    pages: int | None  # PDF pages, image pages; None for text and Word files
    ocr_seconds: float | None  # total time spent in OCR, None when there was none
    encoding: str | None  # text files, and Word/PDF text converted from TCVN3/VNI
    warnings: list[str]  # for the reviewer, in the user's language
    sha256: str  # of the file's bytes


def read_document(
    path: Path,
    *,
    filename: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Read the plan document at `path`, named `filename` by the user (its extension counts).

    Raises ReadError with a translated message and a `code` when it cannot; `progress` is
    called with (pages done, pages to do) while scanned pages are recognised.
    """
    path = path.resolve()  # external tools must not take a file name for an option
    suffix = Path(filename or path.name).suffix.lower()
    kind = _SUFFIXES.get(suffix)
    if kind is None:
        raise ReadError(
            "unsupported",
            _(
                "Không đọc được tệp có đuôi “%(suffix)s”. Hãy tải lên tệp Word (.docx, .doc), "
                "PDF, văn bản (.txt) hoặc ảnh quét (.png, .jpg, .tif)."
            )
            % {"suffix": suffix or "(không có)"},
        )
    size = path.stat().st_size
    limit = settings.PCMD_IMPORT_MAX_BYTES
    if size > limit:
        raise ReadError(
            "too_large",
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).1f MB.")
            % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024},
        )
    data = path.read_bytes()
    if not data.strip():
        raise _empty()
    sha256 = hashlib.sha256(data).hexdigest()
    content = _sniff(data)
    if content not in _ACCEPTED[kind]:
        raise _mismatch(suffix, content)

    encoding = ocr_seconds = pages = None
    warnings: list[str] = []
    method: Method
    if kind == "text":
        text, encoding, warnings = read_text(data, suffix)
        method = "text"
    elif kind == "image":
        if progress:
            progress(0, 1)
        ocr = recognise(path)
        text = "\n".join(document_lines(ocr.pages))
        method, pages, ocr_seconds = "image-ocr", len(ocr.pages) or 1, round(ocr.seconds, 2)
        if ocr.confidence is not None and ocr.confidence < LOW_CONFIDENCE:
            warnings.append(low_confidence_warning())
        if progress:
            progress(1, 1)
    elif kind == "pdf":
        result = read_pdf(path, max_pages=settings.PCMD_IMPORT_MAX_PAGES, progress=progress)
        text, pages, warnings = "\n".join(result.lines), result.pages, result.warnings
        method = "pdf-ocr" if result.ocr_pages else "pdf-text"
        ocr_seconds = result.ocr_seconds
    else:
        method = "docx" if kind == "docx" else "doc"
        with tempfile.TemporaryDirectory(prefix="pcmd-word-") as tmp:
            source = path
            if kind != "docx":
                # LibreOffice names its output after the input and picks a filter by suffix.
                source = Path(tmp) / f"document.{content}"
                source.write_bytes(data)
                source = convert_to_docx(source, Path(tmp))
            text = "\n".join(read_docx(source))

    if method in ("docx", "doc", "pdf-text"):
        # Word and PDF files typed in .VnTime or VNI-Times fonts carry Latin-1 characters.
        text, legacy = repair_text(text)
        if legacy is not None:
            encoding = legacy
            warnings.append(legacy_warning(legacy))
    text = clean(text)
    if method in ("pdf-ocr", "image-ocr"):
        # A PDF with some scanned pages is repaired whole: the repairs only touch what a
        # typed text does not contain (misread numbering, "quản Lý" between small words).
        text = repair_ocr_text(text)
    if not text:
        if method in ("pdf-ocr", "image-ocr"):
            raise ReadError(
                "ocr_failed",
                _(
                    "Không nhận dạng được chữ nào trong bản quét. Hãy quét lại rõ hơn "
                    "(300 dpi, trang thẳng) hoặc tải lên tệp Word."
                ),
            )
        raise _empty()
    return ReadResult(text, method, pages, ocr_seconds, encoding, warnings, sha256)


def clean(text: str) -> str:
    """NFC, one kind of line break, no control characters, no trailing spaces or blank ends."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    text = _CONTROLS.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _sniff(data: bytes) -> str:
    """The format the bytes are in, by their signature; "text" when they have none."""
    if b"%PDF-" in data[:1024]:  # the header may follow some junk, as readers allow
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            # A password-protected .docx is an OLE file holding the encrypted zip.
            raise ReadError(
                "encrypted",
                _("Tệp Word được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại."),
            )
        return "doc" if "WordDocument".encode("utf-16-le") in data else "ole"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return "text"


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNPACKED_BYTES:
                raise ReadError(
                    "too_large", _("Tệp nén chứa quá nhiều dữ liệu nên không đọc được.")
                )
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument.text"
            ):
                return "odt"
    except zipfile.BadZipFile:
        pass
    return "zip"


def _mismatch(suffix: str, content: str) -> ReadError:
    if content in _CONTENT_NAMES:
        return ReadError(
            "unsupported",
            _(
                "Tệp có đuôi “%(suffix)s” nhưng nội dung là tệp %(content)s. Hãy đổi lại đúng "
                "đuôi hoặc lưu lại tệp đúng định dạng."
            )
            % {"suffix": suffix, "content": _CONTENT_NAMES[content]},
        )
    return ReadError(
        "unsupported",
        _("Nội dung tệp không đúng định dạng %(suffix)s, có thể tệp đã bị hỏng hoặc đổi đuôi.")
        % {"suffix": suffix},
    )


def _empty() -> ReadError:
    return ReadError("empty", _("Tệp không có nội dung để đọc."))
