"""The plan extractor: the text of a plan (Kế hoạch) in, its structure out.

    extract_plan(text, document="76-KH-UBND.docx") -> PlanExtraction

Steps: clean the text (clean), find the header and the footer (header), the outline of
numbered sections (outline), the targets (targets), the agencies' assignments and the
activities (assignments), the reporting duties (reporting) and the budget sources
(budget). Agency names are matched against the catalogue in the database
(pcmd.orgs.matching), so the database must be reachable.
"""

import re

from ..types import Assignment, AssignmentRole, PlanExtraction, ReportingItem, Target, Task
from .agencies import Named, body_key, match_cache_clear, name_key
from .assignments import (
    Activity,
    AgencyParagraph,
    activities,
    organisation_paragraphs,
    partners,
    task_bullets,
    task_summary,
    tasks_from_activities,
)
from .budget import budget_sources
from .clean import clean_text
from .common import Piece, lines
from .header import Header, read_header, read_legal_basis
from .outline import Heading, Outline, build_outline
from .reporting import DEFAULT_REPORTER, addressees, items_for, statements, subject_names
from .targets import ListContext, list_context, targets_in_line

__all__ = ["clean_text", "extract_plan"]

# Requirements in general words and past results state no reporting duty.
_NO_REPORTING = ("purpose", "results", "budget")
_BULLET = re.compile(r"[-+•–]\s*")  # used with match(), at a line's start
_DISTRICT_WORDS = re.compile(r"\bPhòng\s+[A-ZĐ]|\bhuyện\b")
_PROVINCE_WORDS = re.compile(r"\bSở\s+[A-ZĐ]")
_COMMUNE_WORDS = re.compile(r"\b(?:Công an xã|Trạm Y tế|Công chức|Đoàn Thanh niên xã)\b")


def extract_plan(text: str, *, document: str = "") -> PlanExtraction:
    """The structure of one plan. Spans are [start, end) offsets into the returned
    "text" (the cleaned text). Sections, targets, tasks and reporting duties are in the
    order of the document; assignments list the organisation section's bodies first,
    then partners named only in others' paragraphs, then per-activity leads and partners."""
    match_cache_clear()
    cleaned = clean_text(text)
    header = read_header(cleaned)
    outline = build_outline(cleaned, header.body_start, header.body_end)
    first_heading = outline.headings[0].start if outline.headings else header.body_start
    level = header.issuer["level"] or _level_from_text(cleaned)
    paragraphs, closing = organisation_paragraphs(cleaned, outline, level, header.body_end)
    found_activities = activities(cleaned, first_heading, header.body_end, level)
    if header.appendix_start is not None:
        found_activities += activities(cleaned, header.appendix_start, len(cleaned), level)
    targets = _targets(cleaned, outline, header, first_heading)
    reporting = _reporting(cleaned, outline, header, paragraphs, closing, found_activities, level)
    assignments = _assignments(cleaned, paragraphs, found_activities, reporting, level)
    tasks: list[Task] = tasks_from_activities(found_activities, outline)
    tasks += task_bullets(cleaned, outline, found_activities)
    tasks.sort(key=lambda task: task["span"][0])
    legal = read_legal_basis(cleaned, header.body_start, first_heading)
    budget = budget_sources(cleaned, outline)
    extraction: PlanExtraction = {
        "document": document,
        "text": cleaned,
        "title": header.title,
        "kind": header.kind,
        "number": header.number,
        "issuer": header.issuer,
        "place": header.place,
        "issued_on": header.issued_on,
        "period": header.period,
        "legal_basis": [item["text"] for item in legal],
        "legal_basis_items": legal,
        "sections": [h.section() for h in outline.headings],
        "targets": targets,
        "tasks": tasks,
        "assignments": assignments,
        "reporting": reporting,
        "budget_sources": [item["text"] for item in budget],
        "budget_items": budget,
        "warnings": _warnings(header, outline, targets, assignments, reporting),
    }
    if header.signer:
        extraction["signer"] = header.signer
    if header.recipients:
        extraction["recipients"] = header.recipients
    return extraction


def _level_from_text(text: str) -> str | None:
    """The issuer's level guessed from the agencies a plan names, when its header is lost."""
    counts = {
        "province": len(_PROVINCE_WORDS.findall(text)),
        "district": len(_DISTRICT_WORDS.findall(text)),
        "commune": len(_COMMUNE_WORDS.findall(text)),
    }
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def _targets(text: str, outline: Outline, header: Header, first_heading: int) -> list[Target]:
    heading_at = {h.start: h for h in outline.headings}
    out: list[Target] = []
    context: ListContext | None = None
    for line in lines(text, first_heading, header.body_end):
        if outline.kind_at(line.start) in ("results", "budget") or "|" in line.text:
            context = None
            continue
        heading = heading_at.get(line.start)
        start = heading.title_start if heading else line.start
        if bullet := _BULLET.match(text, start, line.end):
            start = bullet.end()
        body = Piece(start, line.end, text[start : line.end])
        # Only the bullets under a lead-in line ("Đến năm 2030:") share what it says.
        own = context if heading is None and _BULLET.match(line.text) else None
        area = outline.area_at(line.start, line.text)
        out += targets_in_line(text, body, area=area, kind=header.kind, context=own)
        lead_in = list_context(line.text)
        if lead_in is not None or heading is not None or not _BULLET.match(line.text):
            context = lead_in
    return out


