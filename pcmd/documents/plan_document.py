"""A plan, given in the shape of `pcmd.intake.types.PlanExtraction`, as an official document.

The body is rebuilt in the usual outline of a plan (purposes, targets, tasks, budget,
organisation of implementation) so that the document, read back as text, still states
every target sentence, every assignment, every reporting duty and every budget source.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from pcmd.core.text import fold, nfc
from pcmd.documents.nd30 import Block, Bullet, Heading, OfficialDocument, Paragraph, Signature
from pcmd.intake.types import (
    Assignment,
    PlanExtraction,
    ReportingItem,
    Section,
    Target,
    Task,
)

AREA_TITLES: dict[str, str] = {
    "communication": "Truyền thông, tuyên truyền",
    "prevention_integration": "Phòng ngừa, lồng ghép",
    "inspection_enforcement": "Kiểm tra, xử lý vi phạm",
    "harm_reduction_support": "Giảm hại, hỗ trợ",
    "capacity_building": "Nâng cao năng lực",
    "healthy_communes": "Xã, phường lành mạnh",
    "other": "Chỉ tiêu khác",
}
# In the order a plan lists them: "báo cáo đột xuất, hằng quý, 6 tháng, hằng năm".
REPORT_PERIODS: dict[str, str] = {
    "ad-hoc": "đột xuất",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "6-month": "6 tháng",
    "annual": "hằng năm",
    "periodic": "định kỳ",
}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_COMMITTEE = "Ủy ban nhân dân"
# Abbreviations an issuer's name is written with; the header spells them out.
_ABBREVIATIONS = (
    (re.compile(r"^(?:UBND|UB\s*ND|UB nhân dân|Ủy ban ND|Uỷ ban nhân dân)\b", re.I), _COMMITTEE),
    (re.compile(r"\bHĐND\b"), "Hội đồng nhân dân"),
)
_UNIT_WORDS = re.compile(
    r"^(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)\s+", re.I
)
# Legal instruments a plan is based on ("Căn cứ"); plans and decisions above it are
# implemented ("Thực hiện").
_LAWS = ("luật", "bộ luật", "nghị định", "nghị quyết", "thông tư", "pháp lệnh", "hiến pháp")
_DEFAULT_PURPOSES: tuple[Block, ...] = (
    Paragraph(
        "Triển khai thực hiện có hiệu quả công tác phòng, chống mại dâm trên địa bàn; "
        "nâng cao nhận thức, trách nhiệm của các cơ quan, đơn vị, địa phương.",
        lead="1. Mục đích:",
    ),
    Paragraph(
        "Các cơ quan, đơn vị, địa phương bám sát nhiệm vụ được giao, phối hợp chặt chẽ, "
        "bảo đảm hoàn thành các chỉ tiêu của Kế hoạch.",
        lead="2. Yêu cầu:",
    ),
)


def plan_to_document(
    data: PlanExtraction | Mapping[str, Any], *, issuer_parent: str = ""
) -> OfficialDocument:
    """The plan as a "KẾ HOẠCH" in the Nghị định 30/2020 layout, ready for `render_docx`.

    `data` has the keys of `PlanExtraction`; missing ones count as empty. `issuer_parent`
    is the parent line above the issuer; a People's Committee has none, so it is printed
    only when the caller knows one.
    """
    # A saved plan comes as a plain dict of the same shape (pcmd.plans.exporting).
    plan = cast(PlanExtraction, data)
    issuer = plan.get("issuer") or {"name": "", "level": None}
    issuer_name = nfc(issuer.get("name") or "") or _COMMITTEE
    subject = plan_subject(plan.get("title") or "")
    date, year, month = _issue_date(plan)
    return OfficialDocument(
        issuer_parent=issuer_parent.upper(),
        issuer=issuer_header(issuer_name),
        number_symbol=nfc(plan.get("number") or "") or "/KH-UBND",
        place=nfc(plan.get("place") or "") or place_of(issuer_name),
        date=date,
        year=year,
        month=month,
        kind="KẾ HOẠCH",
        title=subject,
        preamble=_preamble(plan.get("legal_basis") or [], issuer_name, subject),
        body=_body(plan, issuer_name, subject),
        recipients=plan.get("recipients") or _default_recipients(plan.get("assignments") or []),
        signature=_signature(
            plan.get("signer") or {},
            # A People's Committee decides collectively: its deputies sign "TM. ... / KT."
            committee=fold(issuer_name).startswith(("ubnd", "uy ban nhan dan")),
        ),
    )


def plan_subject(title: str) -> str:
    """'Kế hoạch thực hiện công tác ... năm 2024' -> 'Thực hiện công tác ... năm 2024'."""
    subject = re.sub(r"^kế hoạch\b[\s:.-]*", "", nfc(title), flags=re.I)
    return _upper_first(subject or "Thực hiện công tác phòng, chống mại dâm")


def _expanded(name: str) -> str:
    text = nfc(name)
    for pattern, expansion in _ABBREVIATIONS:
        text = pattern.sub(expansion, text)
    return text


def issuer_header(name: str) -> str:
    """'UBND huyện Chi Lăng' -> 'ỦY BAN NHÂN DÂN\\nHUYỆN CHI LĂNG' (the header's two lines)."""
    upper = _expanded(name).upper()
    committee = _COMMITTEE.upper()
    if upper.startswith(committee + " "):
        return committee + "\n" + upper[len(committee) :].strip()
    return upper


def place_of(issuer_name: str) -> str:
    """The place in an issuer's name, for the date line: 'UBND huyện Chi Lăng' -> 'Chi Lăng'."""
    text = _expanded(issuer_name)
    if text.lower().startswith(_COMMITTEE.lower()):
        text = text[len(_COMMITTEE) :].strip()
    return _UNIT_WORDS.sub("", text).strip()


def reporting_paragraphs(items: Iterable[ReportingItem]) -> list[str]:
    """One paragraph per reporter, one sentence per set of receivers and due date, naming
    every period: 'Công an huyện báo cáo đột xuất, 6 tháng gửi Công an tỉnh và Phòng Tư
    pháp huyện trước ngày 05/06.'"""
    duties: dict[str, dict[tuple[tuple[str, ...], str], list[str]]] = {}
    for item in items:
        reporter = _upper_first(nfc(item.get("from") or "")) or "Các cơ quan, đơn vị"
        receivers = tuple(nfc(to) for to in item.get("to") or [] if nfc(to))
        periods = duties.setdefault(reporter, {}).setdefault(
            (receivers, item.get("due_day_month") or ""), []
        )
        period = REPORT_PERIODS.get(item.get("kind") or "", "định kỳ")
        if period not in periods:
            periods.append(period)
    paragraphs = []
    for reporter, by_receivers in duties.items():
        sentences = []
        for (receivers, due), periods in by_receivers.items():
            ordered = sorted(periods, key=list(REPORT_PERIODS.values()).index)
            sentence = f"{reporter} báo cáo {', '.join(ordered)}"
            if receivers:
                sentence += f" gửi {_joined(receivers)}"
            if due:
                sentence += f" trước ngày {due}"
            sentences.append(sentence + ".")
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _joined(names: Sequence[str]) -> str:
    # Agency names contain commas ("Phòng Lao động, Thương binh và Xã hội"): "và" ends the list.
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"


def lead_sentence(leads: Sequence[str], coordinating: Sequence[str], timeframe: str = "") -> str:
    """'Chủ trì: X. Phối hợp: Y, Z. Thời gian thực hiện: Quý II/2024.'"""
    parts = []
    if leads:
        parts.append(f"Chủ trì: {', '.join(leads)}.")
    if coordinating:
        parts.append(f"Phối hợp: {', '.join(coordinating)}.")
    if timeframe:
        parts.append(f"Thời gian thực hiện: {timeframe}.")
    return " ".join(parts)


# --- the parts --------------------------------------------------------------------------


def _issue_date(plan: PlanExtraction) -> tuple[dt.date | None, int | None, int | None]:
    """The date, or the year and month a blank date is printed with.

    A draft with no date at all is dated in the first year of its period: that is the
    year a commune issues its plan for.
    """
    year = (plan.get("period") or {}).get("start")
    issued = plan.get("issued_on") or ""
    match = re.fullmatch(r"(\d{4})-(\d{2}|\?\?)-(\d{2}|\?\?)", issued)
    if not match:
        return None, year, None
    year = int(match[1])
    month = int(match[2]) if match[2].isdigit() and 1 <= int(match[2]) <= 12 else None
    if month and match[3].isdigit():
        try:
            return dt.date(year, month, int(match[3])), year, month
        except ValueError:
            pass  # an impossible day is left blank for the clerk
    return None, year, month


_LEADING_NUMBER = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*|[a-zđ])[.)]\s+")


