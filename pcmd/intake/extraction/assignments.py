"""Assignments: which agency does what, and the activities (tasks) of the plan.

Plans write responsibility two ways. The organisation section ("Tổ chức thực hiện",
"Phân công thực hiện", "Trách nhiệm ...") gives each agency a numbered paragraph: the
agency is `responsible`, or `requested` when the heading opens with "Đề nghị" (bodies
the issuer cannot command); a heading that names several bodies stands for each. Or
each activity says "Chủ trì: X. Phối hợp: Y, Z." (`lead`, `coordinate`), sometimes in
a table with those columns.
"""

import re
from dataclasses import dataclass, field

from ..types import AssignmentRole, Task
from .agencies import (
    LEVEL_NUMBERS,
    Named,
    body_key,
    leading_names,
    looks_like_agency,
    split_names,
)
from .common import Piece, folded, lines, sentences
from .outline import Heading, Outline

_GENERIC = re.compile(r"^(?:các|những)\s", re.IGNORECASE)
_REQUESTED = re.compile(r"^\s*đề nghị\b", re.IGNORECASE)
_ASSIGNED = re.compile(r"^\s*giao(?: cho)?\b", re.IGNORECASE)
# The issuer's closing words after the last agency's paragraph.
_CLOSING = re.compile(
    r"^(?:trên đây là|(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(?:\S+\s+){0,4}?yêu cầu|"
    r"yêu cầu (?:các|thủ trưởng)|đề nghị (?:các|thủ trưởng)|trong quá trình|"
    r"thủ trưởng các|giao\s+.{0,80}?(?:theo dõi|đôn đốc))",
    re.IGNORECASE,
)
# "Chủ trì:", "Cơ quan phối hợp:", "Đơn vị thực hiện:" (a plain "thực hiện:" is no label:
# "Tổ chức thực hiện:"), and the time: "Thời gian thực hiện:".
_ROLE_LABEL = re.compile(
    r"(?P<label>(?:(?:cơ quan|đơn vị|bộ phận|lực lượng)\s+)?"
    r"(?P<role>chủ trì|phối hợp|chịu trách nhiệm(?: chính)?)"
    r"(?:\s+(?:thực hiện|tham mưu|triển khai))?"
    r"|(?:cơ quan|đơn vị|bộ phận|lực lượng)\s+(?P<doer>thực hiện)"
    r"|thời gian(?:\s+thực hiện|\s+hoàn thành)?|thời hạn|tiến độ)\s*:\s*",
    re.IGNORECASE,
)
_CONTENT_LABEL = re.compile(r"^(?:nội dung|hoạt động|nhiệm vụ)(?:\s+\S+)?\s*:\s*", re.IGNORECASE)
_VALUE_END = re.compile(r"\.(?:\s|$)|;|\)|$")
_PARTNER = re.compile(r"\bphối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+", re.IGNORECASE)
_TABLE_ROW = re.compile(r"\|")
# "Đội kiểm tra liên ngành 178 của các huyện": a body of another level.
_OTHER_LEVEL = re.compile(
    r"\s+(?:của\s+)?(?:các\s+)?(?:cấp\s+)?(?:huyện|xã|tỉnh|quận|phường)", re.IGNORECASE
)
_SUMMARY_MAX = 160


@dataclass
class AgencyParagraph:
    """A paragraph of the organisation section headed by one or more agencies."""

    names: list[Named]
    role: AssignmentRole
    body: Piece
    heading: Heading | None = None
    # The names of the heading that groups this one ("Đề nghị Ủy ban MTTQ và các đoàn thể").
    group: list[Named] = field(default_factory=list)


@dataclass
class Activity:
    """One activity with its lead, partners and time, from labels or a table row."""

    text: Piece
    lead: list[Named] = field(default_factory=list)
    coordinating: list[Named] = field(default_factory=list)
    timeframe: str = ""


