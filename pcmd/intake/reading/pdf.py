"""PDF: the text layer where a page has one, OCR of the rendered page where it is a scan."""

import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import ReadError
from .layout import Block, Line, Word, document_lines
from .ocr import LOW_CONFIDENCE, OcrResult, low_confidence_warning, recognise
from .tools import PDFIMAGES, PDFINFO, PDFTOPPM, PDFTOTEXT, run

OCR_DPI = 300
MAX_RENDER_PIXELS = 5000  # the longer side of a rendered page, so an A0 poster stays in memory
# A page with less text than this is a scan; up to _SCAN_TEXT_CHARS it is still one when an
# image covers it (the signature box a digital signature stamps on a scanned page).
_EMPTY_TEXT_CHARS = 20
_SCAN_TEXT_CHARS = 400

_INVALID_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class PdfText:
    lines: list[str]
    pages: int
    ocr_pages: list[int] = field(default_factory=list)  # 1-based
    ocr_seconds: float | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Info:
    pages: int
    sizes: dict[int, tuple[float, float]]  # page → (width, height) in points


def read_pdf(
    path: Path, *, max_pages: int, progress: Callable[[int, int], None] | None = None
) -> PdfText:
    """Read a PDF of at most `max_pages` pages; `progress(done, total)` follows the OCR."""
    info = _pdfinfo(path, max_pages)
    with tempfile.TemporaryDirectory(prefix="pcmd-pdf-") as tmp:
        pages = _text_layer(path, Path(tmp), info.pages)
        scanned = _scanned_pages(path, info, pages)
        result = PdfText(lines=[], pages=info.pages, ocr_pages=scanned)
        if scanned:
            if progress:
                progress(0, len(scanned))
            seconds, low = 0.0, []
            for done, number in enumerate(scanned, start=1):
                ocr = _ocr_page(path, Path(tmp), number, info.sizes.get(number))
                pages[number - 1] = ocr.pages[0] if ocr.pages else []
                seconds += ocr.seconds
                if ocr.confidence is not None and ocr.confidence < LOW_CONFIDENCE:
                    low.append(number)
                if progress:
                    progress(done, len(scanned))
            result.ocr_seconds = round(seconds, 2)
            result.warnings += _ocr_warnings(scanned, low, info.pages)
    result.lines = document_lines(pages)
    return result


def _pdfinfo(path: Path, max_pages: int) -> _Info:
    result = run(PDFINFO, ["-f", "1", "-l", str(max_pages), "-enc", "UTF-8", str(path)], timeout=30)
    output = result.stdout.decode("utf-8", errors="replace")
    if result.returncode != 0:
        if b"Incorrect password" in result.stderr:
            raise ReadError(
                "encrypted",
                _("Tệp PDF được bảo vệ bằng mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại."),
            )
        raise _corrupt()
    found = re.search(r"^Pages:\s+(\d+)", output, re.MULTILINE)
    if found is None:
        raise _corrupt()
    pages = int(found.group(1))
    if pages > max_pages:
        raise ReadError(
            "too_many_pages",
            _(
                "Tệp PDF có %(pages)d trang, vượt giới hạn %(limit)d trang. "
                "Hãy tách tệp thành các phần nhỏ hơn."
            )
            % {"pages": pages, "limit": max_pages},
        )
    sizes = {
        int(number): (float(width), float(height))
        for number, width, height in re.findall(
            r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", output, re.MULTILINE
        )
    }
    return _Info(pages, sizes)


def _corrupt() -> ReadError:
    return ReadError("corrupt", _("Tệp PDF bị hỏng hoặc không đầy đủ nên không đọc được."))


