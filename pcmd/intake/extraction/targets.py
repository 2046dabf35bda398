"""Targets: the quantified commitments of a plan.

A target is a number in a sentence that commits to something: a percentage ("ít nhất
70% số xã ..."), a count ("xây dựng thí điểm 01 mô hình"), a range ("từ 01-02 xã") or
a frequency ("ít nhất một tháng một lần"). One sentence may carry several ("Ít nhất 70%
người lao động ...; 60% ...; 70% học sinh ... được tuyên truyền"): one target per
number, each with the whole sentence as its text. Document numbers, dates, years, team
names ("Đội 178") and periods ("6 tháng") are not targets.
"""

import re
from dataclasses import dataclass
from typing import Literal

from ..types import Area, Comparator, Frequency, Target, TargetUnit
from .common import NUMBER_WORD_PATTERN, Piece, clauses, number, sentences

_N = rf"(?:\d{{1,2}}|{NUMBER_WORD_PATTERN})"
# Numbers that are not quantities: document numbers and dates ("178/2004/NĐ-CP",
# "05/6"), years, and numbers that name things ("Đội 178", "Điều 5", "Quý II").
_MASKS = (
    re.compile(r"\d+(?:\s*/\s*[^\s,;()]+)+"),
    re.compile(r"\b(?:19|20)\d{2}\b(?:\s*[-–—]\s*(?:19|20)\d{2}\b)?"),
    re.compile(
        r"\b(?:đội|ban chỉ đạo|nghị định|quyết định|chỉ thị|thông tư|nghị quyết|kế hoạch|"
        r"công văn|điều|khoản|chương|mục|phụ lục|quý|tháng|ngày|tuần|lần thứ|số|tổ|khu|"
        r"thôn|xóm|ấp|bản|phường|đợt|giai đoạn|năm|lớp|khóa)\s+\d+(?:\s*[-–]\s*\d+)?",
        re.IGNORECASE,
    ),
    re.compile(r"\d+\s*(?:tháng|năm|ngày|quý|tuần|giờ|phút|tuổi)\b", re.IGNORECASE),
)
_PERCENT = re.compile(
    r"(?P<a>\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%\s*)?(?:[-–]|đến)\s*(?P<b>\d{1,3}(?:[.,]\d{1,2})?)"
    r"\s*(?:%|phần trăm)|(?P<v>\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|phần trăm)",
    re.IGNORECASE,
)
# Things a plan counts. Periods, contents and criteria are not counted towards a target.
_UNITS = (
    "mô hình|xã|phường|thị trấn|huyện|đơn vị|điểm|lớp|buổi|đợt|cuộc|lượt|hội nghị|hội thi|"
    "hội thảo|tin|bài|phóng sự|chuyên mục|chuyên trang|chương trình|người|cán bộ|cơ sở|"
    "câu lạc bộ|nhóm|đội|tổ|hộ|khóa|sản phẩm|tài liệu|tờ rơi|pa nô|pano|áp phích|băng rôn|"
    "đoàn|vụ|đối tượng|trường hợp|học viên|thôn|tổ dân phố|khu dân cư|địa bàn|tụ điểm|"
    "ổ nhóm|đường dây|cụm|panô|bảng|video|clip|tiểu phẩm|ký sự|sự kiện|chiến dịch|"
    "chuyến|lần kiểm tra"
)
# The unit is looked at, not taken: it opens the population counted ("01 lớp tập huấn").
_COUNT = re.compile(
    rf"(?:từ\s+)?(?P<a>\d{{1,4}})\s*(?:[-–]|đến)\s*(?P<b>\d{{1,4}})(?=\s+(?:{_UNITS})\b)"
    rf"|(?P<v>\d{{1,4}})(?=\s+(?:{_UNITS})\b)",
    re.IGNORECASE,
)
# "ít nhất một tháng một lần", "hàng tháng ít nhất 01 lần", "01 lần/tháng".
_PER_MONTH = re.compile(
    rf"(?P<q1>ít nhất|tối thiểu)?\s*(?:(?P<months>{_N})|mỗi|hàng|hằng)\s+tháng\s*,?\s*"
    rf"(?:(?P<q2>ít nhất|tối thiểu)\s+)?(?:có\s+)?(?P<times>{_N})\s+lần"
    rf"|(?P<q3>ít nhất|tối thiểu)?\s*(?P<times2>{_N})\s+lần\s*(?:/|trên|mỗi|một|trong)\s*"
    r"(?:01\s+|1\s+|một\s+)?tháng",
    re.IGNORECASE,
)
_AT_LEAST_BEFORE = re.compile(
    r"(?:ít nhất|tối thiểu|không dưới|không thấp hơn|không ít hơn|trên|hơn|vượt|đạt trên|"
    r"đạt ít nhất|đạt tối thiểu)\s*(?:là\s*)?(?:từ\s*)?$",
    re.IGNORECASE,
)
_AT_MOST_BEFORE = re.compile(
    r"(?:dưới|không quá|tối đa|không vượt quá|không vượt|xuống dưới|còn dưới|xuống còn|"
    r"thấp hơn)\s*(?:là\s*)?$",
    re.IGNORECASE,
)
_AT_LEAST_AFTER = re.compile(r"^\s*(?:[^\s,;]+\s+){0,6}?trở lên\b", re.IGNORECASE)
_AT_MOST_AFTER = re.compile(r"^\s*(?:[^\s,;]+\s+){0,6}?trở xuống\b", re.IGNORECASE)
_STRIVE = re.compile(r"\bphấn đấu\b|\bít nhất\b|\btối thiểu\b", re.IGNORECASE)
_DEADLINE = re.compile(
    r"(?:đến|tới|trước|vào|trong)\s+(?:hết\s+|cuối\s+)?năm\s+((?:19|20)\d{2})", re.IGNORECASE
)
_EACH_YEAR = re.compile(r"\b(?:hằng|hàng|mỗi)\s+năm\b", re.IGNORECASE)
_EACH_MONTH = re.compile(r"\b(?:hằng|hàng|mỗi)\s+tháng\b", re.IGNORECASE)
# Where the predicate starts after a counted population ("học sinh ... được tuyên truyền").
_PREDICATE = re.compile(
    r"\s(?:được|tổ chức|xây dựng|có|lồng ghép|thực hiện|tham gia|triển khai|tiếp cận|"
    r"sử dụng|duy trì|bố trí|cam kết|biết|hiểu|nắm được|không|đảm bảo|bảo đảm|áp dụng|"
    r"hoàn thành|thành lập|đạt|ký|nhận|tiếp nhận|xử lý)\b",
    re.IGNORECASE,
)
_LEAD_WORDS = re.compile(
    r"^(?:[-+•]\s*)?(?:phấn đấu|đảm bảo|bảo đảm|hằng năm|hàng năm|mỗi năm|trong năm|"
    r"tỷ lệ|(?:đến|tới)\s+(?:hết\s+)?năm\s+\d{4}|ít nhất|tối thiểu|từ|có|đạt|,|\s)+",
    re.IGNORECASE,
)

