"""Optical character recognition of a page image with Tesseract's Vietnamese model."""

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import ReadError
from .layout import Block, Line, Word
from .tools import TESSERACT, run, tool_missing

# Page segmentation 4, "one column of text of variable sizes", reads a table row or the
# two-column heading of an administrative document across, line by line; the automatic
# mode (3) may take cells or columns for blocks of their own and read them one after
# another. Words come back equally well in 3, 4 and 6 (benchmarks/ocr.py).
PAGE_SEGMENTATION = "4"
TIMEOUT_SECONDS = 180  # one page; a dense A4 page takes 2-4 s on one core
LOW_CONFIDENCE = 70  # mean word confidence (0-100) below which the reviewer is warned


@dataclass(frozen=True)
class OcrResult:
    pages: list[list[Block]]  # a TIFF may hold several pages
    confidence: float | None  # mean word confidence, 0-100
    seconds: float


def recognise(image: Path, *, dpi: int | None = None) -> OcrResult:
    """Recognise the text of an image file (PNG, JPEG, TIFF) as positioned words."""
    args = [str(image), "stdout", "-l", "vie", "--psm", PAGE_SEGMENTATION]
    if dpi:
        args += ["--dpi", str(dpi)]
    started = time.monotonic()
    # One thread: the OCR of one page barely gains from more, and workers run side by side.
    result = run(TESSERACT, [*args, "tsv"], timeout=TIMEOUT_SECONDS, env={"OMP_THREAD_LIMIT": "1"})
    seconds = time.monotonic() - started
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace")
        if "Failed loading language" in stderr or "Error opening data file" in stderr:
            raise tool_missing("tesseract (vie)", "tesseract-ocr-vie")
        raise ReadError(
            "ocr_failed",
            _("Không nhận dạng được chữ trong ảnh: tệp ảnh bị hỏng hoặc có định dạng lạ."),
        )
    pages, confidence = parse_tsv(result.stdout.decode("utf-8", errors="replace"))
    return OcrResult(pages, confidence, seconds)


def parse_tsv(tsv: str) -> tuple[list[list[Block]], float | None]:
    """Tesseract's TSV (one row per page, block, paragraph, line and word) → pages of blocks."""
    pages: dict[int, dict[int, dict[tuple[int, int], list[Word]]]] = {}
    confidences: list[float] = []
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        page = pages.setdefault(int(row["page_num"]), {})
        text = (row.get("text") or "").strip()
        if row["level"] != "5" or not text:
            continue  # only words carry text; the other levels repeat their boxes
        left, top = float(row["left"]), float(row["top"])
        word = Word(left, top, left + float(row["width"]), top + float(row["height"]), text)
        block = page.setdefault(int(row["block_num"]), {})
        block.setdefault((int(row["par_num"]), int(row["line_num"])), []).append(word)
        confidences.append(float(row["conf"]))
    blocks_by_page = [
        [
            Block(tuple(Line(tuple(words)) for words in lines.values()))
            for lines in page.values()
            if lines
        ]
        for _, page in sorted(pages.items())
    ]
    confidence = sum(confidences) / len(confidences) if confidences else None
    return blocks_by_page, confidence


def low_confidence_warning(pages: list[int] | None = None) -> str:
    """The reviewer's warning that recognition was poor (on `pages`, when there are several)."""
    if pages is None:
        return _(
            "Chữ nhận dạng có độ tin cậy thấp: nên quét lại rõ hơn (300 dpi, trang thẳng) "
            "hoặc sửa tay các chỗ sai."
        )
    return _(
        "Chữ nhận dạng ở trang %(pages)s có độ tin cậy thấp: nên quét lại rõ hơn "
        "(300 dpi, trang thẳng) hoặc sửa tay các chỗ sai."
    ) % {"pages": ", ".join(map(str, pages))}
