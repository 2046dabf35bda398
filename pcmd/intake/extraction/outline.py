"""The outline: numbered headings and the sections they open.

Plans number their parts I./II., then 1./2., then 1.1./2.1. or a)/b); copies repeat or
skip numbers ("IV. KINH PHÍ" then "IV. TỔ CHỨC THỰC HIỆN") and mix bold and plain
headings, so a heading's level comes from its numbering style, never from its value.
A numbered paragraph ("2. Sở Y tế: Chỉ đạo ...") is a heading too; its title is the part
before the colon.
"""

import re
from dataclasses import dataclass, field
from typing import Literal

from ..types import Area, Section
from .common import Piece, area_of_heading, area_of_sentence, folded, lines

_ROMAN = re.compile(r"^(?P<n>[IVX]{1,5})\s*[.):]\s*(?=\S)")
# "1 ." and "1 )" too: a scan's OCR, and some typists, put a space before the stop.
_ARABIC = re.compile(
    r"^(?P<n>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=\S)|^(?P<m>\d{1,2}) ?[.)]\s*(?=\D)"
)
_LETTER = re.compile(r"^(?P<n>[a-zđ])[.)]\s+(?=\S)")
_CAPITALS = re.compile(r"^(?:\w+[ ,]+){1,14}\w+$")
_TITLE_MAX = 200
_INLINE_TITLE = re.compile(r"(?P<title>[^:]{2,160}?):\s+\S")

SectionKind = Literal[
    "purpose",
    "targets",
    "tasks",
    "budget",
    "organisation",
    "reporting",
    "results",
    "other",
]

# Section kinds by how the title starts (folded). Order matters: "giải pháp về tổ chức
# thực hiện" is a solution, not the organisation section.
_KIND_STARTS: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    ("results", re.compile(r"^(ket qua|danh gia|tinh hinh|thuc trang|khai quat|boi canh)")),
    ("tasks", re.compile(r"^(cac )?(nhiem vu|giai phap|noi dung|hoat dong)")),
    ("budget", re.compile(r"^(nguon )?kinh phi")),
    (
        "organisation",
        re.compile(
            r"^(to chuc thuc hien|to chuc trien khai|phan cong|trach nhiem|"
            r"nhiem vu cua cac|giao nhiem vu)"
        ),
    ),
    ("reporting", re.compile(r"^(che do |cong tac )?(thong tin,? )?bao cao")),
    ("targets", re.compile(r"^(cac )?(muc tieu|chi tieu)")),
    ("purpose", re.compile(r"^(muc dich|yeu cau)")),
)


@dataclass
class Heading:
    number: str
    title: str
    level: int
    line: Piece
    # Where the text after the number starts, and where the title ends in the line.
    title_start: int
    title_end: int
    style: str = "arabic"  # "roman", "arabic", "letter" or "capitals" (no number)
    end: int = 0  # end of the section
    parent: "Heading | None" = None
    children: list["Heading"] = field(default_factory=list)
    kind: SectionKind = "other"

    @property
    def start(self) -> int:
        return self.line.start

    @property
    def inline(self) -> bool:
        """Whether the heading's line goes on with body text after its title."""
        return self.title_end < self.line.end

    def ancestors(self) -> list["Heading"]:
        out = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def section(self) -> Section:
        return {
            "number": self.number,
            "title": self.title,
            "level": self.level,
            "span": [self.start, self.end],
            "heading_span": [self.title_start, self.title_end],
        }