def _sentence(text: str, end: str = ".") -> str:
    text = nfc(text).rstrip(" ;,")
    return text if text.endswith((".", ":", "!", "?", "…")) else text + end


def _preamble(legal_basis: Sequence[str], issuer_name: str, subject: str) -> list[str]:
    closing = f"{issuer_name} ban hành Kế hoạch {_lower_first(subject)} như sau:"
    bases = [nfc(b).rstrip(" ;,.") for b in legal_basis if nfc(b)]
    if not bases:
        return [closing]
    lines = []
    for basis in bases:
        if not re.match(r"^(căn cứ|thực hiện)\b", basis, re.I):
            verb = "Căn cứ" if basis.lower().startswith(_LAWS) else "Thực hiện"
            basis = f"{verb} {basis}"
        lines.append(basis + ";")
    lines[-1] = lines[-1][:-1] + ", " + closing
    return lines


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _body(plan: PlanExtraction, issuer_name: str, subject: str) -> list[Block]:
    parts: list[tuple[str, list[Block]]] = [
        ("MỤC ĐÍCH, YÊU CẦU", _purposes(plan) or list(_DEFAULT_PURPOSES)),
        ("CHỈ TIÊU", _targets(plan)),
        ("NHIỆM VỤ VÀ GIẢI PHÁP", _tasks(plan.get("tasks") or [])),
        ("KINH PHÍ", _budget(plan.get("budget_sources") or [])),
        (
            "TỔ CHỨC THỰC HIỆN",
            _organisation(
                plan.get("assignments") or [],
                plan.get("reporting") or [],
                plan.get("tasks") or [],
                issuer_name,
                subject,
            ),
        ),
    ]
    blocks: list[Block] = []
    # Parts with nothing to say are left out and the rest numbered on.
    for number, (title, content) in zip(_ROMAN, [p for p in parts if p[1]], strict=False):
        blocks.append(Heading(f"{number}. {title}", level=1))
        blocks.extend(content)
    return blocks