Kind = Literal["annual", "phase"]


@dataclass
class ListContext:
    """What a lead-in line ("Phấn đấu đến năm 2025:") says about the items below it."""

    at_least: bool = False
    deadline: int | None = None
    each_year: bool = False


@dataclass
class _Found:
    start: int  # in the clause
    end: int
    value: int | float
    value_max: int | float | None
    unit: TargetUnit
    comparator: Comparator | None
    clause: Piece
    limit: int | None = None  # where the next number in the clause starts

    @property
    def position(self) -> int:
        """Where the number is in the cleaned text."""
        return self.clause.start + self.start


def list_context(text: str) -> ListContext | None:
    """The context a line ending with ":" gives the list items after it, or None."""
    if not text.rstrip().endswith(":"):
        return None
    deadline = _DEADLINE.search(text)
    return ListContext(
        at_least=bool(_STRIVE.search(text)),
        deadline=int(deadline.group(1)) if deadline else None,
        each_year=bool(_EACH_YEAR.search(text)),
    )


def targets_in_line(
    text: str, line: Piece, *, area: Area, kind: Kind, context: ListContext | None = None
) -> list[Target]:
    """Every target in one line (a paragraph or a list item) of the cleaned text."""
    out: list[Target] = []
    for sentence in sentences(text, line):
        out.extend(targets_in_sentence(text, sentence, area=area, kind=kind, context=context))
    return out