def organisation_paragraphs(
    text: str, outline: Outline, level: str | None, body_end: int
) -> tuple[list[AgencyParagraph], int | None]:
    """The agency paragraphs of the organisation sections, and where the issuer's
    closing words start (None when there are none)."""
    sections = [
        h
        for h in outline.of_kind("organisation")
        if not any(a.kind == "organisation" for a in h.ancestors())
    ]
    paragraphs: list[AgencyParagraph] = []
    for section in sections:
        found = _walk(text, section.children, level, requested=False)
        if not found:
            found = _bullet_paragraphs(text, section, level)
        paragraphs.extend(found)
    closing = _closing_start(text, sections, paragraphs, body_end)
    if closing is not None:
        for paragraph in paragraphs:
            if paragraph.body.start < closing < paragraph.body.end:
                body = paragraph.body
                paragraph.body = Piece(body.start, closing, text[body.start : closing])
    return paragraphs, closing


def _walk(
    text: str,
    headings: list[Heading],
    level: str | None,
    *,
    requested: bool,
    group: list[Named] | None = None,
) -> list[AgencyParagraph]:
    out: list[AgencyParagraph] = []
    for heading in headings:
        is_requested = requested or bool(_REQUESTED.match(heading.title))
        names = heading_names(text, heading, level)
        if names:
            sub = [c for c in heading.children if heading_names(text, c, level)]
            if len(sub) >= 2:
                # A group heading whose bodies each have their own sub-heading; a body it
                # names with no sub-heading of its own is still one of the group.
                found = _walk(text, heading.children, level, requested=is_requested, group=names)
                covered = {body_key(n) for p in found for n in p.names}
                alone = [
                    n for n in names if body_key(n) not in covered and not _GENERIC.match(n.name)
                ]
                role: AssignmentRole = "requested" if is_requested else "responsible"
                if alone:
                    intro = _body(text, heading.title_end, sub[0].start)
                    if not intro.text.strip():
                        intro = _body(text, heading.title_end, heading.end)
                    out.append(AgencyParagraph(alone, role, intro, heading, names))
                out.extend(found)
                continue
            body = _body(text, heading.title_end, heading.end)
            role = "requested" if is_requested else "responsible"
            out.append(AgencyParagraph(names, role, body, heading, group or []))
        elif heading.kind not in ("reporting", "budget") and heading.children:
            out.extend(_walk(text, heading.children, level, requested=is_requested))
    return out


def _body(text: str, start: int, end: int) -> Piece:
    """A paragraph's body after its heading, without the colon that follows the name."""
    while start < end and text[start] in " :.-–\n":
        start += 1
    return Piece(start, end, text[start:end])


def heading_names(text: str, heading: Heading, level: str | None) -> list[Named]:
    """The agencies a heading names ("2. Công an tỉnh", "9. Đề nghị Viện kiểm sát nhân
    dân, Tòa án nhân dân tỉnh"), or [] when it names none."""
    title = text[heading.title_start : heading.title_end]
    names_end = len(title.rstrip(" :.;"))
    alone = heading.title_end == heading.line.end and heading.end > heading.line.end
    if heading.title_end == heading.line.end and not (alone and len(title.split()) <= 30):
        # A numbered paragraph without a colon: the names run to the first verb.
        names_end = leading_names(title, level)
    if not names_end or not looks_like_agency(title[:names_end], level):
        return []
    return split_names(title[:names_end], heading.title_start, level)


def _bullet_paragraphs(text: str, section: Heading, level: str | None) -> list[AgencyParagraph]:
    """Agency paragraphs without numbered headings: "- Công an xã: ...", a line that is
    only a name ("Sở Y tế", its duties on the lines below), or "Đề nghị X ...". A
    paragraph runs to the next one."""
    heads: list[tuple[list[Named], AssignmentRole, int, int]] = []  # names, role, at, end
    for line in lines(text, section.title_end, section.end):
        body = line.text.lstrip("-+• ")
        offset = line.start + len(line.text) - len(body)
        head, colon, _ = body.partition(":")
        if colon and len(head.split()) <= 16 and looks_like_agency(head, level):
            extent = len(head)
        else:
            extent = leading_names(body, level)
            alone = extent and not body[extent:].strip(" .:;")
            if not (alone or _REQUESTED.match(body) or _ASSIGNED.match(body)):
                continue
        if not extent or not looks_like_agency(body[:extent], level):
            continue
        names = split_names(body[:extent], offset, level)
        if names:
            role: AssignmentRole = "requested" if _REQUESTED.match(body) else "responsible"
            heads.append((names, role, line.start, offset + extent))
    out = []
    for i, (names, role, _, end) in enumerate(heads):
        stop = heads[i + 1][2] if i + 1 < len(heads) else section.end
        out.append(AgencyParagraph(names, role, _body(text, end, stop)))
    return out