def _purposes(plan: PlanExtraction) -> list[Block]:
    """The plan's own purposes and requirements, with their sub-headings, from its text."""
    sections = list(plan.get("sections") or [])
    tops = [
        i
        for i, s in enumerate(sections)
        if s.get("level") == 1 and re.search(r"muc dich|yeu cau", fold(s.get("title") or ""))
    ]
    if not tops:
        return []
    top = sections[tops[0]]
    subsections = []
    for section in sections[tops[0] + 1 :]:
        if (section.get("level") or 1) <= 1:
            break
        subsections.append(section)
    blocks: list[Block] = []
    for line in _section_body(plan.get("text") or "", top).splitlines():
        # Sub-headings are matched by their text, in order: saved plans have no offsets.
        if subsections and _is_heading_line(line, subsections[0]):
            blocks.append(_section_heading(subsections.pop(0)))
        else:
            blocks.extend(_text_block(line))
    return blocks


def _section_body(text: str, section: Section) -> str:
    """The section's text after its heading: by offsets into the plan's text when they are
    there, else the `body` a saved plan keeps."""
    heading, span = section.get("heading_span"), section.get("span")
    if text and heading and span and heading[1] <= span[1] <= len(text):
        return text[heading[1] : span[1]]
    body = cast(dict[str, Any], section).get("body")
    return body if isinstance(body, str) else ""


