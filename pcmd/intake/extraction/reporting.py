"""Reporting duties: who reports what, how often, by which date, to whom.

A statement names its kinds in a row after "báo cáo" or "định kỳ": "báo cáo đột xuất,
định kỳ 6 tháng, hằng năm" is ad hoc, six-monthly and annual; "định kỳ ... theo quy
định" with no period is periodic; "báo cáo nhanh" is ad hoc. A due date follows its kind
("báo cáo 6 tháng gửi trước ngày 05/6"). "If difficulties arise, report to ..." is a
channel for problems, not a duty.
"""

import re
from dataclasses import dataclass

from ..types import ReportingItem, ReportingKind
from .agencies import Named, leading_names, split_names
from .common import Piece, lines, sentences

# Where a row of kinds may start: after these words, or at a kind that cannot be anything
# else in a sentence about reports ("6 tháng", "hằng quý").
_START = re.compile(r"\b(?:báo cáo|báo|định kỳ|chế độ)\b", re.IGNORECASE)
_KIND_START = re.compile(
    r"\b(?:6|06|sáu)\s+tháng\b|\b(?:hằng|hàng|mỗi)\s+(?:tháng|quý|năm)\b", re.IGNORECASE
)
# Between two kinds of a row: commas, "và", notes in brackets, and the first kind's date
# ("6 tháng trước ngày 05/6 và năm trước ngày 15/11").
_SEPARATOR = re.compile(
    r"(?:\s*(?:,|;|\bvà\b|\bhoặc\b|/|\([^)]*\)|(?:gửi\s+)?(?:trước|chậm nhất)\s+(?:ngày\s+)?"
    r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?)\s*)*\s*(?:(?:báo cáo|báo)\s+)?",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"(?:(?:định kỳ|thường xuyên|sơ kết|tổng kết)\s+)?(?:theo\s+|hằng\s+|hàng\s+|mỗi\s+|từng\s+)?"
    r"(?:(?P<six>(?:6|06|sáu)\s+tháng(?:\s+đầu năm|\s+cuối năm)?)|(?P<nine>(?:9|09|chín)\s+tháng)"
    r"|(?P<month>tháng)(?!\s*\d)|(?P<quarter>quý)(?!\s*(?-i:[IV]+\b)|\s*\d)|(?P<year>(?:cả\s+)?năm)(?!\s*\d)"
    r"|(?P<adhoc>đột xuất|nhanh|khi có yêu cầu)|(?P<periodic>định kỳ)|thường xuyên)\b",
    re.IGNORECASE,
)
# "kế hoạch hằng năm", "dự toán hằng năm": a yearly plan or budget, not a report.
_NOT_A_REPORT_BEFORE = re.compile(
    r"(?:kế hoạch|dự toán|ngân sách|chỉ tiêu|nhiệm vụ|kinh phí|được giao|chi thường xuyên)\s*$",
    re.IGNORECASE,
)
# A day and month, "05/6", "5 tháng 6", maybe with its year: "05/6/2025".
_DAY_MONTH = r"(?P<d>\d{1,2})\s*(?:/|\s+tháng\s+)\s*(?P<m>\d{1,2})\b(?:\s*/\s*\d{4})?"
_DUE = re.compile(
    rf"(?:trước|chậm nhất(?:\s+là)?|hạn|không quá)\s+(?:vào\s+)?(?:ngày\s+)?{_DAY_MONTH}",
    re.IGNORECASE,
)
# A date written before its kind: "trước ngày 15/6 (báo cáo 6 tháng)".
_DUE_BEFORE = re.compile(
    rf"(?:trước|chậm nhất(?:\s+là)?|hạn)\s+(?:vào\s+)?(?:ngày\s+)?{_DAY_MONTH}"
    r"\s*\(\s*(?:báo cáo\s+)?(?:định kỳ\s+)?$",
    re.IGNORECASE,
)
# A second date in a row: "trước ngày 15/6 và 15/12".
_MORE_DUE = re.compile(
    rf"\s*(?:,|và)\s*(?:ngày\s+)?{_DAY_MONTH}",
    re.IGNORECASE,
)
# A reporting regime without a period: "thực hiện chế độ báo cáo ...", "báo cáo UBND tỉnh
# ... theo quy định".
_REGIME = re.compile(
    r"chế độ (?:thông tin,?\s*)?báo cáo|\bbáo cáo\b[^.;]{0,160}?\btheo quy định", re.IGNORECASE
)
# A report sent somewhere: "báo cáo ... về", "gửi ...".
_REPORT_TO_WHOM = re.compile(r"\bbáo cáo\b.{0,120}?\b(?:về|gửi)\b|\bgửi\b.{0,60}?\bbáo cáo\b", re.I)
_CLAUSE = re.compile(r"[^;]+")
# Activities done "định kỳ" or "hằng năm" that are no report.
_OTHER_ACTIVITY = re.compile(
    r"(?:kiểm tra|thanh tra|khám(?: sức khỏe)?|đánh giá|giám sát|rà soát|tuần tra|họp|"
    r"giao ban|tập huấn|truy quét|kiểm soát|xét nghiệm)\s*(?:các\s+\S+\s*)?$",
    re.IGNORECASE,
)
_REPORT_WORD = re.compile(r"\bbáo cáo\b|\bbáo\b", re.IGNORECASE)
# "Nếu có khó khăn, vướng mắc ... báo cáo": the channel for problems.
_DIFFICULTIES = re.compile(
    r"(?:trong quá trình[^,;.]{0,40}?,?\s*)?(?:nếu|khi|trường hợp)\s+(?:có\s+)?(?:phát sinh\s+)?"
    r"(?:những\s+|các\s+)?(?:khó khăn|vướng mắc|vấn đề)"
    r"|trong quá trình[^.;]{0,40}?(?:có|phát sinh)\s+(?:khó khăn|vướng mắc)",
    re.IGNORECASE,
)
_RECIPIENT = re.compile(r"\b(?:gửi(?:\s+về)?|về)\s+", re.IGNORECASE)
_REPORT_TO = re.compile(r"\bbáo cáo\s+(?:kết quả\s+)?(?:về\s+)?", re.IGNORECASE)
_ADDRESSEES = re.compile(
    r"(?:yêu cầu|đề nghị)\s+(?P<who>.{4,120}?)\s+(?:nghiêm túc|triển khai|thực hiện|tổ chức|"
    r"căn cứ|khẩn trương|chủ động|có trách nhiệm)"
    r"|^(?P<subject>(?:thủ trưởng|các)\s.{4,120}?)\s+"
    r"(?:căn cứ|triển khai|thực hiện|có trách nhiệm)",
    re.IGNORECASE,
)
# "Định kỳ 6 tháng, hằng năm, ..." before the subject of a sentence.
_OPENING_PERIOD = re.compile(
    r"^[-+•\s]*(?:(?:định kỳ|hằng|hàng|mỗi|6|06|sáu|cuối)\s*(?:tháng|quý|năm)?[\s,]*(?:và\s+)?)+",
    re.IGNORECASE,
)
# "Các sở, ngành, địa phương báo cáo ...": bodies named as a group.
_GROUP_SUBJECT = re.compile(
    r"(?P<who>(?:thủ trưởng\s+)?(?:các|những)\s[^.;]{2,80}?)\s+(?:báo cáo|định kỳ|tổng hợp|"
    r"thực hiện|gửi|có trách nhiệm|căn cứ|hằng|hàng)\b",
    re.IGNORECASE,
)
DEFAULT_REPORTER = "Các cơ quan, đơn vị, địa phương"


