"""From positioned words (a PDF's text layer, or OCR) to paragraphs and table rows.

Both sources give pages of blocks of lines of words with boxes. Within a block a
paragraph ends where a line is indented or outdented against the block's body, where the
previous line stopped short (the next line's first word would have fitted after it), or
at a vertical gap. Blocks side by side (table cells, the two-column heading of an
administrative document) become one line with their cells separated by " | ", as table
rows are read from Word files. The result is one paragraph per line, like a Word file.
"""

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]  # left to right

    @cached_property
    def x0(self) -> float:
        return self.words[0].x0

    @cached_property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @cached_property
    def y0(self) -> float:
        return min(word.y0 for word in self.words)

    @cached_property
    def y1(self) -> float:
        return max(word.y1 for word in self.words)

    @cached_property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)

    @cached_property
    def segments(self) -> list[str]:
        """The words, split at column gaps: wider than two line heights, or than half a line
        height and thrice the line's usual space (cells of a table row set close together)."""
        gaps = [word.x0 - before.x1 for before, word in pairwise(self.words)]
        usual = statistics.median(gaps) if len(gaps) >= 3 else None
        segments = [[self.words[0].text]]
        for gap, word in zip(gaps, self.words[1:], strict=True):
            if gap > 2 * self.height or (
                usual is not None and gap > 0.5 * self.height and gap > 3 * usual
            ):
                segments.append([])
            segments[-1].append(word.text)
        return [" ".join(segment) for segment in segments]


@dataclass(frozen=True)
class Block:
    lines: tuple[Line, ...]  # top to bottom

    @cached_property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @cached_property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @cached_property
    def y0(self) -> float:
        return min(line.y0 for line in self.lines)

    @cached_property
    def y1(self) -> float:
        return max(line.y1 for line in self.lines)

    @cached_property
    def line_height(self) -> float:
        return statistics.median(line.height for line in self.lines)

    def paragraphs(self, left: float, right: float) -> list[str]:
        """The block's paragraphs; `left` and `right` bound the page's text (for centred lines)."""
        lines = self.lines
        height = self.line_height

        def stops_short(before: Line, line: Line) -> bool:
            # The next line's first word would have fitted after `before`: a paragraph end.
            first_word = line.words[0].x1 - line.words[0].x0
            return self.x1 - before.x1 > first_word + 0.5 * height

        # The body's left edge: the commonest start among lines that carry on a full line
        # (so neither a first-line indent nor a hanging number moves them). Counting every
        # line instead lets a block of short indented paragraphs and numbered headings
        # outvote their continuation lines, and each of those would then open a paragraph.
        following = [line for before, line in pairwise(lines) if not stops_short(before, line)]
        columns = {line: round(line.x0 / (height / 2)) for line in following or lines[1:]}
        common = statistics.mode(columns.values()) if columns else None
        body = min((line.x0 for line, col in columns.items() if col == common), default=self.x0)

        def centred(line: Line) -> bool:
            inset = min(line.x0 - left, right - line.x1)
            return inset > 2 * height and abs(line.x0 + line.x1 - left - right) < 2 * height

        paragraphs = [[lines[0]]]
        for before, line in pairwise(lines):
            if (
                len(before.segments) > 1
                or len(line.segments) > 1
                or abs(line.x0 - body) > 0.8 * height
                or stops_short(before, line)
                or line.y0 - before.y1 > 0.6 * height
                or centred(before)
                or centred(line)
            ):
                paragraphs.append([])
            paragraphs[-1].append(line)
        return [
            " ".join(CELL_SEPARATOR.join(line.segments) for line in paragraph)
            for paragraph in paragraphs
        ]


def page_lines(blocks: Sequence[Block]) -> list[str]:
    """The paragraphs of one page in reading order, a row of side-by-side blocks as one line."""
    if not blocks:
        return []
    left, right = min(block.x0 for block in blocks), max(block.x1 for block in blocks)
    lines: list[str] = []
    for row in _rows(blocks):
        cells = [[p for block in cell for p in block.paragraphs(left, right)] for cell in row]
        if len(cells) == 1:
            lines += cells[0]
        else:
            lines.append(CELL_SEPARATOR.join(" ".join(cell) for cell in cells))
    return lines


def _rows(blocks: Sequence[Block]) -> list[list[list[Block]]]:
    """Group blocks (in reading order) into rows of cells: a block that overlaps the row
    vertically joins the cell above it in the same column, or opens a cell to the right."""
    rows: list[list[list[Block]]] = []
    for block in blocks:
        row = rows[-1] if rows else None
        if row is not None:
            members = [member for cell in row for member in cell]
            slack = 0.3 * block.line_height
            top = min(member.y0 for member in members)
            bottom = max(member.y1 for member in members)
            if block.y0 < bottom - slack and block.y1 > top + slack:
                column = next((cell for cell in row if _overlap_x(cell, block)), None)
                if column is not None:
                    column.append(block)
                    continue
                if block.x0 >= max(member.x1 for member in row[-1]) - slack:
                    row.append([block])
                    continue
        rows.append([[block]])
    return rows


def _overlap_x(cell: list[Block], block: Block) -> bool:
    return block.x0 < max(b.x1 for b in cell) and block.x1 > min(b.x0 for b in cell)


_PAGE_NUMBER = re.compile(r"[-–—\s]*\d{1,3}[-–—\s]*")
_SENTENCE_END = (".", ":", ";", "!", "?", "…")


def document_lines(pages: Sequence[Sequence[Block]]) -> list[str]:
    """The lines of all pages without page numbers and running headers or footers,
    rejoining a paragraph that a page break split."""
    out: list[str] = []
    # The first and the last lines of the two pages before, digits masked. A running header
    # or footer repeats on the next page (or the next but one, when odd and even pages
    # differ); a heading such as "b) Nhiệm vụ" that merely happens to open two pages far
    # apart is no header and stays.
    tops: list[str] = []
    bottoms: list[str] = []
    for blocks in pages:
        lines = page_lines(blocks)
        if not lines:
            continue
        first, last = _masked(lines[0]), _masked(lines[-1])
        while lines and (_PAGE_NUMBER.fullmatch(lines[0]) or _masked(lines[0]) in tops):
            lines.pop(0)
        while lines and (_PAGE_NUMBER.fullmatch(lines[-1]) or _masked(lines[-1]) in bottoms):
            lines.pop()
        tops, bottoms = [*tops[-1:], first], [*bottoms[-1:], last]
        if out and lines and _continues(out[-1], lines[0]):
            out[-1] = f"{out[-1]} {lines.pop(0)}"
        out += lines
    return out


def _masked(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _continues(before: str, after: str) -> bool:
    """True when `after` carries on the sentence of `before`: no full stop, lowercase start."""
    return (
        CELL_SEPARATOR not in before
        and CELL_SEPARATOR not in after
        and not before.rstrip().endswith(_SENTENCE_END)
        and after[:1].islower()
    )