def targets_in_sentence(
    text: str, sentence: Piece, *, area: Area, kind: Kind, context: ListContext | None = None
) -> list[Target]:
    found = _numbers(text, sentence)
    if not found:
        return []
    context = context or ListContext()
    at_least = context.at_least
    strive_at = _STRIVE.search(sentence.text)
    each_year = context.each_year or bool(_EACH_YEAR.search(sentence.text))
    monthly = bool(_EACH_MONTH.search(sentence.text))
    out: list[Target] = []
    for item, following in zip(found, [*found[1:], None], strict=True):
        # What a number counts stops where the next number in its clause starts.
        if following is not None and following.clause is item.clause:
            item.limit = following.start
    shared_condition = _shared_condition(found)
    for item in found:
        comparator = item.comparator
        if comparator is None:
            # A bare number in a list that opened with "ít nhất" / "phấn đấu" is a minimum.
            starts_before = (
                strive_at is not None and sentence.start + strive_at.start() < item.position
            )
            comparator = ">=" if (at_least or starts_before) else "="
        if comparator == ">=" and strive_at is not None:
            at_least = True
        deadline = _deadline(item, sentence, found[0].position) or context.deadline
        population, condition = _population_condition(item)
        out.append(
            {
                "area": area,
                "text": sentence.text,
                "value": item.value,
                "value_max": item.value_max,
                "unit": item.unit,
                "comparator": comparator,
                "population": population,
                "condition": condition or shared_condition,
                "deadline_year": deadline,
                "frequency": _frequency(item.unit, kind, deadline, each_year, monthly),
                "span": sentence.span,
            }
        )
    return out


def _frequency(
    unit: TargetUnit, kind: Kind, deadline: int | None, each_year: bool, monthly: bool
) -> Frequency:
    if unit == "times_per_month" or (monthly and unit == "count"):
        return "monthly"
    if kind == "annual":
        return "annual"
    return "annual" if each_year and deadline is None else "period"


def _masked(value: str) -> str:
    for mask in _MASKS:
        value = mask.sub(lambda m: " " * len(m.group()), value)
    return value