def _is_heading_line(line: str, section: Section) -> bool:
    number, title = fold(section.get("number") or ""), fold(section.get("title") or "")
    folded = fold(line)
    return bool(title) and folded.startswith(number) and title in folded


def _section_heading(section: Section) -> Block:
    number, title = section["number"], nfc(section["title"])
    label = f"{number})" if number.isalpha() else f"{number}."
    # A "heading" that is a whole sentence is a numbered paragraph, not a title.
    if len(title) > 100 or title.endswith("."):
        return Paragraph(f"{label} {title}")
    return Heading(f"{label} {title}", level=min(section["level"], 3))


def _text_block(line: str) -> list[Block]:
    text = nfc(line)
    if not text:
        return []
    if text[0] in "-+•":
        marker = "+" if text[0] == "+" else "-"
        return [Bullet(text[1:].strip(), marker=marker)]
    return [Paragraph(text)]


def _grouped_by_area[T: (Task, Target)](items: Iterable[T]) -> list[tuple[str, list[T]]]:
    groups: dict[str, list[T]] = {area: [] for area in AREA_TITLES}
    for item in items:
        groups.get(item.get("area") or "other", groups["other"]).append(item)
    return [(area, group) for area, group in groups.items() if group]


def _targets(plan: PlanExtraction) -> list[Block]:
    blocks: list[Block] = []
    seen: set[str] = set()
    for area, targets in _grouped_by_area(plan.get("targets") or []):
        # One sentence with several numbers is several targets but one line.
        texts = [t for t in dict.fromkeys(nfc(t["text"]) for t in targets) if t and t not in seen]
        seen.update(texts)
        if texts:
            number = sum(isinstance(b, Heading) for b in blocks) + 1
            blocks.append(Heading(f"{number}. {AREA_TITLES[area]}", level=2))
            blocks.extend(Bullet(_sentence(text)) for text in texts)
    return blocks


def _tasks(tasks: Sequence[Task]) -> list[Block]:
    blocks: list[Block] = []
    for number, (area, group) in enumerate(_grouped_by_area(tasks), start=1):
        title = AREA_TITLES[area] if area != "other" else "Nhiệm vụ khác"
        blocks.append(Heading(f"{number}. {title}", level=2))
        for task in group:
            # The bullet is the numbering here; the task's own "1." would double it.
            blocks.append(Bullet(_sentence(_LEADING_NUMBER.sub("", nfc(task["text"])))))
            lead = nfc(task.get("lead") or "")
            who = lead_sentence(
                [lead] if lead else [],
                [nfc(c) for c in task.get("coordinating") or [] if nfc(c)],
                nfc(task.get("timeframe") or ""),
            )
            if who:
                blocks.append(Paragraph(who))
    return blocks


def _budget(sources: Sequence[str]) -> list[Block]:
    texts = [nfc(s).rstrip(" ;,.") for s in sources if nfc(s)]
    if not texts:
        return []
    items = [Bullet(f"{t};") for t in texts[:-1]] + [Bullet(f"{texts[-1]}.")]
    return [Paragraph("Kinh phí thực hiện Kế hoạch được bảo đảm từ các nguồn sau:"), *items]