def _assignments(
    text: str,
    paragraphs: list[AgencyParagraph],
    found_activities: list[Activity],
    reporting: list[ReportingItem],
    level: str | None,
) -> list[Assignment]:
    out: list[Assignment] = []
    seen: set[tuple[str, str]] = set()
    reports_to: dict[str, list[str]] = {}
    for item in reporting:
        for name in item["to"]:
            if name not in reports_to.setdefault(item["from"], []):
                reports_to[item["from"]].append(name)

    def add(named: Named, role: AssignmentRole, summary: str, key: str | None = None) -> None:
        dedupe = (role, key or name_key(named.name))
        if dedupe in seen:
            return
        seen.add(dedupe)
        out.append(
            {
                "agency": named.name,
                "role": role,
                "task_summary": summary,
                "reports_to": reports_to.get(named.name, []),
                "agency_type": named.code,
                "known": named.known,
                "span": [named.start, named.end],
            }
        )

    own: set[tuple[str, str]] = set()
    for paragraph in paragraphs:
        summary = task_summary(text, paragraph.body)
        for named in paragraph.names:
            add(named, paragraph.role, summary)
        own.update(body_key(named) for named in paragraph.names + paragraph.group)
    # A body named only as a partner in others' paragraphs coordinates.
    for named, paragraph in partners(text, paragraphs, level):
        if body_key(named) not in own:
            add(
                named,
                "coordinate",
                task_summary(text, paragraph.body),
                key="|".join(body_key(named)),
            )
    # Across activities one entry per body and role, however each activity writes it
    # ("Công an xã", "Công an"); bodies of one field stay apart ("Phòng Y tế", "Trạm Y tế").
    for activity in found_activities:
        summary = activity.text.text.lstrip("-+• ")[:160]
        for named in activity.lead:
            add(named, "lead", summary, key="|".join(body_key(named)))
        for named in activity.coordinating:
            add(named, "coordinate", summary, key="|".join(body_key(named)))
    return out


def _reporting(
    text: str,
    outline: Outline,
    header: Header,
    paragraphs: list[AgencyParagraph],
    closing: int | None,
    found_activities: list[Activity],
    level: str | None,
) -> list[ReportingItem]:
    out: list[ReportingItem] = []
    # Titles such as "4. Chế độ thông tin, báo cáo" name the subject; they state no duty.
    titles = {h.line.end for h in outline.headings if _title_only(h)}
    done: set[int] = set()
    given: dict[tuple[str, str], ReportingItem] = {}  # by the agencies' own paragraphs

    def scan(region: Piece, reporters: list[str] | None, default: str) -> None:
        for sentence, kinds in statements(text, region):
            # Regions overlap (a paragraph lies in its section); a sentence ends once.
            if sentence.end in done or sentence.end in titles:
                continue
            done.add(sentence.end)
            who = reporters or subject_names(sentence, level) or [default]
            for item in items_for(who, sentence, kinds, level):
                key = (name_key(item["from"]), item["kind"])
                if reporters is None and key in given:
                    # A reporting section restating a duty an agency's paragraph gave.
                    given[key]["due_day_month"] = (
                        given[key]["due_day_month"] or item["due_day_month"]
                    )
                    continue
                if reporters is not None:
                    given.setdefault(key, item)
                out.append(item)

    end = closing if closing is not None else header.body_end
    for paragraph in paragraphs:
        # A statement in a paragraph of several bodies is one duty of them together.
        scan(paragraph.body, [", ".join(n.name for n in paragraph.names)], "")
    for activity in found_activities:
        if activity.lead:
            scan(activity.text, [", ".join(n.name for n in activity.lead)], "")
    for heading in outline.headings:
        if heading.start < end and outline.kind_at(heading.start) not in _NO_REPORTING:
            start = heading.title_end if _title_only(heading) else heading.title_start
            scan(Piece(start, min(heading.end, end), ""), None, DEFAULT_REPORTER)
    if closing is not None:
        region = Piece(closing, header.body_end, text[closing : header.body_end])
        scan(region, None, addressees(text, region))
    out.sort(key=lambda item: item["span"][0])
    return out


def _title_only(heading: Heading) -> bool:
    """A short heading line with no sentence after it ("CHẾ ĐỘ BÁO CÁO")."""
    return (
        heading.title_end == heading.line.end
        and len(heading.title.split()) <= 8
        and not heading.line.text.endswith(".")
    )


def _warnings(
    header: Header,
    outline: Outline,
    targets: list[Target],
    assignments: list[Assignment],
    reporting: list[ReportingItem],
) -> list[str]:
    out = []
    if not header.found_title and not outline.headings:
        out.append("Văn bản không giống một kế hoạch: không thấy tiêu đề “KẾ HOẠCH” và các mục.")
    elif not header.found_title:
        out.append("Không thấy tiêu đề “KẾ HOẠCH”.")
    if not header.issuer["name"]:
        out.append("Không xác định được cơ quan ban hành.")
    if header.issued_on is None:
        out.append("Không xác định được ngày ban hành.")
    if not targets:
        out.append("Không tìm thấy chỉ tiêu nào.")
    if not assignments:
        out.append("Không tìm thấy phân công nhiệm vụ cho cơ quan nào.")
    if not reporting:
        out.append("Không tìm thấy chế độ báo cáo.")
    unknown = []
    for item in assignments:
        if not item["known"] and item["agency"] not in unknown:
            unknown.append(item["agency"])
    out += [f"Không nhận ra cơ quan “{name}” trong danh mục." for name in unknown]
    return out