@dataclass(frozen=True)
class _Kind:
    kind: ReportingKind
    due: str | None


def kinds_in(sentence: str) -> list[_Kind]:
    """The kinds of report a sentence requires, each with its due day/month if given."""
    if m := _DIFFICULTIES.search(sentence):
        # What follows "nếu có khó khăn, vướng mắc" is a channel for problems, not a duty.
        sentence = sentence[: m.start()]
    if not _REPORT_WORD.search(sentence):
        return []
    found: dict[int, tuple[int, ReportingKind]] = {}  # start -> (end, kind)
    periodic_at: list[int] = []
    # Kinds count in the clauses that speak of reports, and not after another activity:
    # "kiểm tra định kỳ, đột xuất các cơ sở; báo cáo ..." has no periodic report.
    reporting = [c.span() for c in _CLAUSE.finditer(sentence) if _REPORT_WORD.search(c.group())]

    def counts(at: int) -> bool:
        inside = any(a <= at < b for a, b in reporting)
        return inside and not _OTHER_ACTIVITY.search(sentence, max(0, at - 30), at)

    starts = [m.end() for m in _START.finditer(sentence) if counts(m.start())]
    starts += [m.start() for m in _KIND_START.finditer(sentence) if counts(m.start())]
    for m in _START.finditer(sentence):
        if m.group().lower() == "định kỳ" and counts(m.start()):
            periodic_at.append(m.start())
    for position in starts:
        while True:
            sep = _SEPARATOR.match(sentence, position)
            at = sep.end() if sep else position
            m = _PERIOD.match(sentence, at)
            if not m or m.end() == at:
                break
            if m.group("periodic"):
                periodic_at.append(m.start())
            kind = _kind(m)
            if kind is not None and not _NOT_A_REPORT_BEFORE.search(
                sentence, max(0, m.start() - 25), m.start()
            ):
                found[m.start()] = (m.end(), kind)
            position = m.end()
    explicit = sorted((start, end, kind) for start, (end, kind) in found.items())
    if periodic_at and not any(kind != "ad-hoc" for _, _, kind in explicit):
        explicit.append((periodic_at[0], periodic_at[0], "periodic"))
        explicit.sort()
    if not explicit:
        return _kinds_from_dates(sentence)
    dues = [
        _due_before(sentence, start)
        or _due(sentence, end, explicit[i + 1][0] if i + 1 < len(explicit) else len(sentence))
        for i, (start, end, _) in enumerate(explicit)
    ]
    dues = _pair_trailing_dates(sentence, explicit, dues)
    out: dict[ReportingKind, str | None] = {}
    for (_, _, kind), due in zip(explicit, dues, strict=True):
        if kind not in out or (out[kind] is None and due):
            out[kind] = due
    return [_Kind(kind, due) for kind, due in out.items()]