def _organisation(
    assignments: Sequence[Assignment],
    reporting: Sequence[ReportingItem],
    tasks: Sequence[Task],
    issuer_name: str,
    subject: str,
) -> list[Block]:
    blocks: list[Block] = []
    number = 0
    # One paragraph per agency heading the organisation section; its summaries joined.
    duties: dict[tuple[str, bool], list[str]] = {}
    for a in assignments:
        if a["role"] in ("responsible", "requested") and nfc(a["agency"]):
            key = (nfc(a["agency"]), a["role"] == "requested")
            summary = nfc(a.get("task_summary") or "").rstrip(" ;,.")
            duties.setdefault(key, [])
            if summary and summary not in duties[key]:
                duties[key].append(summary)
    for (agency, requested), summaries in duties.items():
        number += 1
        if requested and not agency.lower().startswith("đề nghị"):
            # "Đề nghị các tổ chức ...", but "Đề nghị Tòa án nhân dân huyện".
            plural = agency.startswith(("Các ", "Những "))
            agency = f"Đề nghị {_lower_first(agency) if plural else agency}"
        text = "; ".join(summaries) or "Thực hiện các nhiệm vụ được giao tại Kế hoạch này"
        blocks.append(Paragraph(_sentence(text), lead=f"{number}. {agency}:"))

    activities = _activities_not_in_tasks(assignments, tasks)
    if activities:
        number += 1
        blocks.append(Heading(f"{number}. Phân công chủ trì, phối hợp", level=2))
        for summary, (leads, coordinating) in activities.items():
            who = lead_sentence(leads, coordinating)
            blocks.append(Bullet(f"{_sentence(summary)} {who}" if summary else who))

    if reporting:
        number += 1
        blocks.append(Heading(f"{number}. Chế độ báo cáo", level=2))
        blocks.extend(Paragraph(text) for text in reporting_paragraphs(reporting))

    issuer_short = nfc(issuer_name)
    blocks.append(
        Paragraph(
            f"Trên đây là Kế hoạch {_lower_first(subject)} của {issuer_short}. Trong quá trình "
            "tổ chức thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị, địa phương "
            f"kịp thời phản ánh về {issuer_short} để xem xét, giải quyết./."
        )
    )
    return blocks


def _activities_not_in_tasks(
    assignments: Sequence[Assignment], tasks: Sequence[Task]
) -> dict[str, tuple[list[str], list[str]]]:
    """Per-activity lead and coordinate pairs that no task already names, by activity."""
    stated = {(fold(t.get("lead") or ""), "lead") for t in tasks}
    stated |= {(fold(c), "coordinate") for t in tasks for c in t.get("coordinating") or []}
    activities: dict[str, tuple[list[str], list[str]]] = {}
    for a in assignments:
        agency, role = nfc(a["agency"]), a["role"]
        if role not in ("lead", "coordinate") or not agency or (fold(agency), role) in stated:
            continue
        leads, coordinating = activities.setdefault(
            nfc(a.get("task_summary") or "").rstrip(" ;,."), ([], [])
        )
        names = leads if role == "lead" else coordinating
        if agency not in names:
            names.append(agency)
    return activities


def _default_recipients(assignments: Sequence[Assignment]) -> list[str]:
    """Without a list of its own, a plan goes to every body it assigns work to."""
    return list(dict.fromkeys(nfc(a["agency"]) for a in assignments if nfc(a["agency"])))


def _signature(signer: dict[str, str], *, committee: bool = False) -> Signature:
    """A signer as the extractor gives it ({"mode", "position", "name"}, maybe "authority")."""
    mode = nfc(signer.get("mode") or "").upper().rstrip(".")
    position = nfc(signer.get("position") or "").upper()
    name = nfc(signer.get("name") or "")
    authority = nfc(signer.get("authority") or "").upper()
    if mode == "KT" and committee:
        mode = "TM"
    if mode == "KT":
        return Signature("KT.", authority or "CHỦ TỊCH", position or "PHÓ CHỦ TỊCH", name)
    if mode == "TM" or not mode:
        position = position or "CHỦ TỊCH"
        # A vice-chair signs a committee's document "TM. ... / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".
        deputy_of = "CHỦ TỊCH" if position.startswith("PHÓ") else ""
        return Signature("TM.", authority or _COMMITTEE.upper(), position, name, deputy_of)
    # "Q." (acting), "TL." (by order), "TUQ." (by authorisation): printed as given.
    return Signature(f"{mode}.", authority, position, name)
