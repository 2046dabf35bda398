"""Reporting periods: period codes, data cut-off windows and due-date rules (pure Python).

Period codes follow DHIS2; spaces are ignored and case does not matter:

    2024                annual
    2024S1, 2024S2      six-monthly (first and second half of the year)
    2024Q1 … 2024Q4     quarterly
    202401 … 202412     monthly
    20240315_20240410   ad hoc, 15/03/2024 to 10/04/2024, both days included

Years run from 2000 to 2100.

Data cut-off (`data_window`): with `CutOff.ND09` (Nghị định 09/2019/NĐ-CP, art. 12) a period's
data run from the 15th of the month before the period starts to the 14th of the month it ends in
(monthly: 15 of the previous month to 14; quarterly: 15 of the month before the quarter to 14 of
its last month; S1: 15/12 of the previous year to 14/06; S2: 15/06 to 14/12; annual: 15/12 of the
previous year to 14/12). With `CutOff.CALENDAR` they are the period's own dates. An ad hoc period
always uses its own dates.

Due-date rules (`parse_due_rule`, `due_date`), configured per form and per plan; spaces are
ignored and case does not matter:

    end+N       N days after the period's end (N from 0 to 366).
    cutoff+N    N days after the end of the data window, for the cut-off in use.
    DD/MM       that day in the year the period ends, or in the next year if it would fall before
                the period starts: "15/11" for an annual report is 15/11 of the same year, "05/01"
                for December 2024 is 05/01/2025. An annual report due in the next year needs
                end+N. 29/02 is refused, since most years lack it.
    KEY=VALUE;KEY=VALUE;...
                one entry per period position, for example "S1=05/06;S2=05/12;Y=15/11;*=end+10":
                  Y (annual), S1, S2, Q1 … Q4  take DD/MM as above;
                  M (every month)              takes DD: day DD of the month after the period,
                                               or that month's last day if it is shorter;
                  any of these may instead take end+N or cutoff+N;
                  *                            takes end+N or cutoff+N, for every period whose
                                               position has no entry of its own (ad hoc included).
                A period whose position has no entry and no "*" has no due date (PeriodError).
"""

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_DUE_DAYS = 366

_ONE_DAY = timedelta(days=1)
_ROMAN = ("I", "II", "III", "IV")


class PeriodError(ValueError):
    """A period code, operation or due-date rule that cannot be used; the message says why."""


