"""Word files: .docx read with python-docx; .doc, .rtf and .odt converted to .docx by LibreOffice.

A .docx becomes one line per paragraph in document order, tables one line per row with
the cells separated by " | ", text boxes after the paragraph that anchors them, headers
first and footers last (lines that are only page numbers left out). Automatic numbering
("I.", "1.", "a)") is written out as Word shows it; deleted revisions and field codes are not.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from django.utils.translation import gettext as _
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from .errors import ReadError
from .layout import CELL_SEPARATOR
from .tools import SOFFICE, run

logger = logging.getLogger(__name__)

CONVERT_TIMEOUT_SECONDS = 180

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Inside a paragraph: formatting, deletions, moved-away text, field codes, and the VML copy
# of a drawing that mc:AlternateContent also holds in its modern form, hold nothing to read.
_SKIPPED = {
    *(f"{_W}{tag}" for tag in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText")),
    _MC_FALLBACK,
}
_BREAKS = {f"{_W}br", f"{_W}cr"}
_TABS = {f"{_W}tab", f"{_W}ptab"}
_WRAPPERS = {f"{_W}sdt", f"{_W}customXml", f"{_W}sdtContent"}  # containers of blocks or cells


def read_docx(path: Path) -> list[str]:
    """The lines of a .docx file; ReadError("corrupt") when python-docx cannot open it."""
    try:
        document = docx.Document(str(path))
        reader = _Reader(document)
        body = reader.blocks(document.element.body)
        headers, footers = reader.headers_and_footers(document)
    except ReadError:
        raise
    except Exception as error:  # zip, XML and lookup errors from deep inside python-docx
        logger.info("python-docx could not read %s: %r", path, error)
        raise ReadError("corrupt", _("Tệp Word bị hỏng nên không đọc được.")) from error
    return headers + body + footers


def convert_to_docx(source: Path, workdir: Path) -> Path:
    """Convert a .doc, .rtf or .odt file to .docx with LibreOffice, in `workdir`."""
    out = workdir / "converted"
    # A profile per call: LibreOffice refuses to run twice on one profile at the same time.
    profile = (workdir / "libreoffice-profile").as_uri()
    args = [f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck"]
    args += ["--convert-to", "docx", "--outdir", str(out), str(source)]
    run(SOFFICE, args, timeout=CONVERT_TIMEOUT_SECONDS, env={"HOME": str(workdir)})
    converted = out / f"{source.stem}.docx"
    if not converted.exists():
        raise ReadError(
            "corrupt",
            _("Không chuyển đổi được tệp %(suffix)s: tệp bị hỏng hoặc được đặt mật khẩu.")
            % {"suffix": source.suffix},
        )
    return converted


class _Reader:
    def __init__(self, document: Any) -> None:
        self.numbering = _Numbering(document)

    def blocks(self, container: Any) -> list[str]:
        """The lines of a body, cell, text box, header or footer."""
        lines: list[str] = []
        for child in _children(container):
            if child.tag == f"{_W}p":
                lines += self.paragraph(child)
            elif child.tag == f"{_W}tbl":
                lines += self.table(child)
        return lines

    def paragraph(self, p: Any) -> list[str]:
        pieces: list[str] = []
        boxes: list[Any] = []
        self._collect(p, pieces, boxes)
        text = "".join(pieces)
        lines = []
        if text.strip():
            label = self.numbering.label(p)
            lines.append(f"{label} {text.lstrip()}" if label else text)
        for box in boxes:
            lines += self.blocks(box)
        return lines

    def _collect(self, element: Any, pieces: list[str], boxes: list[Any]) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}t":
                pieces.append(child.text or "")
            elif tag in _TABS:
                pieces.append("\t")
            elif tag in _BREAKS:
                pieces.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                pieces.append("-")
            elif tag == f"{_W}txbxContent":
                boxes.append(child)
            elif tag not in _SKIPPED and isinstance(tag, str):  # not a comment
                self._collect(child, pieces, boxes)

    def table(self, tbl: Any) -> list[str]:
        lines = []
        for tr in _children(tbl):
            if tr.tag != f"{_W}tr":
                continue
            cells = []
            for tc in _children(tr):
                if tc.tag != f"{_W}tc":
                    continue
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                    cells.append("")  # the cell above spans it; its text is there
                    continue
                cells.append(" ".join(" ".join(self.blocks(tc)).split()))
            if any(cells):
                lines.append(CELL_SEPARATOR.join(cells))
        return lines

    def headers_and_footers(self, document: Any) -> tuple[list[str], list[str]]:
        """Header and footer lines with words in them, each once however many sections repeat it."""
        found: dict[str, list[str]] = {"header": [], "footer": []}
        for section in document.sections:
            for kind in found:
                for part in (f"first_page_{kind}", kind, f"even_page_{kind}"):
                    definition = getattr(section, part)
                    if definition.is_linked_to_previous:
                        continue  # no part of its own; asking for .part would add one
                    for line in self.blocks(definition.part.element):
                        if any(c.isalpha() for c in line) and line not in found[kind]:
                            found[kind].append(line)
        return found["header"], found["footer"]


def _children(element: Any) -> Iterator[Any]:
    """Child elements, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