def _kinds_from_dates(sentence: str) -> list[_Kind]:
    """A statement that names no kind: "báo cáo ... trước ngày 05/6 và 05/11" dates the
    six-month report (due mid-year) and the annual one (due at the year's end); "chế độ
    báo cáo" or "báo cáo ... theo quy định" is the periodic regime."""
    dates: list[str] = []
    for first in _DUE.finditer(sentence):
        found = [_day_month(first)]
        position = first.end()
        while more := _MORE_DUE.match(sentence, position):
            found.append(_day_month(more))
            position = more.end()
        dates += [d for d in found if d]
    if dates and _REPORT_TO_WHOM.search(sentence):
        out: dict[ReportingKind, str | None] = {}
        for date in dates:
            month = int(date[3:])
            kind: ReportingKind = (
                "6-month" if 5 <= month <= 7 else "annual" if month >= 10 else "periodic"
            )
            out.setdefault(kind, date)
        return [_Kind(kind, due) for kind, due in out.items()]
    return [_Kind("periodic", None)] if _REGIME.search(sentence) else []


def _pair_trailing_dates(
    sentence: str, explicit: list[tuple[int, int, ReportingKind]], dues: list[str | None]
) -> list[str | None]:
    """ "Báo cáo 6 tháng và năm ... trước ngày 15/6 và 15/12": a row of dates goes to
    the kinds in order, when there is one date for each kind."""
    kinds: list[ReportingKind] = []
    for _, _, kind in explicit:
        if kind not in kinds and kind != "ad-hoc":
            kinds.append(kind)
    for first in _DUE.finditer(sentence, explicit[0][1]):
        dates = [_day_month(first)]
        position = first.end()
        while more := _MORE_DUE.match(sentence, position):
            dates.append(_day_month(more))
            position = more.end()
        if len(dates) >= 2:
            if len(dates) != len(kinds):
                return dues
            by_kind = dict(zip(kinds, dates, strict=True))
            return [by_kind.get(k, due) for (_, _, k), due in zip(explicit, dues, strict=True)]
    return dues