def _closing_start(
    text: str, sections: list[Heading], paragraphs: list[AgencyParagraph], body_end: int
) -> int | None:
    if not sections:
        return None
    last_heading = max((p.body.start for p in paragraphs), default=sections[0].title_end)
    for line in lines(text, last_heading, body_end):
        if line.start > last_heading and _CLOSING.match(line.text.lstrip("-+ ")):
            return line.start
    return None


def partners(
    text: str, paragraphs: list[AgencyParagraph], level: str | None
) -> list[tuple[Named, AgencyParagraph]]:
    """Bodies of the issuer's level named as partners ("phối hợp với X") inside an
    agency's paragraph. Fields of work ("ngành Y tế") and bodies of other levels ("Đội
    kiểm tra liên ngành 178 của các huyện") are not partners of this plan."""
    out = []
    wanted = LEVEL_NUMBERS.get(level or "")
    for paragraph in paragraphs:
        body = paragraph.body
        for m in _PARTNER.finditer(body.text):
            rest = body.text[m.end() :]
            extent = leading_names(rest, level)
            if not extent or _OTHER_LEVEL.match(rest, extent):
                continue
            for named in split_names(rest[:extent], body.start + m.end(), level):
                if named.confidence < 1.0 or (wanted and named.level not in (None, wanted)):
                    continue
                out.append((named, paragraph))
    return out


def activities(text: str, start: int, end: int, level: str | None) -> list[Activity]:
    """Activities with "Chủ trì:/Phối hợp:/Thời gian:" labels or in a table with those
    columns."""
    out: list[Activity] = []
    current: Activity | None = None
    last_text: Piece | None = None
    columns: dict[str, int] | None = None
    for line in lines(text, start, end):
        if _TABLE_ROW.search(line.text):
            columns, row = _table_row(text, line, columns, level)
            if row is not None:
                out.append(row)
            continue
        columns = None
        labels = list(_ROLE_LABEL.finditer(line.text))
        if not labels:
            last_text = line
            current = None
            continue
        first = labels[0].start()
        prefix = line.text[:first].strip(" -+•(")
        if len(prefix.split()) >= 4:
            activity_text = _unbulleted(line, line.text[:first].rstrip(" (-–"))
            current = Activity(activity_text)
            out.append(current)
        elif current is None:
            current = Activity(last_text or line)
            out.append(current)
        for i, label in enumerate(labels):
            value_start = label.end()
            stop = labels[i + 1].start() if i + 1 < len(labels) else len(line.text)
            m = _VALUE_END.search(line.text, value_start, stop)
            value_end = m.start() if m else stop
            value = line.text[value_start:value_end].strip(" ,")
            role = (label.group("role") or label.group("doer") or "").lower()
            if not role:
                current.timeframe = value
            elif role == "phối hợp":
                current.coordinating += split_names(value, line.start + value_start, level)
            else:
                current.lead += split_names(value, line.start + value_start, level)
    return [a for a in out if a.lead or a.coordinating]


