"""Plan extraction: accuracy against the gold annotations, and time per document.

Run:  uv run python benchmarks/plan_extraction.py [PLANS_DIR] [--gold DIR] [--out DIR]
                                                    [--formats txt,docx,scan]

With --formats, each plan is also turned into a Word file (python-docx, its markdown
markers made formatting, as an office would type it) and a scanned PDF (LibreOffice, then
pdftoppm rasterising at 300 dpi into an image-only PDF), read back with
pcmd.intake.reading.read_document (OCR for the scan) and scored per format; the seconds
then include reading, and OCR seconds per page are reported.

Extracts every PLANS_DIR/*.txt (default /work/shared/plans) with
pcmd.intake.extraction.extract_plan, writes <stem>.json into a temporary directory (or
--out), runs the scorer (default /work/shared/eval/score_plan.py) against the gold
annotations (default PLANS_DIR/gold) and prints one JSON document: precision, recall and
F1 of targets, assignments and reporting per document and overall, and the seconds each
extraction took. Uses the database in DATABASE_URL (default data/pcmd.sqlite3) for the
agency catalogue and migrates it first when the catalogue's tables are missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PLANS = Path("/work/shared/plans")
DEFAULT_SCORER = Path("/work/shared/eval/score_plan.py")
KINDS = ("targets", "assignments", "reporting")
# "targets P=1.00 R=0.91 F1=0.95 (10/11 gold, 10 found)" in the scorer's output.
_COUNTS = re.compile(
    r"(targets|assignments|reporting) P=\S+ R=\S+ F1=\S+ \((\d+)/(\d+) gold, (\d+) found\)"
)


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if "orgs_agencyalias" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)


def _prf(tp: int, gold: int, found: int) -> dict[str, float | int]:
    precision = tp / found if found else (1.0 if not gold else 0.0)
    recall = tp / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "gold": gold,
        "found": found,
    }


def _score(scorer: Path, gold: Path, out: Path) -> dict[str, dict[str, Any]]:
    """Runs the scorer; {document stem or "overall": {kind: P/R/F1 and counts}}."""
    result = subprocess.run(
        [sys.executable, str(scorer), "--dir", str(gold), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    scores: dict[str, dict[str, Any]] = {}
    for line in result.stdout.splitlines():
        name, _, rest = line.partition(": ")
        found = _COUNTS.findall(rest)
        if found:
            scores[name] = {kind: _prf(int(tp), int(g), int(n)) for kind, tp, g, n in found}
        elif rest:
            scores[name] = {"error": rest}
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plans", nargs="?", type=Path, default=DEFAULT_PLANS)
    parser.add_argument("--gold", type=Path, help="gold JSON directory (default PLANS/gold)")
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--out", type=Path, help="keep the extractions here")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per document")
    parser.add_argument("--formats", default="txt", help="txt,docx,scan (comma-separated)")
    args = parser.parse_args()
    _setup_django()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if formats != ["txt"]:
        print(json.dumps(_by_format(args, formats), ensure_ascii=False, indent=2))
        return 0
    from pcmd.intake.extraction import extract_plan

    gold = args.gold or args.plans / "gold"
    paths = sorted(args.plans.glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="pcmd_plans_") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        seconds: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for path in paths:
            raw = path.read_text(encoding="utf-8")
            extraction = extract_plan(raw, document=path.name)  # warm-up: catalogue read
            times = []
            for _ in range(max(args.repeat, 1)):
                started = time.perf_counter()
                extraction = extract_plan(raw, document=path.name)
                times.append(time.perf_counter() - started)
            seconds[path.stem] = round(statistics.median(times), 4)
            sizes[path.stem] = len(raw.encode("utf-8"))
            (out / f"{path.stem}.json").write_text(
                json.dumps(extraction, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        scores = _score(args.scorer, gold, out) if gold.is_dir() else {}
    documents = {
        stem: {"bytes": sizes[stem], "seconds": seconds[stem], **scores.get(stem, {})}
        for stem in seconds
    }
    report = {
        "plans": str(args.plans),
        "gold": str(gold),
        "documents": documents,
        "overall": scores.get("overall", {}),
        "seconds_per_document": {
            "mean": round(statistics.mean(seconds.values()), 4) if seconds else None,
            "max": max(seconds.values(), default=None),
        },
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


# Markdown the plain-text copies carry: heading hashes, **bold**, *italic* / _italic_.
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_MD_EMPHASIS = re.compile(
    r"\*\*(?P<bold>.+?)\*\*|\*(?P<star>[^*\s][^*]*?)\*|(?<!\w)_(?P<under>[^_\s][^_]*?)_(?!\w)"
)


def _plan_docx(path: Path, out: Path) -> None:
    """The .txt as an office types it in Word: formatting instead of markdown markers.

    One paragraph per non-empty line, Times New Roman 14 pt on A4 with the margins of the
    administrative style (Decree 30/2020), justified with a first-line indent; a "#" line
    is a bold paragraph, "**x**" a bold run, "*x*" and "_x_" italic runs; list dashes stay
    as typed.
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    # python-docx sets only the ASCII font; Vietnamese letters outside it use the East Asian
    # and complex-script slots, which would otherwise fall back to the theme font.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs", "w:hAnsi"):
        fonts.set(qn(slot), "Times New Roman")
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = bool(_MD_HEADING.match(line))
        line = _MD_HEADING.sub("", line)
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
        position = 0
        for m in _MD_EMPHASIS.finditer(line):
            if m.start() > position:
                paragraph.add_run(line[position : m.start()]).bold = heading or None
            run = paragraph.add_run(m.group("bold") or m.group("star") or m.group("under"))
            run.bold = heading or bool(m.group("bold")) or None
            run.italic = not m.group("bold") or None
            position = m.end()
        if position < len(line):
            paragraph.add_run(line[position:]).bold = heading or None
    document.save(str(out))


