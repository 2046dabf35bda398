"""Budget sources: the "Kinh phí" section, one source per clause that names one
("ngân sách nhà nước theo phân cấp", "nguồn viện trợ", "các nguồn hợp pháp khác")."""

import re

from ..types import BudgetSource
from .common import Piece, clauses, lines, sentences
from .outline import Outline

_SOURCE_WORDS = re.compile(
    r"ngân sách|nguồn|kinh phí|viện trợ|tài trợ|xã hội hóa|xã hội hoá|huy động|đóng góp|vốn",
    re.IGNORECASE,
)
# How a budget sentence opens before it names the source.
_LEAD_IN = re.compile(
    r"^(?:[-+•]\s*)?(?:\d+(?:\.\d+)*[.)]\s*)?(?:kinh phí[^,;:]{0,60}?(?:được bố trí|được bảo đảm|"
    r"được đảm bảo|bố trí|đảm bảo|bảo đảm|được cấp|lấy|được huy động)?\s*(?:từ|bằng|do|:)\s+|"
    r"(?:từ|bằng)\s+)?",
    re.IGNORECASE,
)
# Sentences about procedure (estimates, appraisal, settlement) are not sources.
_PROCEDURE = re.compile(
    r"^(?:các cơ quan|các đơn vị|hằng năm|hàng năm|đối với|căn cứ|giao|sở tài chính|"
    r"phòng tài chính)",
    re.IGNORECASE,
)


def budget_sources(text: str, outline: Outline) -> list[BudgetSource]:
    """One item per source the budget sections name, as written."""
    out: list[BudgetSource] = []
    for heading in outline.of_kind("budget"):
        if any(a.kind == "budget" for a in heading.ancestors()):
            continue
        for line in lines(text, heading.title_end, heading.end):
            for sentence in sentences(text, line):
                if _PROCEDURE.match(sentence.text.lstrip("-+• ")):
                    continue
                for clause in clauses(text, sentence):
                    source = _source(text, clause)
                    if source is not None:
                        out.append({"text": source.text, "span": source.span})
    return out


def _source(text: str, clause: Piece) -> Piece | None:
    if not _SOURCE_WORDS.search(clause.text):
        return None
    start = clause.start
    if m := _LEAD_IN.match(clause.text):
        start += m.end()
    end = clause.end
    while end > start and text[end - 1] in " .,:;":
        end -= 1
    value = text[start:end]
    if len(value.split()) < 2:
        return None
    return Piece(start, end, value)
