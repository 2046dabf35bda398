"""Repairing what OCR typically gets wrong in a Vietnamese administrative document.

Tesseract's Vietnamese model reads a scanned plan well word by word, but makes a few
mistakes that cost the extractor whole sections or names, and that the layout of such
documents lets us undo without a dictionary:

- Numbering of headings: "I." read as "IL." or "TI," (parts are numbered in Roman
  figures, with titles in capitals, in order I, II, III ...), "5." as "5," or "5 .".
- "l" read as "L" inside a sentence ("quản Lý", "Liên quan"): Vietnamese capitalises
  every syllable of a proper name and nothing else inside a sentence, so a lone capital
  L word between small-letter words is a misreading, unless a title word ("tỉnh",
  "ông" ...) announces a one-syllable name.
- "lần" read as "tần" after a number ("ít nhất một tần").
- A heading in capitals that wraps onto a second line comes back as two lines.

Only text that came from OCR is repaired; typed text is taken as written.
"""

import re

# Capital and small Vietnamese letters (the extractor's common.UPPER/LOWER, not imported:
# reading does not depend on extraction).
_UPPER = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isupper())
_LOWER = "a-z" + "".join(chr(c) for c in range(0xC0, 0x1EFA) if chr(c).islower())

# A Roman part number as OCR may read it: I/V/X, and the strokes mistaken for I (T, L, l,
# 1, |, !), then a full stop or what a full stop is mistaken for, then the title.
_ROMAN_LIKE = re.compile(r"^(?P<number>[IVXTLl1|!]{1,5})\s*(?P<stop>[.,:;])\s*(?=\S)")
_I_LIKE = str.maketrans("TLl1|!", "IIIIII")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
# "5," / "5 ." / "2.1," / "5.Sở": an Arabic heading number before a capitalised title.
_ARABIC_LIKE = re.compile(
    rf"^(?P<number>\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})(?:\s*,\s*|\s+\.\s*|\.(?=[{_UPPER}]))"
    rf"(?=[{_UPPER}])"
)
# Words after which a capital word is a one-syllable proper name: "tỉnh Lào", "ông Lâm".
_TITLE_WORDS = frozenset(
    {
        *("tỉnh", "huyện", "xã", "phường", "quận", "trấn", "phố", "thôn", "xóm", "ấp", "bản"),
        *("làng", "khu", "đường", "ngõ", "sông", "núi", "đèo", "hồ", "đảo", "nước", "tiếng"),
        *("tộc", "ông", "bà", "anh", "chị", "chí"),  # "dân tộc Lô Lô", "đồng chí Lâm"
    }
)
# One-syllable names that stand after any word ("sang Lào", "của Lê Lợi"), unlike the
# common words tesseract misreads ("Lý" in "quản Lý" is far more often "lý" than a name).
_NAMES = frozenset({"Lào", "Lê"})
_WORD = re.compile(r"\S+")
_L_WORD = re.compile(rf"^L[{_LOWER}]+[,.;:!?)]*$")
_SMALL_WORD = re.compile(rf"^[{_LOWER}]+[,;]?$")
_NUMBER_WORDS = "một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|\\d{1,2}"
# "tần" is a word only in "tần số", "tần suất"; after a number it is "lần" misread.
_TIMES = re.compile(rf"\b(?P<n>{_NUMBER_WORDS})\s+tần\b(?!\s+(?:số|suất))", re.IGNORECASE)


def repair_ocr_text(text: str) -> str:
    """The OCR'd `text` (one paragraph per line) with the confusions above undone."""
    lines = text.split("\n")
    lines = _join_wrapped_headings(_renumber_headings(lines))
    return "\n".join(_TIMES.sub(r"\g<n> lần", _lower_misread_l(line)) for line in lines)


def _capitals(text: str) -> bool:
    """Whether the letters of `text` are capitals (a part's title)."""
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 3 and all(char.isupper() for char in letters)


def _roman(value: int) -> str:
    out = ""
    for number, figure in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out += figure
            value -= number
    return out


def _roman_value(figures: str) -> int | None:
    """The value of a Roman numeral up to XX, or None when `figures` is not one."""
    return next((n for n in range(1, 21) if _roman(n) == figures), None)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance of two short strings."""
    row = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, char_b in enumerate(b, start=1):
            previous, row[j] = (
                row[j],
                min(row[j] + 1, row[j - 1] + 1, previous + (char_a != char_b)),
            )
    return row[-1]


def _renumber_headings(lines: list[str]) -> list[str]:
    """Part numbers read wrongly, put right by the order parts follow; Arabic numbers
    with a comma or a spaced full stop given their full stop."""
    out: list[str] = []
    last = 0  # the value of the last Roman part number
    for line in lines:
        m = _ROMAN_LIKE.match(line)
        title = line[m.end() :] if m else ""
        figures = m.group("number") if m else ""
        if m and any(char in _ROMAN_VALUES for char in figures) and _capitals(title):
            expected = _roman(last + 1)
            value = _roman_value(figures)
            if value is None:
                # Misread strokes: the expected number when it is one slip away. A valid
                # numeral stays as read, even out of order: plans do repeat a number.
                read = figures.translate(_I_LIKE)
                close = min(_distance(figures, expected), _distance(read, expected)) <= 1
                value = last + 1 if close else _roman_value(read)
            if value is not None:
                line = f"{_roman(value)}. {title}"
                last = value
        elif arabic := _ARABIC_LIKE.match(line):
            line = f"{arabic.group('number')}. {line[arabic.end() :]}"
        out.append(line)
    return out


def _join_wrapped_headings(lines: list[str]) -> list[str]:
    """ "II. MỤC TIÊU, CÁC CHỈ TIÊU, NHIỆM VỤ" + "CỤ THỂ": a part's title in capitals
    goes on in capitals on the next line, which carries no number of its own."""
    out: list[str] = []
    for line in lines:
        if (
            out
            and (heading := _ROMAN_LIKE.match(out[-1])) is not None
            and _capitals(out[-1][heading.end() :])
            and not out[-1].rstrip().endswith((".", ":", ";"))
            and _capitals(line)
            and len(line.split()) <= 8
            and not _ROMAN_LIKE.match(line)
            and not re.match(r"[\d\-+•]", line)
        ):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
            continue
        out.append(line)
    return out


def _misread_l(word: str) -> bool:
    return bool(_L_WORD.match(word)) and word.rstrip(",.;:!?)") not in _NAMES


def _lower_misread_l(line: str) -> str:
    """ "quản Lý", "có Liên quan", "các Lực Lượng chức năng" → small letters; names stay
    ("tỉnh Lào Cai", "Sở Lao động", "ông Lê Văn A", "theo Luật Phòng, chống ...")."""
    if "L" not in line or _capitals(line):
        return line
    words = [(m.start(), m.group()) for m in _WORD.finditer(line)]
    chars = list(line)
    i = 1
    while i < len(words):
        # A run of (at most two) capital-L words: "Lực Lượng" is misread twice.
        run = i
        while run < len(words) and run - i < 2 and _misread_l(words[run][1]):
            run += 1
            if words[run - 1][1][-1] in ",.;:!?)":
                break  # the run ends at punctuation
        before = words[i - 1][1]
        after = words[run][1] if run < len(words) else ""
        if (
            run > i
            and _SMALL_WORD.match(before)  # after a small-letter word, not a full stop
            and before.rstrip(",;") not in _TITLE_WORDS
            and not after[:1].isupper()  # "Lạng Sơn", "Luật Phòng ...": a name goes on
        ):
            for start, _ in words[i:run]:
                chars[start] = "l"
        i = max(run, i + 1)
    return "".join(chars)