def _numbers(text: str, sentence: Piece) -> list[_Found]:
    out: list[_Found] = []
    for clause in clauses(text, sentence):
        raw = clause.text
        masked = _masked(raw)
        taken: list[tuple[int, int]] = []
        for m in _PER_MONTH.finditer(raw):
            months = number(m.group("months")) if m.group("months") else 1
            times = number(m.group("times") or m.group("times2"))
            value = times / months if months else times
            value = int(value) if float(value).is_integer() else round(value, 2)
            at_least = m.group("q1") or m.group("q2") or m.group("q3")
            taken.append((m.start(), m.end()))
            out.append(
                _Found(
                    m.start(),
                    m.end(),
                    value,
                    None,
                    "times_per_month",
                    ">=" if at_least else "=",
                    clause,
                )
            )
        for m in _PERCENT.finditer(masked):
            if _overlaps(m.start(), m.end(), taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(_found(raw, m, clause, "percent"))
        percents = [f.start for f in out if f.clause is clause and f.unit == "percent"]
        for m in _COUNT.finditer(masked):
            if _overlaps(m.start(), m.end(), taken) or not _is_count(raw, m):
                continue
            # "70% số xã tổ chức ít nhất 02 buổi": the count says what the units must do.
            if any(p < m.start() for p in percents):
                continue
            taken.append((m.start(), m.end()))
            out.append(_found(raw, m, clause, "count"))
    out.sort(key=lambda f: f.position)
    return out


def _is_count(raw: str, m: re.Match[str]) -> bool:
    """A count commits to something when written "01" (administrative style), as a
    range, or after a word of quantity or action ("ít nhất 5 lớp", "tổ chức 3 buổi")."""
    digits = m.group("a") or m.group("v")
    if m.group("b") or digits.startswith("0"):
        return True
    before = raw[: m.start()].rstrip().lower()
    return bool(
        re.search(
            r"(?:ít nhất|tối thiểu|phấn đấu|từ|đạt|trên|mới|thí điểm|tổ chức|xây dựng|"
            r"thành lập|mở|duy trì|chuyển hóa|kiểm tra|đào tạo|tập huấn|phát hành|in|"
            r"đăng|phát sóng|sản xuất|hỗ trợ|triển khai|nhân rộng|giảm|tăng)$",
            before,
        )
    )


def _found(raw: str, m: re.Match[str], clause: Piece, unit: TargetUnit) -> _Found:
    before = raw[: m.start()]
    after = raw[m.end() :]
    if m.group("b"):
        return _Found(
            m.start(),
            m.end(),
            number(m.group("a")),
            number(m.group("b")),
            unit,
            "range",
            clause,
        )
    comparator: Comparator | None = None
    if _AT_LEAST_BEFORE.search(before) or _AT_LEAST_AFTER.match(after):
        comparator = ">="
    elif _AT_MOST_BEFORE.search(before) or _AT_MOST_AFTER.match(after):
        comparator = "<="
    return _Found(m.start(), m.end(), number(m.group("v")), None, unit, comparator, clause)


def _overlaps(a: int, b: int, taken: list[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in taken)


def _deadline(item: _Found, sentence: Piece, first: int) -> int | None:
    """The year named in the number's clause, or before the sentence's first number
    ("Phấn đấu đến năm 2030, 100% ...; 80% ...")."""
    if m := _DEADLINE.search(item.clause.text):
        return int(m.group(1))
    m = _DEADLINE.search(sentence.text)
    if m and sentence.start + m.end() <= first:
        return int(m.group(1))
    return None


def _population_condition(item: _Found) -> tuple[str, str]:
    """What is counted and what must hold for it, from the words around the number."""
    raw = item.clause.text
    after = raw[item.end : item.limit].strip(" ,.")
    after = re.sub(r"\s+(?:và|,)\s*(?:ít nhất|tối thiểu|trên)?$", "", after)
    before = _LEAD_WORDS.sub("", raw[: item.start]).strip(" ,.")
    before = re.sub(r"(?:ít nhất|tối thiểu|từ|trên|đạt)\s*$", "", before).strip(" ,.")
    if item.unit == "times_per_month":
        return "", (before + " " + after).strip()
    if item.unit == "count":
        population = re.split(r"\s(?:nhằm|để|về|tại|cho)\s", after, maxsplit=1)[0]
        return _first_words(population, 12), before or after
    if predicate := _PREDICATE.search(" " + after):
        cut = max(predicate.start() - 1, 0)
        return after[:cut].strip(" ,."), after[cut:].strip(" ,.")
    if after and before and not re.match(r"so với\b", after, re.IGNORECASE):
        # "tổ chức kiểm tra ít nhất 20% số cơ sở ...": the action came first.
        return after, before
    if before:
        # "Tỷ lệ người bán dâm có nhu cầu được tiếp cận ... đạt 100%".
        subject = re.sub(r"^tỷ lệ\s+", "", before, flags=re.IGNORECASE)
        subject = re.sub(r"\s+đạt$", "", subject)
        if inner := _PREDICATE.search(" " + subject):
            cut = max(inner.start() - 1, 0)
            return subject[:cut].strip(" ,."), subject[cut:].strip(" ,.")
        return subject, ""
    return after, ""


def _shared_condition(found: list[_Found]) -> str:
    """The predicate a list of populations shares, from its last clause that has one."""
    for item in reversed(found):
        _, condition = _population_condition(item)
        if condition and item.unit == "percent":
            return condition
    return ""


def _first_words(value: str, count: int) -> str:
    words = value.split()
    return " ".join(words[:count])
