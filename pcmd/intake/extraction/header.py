"""The header and the footer: issuer, number, place and date, title, kind and period,
legal basis, signer and recipients; and where the body of the plan starts and ends.

A plan opens with the issuer ("ỦY BAN NHÂN DÂN / HUYỆN CHI LĂNG"), the national motto,
"Số: 76/KH-UBND", "Chi Lăng, ngày 05 tháng 6 năm 2024", then "KẾ HOẠCH" and a subtitle,
then the sentences it implements ("Căn cứ ...", "Thực hiện Kế hoạch số ..."). It closes
with "Nơi nhận:" and the signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ
TỊCH / name"). Copies often lose some of these; whatever is missing stays empty.
"""

import re
from dataclasses import dataclass, field
from typing import Literal

from ..types import Issuer, IssuerLevel, LegalBasis, Period
from .common import LOWER as L
from .common import UPPER as U
from .common import Piece, clauses, folded, iso_date, lines, sentences

_UNIT_KINDS = r"tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường|đặc khu"
_COMMITTEE = r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)"
_MOTTO = re.compile(
    r"cộng hòa xã hội chủ nghĩa việt nam|cộng hoà xã hội chủ nghĩa việt nam|"
    r"độc lập\s*[-–]\s*tự do\s*[-–]\s*hạnh phúc",
    re.IGNORECASE,
)
# "ỦY BAN NHÂN DÂN HUYỆN CHI LĂNG" in the header (upper case, maybe over two lines).
_HEADER_ISSUER = re.compile(
    rf"{_COMMITTEE}\s+(?P<kind>{_UNIT_KINDS})\s+(?P<name>[^\n,;:]{{1,40}}?)\s*(?:$|\n|số\b)",
    re.IGNORECASE,
)
# "UBND huyện Chi Lăng ban hành ...", "Ủy ban nhân dân tỉnh xây dựng ...".
_BODY_ISSUER = re.compile(
    rf"(?P<committee>{_COMMITTEE})\s+(?P<kind>{_UNIT_KINDS})"
    rf"(?P<name>(?:\s+(?-i:[{U}][^\s,;:.]*|\d+)){{0,4}})"
    r"\s+(?:ban hành|xây dựng|triển khai|thực hiện|yêu cầu|giao)",
    re.IGNORECASE,
)
# A place with its kind, for the issuer's name when the text says only "UBND tỉnh".
_PLACE = re.compile(
    rf"\b(?P<kind>{_UNIT_KINDS})\s+(?P<name>(?:[{U}][^\s,;:.]*)(?:\s+[{U}][^\s,;:.]*){{0,3}})"
)
_CENTRAL_CITIES = frozenset({"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"})
# "Số: 76/KH-UBND", "Số:    /KH-UBND", also inside a line that columns were merged into.
_NUMBER = re.compile(r"(?<!\w)Số\s*:?\s*(?P<n>[\d]*)[\s.…_]*/\s*(?P<symbol>[^\s,;|]+)")
_PLACE_BEFORE_DATE = re.compile(
    rf"(?<![^\s|])((?:[{U}][^\s,|:/]*)(?:\s+[{U}][^\s,|:/]*){{0,3}})\s*$"
)
_DATE_LINE = re.compile(
    r"(?P<place>[^\n,]{0,60}?)\s*,?\s*ngày\s*(?P<d>[\d]{0,2})[\s.…_]*tháng\s*"
    r"(?P<m>[\d]{0,2})[\s.…_]*năm\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
_TITLE = re.compile(r"^KẾ\s*HOẠCH\b[\s:]*(?P<rest>.*)$", re.IGNORECASE)
_DOC_KINDS = (
    r"Nghị quyết liên tịch|Thông tư liên tịch|Nghị quyết|Nghị định|Quyết định|Chỉ thị|"
    r"Thông tư|Kế hoạch|Công văn|Văn bản|Hướng dẫn|Chương trình|Đề án|Kết luận|"
    r"Thông báo|Công điện|Tờ trình"
)
_CITATION = re.compile(
    rf"(?P<kind>{_DOC_KINDS}|[Bb]ộ luật|[Ll]uật|[Pp]háp lệnh)"
    rf"(?:\s+(?P<law>[{U}][^;:]{{2,80}}?)(?=\s+(?:số|ngày)\b))?"
    r"(?:\s+(?:số|sô))?\s*(?P<number>\d+(?:/[^\s,;()]+)+)?"
    r"(?:\s*,?\s*ngày\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?"
    r"(?:\s+của\s+(?P<issuer>.+?)(?=\s+(?:về|phê duyệt|ban hành|quy định|hướng dẫn|triển khai|"
    rf"thực hiện|tại|đối với|việc)\b|\s*[,;:(]|\s+và\s+(?:{_DOC_KINDS})|\s*$))?"
)
_CITATION_START = re.compile(rf"^[-+•\s]*(?:{_DOC_KINDS}|[Ll]uật|[Pp]háp lệnh)\b")
_DATE_PARTS = re.compile(r"(\d{1,2})\s*(?:/|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|\s+năm\s+)\s*(\d{4})")
_BASIS_OPENERS = re.compile(r"^[-+•\s]*(căn cứ|thực hiện|triển khai|theo)\b", re.IGNORECASE)
_PHASE = re.compile(
    r"giai đoạn\s*(?:từ\s*)?(?:năm\s*)?(\d{4})\s*(?:[-–—]|đến)\s*(?:năm\s*)?(\d{4})"
    r"|năm\s*(\d{4})\s*[-–—]\s*(\d{4})",
    re.IGNORECASE,
)
# "năm 2024" names the plan's year; "đến năm 2030" a deadline; "năm 2021-2025" a phase.
_YEAR = re.compile(r"(?<!đến )(?<!hết )năm\s+(\d{4})(?!\s*[-–—]\s*\d{4})", re.IGNORECASE)
# "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", also where a two-column layout put it after
# "Nơi nhận:" on the same line.
_SIGN_MODE = re.compile(rf"(?:^|\s)(?P<mode>TM|KT|TL|TUQ)\.\s*(?P<rest>[{U}][^\n]*)")
_SIGN_LINE = re.compile(rf"^(TM|KT|TL|TUQ)\.\s*[{U}]")
_APPENDIX = re.compile(r"^phụ lục\b", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^nơi nhận\s*:?", re.IGNORECASE)
_SIGNER_NAME = re.compile(rf"^(?:[{U}][{L}]+)(?:\s+[{U}][{L}]+){{1,4}}$")
_LEVELS: dict[str, IssuerLevel] = {
    "tinh": "province",
    "huyen": "district",
    "quan": "district",
    "thi xa": "district",
    "xa": "commune",
    "phuong": "commune",
    "thi tran": "commune",
    "dac khu": "commune",
}
# Words that end a place name in a lower-cased title ("huyện chi lăng năm 2024").
_NAME_STOP = frozenset(
    {
        "năm",
        "giai",
        "đoạn",
        "về",
        "trên",
        "của",
        "và",
        "đến",
        "tại",
        "theo",
        "trong",
        "với",
        "thực",
        "hiện",
        "phòng",
        "chống",
        "hội",
        "nhân",
        "dân",
    }
)


@dataclass
class Header:
    title: str = ""
    kind: Literal["annual", "phase"] = "annual"
    number: str = ""
    issuer: Issuer = field(default_factory=lambda: Issuer(name="", level=None))
    place: str = ""
    issued_on: str | None = None
    period: Period = field(default_factory=lambda: Period(start=None, end=None))
    signer: dict[str, str] = field(default_factory=dict)
    recipients: list[str] = field(default_factory=list)
    # The body: from after the title to "Nơi nhận" or the signature.
    body_start: int = 0
    body_end: int = 0
    # "PHỤ LỤC" after the signature (an activity table, often); None when there is none.
    appendix_start: int | None = None
    found_title: bool = False


def read_header(text: str) -> Header:
    """Everything around the body of the plan."""
    header = Header(body_end=len(text))
    all_lines = lines(text)
    title_index = _title_line(all_lines)
    head_lines = all_lines[: title_index if title_index is not None else min(8, len(all_lines))]
    if title_index is not None:
        header.found_title = True
        title_pieces = _subtitle(all_lines, title_index)
        header.title = _sentence_case_title(all_lines[title_index], title_pieces)
        last = title_pieces[-1] if title_pieces else all_lines[title_index]
        header.body_start = last.end
        # Some copies put "Số:" and the date after the title.
        head_lines = head_lines + all_lines[title_index + len(title_pieces) + 1 :][:3]
    _number_and_date(header, head_lines)
    _footer(header, text, all_lines)
    header.appendix_start = next(
        (p.start for p in all_lines if p.start >= header.body_end and _APPENDIX.match(p.text)),
        None,
    )
    _issuer(header, text, head_lines)
    _kind_and_period(header, text)
    return header


def _title_line(all_lines: list[Piece]) -> int | None:
    for i, line in enumerate(all_lines[:40]):
        if not _TITLE.match(line.text):
            continue
        # "KẾ HOẠCH" as a title, not a sentence that starts "Kế hoạch số 76/KH-UBND ...".
        if line.text.startswith("KẾ HOẠCH") or (
            len(line.text) < 150 and not _CITATION_NUMBER.search(line.text)
        ):
            return i
    return None


def _subtitle(all_lines: list[Piece], title_index: int) -> list[Piece]:
    """The lines of the subtitle after "KẾ HOẠCH" (none when it is on the same line)."""
    if _TITLE.match(all_lines[title_index].text).group("rest").strip():  # type: ignore[union-attr]
        return []
    out: list[Piece] = []
    for line in all_lines[title_index + 1 : title_index + 4]:
        text = line.text
        if (
            len(text) > 250
            or (_BASIS_OPENERS.match(text) and _CITATION_NUMBER.search(text))
            or text.rstrip().endswith((":", ";"))
            or _NUMBER.match(text)
            or re.match(r"^([IVX]+|\d+) ?[.)]\s", text)  # "I." and OCR's "I ."
            or _DATE_LINE.search(text)
            or folded(text).startswith(("can cu", "kinh gui"))
        ):
            break
        out.append(line)
    return out


_CITATION_NUMBER = re.compile(r"\d+/[^\s,;]+")


def _sentence_case_title(title_line: Piece, subtitle: list[Piece]) -> str:
    rest = (_TITLE.match(title_line.text).group("rest") or "").strip()  # type: ignore[union-attr]
    words = " ".join([rest] + [p.text for p in subtitle]).strip(" .")
    if not words:
        return "Kế hoạch"
    if words.upper() == words:
        words = _recapitalise_places(words.lower())
    elif words[0].isupper() and not words.split()[0].isupper():
        words = words[0].lower() + words[1:]
    return f"Kế hoạch {words}"


def _recapitalise_places(lowered: str) -> str:
    """Capital letters back on place names after a unit kind ("huyện chi lăng")."""

    def fix(m: re.Match[str]) -> str:
        out = []
        for word in m.group("name").split(" "):
            if not word or word in _NAME_STOP or word[0].isdigit():
                break
            out.append(word[:1].upper() + word[1:])
        name = " ".join(out)
        return f"{m.group('kind')} {name}{m.group('name')[len(name) :]}"

    return re.sub(rf"\b(?P<kind>{_UNIT_KINDS}) (?P<name>[^,;.]+)", fix, lowered)


def _number_and_date(header: Header, head_lines: list[Piece]) -> None:
    for line in head_lines:
        text = _MOTTO.sub(" ", line.text).strip()
        if not header.number and (m := _NUMBER.search(text)):
            header.number = f"{m.group('n')}/{m.group('symbol').rstrip('.')}"
        if header.issued_on is None and (m := _DATE_LINE.search(text)):
            header.issued_on = iso_date(m.group("d"), m.group("m"), m.group("y"))
            # The place is the run of capitalised words before ", ngày".
            if place := _PLACE_BEFORE_DATE.search(m.group("place")):
                header.place = place.group(1)


def _issuer(header: Header, text: str, head_lines: list[Piece]) -> None:
    block = "\n".join(_MOTTO.sub(" ", p.text).strip() for p in head_lines)
    block = re.sub(rf"({_COMMITTEE})\s*\n\s*", r"\1 ", block, flags=re.IGNORECASE)
    kind = name = ""
    if m := _HEADER_ISSUER.search(block):
        kind, name = m.group("kind").lower(), m.group("name").strip()
        if name.isupper():
            name = name.title()
    else:
        opening = text[header.body_start : header.body_start + 3000]
        tail = text[max(header.body_start, header.body_end - 3000) : header.body_end]
        for source in (opening, tail):
            if m := _BODY_ISSUER.search(source):
                kind, name = m.group("kind").lower(), m.group("name").strip()
                break
        if kind and not name:
            name = _place_of_kind(header.title + "\n" + text[: header.body_end], kind)
    if not kind:
        return
    level = _LEVELS.get(folded(kind))
    if folded(kind) == "thanh pho":
        level = "province" if folded(name) in _CENTRAL_CITIES else "district"
    header.issuer = {"name": f"UBND {kind} {name}".strip(), "level": level}


def _place_of_kind(text: str, kind: str) -> str:
    """The first place of this kind the text names ("tỉnh Thái Nguyên" -> "Thái Nguyên")."""
    for m in _PLACE.finditer(text):
        if m.group("kind").lower() == kind:
            return m.group("name")
    return ""


def _kind_and_period(header: Header, text: str) -> None:
    opening = text[header.body_start : header.body_start + 1500]
    for source in (header.title, opening):
        phase = _PHASE.search(source)
        year = _YEAR.search(source)
        if year and not (phase and phase.start() < year.start() < phase.end()):
            value = int(year.group(1))
            header.kind, header.period = "annual", {"start": value, "end": value}
            return
        if phase:
            start, end = (int(g) for g in phase.groups() if g)
            header.kind, header.period = "phase", {"start": start, "end": end}
            return
    if header.issued_on:
        value = int(header.issued_on[:4])
        header.period = {"start": value, "end": value}


def read_legal_basis(text: str, start: int, end: int) -> list[LegalBasis]:
    """The documents the plan implements, from the sentences that say so ("Căn cứ ...",
    "Thực hiện ...", "Triển khai ...") between the title and the first heading."""
    out: list[LegalBasis] = []
    seen: set[str] = set()
    for line in lines(text, start, end):
        for sentence in sentences(text, line):
            citing = False
            for clause in clauses(text, sentence):
                # "Thực hiện Quyết định ...; Kế hoạch ... của UBND tỉnh": a clause that
                # opens with a document goes on with the list the opener started.
                opens_with_document = _CITATION_START.match(clause.text) is not None
                citing = bool(_BASIS_OPENERS.match(clause.text)) or (citing and opens_with_document)
                if not citing:
                    continue
                for m in _CITATION.finditer(clause.text):
                    if not (m.group("number") or m.group("date")):
                        continue
                    item = _legal_basis(m, clause)
                    if item["text"] not in seen:
                        seen.add(item["text"])
                        out.append(item)
    return out


def _legal_basis(m: re.Match[str], clause: Piece) -> LegalBasis:
    cited = m.group(0).rstrip(" .,;")
    date = None
    if m.group("date") and (d := _DATE_PARTS.search(m.group("date"))):
        found = iso_date(*d.groups())
        date = found if found and "?" not in found else None
    kind = m.group("kind")
    return {
        "text": cited,
        "kind": kind[0].upper() + kind[1:],
        "number": (m.group("number") or "").rstrip("."),
        "date": date,
        "issuer": (m.group("issuer") or "").strip(),
        "span": [clause.start + m.start(), clause.start + m.start() + len(cited)],
    }


def _footer(header: Header, text: str, all_lines: list[Piece]) -> None:
    """Recipients and signer, and where the body ends."""
    start_from = header.body_start
    recipients_at = next(
        (
            i
            for i, line in enumerate(all_lines)
            if line.start >= start_from and _RECIPIENTS.match(line.text)
        ),
        None,
    )
    sign_at = next(
        (
            i
            for i, line in enumerate(all_lines)
            if line.start >= start_from and _SIGN_LINE.match(line.text)
        ),
        None,
    )
    ends = [i for i in (recipients_at, sign_at) if i is not None]
    if not ends:
        return
    header.body_end = all_lines[min(ends)].start
    tail = all_lines[min(ends) :]
    if recipients_at is not None:
        for line in all_lines[recipients_at + 1 :]:
            item = line.text.lstrip("-+• ").rstrip(" ;.,")
            if not line.text.startswith(("-", "+", "•")) or _SIGN_LINE.match(line.text):
                break
            if folded(item).startswith("luu"):
                break
            if item:
                header.recipients.append(item)
    header.signer = _signer(tail)


def _signer(tail: list[Piece]) -> dict[str, str]:
    """ "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Lê Quang Tiến": the last mode
    ("KT."), the position under it ("Phó Chủ tịch") and the name."""
    mode = position = name = ""
    after_mode = False
    for line in tail:
        text = line.text.strip()
        if m := _SIGN_MODE.search(text):
            mode, rest = f"{m.group('mode')}.", m.group("rest").strip()
            if rest and not folded(rest).startswith("uy ban"):
                position = rest
            after_mode = True
            continue
        if after_mode and text.isupper() and not text.startswith(("-", "+")):
            position = text
        elif mode and _SIGNER_NAME.match(text):
            name = text
        after_mode = False
    if not (mode or name):
        return {}
    return {"mode": mode, "position": _position_case(position), "name": name}


def _position_case(position: str) -> str:
    """ "PHÓ CHỦ TỊCH" -> "Phó Chủ tịch", "CHÁNH VĂN PHÒNG" -> "Chánh Văn phòng"."""
    value = position.capitalize()
    for word in ("chủ tịch", "văn phòng", "ủy ban nhân dân", "uỷ ban nhân dân"):
        value = value.replace(word, word[0].upper() + word[1:])
    return value