@dataclass
class Outline:
    headings: list[Heading]
    start: int
    end: int

    def at(self, position: int) -> list[Heading]:
        """The headings whose sections contain `position`, innermost first."""
        inside = [h for h in self.headings if h.start <= position < h.end]
        return sorted(inside, key=lambda h: -h.start)

    def kind_at(self, position: int) -> SectionKind:
        """The kind of the innermost section with a known kind around `position`."""
        for heading in self.at(position):
            if heading.kind != "other":
                return heading.kind
        return "other"

    def of_kind(self, kind: SectionKind) -> list[Heading]:
        return [h for h in self.headings if h.kind == kind]

    def area_at(self, position: int, sentence: str) -> Area:
        """The area of what sits at `position`: the topic of its section (the parts
        I./II. are too broad to say), else its own words."""
        for heading in self.at(position):
            if heading.level == 1 or heading.kind in ("reporting", "organisation", "budget"):
                continue
            if found := area_of_heading(heading.title):
                return found
        return area_of_sentence(sentence) or "other"


def _match(text: str) -> tuple[str, int, str] | None:
    """(number, length of the numbering, style) of a heading line, or None."""
    if m := _ROMAN.match(text):
        return m.group("n"), m.end(), "roman"
    if m := _ARABIC.match(text):
        number = m.group("n") or m.group("m")
        if number and number.isdigit() and int(number) == 0:
            return None
        return number, m.end(), "arabic"
    if m := _LETTER.match(text):
        return m.group("n"), m.end(), "letter"
    return None


def build_outline(text: str, start: int, end: int) -> Outline:
    """The headings of text[start:end] with their sections, levels and parents."""
    headings: list[Heading] = []
    stack: list[Heading] = []
    body = lines(text, start, end)
    # Copies that lost Word's automatic numbering keep their parts as lines in capitals
    # ("TỔ CHỨC THỰC HIỆN"); they are parts only where no part is numbered I./II.
    capitals = not any(_ROMAN.match(line.text) for line in body)
    for line in body:
        found = _match(line.text)
        if found is None and capitals and _CAPITALS.match(line.text) and line.text.isupper():
            found = ("", 0, "capitals")
        if found is None:
            continue
        number, length, style = found
        if style in ("roman", "capitals"):
            level = 1
        elif style == "arabic":
            level = 1 + number.count(".") + 1
        else:
            parents = [h for h in stack if h.style != "letter"]
            level = (parents[-1].level + 1) if parents else 3
        title_start = line.start + length
        title_end = _title_end(text, title_start, line.end)
        heading = Heading(
            number=number,
            title=text[title_start:title_end].rstrip(" :.;"),
            level=level,
            line=line,
            title_start=title_start,
            title_end=title_end,
            style=style,
        )
        while stack and stack[-1].level >= level:
            stack.pop()
        heading.parent = stack[-1] if stack else None
        if heading.parent:
            heading.parent.children.append(heading)
        stack.append(heading)
        headings.append(heading)
    for i, heading in enumerate(headings):
        heading.end = next((h.start for h in headings[i + 1 :] if h.level <= heading.level), end)
        heading.end = _trim_end(text, heading.start, heading.end)
        heading.kind = _kind(heading.title)
    return Outline(headings, start, end)


def _title_end(text: str, title_start: int, line_end: int) -> int:
    """Where a heading's title ends: the whole line when short, else before its colon
    or its first sentence's end."""
    if line_end - title_start <= _TITLE_MAX:
        if m := _INLINE_TITLE.match(text, title_start, line_end):
            head = m.group("title")
            # "Sở Y tế: Chỉ đạo ..." has a short head; "Các phòng, đơn vị: A, B" is a
            # list of names (no closing full stop) and stays whole.
            group = head.lower().startswith(("các ", "những ")) and not text[
                title_start:line_end
            ].rstrip().endswith(".")
            if len(head.split()) <= 20 and not group:
                return title_start + len(head)
        return line_end
    if m := _INLINE_TITLE.match(text, title_start, line_end):
        return title_start + len(m.group("title"))
    dot = text.find(". ", title_start, line_end)
    return dot if dot > 0 else line_end


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in "\n ":
        end -= 1
    return end


def _kind(title: str) -> SectionKind:
    key = folded(title)
    for kind, pattern in _KIND_STARTS:
        if pattern.search(key):
            return kind
    if "chi tieu" in key or "muc tieu" in key:
        return "targets"
    return "other"