def _kind(m: re.Match[str]) -> ReportingKind | None:
    if m.group("six"):
        return "6-month"
    if m.group("month"):
        return "monthly"
    if m.group("quarter"):
        return "quarterly"
    if m.group("year"):
        return "annual"
    if m.group("adhoc"):
        return "ad-hoc"
    return None


def _due_before(sentence: str, start: int) -> str | None:
    m = _DUE_BEFORE.search(sentence, max(0, start - 60), start)
    return _day_month(m) if m else None


def _due(sentence: str, start: int, stop: int) -> str | None:
    m = _DUE.search(sentence, start, stop)
    if m is None or m.start() - start > 80:
        return None
    return _day_month(m)


def _day_month(m: re.Match[str]) -> str | None:
    day, month = int(m.group("d")), int(m.group("m"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{day:02d}/{month:02d}"


def recipients(sentence: Piece, level: str | None) -> list[Named]:
    """Who receives the report: the names after "gửi"/"về", else after "báo cáo"."""
    for pattern in (_RECIPIENT, _REPORT_TO):
        for m in pattern.finditer(sentence.text):
            rest = sentence.text[m.end() :]
            extent = leading_names(rest, level)
            if extent:
                return split_names(rest[:extent], sentence.start + m.end(), level)
    return []


def addressees(text: str, closing: Piece) -> str:
    """Whom the issuer's closing words address ("các sở, ban, ngành ...")."""
    for line in lines(text, closing.start, closing.end):
        for sentence in sentences(text, line):
            if m := _ADDRESSEES.search(sentence.text):
                who = (m.group("who") or m.group("subject") or "").strip(" ,")
                if who:
                    return who[0].upper() + who[1:]
    return DEFAULT_REPORTER


def statements(text: str, region: Piece) -> list[tuple[Piece, list[_Kind]]]:
    """The sentences of a region that require reports, with their kinds."""
    out = []
    for line in lines(text, region.start, region.end):
        for sentence in sentences(text, line):
            kinds = kinds_in(sentence.text)
            if kinds:
                out.append((sentence, kinds))
    return out


def items_for(
    reporters: list[str], sentence: Piece, kinds: list[_Kind], level: str | None
) -> list[ReportingItem]:
    """One item per (reporter, kind) of a statement."""
    to = [n.name for n in recipients(sentence, level)]
    out: list[ReportingItem] = []
    for reporter in reporters:
        for kind in kinds:
            out.append(
                {
                    "kind": kind.kind,
                    "due_day_month": kind.due,
                    "from": reporter,
                    "to": to,
                    "evidence": sentence.text,
                    "span": sentence.span,
                }
            )
    return out


def subject_names(sentence: Piece, level: str | None) -> list[str]:
    """The agencies a sentence opens with ("UBND các xã báo cáo ..."), if any."""
    body = _OPENING_PERIOD.sub("", sentence.text)
    offset = sentence.start + len(sentence.text) - len(body)
    extent = leading_names(body, level)
    names = [n.name for n in split_names(body[:extent], offset, level)] if extent else []
    if names:
        return [", ".join(names)]
    if m := _GROUP_SUBJECT.match(body):
        return [m.group("who")[0].upper() + m.group("who")[1:]]
    return []