class PeriodType(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SIX_MONTHLY = "six_monthly"
    ANNUAL = "annual"
    AD_HOC = "ad_hoc"


class CutOff(StrEnum):
    CALENDAR = "calendar"
    ND09 = "nd09"


# Calendar months per period of each regular type; finer types have fewer.
_SPAN: dict[PeriodType, int] = {
    PeriodType.MONTHLY: 1,
    PeriodType.QUARTERLY: 3,
    PeriodType.SIX_MONTHLY: 6,
    PeriodType.ANNUAL: 12,
}


def _type_name(type_: PeriodType) -> str:
    return {
        PeriodType.MONTHLY: _("tháng"),
        PeriodType.QUARTERLY: _("quý"),
        PeriodType.SIX_MONTHLY: _("6 tháng"),
        PeriodType.ANNUAL: _("năm"),
        PeriodType.AD_HOC: _("đột xuất"),
    }[type_]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    """The same day `months` later, or the last day of that month if it is shorter."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _fmt(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _bounds(type_: PeriodType, d: date) -> tuple[date, date, str]:
    """Start, end and code of the regular period of `type_` containing `d`."""
    span = _SPAN[type_]
    first = (d.month - 1) // span * span + 1
    start = date(d.year, first, 1)
    end = _month_end(d.year, first + span - 1)
    index = (first - 1) // span + 1
    code = {
        PeriodType.MONTHLY: f"{d.year}{first:02d}",
        PeriodType.QUARTERLY: f"{d.year}Q{index}",
        PeriodType.SIX_MONTHLY: f"{d.year}S{index}",
        PeriodType.ANNUAL: f"{d.year}",
    }[type_]
    return start, end, code


def _ad_hoc_code(start: date, end: date) -> str:
    return f"{start:%Y%m%d}_{end:%Y%m%d}"


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period; periods sort by start, then end.

    Build one with `parse_period`, `period_of` or `ad_hoc_period`: the fields must agree, which
    `__post_init__` checks, so every Period round-trips through its code.
    """

    start: date
    end: date
    type: PeriodType
    code: str

    def __post_init__(self) -> None:
        if self.type == PeriodType.AD_HOC:
            consistent = self.start <= self.end and self.code == _ad_hoc_code(self.start, self.end)
        else:
            consistent = (self.start, self.end, self.code) == _bounds(self.type, self.start)
        if not consistent:
            raise PeriodError(
                _("Kỳ “%(code)s” không khớp với ngày đầu và ngày cuối kỳ.") % {"code": self.code}
            )
        if self.start.year < MIN_YEAR or self.end.year > MAX_YEAR:
            raise PeriodError(
                _("Kỳ “%(code)s” nằm ngoài khoảng năm %(min)s–%(max)s.")
                % {"code": self.code, "min": MIN_YEAR, "max": MAX_YEAR}
            )

    @property
    def year(self) -> int:
        """The year the period ends in (the only year, except for an ad hoc period)."""
        return self.end.year

    @property
    def position(self) -> str | None:
        """Key of the period in a due-date rule: M, Q1…Q4, S1, S2, Y; None for ad hoc."""
        match self.type:
            case PeriodType.MONTHLY:
                return "M"
            case PeriodType.QUARTERLY:
                return f"Q{(self.start.month - 1) // 3 + 1}"
            case PeriodType.SIX_MONTHLY:
                return f"S{(self.start.month - 1) // 6 + 1}"
            case PeriodType.ANNUAL:
                return "Y"
        return None

    def label(self) -> str:
        """The period as written in Vietnamese reports, e.g. "Quý I/2024"."""
        match self.type:
            case PeriodType.MONTHLY:
                return _("Tháng %(month)s/%(year)s") % {
                    "month": f"{self.start.month:02d}",
                    "year": self.year,
                }
            case PeriodType.QUARTERLY:
                return _("Quý %(quarter)s/%(year)s") % {
                    "quarter": _ROMAN[(self.start.month - 1) // 3],
                    "year": self.year,
                }
            case PeriodType.SIX_MONTHLY:
                if self.start.month == 1:
                    return _("6 tháng đầu năm %(year)s") % {"year": self.year}
                return _("6 tháng cuối năm %(year)s") % {"year": self.year}
            case PeriodType.ANNUAL:
                return _("Năm %(year)s") % {"year": self.year}
        return _("Từ %(start)s đến %(end)s") % {"start": _fmt(self.start), "end": _fmt(self.end)}

    def previous(self) -> "Period":
        if self.type == PeriodType.AD_HOC:
            raise PeriodError(_("Kỳ đột xuất “%(code)s” không có kỳ trước.") % {"code": self.code})
        return period_of(self.type, self.start - _ONE_DAY)

    def next(self) -> "Period":
        if self.type == PeriodType.AD_HOC:
            raise PeriodError(_("Kỳ đột xuất “%(code)s” không có kỳ sau.") % {"code": self.code})
        return period_of(self.type, self.end + _ONE_DAY)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def months(self) -> int:
        """Calendar months covered; an ad hoc period's rounded to the nearest, at least 1."""
        if self.type != PeriodType.AD_HOC:
            return _SPAN[self.type]
        after = self.end + _ONE_DAY
        whole = (after.year - self.start.year) * 12 + after.month - self.start.month
        if _add_months(self.start, whole) > after:
            whole -= 1
        # The part month is measured against the length of the month it falls in.
        lower, upper = _add_months(self.start, whole), _add_months(self.start, whole + 1)
        fraction = (after - lower).days / (upper - lower).days
        return max(1, math.floor(whole + fraction + 0.5))

    def same_period_last_year(self) -> "Period":
        if self.type != PeriodType.AD_HOC:
            return period_of(self.type, self.start.replace(year=self.start.year - 1))
        # 29/02 becomes 28/02; _add_months clamps the day the same way.
        return ad_hoc_period(_add_months(self.start, -12), _add_months(self.end, -12))


def ad_hoc_period(start: date, end: date) -> Period:
    """The ad hoc period from `start` to `end`, both included."""
    if end < start:
        raise PeriodError(
            _("Ngày cuối kỳ %(end)s trước ngày đầu kỳ %(start)s.")
            % {"start": _fmt(start), "end": _fmt(end)}
        )
    return Period(start, end, PeriodType.AD_HOC, _ad_hoc_code(start, end))


_CODE_PATTERNS: tuple[tuple[PeriodType, re.Pattern[str]], ...] = (
    (PeriodType.ANNUAL, re.compile(r"([0-9]{4})")),
    (PeriodType.SIX_MONTHLY, re.compile(r"([0-9]{4})S([0-9])")),
    (PeriodType.QUARTERLY, re.compile(r"([0-9]{4})Q([0-9])")),
    (PeriodType.MONTHLY, re.compile(r"([0-9]{4})([0-9]{2})")),
    (PeriodType.AD_HOC, re.compile(r"([0-9]{8})_([0-9]{8})")),
)


def _bad_code(code: str, reason: str) -> PeriodError:
    return PeriodError(
        _("Mã kỳ “%(code)s” không hợp lệ: %(reason)s.") % {"code": code, "reason": reason}
    )


def _yyyymmdd(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _match_code(compact: str) -> tuple[PeriodType, re.Match[str]] | None:
    for type_, pattern in _CODE_PATTERNS:
        if match := pattern.fullmatch(compact):
            return type_, match
    return None


def _check_years(shown: str, first: int, last: int) -> None:
    if first < MIN_YEAR or last > MAX_YEAR:
        raise _bad_code(
            shown, _("năm phải từ %(min)s đến %(max)s") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )


def parse_period(code: str) -> Period:
    """The period a code names (see the module docstring); PeriodError naming the code if none."""
    shown = code.strip()
    found = _match_code("".join(code.split()).upper())
    if found is None:
        raise _bad_code(
            shown, _("hãy dùng dạng 2024, 2024S1, 2024Q1, 202401 hoặc 20240315_20240410")
        )
    type_, match = found
    if type_ == PeriodType.AD_HOC:
        start, end = _yyyymmdd(match[1]), _yyyymmdd(match[2])
        if start is None or end is None:
            raise _bad_code(shown, _("ngày không tồn tại"))
        if end < start:
            raise _bad_code(shown, _("ngày cuối kỳ trước ngày đầu kỳ"))
        _check_years(shown, start.year, end.year)
        return ad_hoc_period(start, end)
    year = int(match[1])
    _check_years(shown, year, year)
    index = int(match[2]) if type_ != PeriodType.ANNUAL else 1
    if not 1 <= index <= 12 // _SPAN[type_]:
        reason = {
            PeriodType.MONTHLY: _("tháng phải từ 01 đến 12"),
            PeriodType.QUARTERLY: _("quý phải từ Q1 đến Q4"),
            PeriodType.SIX_MONTHLY: _("nửa năm chỉ có S1 hoặc S2"),
        }[type_]
        raise _bad_code(shown, reason)
    return period_of(type_, date(year, (index - 1) * _SPAN[type_] + 1, 1))


def _require_regular(type_: PeriodType) -> None:
    if type_ == PeriodType.AD_HOC:
        raise PeriodError(
            _("Kỳ đột xuất không theo lịch cố định; hãy nêu ngày đầu và ngày cuối kỳ.")
        )


def period_of(type: PeriodType, d: date) -> Period:
    """The period of `type` (not ad hoc) that contains `d`."""
    _require_regular(type)
    start, end, code = _bounds(type, d)
    return Period(start, end, type, code)


def periods_between(type: PeriodType, first: date, last: date) -> list[Period]:
    """Every period of `type` overlapping `first`…`last` (both included), in order."""
    _require_regular(type)
    if last < first:
        raise PeriodError(
            _("Ngày cuối %(last)s trước ngày đầu %(first)s.")
            % {"first": _fmt(first), "last": _fmt(last)}
        )
    found = [period_of(type, first)]
    # Test the end before asking for the next period, which past 2100 does not exist.
    while found[-1].end < last:
        found.append(found[-1].next())
    return found


def sub_periods(period: Period, type: PeriodType) -> list[Period]:
    """The periods of a finer `type` that make up `period` exactly (e.g. a year's 4 quarters)."""
    if (
        period.type == PeriodType.AD_HOC
        or type == PeriodType.AD_HOC
        or _SPAN[type] >= _SPAN[period.type]
    ):
        raise PeriodError(
            _("Không chia được kỳ “%(code)s” thành các kỳ %(type)s.")
            % {"code": period.code, "type": _type_name(type)}
        )
    return periods_between(type, period.start, period.end)


def data_window(period: Period, cutoff: CutOff) -> tuple[date, date]:
    """First and last day of the data a report for `period` covers (see the module docstring)."""
    if cutoff == CutOff.CALENDAR or period.type == PeriodType.AD_HOC:
        return period.start, period.end
    # One formula fits every ND09 case: 15th of the month before the start to the 14th of the
    # month of the end; so consecutive periods' windows meet with no gap.
    return _add_months(period.start, -1).replace(day=15), period.end.replace(day=14)


# --- Due-date rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _AfterEnd:
    days: int

    def resolve(self, period: Period, cutoff: CutOff) -> date:
        return period.end + timedelta(days=self.days)


@dataclass(frozen=True)
class _AfterCutoff:
    days: int

    def resolve(self, period: Period, cutoff: CutOff) -> date:
        return data_window(period, cutoff)[1] + timedelta(days=self.days)


@dataclass(frozen=True)
class _OnDate:
    day: int
    month: int

    def resolve(self, period: Period, cutoff: CutOff) -> date:
        due = date(period.end.year, self.month, self.day)
        return due if due >= period.start else due.replace(year=due.year + 1)


@dataclass(frozen=True)
class _DayOfNextMonth:
    day: int

    def resolve(self, period: Period, cutoff: CutOff) -> date:
        following = period.end + _ONE_DAY
        last = calendar.monthrange(following.year, following.month)[1]
        return following.replace(day=min(self.day, last))


_Spec = _AfterEnd | _AfterCutoff | _OnDate | _DayOfNextMonth

_DATE_KEYS = ("Y", "S1", "S2", "Q1", "Q2", "Q3", "Q4")
_KEYS = (*_DATE_KEYS, "M", "*")


@dataclass(frozen=True)
class DueRule:
    """A valid due-date rule: `text` as configured, `entries` by position key ("*" for all)."""

    text: str
    entries: tuple[tuple[str, _Spec], ...]

    def __str__(self) -> str:
        return self.text

    def spec_for(self, period: Period) -> _Spec | None:
        found = dict(self.entries)
        position = period.position
        if position is not None and position in found:
            return found[position]
        return found.get("*")


_OFFSET = re.compile(r"(END|CUTOFF)([+-])(-?[0-9]+)", re.IGNORECASE)
_DAY_MONTH = re.compile(r"([0-9]{1,2})/([0-9]{1,2})")
_DAY = re.compile(r"[0-9]{1,2}")


def _bad_rule(rule: str, reason: str) -> PeriodError:
    return PeriodError(
        _("Quy tắc hạn gửi “%(rule)s” không hợp lệ: %(reason)s.") % {"rule": rule, "reason": reason}
    )


def _parse_offset(rule: str, text: str, compact: str) -> _Spec | None:
    """end+N or cutoff+N; None if `compact` has another form."""
    match = _OFFSET.fullmatch(compact)
    if not match:
        return None
    days = int(match[3])
    if match[2] == "-" or days < 0:
        raise _bad_rule(rule, _("số ngày trong “%(part)s” không được âm") % {"part": text})
    if days > MAX_DUE_DAYS:
        raise _bad_rule(
            rule,
            _("số ngày trong “%(part)s” không được quá %(max)s")
            % {"part": text, "max": MAX_DUE_DAYS},
        )
    return _AfterEnd(days) if match[1].upper() == "END" else _AfterCutoff(days)


def _parse_day_month(rule: str, text: str, compact: str) -> _Spec | None:
    """DD/MM; None if `compact` has another form."""
    match = _DAY_MONTH.fullmatch(compact)
    if not match:
        return None
    day, month = int(match[1]), int(match[2])
    if (day, month) == (29, 2):
        raise _bad_rule(rule, _("ngày “%(part)s” không có ở mọi năm") % {"part": text})
    try:
        date(2001, month, day)  # 2001: not a leap year
    except ValueError:
        raise _bad_rule(rule, _("ngày “%(part)s” không tồn tại") % {"part": text}) from None
    return _OnDate(day, month)


def _parse_entry(rule: str, text: str) -> tuple[str, _Spec]:
    """One "KEY=VALUE" entry of a per-position rule."""
    key_text, _sep, value_text = text.partition("=")
    key, value = "".join(key_text.split()).upper(), "".join(value_text.split())
    if key not in _KEYS:
        raise _bad_rule(
            rule,
            _("khóa “%(key)s” không hợp lệ; hãy dùng Y, S1, S2, Q1–Q4, M hoặc *")
            % {"key": key_text.strip()},
        )
    if not value:
        raise _bad_rule(rule, _("mục “%(part)s” thiếu hạn gửi") % {"part": text})
    spec = _parse_offset(rule, text, value)
    if spec is None and key in _DATE_KEYS:
        spec = _parse_day_month(rule, text, value)
    if spec is None and key == "M" and _DAY.fullmatch(value):
        day = int(value)
        if not 1 <= day <= 31:
            raise _bad_rule(rule, _("ngày trong “%(part)s” phải từ 1 đến 31") % {"part": text})
        spec = _DayOfNextMonth(day)
    if spec is None:
        forms = {"*": ("end+N", "cutoff+N"), "M": ("DD", "end+N", "cutoff+N")}.get(
            key, ("DD/MM", "end+N", "cutoff+N")
        )
        raise _bad_rule(
            rule,
            _("mục “%(part)s” phải có một trong các dạng %(forms)s")
            % {"part": text, "forms": ", ".join(f"{key}={form}" for form in forms)},
        )
    return key, spec


def parse_due_rule(rule: str) -> DueRule:
    """The rule a configured text states (see the module docstring); PeriodError saying why not."""
    shown = rule.strip()
    if not shown:
        raise PeriodError(_("Chưa nhập quy tắc hạn gửi."))
    if "=" not in shown:
        compact = "".join(shown.split())
        spec = _parse_offset(shown, shown, compact) or _parse_day_month(shown, shown, compact)
        if spec is None:
            raise _bad_rule(
                shown,
                _("hãy dùng end+N, cutoff+N, DD/MM hoặc danh sách như S1=05/06;S2=05/12;*=end+10"),
            )
        return DueRule(shown, (("*", spec),))
    entries: dict[str, _Spec] = {}
    # A trailing ";" is a harmless slip, so empty entries are skipped.
    for text in (part.strip() for part in shown.split(";")):
        if not text:
            continue
        if "=" not in text:
            raise _bad_rule(
                shown,
                _("mục “%(part)s” thiếu khóa; hãy viết *=%(part)s nếu nó dùng cho mọi kỳ")
                % {"part": text},
            )
        key, spec = _parse_entry(shown, text)
        if key in entries:
            raise _bad_rule(shown, _("khóa “%(key)s” lặp lại") % {"key": key})
        entries[key] = spec
    return DueRule(shown, tuple(entries.items()))


def due_date(period: Period, rule: str | DueRule, cutoff: CutOff = CutOff.CALENDAR) -> date:
    """When a report for `period` is due under `rule`; cutoff matters only for cutoff+N."""
    parsed = parse_due_rule(rule) if isinstance(rule, str) else rule
    spec = parsed.spec_for(period)
    if spec is None:
        values = {"rule": parsed.text, "label": period.label(), "key": period.position}
        if period.position is None:
            message = _("Quy tắc hạn gửi “%(rule)s” không có mục * cho kỳ đột xuất %(label)s.")
        else:
            message = _("Quy tắc hạn gửi “%(rule)s” không có mục %(key)s hay * cho kỳ %(label)s.")
        raise PeriodError(message % values)
    return spec.resolve(period, cutoff)
