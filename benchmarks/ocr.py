"""OCR of a scanned plan: seconds per page and how many words come back right.

Run:  uv run python benchmarks/ocr.py [--pages 3] [--dpi 300] [--psm 4]

Writes the test suite's two-page plan (pcmd/intake/tests/test_reading.py) with body
paragraphs added until it fills --pages pages, prints it to PDF with LibreOffice,
rasterises that to a scan the way the tests do (grey images, no text layer) and reads the
scan with read_document. Prints one JSON document: per page the seconds from the start of
its rendering to the end of its recognition, Tesseract's own total, and the share of the
text layer's words (diacritics included) found in the recognised text.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")

import django  # noqa: E402

django.setup()

import docx  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Cm  # noqa: E402

from pcmd.intake.reading import ocr, read_document  # noqa: E402
from pcmd.intake.reading.tools import PDFINFO, PDFTOTEXT, run  # noqa: E402
from pcmd.intake.tests.test_reading import (  # noqa: E402
    KNOWN_SENTENCE,
    PURPOSE,
    SECOND_PAGE,
    make_scanned_pdf,
    soffice,
    write_plan_docx,
)


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+%?", unicodedata.normalize("NFC", text)))


def make_plan_pdf(tmp: Path, pages: int) -> Path:
    """The test plan with paragraphs added until LibreOffice prints it on `pages` pages."""
    plan = tmp / "plan.docx"
    for extra in range(0, 200, 4):
        write_plan_docx(plan)
        document = docx.Document(str(plan))
        for i in range(extra):
            paragraph = document.add_paragraph([PURPOSE, KNOWN_SENTENCE, SECOND_PAGE][i % 3])
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
        document.save(str(plan))
        pdf = soffice(plan, "pdf", tmp / "pdf")
        info = run(PDFINFO, [str(pdf)], timeout=30).stdout.decode()
        found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        if found and int(found.group(1)) > pages:  # the last page measured is a full one
            return pdf
    raise SystemExit(f"could not fill {pages} pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=300, help="of the scan")
    parser.add_argument("--psm", default=ocr.PAGE_SEGMENTATION, help="Tesseract's page mode")
    args = parser.parse_args()
    ocr.PAGE_SEGMENTATION = args.psm  # to compare modes; read_document uses the module's
    with tempfile.TemporaryDirectory(prefix="pcmd-bench-ocr-") as name:
        tmp = Path(name)
        pdf = make_plan_pdf(tmp, args.pages)
        scanned = tmp / "scanned.pdf"
        make_scanned_pdf(pdf, scanned, pages=args.pages, dpi=args.dpi)
        truth = tmp / "truth.txt"
        run(PDFTOTEXT, ["-l", str(args.pages), "-enc", "UTF-8", str(pdf), str(truth)], timeout=60)

        marks: list[float] = []
        started = time.perf_counter()
        result = read_document(
            scanned, progress=lambda done, total: marks.append(time.perf_counter())
        )
        wall = time.perf_counter() - started
        expected, found = words(truth.read_text(encoding="utf-8")), words(result.text)

    per_page = [round(b - a, 2) for a, b in pairwise(marks)]
    version = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=False
    )
    print(
        json.dumps(
            {
                "pages": result.pages,
                "method": result.method,
                "dpi": args.dpi,
                "page_segmentation": args.psm,
                "seconds_per_page": per_page,
                "mean_seconds_per_page": round(sum(per_page) / len(per_page), 2),
                "tesseract_seconds_total": result.ocr_seconds,
                "read_document_seconds": round(wall, 2),
                "word_recall": round(sum((expected & found).values()) / sum(expected.values()), 3),
                "tesseract": version.stdout.splitlines()[0] if version.stdout else None,
                "cpus": os.cpu_count(),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
