"""Cleaning: the text every span points into.

Real copies of plans come through Word, PDF and markdown converters: decomposed Unicode,
`**bold**` and `#` headings, escaped punctuation, paragraphs cut in the middle of a
sentence by a page break or a blank line, line-end hyphens, runs of spaces. Cleaning
repairs that and keeps one paragraph (or list item) per line, with a blank line where
the source had one.
"""

import re
import unicodedata

# Zero-width characters and the soft hyphen carry nothing a reader sees.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE_LIKE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# "\*", "\_", "1\." from markdown writers.
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HEADING_HASHES = re.compile(r"^\s*#{1,6}(?:\s+|$)")
_STAR_BULLET = re.compile(r"^\s*[*•●▪◦]\s+")
_QUOTE_MARK = re.compile(r"^\s*>\s*")
# Emphasis markers: every "*", and "_" runs of two or more (a single "_" may be a name).
_EMPHASIS = re.compile(r"\*+|_{2,}")
_SPACES = re.compile(r"[ \t]+")
# A line that is only a page number.
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$")
# List markers that start with a lower-case letter: "a)", "b.", "đ)".
_LETTER_ITEM = re.compile(r"^[a-zđ][.)]\s")
_ENDS_OPEN = re.compile(r"[^\W_]$|,$")
_ENDS_HYPHEN = re.compile(r"(?<=[^\W\d_])-$")
_TABLE_TABS = re.compile(r"\t.*\t")


def clean_text(raw: str) -> str:
    """NFC text without markup, broken words joined, one paragraph per line."""
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACE_LIKE.sub(" ", text)
    out: list[str] = []
    blank = False
    for raw_line in text.split("\n"):
        line = _clean_line(raw_line)
        if not line or _PAGE_NUMBER.match(line):
            blank = blank or bool(out)
            continue
        if out and _continues(out[-1], line):
            out[-1] = _join(out[-1], line)
        else:
            if blank:
                out.append("")
            out.append(line)
        blank = False
    return "\n".join(out) + ("\n" if out else "")


def _clean_line(line: str) -> str:
    # Table cells from tab-separated rows become "|" cells, as markdown tables are.
    if _TABLE_TABS.search(line):
        line = " | ".join(cell.strip() for cell in line.split("\t"))
    line = _ESCAPED.sub(r"\1", line)
    previous = None
    while line != previous:  # "**## 2. ...**": hashes show once the stars are gone
        previous = line
        line = _QUOTE_MARK.sub("", _HEADING_HASHES.sub("", line))
        line = _EMPHASIS.sub("", _STAR_BULLET.sub("- ", line)).strip()
    return _SPACES.sub(" ", line).strip()


def _continues(previous: str, line: str) -> bool:
    """Whether `line` is the rest of `previous`, cut by a page or a blank line.

    A paragraph that stops without closing punctuation and goes on in lower case is one
    paragraph ("... các tổ chức xã" + "hội, doanh nghiệp ..."). A list item "a) ..."
    starts in lower case but is its own line.
    """
    first = line[0]
    if not (first.isalpha() and first.islower()) or _LETTER_ITEM.match(line):
        return False
    if "|" in previous and "|" in line:
        return False
    return bool(_ENDS_OPEN.search(previous) or _ENDS_HYPHEN.search(previous))


def _join(previous: str, line: str) -> str:
    if _ENDS_HYPHEN.search(previous):
        head = previous[:-1]
        tail_word = head.split(" ")[-1]
        next_word = line.split(" ")[0]
        # A foreign word split by a hyphen ("Metha-" + "done") closes up; Vietnamese is
        # written syllable by syllable, so a break there is a space.
        if tail_word.isascii() and next_word.isascii():
            return head + line
        return head + " " + line
    return previous + " " + line
