"""Plain text files (.txt, .md): Unicode with or without a byte-order mark, or 8-bit Vietnamese."""

import codecs
import re

from django.utils.translation import gettext as _

from pcmd.intake.legacy_encodings import detect_bytes, repair_text

from .errors import ReadError

# C0 control bytes other than tab, line feed, form feed, carriage return and DOS's end of file.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")

LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI", "cp1258": "Windows-1258"}


def legacy_warning(encoding: str) -> str:
    return _(
        "Văn bản dùng bảng mã cũ %(encoding)s và đã được chuyển sang Unicode; "
        "hãy kiểm tra lại các chữ có dấu."
    ) % {"encoding": LEGACY_NAMES.get(encoding, encoding)}


def read_text(data: bytes, suffix: str) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) of a text file's bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _unicode(data.decode("utf-16", errors="replace"), "utf-16")
    if len(_CONTROL_BYTES.findall(data[:65536])) > len(data[:65536]) // 100:
        raise ReadError(
            "not_text",
            _(
                "Tệp %(suffix)s này không phải văn bản thuần (có thể là tệp khác bị đổi đuôi). "
                "Hãy tải lên đúng tệp Word, PDF hoặc văn bản."
            )
            % {"suffix": suffix},
        )
    try:
        return _unicode(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="replace")
    if sum(not char.isascii() for char in text) >= 10 * text.count("\ufffd") + 10:
        # UTF-8 with a stray byte or two (a cut-and-paste accident), not an 8-bit file.
        warning = _(
            "Một số ký tự không đọc được và đã được thay bằng “�”; hãy kiểm tra lại các chỗ đó."
        )
        return text, "utf-8", [warning]
    detection = detect_bytes(data)
    if detection.encoding is None or detection.text is None:
        raise ReadError(
            "legacy_encoding",
            _(
                "Không nhận ra bảng mã của tệp văn bản. Hãy chuyển tệp sang Unicode (UTF-8), "
                "ví dụ bằng công cụ chuyển mã của Unikey, rồi tải lên lại."
            ),
        )
    legacy = detection.encoding in LEGACY_NAMES
    warnings = [legacy_warning(detection.encoding)] if legacy else []
    return detection.text, detection.encoding, warnings


def _unicode(text: str, encoding: str) -> tuple[str, str, list[str]]:
    # Unicode can still hold TCVN3/VNI characters: text pasted from a .VnTime document.
    repaired, legacy = repair_text(text)
    if legacy is not None:
        return repaired, legacy, [legacy_warning(legacy)]
    return text, encoding, []