def _text_layer(path: Path, tmp: Path, pages: int) -> list[list[Block]]:
    """Each page's words with their boxes, grouped as poppler groups them into blocks."""
    out = tmp / "text.html"
    args = ["-bbox-layout", "-enc", "UTF-8", "-f", "1", "-l", str(pages), str(path), str(out)]
    if run(PDFTOTEXT, args, timeout=180).returncode != 0 or not out.exists():
        raise _corrupt()
    # pdftotext's own XHTML: it escapes the PDF's text and writes the DOCTYPE itself, so no
    # entity can be declared; only the control characters XML forbids need removing.
    root = ET.fromstring(_INVALID_XML.sub(b"", out.read_bytes()))  # noqa: S314
    result = []
    for page in root.iter(f"{_XHTML}page"):
        blocks = []
        for block in page.iter(f"{_XHTML}block"):
            lines = []
            for line in block.iter(f"{_XHTML}line"):
                words = tuple(
                    Word(*_box(word), text)
                    for word in line.iter(f"{_XHTML}word")
                    if (text := (word.text or "").strip())
                )
                if words:
                    lines.append(Line(words))
            if lines:
                blocks.append(Block(tuple(lines)))
        result.append(blocks)
    return result + [[] for _ in range(pages - len(result))]


def _box(word: ET.Element) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(word.get(key, 0)) for key in ("xMin", "yMin", "xMax", "yMax"))
    return x0, y0, x1, y1


def _scanned_pages(path: Path, info: _Info, pages: list[list[Block]]) -> list[int]:
    """The pages (1-based) to OCR: no text to speak of, or little text over a page-sized image.

    Text is counted without the private-use and replacement characters that a font without
    a Unicode map gives, so a page whose text layer is such gibberish is recognised too.
    """
    chars = [
        sum(
            not (char == "\ufffd" or "\ue000" <= char <= "\uf8ff")
            for block in blocks
            for line in block.lines
            for word in line.words
            for char in word.text
        )
        for blocks in pages
    ]
    if all(count >= _SCAN_TEXT_CHARS for count in chars):
        return []
    imaged = _imaged_pages(path, info)
    return [
        number
        for number, count in enumerate(chars, start=1)
        if count < _EMPTY_TEXT_CHARS or (count < _SCAN_TEXT_CHARS and number in imaged)
    ]


def _imaged_pages(path: Path, info: _Info) -> set[int]:
    """Pages carrying an image that covers most of the page, as a scan does."""
    result = run(PDFIMAGES, ["-list", "-l", str(info.pages), str(path)], timeout=60)
    imaged = set()
    # page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    for row in result.stdout.decode(errors="replace").splitlines()[2:]:
        fields = row.split()
        numeric = (0, 3, 4, 12, 13)
        if (
            len(fields) < 14
            or fields[2] != "image"
            or not all(fields[i].isdigit() for i in numeric)
        ):
            continue
        number, width, height, x_ppi, y_ppi = (int(fields[i]) for i in numeric)
        page_width, page_height = info.sizes.get(number, (595.0, 842.0))
        if (
            x_ppi
            and y_ppi
            and width / x_ppi * 72 >= 0.6 * page_width
            and height / y_ppi * 72 >= 0.6 * page_height
        ):
            imaged.add(number)
    return imaged


def _ocr_page(path: Path, tmp: Path, number: int, size: tuple[float, float] | None) -> OcrResult:
    """Render one page to a grey image and recognise it."""
    dpi = OCR_DPI
    if size:
        dpi = min(OCR_DPI, int(MAX_RENDER_PIXELS * 72 / max(size)))
    image = tmp / "page"
    # Uncompressed PGM: ten times faster to write than PNG, and the file lives a second.
    args = ["-f", str(number), "-l", str(number), "-r", str(dpi), "-gray", "-singlefile"]
    result = run(PDFTOPPM, [*args, str(path), str(image)], timeout=120)
    pgm = image.with_suffix(".pgm")
    if result.returncode != 0 or not pgm.exists():
        raise _corrupt()
    try:
        return recognise(pgm, dpi=dpi)
    finally:
        pgm.unlink(missing_ok=True)


def _ocr_warnings(scanned: list[int], low: list[int], pages: int) -> list[str]:
    warnings = []
    if len(scanned) == pages:
        warnings.append(
            _("Tệp là bản quét: chữ được nhận dạng tự động (OCR), hãy đối chiếu với bản gốc.")
        )
    else:
        warnings.append(
            _(
                "Trang %(pages)s là ảnh quét: chữ được nhận dạng tự động (OCR), "
                "hãy đối chiếu với bản gốc."
            )
            % {"pages": ", ".join(map(str, scanned))}
        )
    if low:
        warnings.append(low_confidence_warning(low))
    return warnings