@dataclass(frozen=True)
class _Level:
    start: int
    format: str  # w:numFmt: decimal, upperRoman, lowerLetter, bullet, ...
    text: str  # w:lvlText: "%1.", "%1.%2.", "%2)", "-"


class _Numbering:
    """The labels Word draws before automatically numbered paragraphs, counted in order."""

    def __init__(self, document: Any) -> None:
        try:  # python-docx's numbering_part would try to add a missing part, and cannot
            root = document.part.part_related_by(RT.NUMBERING).element
            abstracts, nums = root.findall(f"{_W}abstractNum"), root.findall(f"{_W}num")
        except KeyError:  # a document without lists
            abstracts, nums = [], []
        self.levels: dict[str, dict[int, _Level]] = {}
        for abstract in abstracts:
            levels = self.levels[abstract.get(f"{_W}abstractNumId")] = {}
            for lvl in abstract.iterchildren(f"{_W}lvl"):
                levels[_int(lvl.get(f"{_W}ilvl"), 0)] = _Level(
                    start=_int(_val(lvl, "start"), 1),
                    format=_val(lvl, "numFmt") or "decimal",
                    text=_val(lvl, "lvlText") or "",
                )
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → abstract, restarts
        for num in nums:
            restarts = {
                _int(override.get(f"{_W}ilvl"), 0): _int(start, 1)
                for override in num.iterchildren(f"{_W}lvlOverride")
                if (start := _val(override, "startOverride")) is not None
            }
            self.nums[num.get(f"{_W}numId")] = (_val(num, "abstractNumId") or "", restarts)
        self.styles = _style_numbering(document.styles.element)
        self.counters: dict[str, list[int | None]] = {}  # per abstract list, as Word counts
        self.restarted: set[str] = set()

    def label(self, p: Any) -> str | None:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        style = p.find(f"{_W}pPr/{_W}pStyle")
        num_id, ilvl = self.styles.get(style.get(f"{_W}val") if style is not None else "", ("", 0))
        if num_pr is not None:
            num_id = _val(num_pr, "numId") or num_id
            ilvl = _int(_val(num_pr, "ilvl"), ilvl)
        if num_id not in self.nums:
            return None  # includes numId 0, "no numbering"
        abstract, restarts = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl not in levels or not 0 <= ilvl < 9:
            return None
        counters = self.counters.setdefault(abstract, [None] * 9)
        if restarts and num_id not in self.restarted:
            self.restarted.add(num_id)
            for restarted_level, start in restarts.items():
                if 0 <= restarted_level < 9:
                    counters[restarted_level] = start - 1
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        counters[ilvl + 1 :] = [None] * (len(counters) - ilvl - 1)
        level = levels[ilvl]
        if level.format == "bullet":
            return _bullet(level.text)

        def shown(placeholder: re.Match[str]) -> str:  # %1 .. %9: that level's counter
            index = int(placeholder[1]) - 1
            of = levels.get(index, level)
            value = counters[index]
            return _format_number(of.start if value is None else value, of.format)

        return re.sub(r"%([1-9])", shown, level.text).strip() or None


def _val(element: Any, child: str) -> str | None:
    found = element.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")


def _int(value: str | None, default: int) -> int:
    """An attribute as a number; Word files in the wild hold odd values, which count as absent."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _style_numbering(styles: Any) -> dict[str, tuple[str, int]]:
    """styleId → (numId, level) for paragraph styles that number (Heading 1 as "I." ...)."""
    by_id = {style.get(f"{_W}styleId"): style for style in styles.iterchildren(f"{_W}style")}
    result = {}
    for style_id, style in by_id.items():
        seen = set()
        current = style
        while current is not None and id(current) not in seen:  # basedOn may loop
            seen.add(id(current))
            num_pr = current.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                result[style_id] = (_val(num_pr, "numId") or "", _int(_val(num_pr, "ilvl"), 0))
                break
            current = by_id.get(_val(current, "basedOn"))
    return result


def _format_number(value: int, number_format: str) -> str:
    if number_format in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format in ("upperLetter", "lowerLetter") and value > 0:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Z, AA, BB
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "none":
        return ""
    return str(value)


def _roman(value: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    numerals += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        out += numeral * count
    return out


def _bullet(text: str) -> str:
    """A bullet as text: Symbol and Wingdings bullets live in the private use area."""
    if text and text in "-–—+*•·o":
        return text
    return "-" if text == "\uf02d" else "•"
