"""The shape of an extracted plan: ../shared/plans/SCHEMA.md plus what review needs.

`extract_plan` returns a `PlanExtraction`; `pcmd plan import --json` prints it; the plans
app saves it as a draft; the documents app renders a plan given in the same shape. Keys
of SCHEMA.md keep their meaning; the others are additions. Every `span` is
`[start, end)` character offsets into `text` (the cleaned text), so the review page can
highlight where an item came from.
"""

from typing import Literal, NotRequired, TypedDict

Span = list[int]  # [start, end) into PlanExtraction["text"]

Area = Literal[
    "communication",
    "prevention_integration",
    "inspection_enforcement",
    "harm_reduction_support",
    "capacity_building",
    "healthy_communes",
    "other",
]
Comparator = Literal[">=", "=", "<=", "range"]
TargetUnit = Literal["percent", "count", "times_per_month"]
Frequency = Literal["annual", "period", "monthly"]
AssignmentRole = Literal["lead", "coordinate", "responsible", "requested"]
ReportingKind = Literal["6-month", "annual", "quarterly", "monthly", "ad-hoc", "periodic"]
IssuerLevel = Literal["province", "district", "commune"]


class Issuer(TypedDict):
    name: str  # "UBND huyện Chi Lăng"
    level: IssuerLevel | None


class Period(TypedDict):
    start: int | None
    end: int | None


class LegalBasis(TypedDict):
    text: str  # the reference as written
    kind: str  # "Kế hoạch", "Nghị định", "Quyết định", "Chỉ thị", ...
    number: str  # "76/KH-UBND" ("" when none is given)
    date: str | None  # ISO date when given
    issuer: str  # "UBND tỉnh Lạng Sơn" ("" when none)
    span: Span


class Section(TypedDict):
    number: str  # "I", "1", "2.1", "a" as written, without punctuation
    title: str  # the heading text, without the number
    level: int  # 1 = I./II., 2 = 1./2., 3 = 1.1./2.1. or a)/b), ...
    span: Span  # the heading and its body, to the next heading of the same or higher level
    heading_span: Span


class Target(TypedDict):
    area: Area
    text: str  # the sentence as written (NFC, whitespace folded, no markdown)
    value: float | int
    value_max: float | int | None
    unit: TargetUnit
    comparator: Comparator
    population: str
    condition: str
    deadline_year: int | None
    frequency: Frequency
    span: Span


class Assignment(TypedDict):
    agency: str  # the name as written
    role: AssignmentRole
    task_summary: str
    reports_to: list[str]
    agency_type: str | None  # catalogue code (pcmd.orgs) when the name matched one
    known: bool  # False: the name matched no catalogue type or alias; review flags it
    span: Span


class Task(TypedDict):
    text: str
    area: Area
    lead: str  # agency as written, "" when none is named
    coordinating: list[str]
    timeframe: str  # "Thường xuyên", "Quý II/2024", "" when none
    span: Span


# "from" is a Python keyword, hence the functional form.
ReportingItem = TypedDict(
    "ReportingItem",
    {
        "kind": ReportingKind,
        "due_day_month": str | None,
        "from": str,
        "to": list[str],
        "evidence": str,
        "span": Span,
    },
)


class BudgetSource(TypedDict):
    text: str
    span: Span


class PlanExtraction(TypedDict):
    document: str  # file name
    text: str  # the cleaned text every span points into
    title: str
    kind: Literal["annual", "phase"]
    number: str  # "76/KH-UBND"; "/KH-UBND" when the number is left blank
    issuer: Issuer
    place: str
    issued_on: str | None  # "YYYY-MM-DD", "YYYY-MM-??" when the day is blank, or None
    period: Period
    legal_basis: list[str]  # SCHEMA.md: the references as written
    legal_basis_items: list[LegalBasis]
    sections: list[Section]
    targets: list[Target]
    tasks: list[Task]
    assignments: list[Assignment]
    reporting: list[ReportingItem]
    budget_sources: list[str]  # SCHEMA.md: as written
    budget_items: list[BudgetSource]
    warnings: list[str]  # for the reviewer, in Vietnamese
    signer: NotRequired[dict[str, str]]  # {"mode": "TM."|"KT.", "position": ..., "name": ...}
    recipients: NotRequired[list[str]]  # Nơi nhận