def _versions(path: Path, work: Path) -> dict[str, Path]:
    """The plan as .docx and as a scanned PDF, made as a user's office would make them."""
    from pcmd.intake.reading.tools import PDFINFO, SOFFICE, run
    from pcmd.intake.tests.test_reading import make_scanned_pdf  # the tests' scanner

    profile = (work / "lo-profile").as_uri()
    lo = [f"-env:UserInstallation={profile}", "--headless", "--convert-to"]
    docx = work / f"{path.stem}.docx"
    _plan_docx(path, docx)
    run(SOFFICE, [*lo, "pdf", "--outdir", str(work), str(docx)], timeout=300)
    scan = work / f"{path.stem}-scan.pdf"
    info = run(PDFINFO, [str(work / f"{path.stem}.pdf")], timeout=60).stdout.decode()
    found = re.search(r"Pages:\s+(\d+)", info)
    pages = int(found[1]) if found else 1
    make_scanned_pdf(work / f"{path.stem}.pdf", scan, pages=pages)
    return {"txt": path, "docx": docx, "scan": scan}


def _by_format(args: argparse.Namespace, formats: list[str]) -> dict[str, Any]:
    from pcmd.intake.extraction import extract_plan
    from pcmd.intake.reading import read_document

    gold = args.gold or args.plans / "gold"
    report: dict[str, Any] = {"plans": str(args.plans), "formats": {}}
    with tempfile.TemporaryDirectory(prefix="pcmd_formats_") as tmp:
        work = Path(tmp)
        versions = {p.stem: _versions(p, work) for p in sorted(args.plans.glob("*.txt"))}
        for fmt in formats:
            out = work / f"out-{fmt}"
            out.mkdir()
            seconds, ocr_pages, ocr_seconds = [], 0, 0.0
            for stem, files in versions.items():
                started = time.perf_counter()
                read = read_document(files[fmt])
                extraction = extract_plan(read.text, document=f"{stem}.txt")
                seconds.append(time.perf_counter() - started)
                if read.ocr_seconds:
                    ocr_pages += read.pages or 0
                    ocr_seconds += read.ocr_seconds
                (out / f"{stem}.json").write_text(
                    json.dumps(extraction, ensure_ascii=False), encoding="utf-8"
                )
            scores = _score(args.scorer, gold, out)
            report["formats"][fmt] = {
                "overall": scores.get("overall", {}),
                "documents": {k: v for k, v in scores.items() if k != "overall"},
                "seconds_per_document": round(statistics.mean(seconds), 3),
                "ocr_seconds_per_page": round(ocr_seconds / ocr_pages, 2) if ocr_pages else None,
                "ocr_pages": ocr_pages or None,
            }
    return report


if __name__ == "__main__":
    sys.exit(main())
