"""Small text helpers shared by the extractor: pieces of the cleaned text, sentences,
numbers, dates and section areas.

Every piece keeps its `[start, end)` offsets into the cleaned text, so whatever the
extractor reports can point back at where it came from.
"""

import datetime as dt
import re
from dataclasses import dataclass

from pcmd.core.text import fold

from ..types import Area

# Character classes of Vietnamese capital and small letters, for regular expressions
# ("[À-Ỹ]" would also take small letters such as "đ" and "ở").
UPPER = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isupper())
LOWER = "a-z" + "".join(chr(c) for c in range(0xC0, 0x1EFA) if chr(c).islower())


@dataclass(frozen=True)
class Piece:
    """A slice of the cleaned text: `text == cleaned[start:end]`."""

    start: int
    end: int
    text: str

    @property
    def span(self) -> list[int]:
        return [self.start, self.end]


def piece(text: str, start: int, end: int) -> Piece:
    """The slice start:end of `text`, trimmed of surrounding spaces and stray punctuation."""
    while start < end and text[start] in " \t\n,;":
        start += 1
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return Piece(start, end, text[start:end])


_LINE = re.compile(r"[^\n]+")


def lines(text: str, start: int = 0, end: int | None = None) -> list[Piece]:
    """The non-empty lines of text[start:end]."""
    end = len(text) if end is None else end
    return [Piece(m.start(), m.end(), m.group()) for m in _LINE.finditer(text, start, end)]


# A sentence ends at ".", "!" or "?" before a capital, a digit, a bullet or the line's end;
# not after a short upper-case abbreviation ("TP. Hà Tĩnh") or inside "./.".
_SENTENCE_END = re.compile(rf"(?<=[.!?])(?:\s+)(?=[{UPPER}\d\"“(-])")
_ABBREVIATION = re.compile(r"(?:^|\s)[A-ZĐ]{1,3}\.$")
# "2.1." or "a." opening a line is its number, not a sentence.
_LIST_NUMBER = re.compile(r"[-+•\s]*(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[IVXL]{1,5})\.")


def sentences(text: str, line: Piece) -> list[Piece]:
    """The sentences of one line (a paragraph after cleaning)."""
    out: list[Piece] = []
    begin = line.start
    for m in _SENTENCE_END.finditer(text, line.start, line.end):
        if _ABBREVIATION.search(text, max(begin, m.start() - 6), m.start()):
            continue
        if _LIST_NUMBER.fullmatch(text, begin, m.start()):
            continue
        out.append(piece(text, begin, m.start()))
        begin = m.end()
    out.append(piece(text, begin, line.end))
    return [p for p in out if p.text]


def clauses(text: str, sentence: Piece) -> list[Piece]:
    """The parts of a sentence between semicolons."""
    out = []
    begin = sentence.start
    for m in re.finditer(";", text[sentence.start : sentence.end]):
        out.append(piece(text, begin, sentence.start + m.start()))
        begin = sentence.start + m.end()
    out.append(piece(text, begin, sentence.end))
    return [p for p in out if p.text]


_NUMBER_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
NUMBER_WORD_PATTERN = "|".join(_NUMBER_WORDS)


def number(value: str) -> int | float:
    """A number as plans write it: "70", "01", "70,5", "70.5", or a word ("một")."""
    value = value.strip().lower()
    if value in _NUMBER_WORDS:
        return _NUMBER_WORDS[value]
    value = value.replace(",", ".")
    as_float = float(value)
    return int(as_float) if as_float.is_integer() and "." not in value else as_float


def iso_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """ "2024-06-05"; "2024-06-??" when the day is blank; None without a valid month and year."""
    if not (month and year and month.isdigit() and year.isdigit()):
        return None
    y, m = int(year), int(month)
    if not (1 <= m <= 12 and 1900 <= y <= 2100):
        return None
    if not (day and day.isdigit()):
        return f"{y:04d}-{m:02d}-??"
    try:
        return dt.date(y, m, int(day)).isoformat()
    except ValueError:
        return f"{y:04d}-{m:02d}-??"


def folded(value: str) -> str:
    """The comparison form of a text: lower case, no diacritics, single spaces."""
    return fold(value)


# Area keywords, on folded text. The earliest keyword names a heading's topic; for a
# sentence, the area with most keywords wins (healthy communes whenever named).
_AREA_WORDS: tuple[tuple[Area, tuple[str, ...]], ...] = (
    ("healthy_communes", ("lanh manh", "khong co te nan", "chuyen hoa", "khong co ma tuy")),
    (
        "capacity_building",
        ("dao tao", "tap huan", "boi duong", "nang cao nang luc", "nang luc chuyen mon"),
    ),
    (
        "communication",
        (
            "truyen thong",
            "tuyen truyen",
            "pho bien",
            "thong tin",
            "bao chi",
            "dang tai",
            "tin bai",
            "phat thanh",
            "giao duc phap luat",
        ),
    ),
    (
        "prevention_integration",
        ("long ghep", "giam ngheo", "an sinh", "phong ngua mai dam thong qua", "day nghe"),
    ),
    (
        "inspection_enforcement",
        (
            "thanh tra",
            "kiem tra",
            "xu ly vi pham",
            "vi pham phap luat",
            "to giac",
            "tin bao",
            "dieu tra",
            "truy to",
            "xet xu",
            "toi pham",
            "xu phat",
            "triet xoa",
            "triet pha",
            "vu an",
            "vu viec",
        ),
    ),
    (
        "harm_reduction_support",
        (
            "giam tac hai",
            "giam hai",
            "hiv",
            "benh xa hoi",
            "bao luc",
            "hoa nhap",
            "ho tro",
            "dich vu ho tro",
            "dich vu xa hoi",
            "dich vu y te",
            "can thiep",
        ),
    ),
)


_AREA_PATTERNS: tuple[tuple[Area, tuple[re.Pattern[str], ...]], ...] = tuple(
    (area, tuple(re.compile(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])") for w in words))
    for area, words in _AREA_WORDS
)


def _area_hits(text: str) -> dict[Area, list[int]]:
    key = folded(text)
    hits: dict[Area, list[int]] = {}
    for area, patterns in _AREA_PATTERNS:
        found = [m.start() for p in patterns if (m := p.search(key))]
        if found:
            hits[area] = found
    return hits


def area_of_heading(title: str) -> Area | None:
    """The area a heading's title is about (its earliest area keyword), or None."""
    hits = _area_hits(title)
    if not hits:
        return None
    return min(hits.items(), key=lambda item: min(item[1]))[0]


def area_of_sentence(sentence: str) -> Area | None:
    """The area a sentence is about (most keywords; healthy communes when named)."""
    hits = _area_hits(sentence)
    if not hits:
        return None
    if "healthy_communes" in hits:
        return "healthy_communes"
    return max(hits.items(), key=lambda item: (len(item[1]), -min(item[1])))[0]