def _table_row(
    text: str, line: Piece, columns: dict[str, int] | None, level: str | None
) -> tuple[dict[str, int] | None, Activity | None]:
    cells = _cells(line)
    keys = [folded(c.text) for c in cells]
    header = [_column(key) for key in keys]
    if "lead" in header or "coordinate" in header:
        found: dict[str, int] = {}
        for i, name in enumerate(header):
            if name is not None:
                found.setdefault(name, i)
        return found, None
    if columns is None or all(set(k) <= set("-: ") for k in keys):
        return columns, None

    def cell(name: str) -> Piece | None:
        i = columns.get(name) if columns else None
        return cells[i] if i is not None and i < len(cells) else None

    content = cell("text")
    lead, coordinate, time = cell("lead"), cell("coordinate"), cell("time")
    if content is None or not content.text:
        return columns, None
    row = Activity(content, timeframe=time.text if time else "")
    if lead is not None:
        row.lead = split_names(lead.text, lead.start, level)
    if coordinate is not None:
        row.coordinating = split_names(coordinate.text, coordinate.start, level)
    return columns, row


def _column(key: str) -> str | None:
    """What a table's column holds, from its (folded) header."""
    if "chu tri" in key:
        return "lead"
    if "phoi hop" in key:
        return "coordinate"
    if "thoi gian" in key or "thoi han" in key or "tien do" in key:
        return "time"
    if re.search(r"noi dung|hoat dong|nhiem vu|cong viec", key):
        return "text"
    if re.search(r"(?:don vi|co quan|bo phan) (?:thuc hien|phu trach|chiu trach nhiem)", key):
        return "lead"
    return None


def _cells(line: Piece) -> list[Piece]:
    out = []
    begin = 0
    raw = line.text
    for m in re.finditer(r"\|", raw):
        out.append(_strip_piece(line, begin, m.start()))
        begin = m.end()
    out.append(_strip_piece(line, begin, len(raw)))
    if out and not out[0].text:
        out = out[1:]
    if out and not out[-1].text:
        out = out[:-1]
    return out


def _strip_piece(line: Piece, a: int, b: int) -> Piece:
    raw = line.text
    while a < b and raw[a] == " ":
        a += 1
    while b > a and raw[b - 1] == " ":
        b -= 1
    return Piece(line.start + a, line.start + b, raw[a:b])


def _unbulleted(line: Piece, text: str | None = None) -> Piece:
    """`line` (or its first len(text) characters) without the list marker in front, nor
    a "Nội dung:" label."""
    value = line.text if text is None else text
    bare = _CONTENT_LABEL.sub("", value.lstrip("-+•– "))
    start = line.start + len(value) - len(bare)
    return Piece(start, start + len(bare), bare)


def task_summary(text: str, body: Piece) -> str:
    """The first sentence of a paragraph, shortened for a list."""
    for line in lines(text, body.start, body.end):
        found = sentences(text, line)
        if found:
            summary = found[0].text.lstrip("-+•: ")
            if len(summary) > _SUMMARY_MAX:
                summary = summary[:_SUMMARY_MAX].rsplit(" ", 1)[0] + " …"
            return summary
    return ""


def tasks_from_activities(found: list[Activity], outline: Outline) -> list[Task]:
    out: list[Task] = []
    for activity in found:
        out.append(
            {
                "text": _unbulleted(activity.text).text,
                "area": outline.area_at(activity.text.start, activity.text.text),
                "lead": activity.lead[0].name if activity.lead else "",
                "coordinating": [n.name for n in activity.coordinating],
                "timeframe": activity.timeframe,
                "span": _unbulleted(activity.text).span,
            }
        )
    return out


def task_bullets(text: str, outline: Outline, found: list[Activity]) -> list[Task]:
    """The bullets of the task sections ("Nhiệm vụ", "Giải pháp", "Nội dung hoạt động")
    that are no activity already, nor an activity's "Chủ trì:" or "Thời gian:" line."""
    taken = [a.text for a in found]
    out: list[Task] = []
    for line in lines(text, outline.start, outline.end):
        if not line.text.startswith(("-", "+", "•")) or outline.kind_at(line.start) != "tasks":
            continue
        if any(p.start < line.end and line.start < p.end for p in taken):
            continue
        bare = _unbulleted(line)
        if _ROLE_LABEL.match(bare.text):
            continue
        out.append(
            {
                "text": bare.text,
                "area": outline.area_at(line.start, line.text),
                "lead": "",
                "coordinating": [],
                "timeframe": "",
                "span": bare.span,
            }
        )
    return out
