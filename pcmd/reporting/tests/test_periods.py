from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from pcmd.reporting.periods import (
    CutOff,
    DueRule,
    Period,
    PeriodError,
    PeriodType,
    ad_hoc_period,
    data_window,
    due_date,
    parse_due_rule,
    parse_period,
    period_of,
    periods_between,
    sub_periods,
)

REGULAR = [PeriodType.MONTHLY, PeriodType.QUARTERLY, PeriodType.SIX_MONTHLY, PeriodType.ANNUAL]
ONE_DAY = timedelta(days=1)

# A year of margin on both sides, so previous, next and last year exist.
dates = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))
regular_types = st.sampled_from(REGULAR)


@st.composite
def regular_periods(draw: st.DrawFn) -> Period:
    return period_of(draw(regular_types), draw(dates))


@st.composite
def ad_hoc_periods(draw: st.DrawFn) -> Period:
    first, second = draw(dates), draw(dates)
    return ad_hoc_period(min(first, second), max(first, second))


any_periods = st.one_of(regular_periods(), ad_hoc_periods())


def d(text: str) -> date:
    """A date written dd/mm/yyyy, as the rules and labels write it."""
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


# --- Codes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end", "type_"),
    [
        ("2024", "01/01/2024", "31/12/2024", PeriodType.ANNUAL),
        ("2024S1", "01/01/2024", "30/06/2024", PeriodType.SIX_MONTHLY),
        ("2024S2", "01/07/2024", "31/12/2024", PeriodType.SIX_MONTHLY),
        ("2024Q1", "01/01/2024", "31/03/2024", PeriodType.QUARTERLY),
        ("2024Q4", "01/10/2024", "31/12/2024", PeriodType.QUARTERLY),
        ("202402", "01/02/2024", "29/02/2024", PeriodType.MONTHLY),
        ("202312", "01/12/2023", "31/12/2023", PeriodType.MONTHLY),
        ("20240315_20240410", "15/03/2024", "10/04/2024", PeriodType.AD_HOC),
        ("20240315_20240315", "15/03/2024", "15/03/2024", PeriodType.AD_HOC),
    ],
)
def test_parse_period_reads_every_type(code, start, end, type_):
    period = parse_period(code)
    assert (period.start, period.end, period.type, period.code) == (d(start), d(end), type_, code)


def test_parse_period_ignores_spaces_and_case():
    assert parse_period("  2024q1 ") == parse_period("2024Q1")
    assert parse_period("2024 s2") == parse_period("2024S2")
    assert parse_period("2024 01") == parse_period("202401")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "abc",
        "24Q1",
        "2024-01",
        "2024W1",
        "2024Q",
        "2024Q0",
        "2024Q5",
        "2024S0",
        "2024S3",
        "202400",
        "202413",
        "1999",
        "2101",
        "1999Q4",
        "210101",
        "20240230_20240301",
        "20240410_20240315",
        "19991231_20000105",
        "20240315-20240410",
        "２０２４",  # full-width digits are not a code
    ],
)
def test_parse_period_refuses_bad_codes_naming_them(bad):
    with pytest.raises(PeriodError) as caught:
        parse_period(bad)
    assert bad.strip() in str(caught.value)
    assert isinstance(caught.value, ValueError)


@given(any_periods)
def test_code_round_trips(period):
    assert parse_period(period.code) == period
    assert parse_period(f" {period.code.lower()} ") == period


def test_period_fields_must_agree():
    with pytest.raises(PeriodError):
        Period(d("02/01/2024"), d("31/01/2024"), PeriodType.MONTHLY, "202401")
    with pytest.raises(PeriodError):
        Period(d("01/01/2024"), d("31/01/2024"), PeriodType.MONTHLY, "202402")
    with pytest.raises(PeriodError):
        ad_hoc_period(d("02/01/2024"), d("01/01/2024"))


# --- Navigation ---------------------------------------------------------------------------------


@given(regular_types, dates)
def test_period_of_contains_the_date(type_, day):
    period = period_of(type_, day)
    assert period.contains(day)
    assert period.type == type_
    assert not period.contains(period.start - ONE_DAY)
    assert not period.contains(period.end + ONE_DAY)


@given(regular_periods())
def test_next_follows_and_previous_undoes_it(period):
    following = period.next()
    assert following.start == period.end + ONE_DAY
    assert following.type == period.type
    assert following.previous() == period
    assert period.previous().next() == period
    assert period.previous() < period < following


@given(regular_periods())
def test_same_period_last_year(period):
    last_year = period.same_period_last_year()
    assert last_year.type == period.type
    assert last_year.year == period.year - 1
    assert last_year.label().replace(str(period.year - 1), str(period.year)) == period.label()


def test_same_period_last_year_for_ad_hoc_moves_the_dates():
    assert parse_period("20240315_20240410").same_period_last_year().code == "20230315_20230410"
    # 29/02 exists only in leap years.
    assert parse_period("20240229_20240301").same_period_last_year().code == "20230228_20230301"


def test_ad_hoc_has_no_previous_or_next():
    period = parse_period("20240315_20240410")
    with pytest.raises(ValueError, match="20240315_20240410"):
        period.previous()
    with pytest.raises(ValueError, match="20240315_20240410"):
        period.next()
    with pytest.raises(PeriodError):
        period_of(PeriodType.AD_HOC, d("15/03/2024"))


def test_the_first_and_last_years_have_no_neighbours_outside_the_range():
    with pytest.raises(PeriodError):
        parse_period("2000").previous()
    with pytest.raises(PeriodError):
        parse_period("2100Q4").next()
    with pytest.raises(PeriodError):
        period_of(PeriodType.MONTHLY, d("31/12/1999"))


def test_periods_sort_by_start_then_end():
    codes = ["2024", "202402", "2024Q1", "202401", "2024S1", "20231215_20240110"]
    ordered = sorted(parse_period(code) for code in codes)
    assert [p.code for p in ordered] == [
        "20231215_20240110",
        "202401",
        "2024Q1",
        "2024S1",
        "2024",
        "202402",
    ]


@given(regular_types, dates, dates)
def test_periods_between_covers_the_range_without_gaps_or_overlaps(type_, first, second):
    first, last = min(first, second), max(first, second)
    found = periods_between(type_, first, last)
    assert found[0].contains(first)
    assert found[-1].contains(last)
    assert all(p.type == type_ for p in found)
    for before, after in pairwise(found):
        assert after.start == before.end + ONE_DAY


def test_periods_between_examples():
    quarters = periods_between(PeriodType.QUARTERLY, d("15/11/2023"), d("01/04/2024"))
    assert [p.code for p in quarters] == ["2023Q4", "2024Q1", "2024Q2"]
    assert [
        p.code for p in periods_between(PeriodType.ANNUAL, d("31/12/2100"), d("31/12/2100"))
    ] == ["2100"]
    with pytest.raises(PeriodError):
        periods_between(PeriodType.MONTHLY, d("02/01/2024"), d("01/01/2024"))
    with pytest.raises(PeriodError):
        periods_between(PeriodType.AD_HOC, d("01/01/2024"), d("02/01/2024"))


@given(regular_periods(), regular_types)
def test_sub_periods_partition_the_parent(period, type_):
    assume(REGULAR.index(type_) < REGULAR.index(period.type))
    parts = sub_periods(period, type_)
    assert parts[0].start == period.start
    assert parts[-1].end == period.end
    assert len(parts) == period.months() // parts[0].months()
    for before, after in pairwise(parts):
        assert after.start == before.end + ONE_DAY


def test_sub_periods_examples_and_refusals():
    year = parse_period("2024")
    assert [p.code for p in sub_periods(year, PeriodType.SIX_MONTHLY)] == ["2024S1", "2024S2"]
    assert [p.code for p in sub_periods(year, PeriodType.QUARTERLY)] == [
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
    ]
    assert len(sub_periods(year, PeriodType.MONTHLY)) == 12
    assert [p.code for p in sub_periods(parse_period("2024S2"), PeriodType.QUARTERLY)] == [
        "2024Q3",
        "2024Q4",
    ]
    for parent, type_ in [
        ("2024Q1", PeriodType.QUARTERLY),
        ("2024Q1", PeriodType.ANNUAL),
        ("202401", PeriodType.MONTHLY),
        ("2024", PeriodType.AD_HOC),
        ("20240315_20240410", PeriodType.MONTHLY),
    ]:
        with pytest.raises(PeriodError, match=parent):
            sub_periods(parse_period(parent), type_)


# --- Months and labels --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "months"),
    [
        ("202402", 1),
        ("2024Q3", 3),
        ("2024S1", 6),
        ("2024", 12),
        ("20240315_20240410", 1),
        ("20240301_20240301", 1),
        ("20240101_20240331", 3),
        ("20240115_20240430", 4),  # 3.5 months rounds up
        ("20240115_20240428", 3),
        ("20230701_20240630", 12),
    ],
)
def test_months(code, months):
    assert parse_period(code).months() == months


@given(regular_periods())
def test_ad_hoc_months_match_the_regular_period_with_the_same_dates(period):
    assert ad_hoc_period(period.start, period.end).months() == period.months()
    if period.type != PeriodType.MONTHLY:
        assert len(sub_periods(period, PeriodType.MONTHLY)) == period.months()


@given(ad_hoc_periods())
def test_ad_hoc_months_are_at_least_one_and_close_to_the_days(period):
    days = (period.end - period.start).days + 1
    assert period.months() >= 1
    assert abs(period.months() - days / 30.44) <= 1


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("202401", "Tháng 01/2024"),
        ("202412", "Tháng 12/2024"),
        ("2024Q1", "Quý I/2024"),
        ("2024Q2", "Quý II/2024"),
        ("2024Q3", "Quý III/2024"),
        ("2024Q4", "Quý IV/2024"),
        ("2024S1", "6 tháng đầu năm 2024"),
        ("2024S2", "6 tháng cuối năm 2024"),
        ("2024", "Năm 2024"),
        ("20240315_20240410", "Từ 15/03/2024 đến 10/04/2024"),
    ],
)
def test_labels_in_vietnamese(code, label):
    with translation.override("vi"):
        assert parse_period(code).label() == label


def test_year():
    assert parse_period("2024Q3").year == 2024
    assert parse_period("20231215_20240110").year == 2024


# --- Data windows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("202401", "15/12/2023", "14/01/2024"),
        ("202407", "15/06/2024", "14/07/2024"),
        ("2024Q1", "15/12/2023", "14/03/2024"),
        ("2024Q3", "15/06/2024", "14/09/2024"),
        ("2024S1", "15/12/2023", "14/06/2024"),
        ("2024S2", "15/06/2024", "14/12/2024"),
        ("2024", "15/12/2023", "14/12/2024"),
        ("20240315_20240410", "15/03/2024", "10/04/2024"),
    ],
)
def test_nd09_windows(code, start, end):
    assert data_window(parse_period(code), CutOff.ND09) == (d(start), d(end))


@given(any_periods)
def test_calendar_window_is_the_period(period):
    assert data_window(period, CutOff.CALENDAR) == (period.start, period.end)


@given(regular_periods())
def test_nd09_windows_of_consecutive_periods_meet(period):
    _, end = data_window(period, CutOff.ND09)
    start, _ = data_window(period.next(), CutOff.ND09)
    assert start == end + ONE_DAY


@given(st.integers(min_value=2001, max_value=2099))
def test_annual_nd09_window_is_the_union_of_its_halves(year):
    first, second = sub_periods(parse_period(str(year)), PeriodType.SIX_MONTHLY)
    first_start, first_end = data_window(first, CutOff.ND09)
    second_start, second_end = data_window(second, CutOff.ND09)
    assert second_start == first_end + ONE_DAY
    assert data_window(parse_period(str(year)), CutOff.ND09) == (first_start, second_end)


# --- Due dates ----------------------------------------------------------------------------------

POSITIONS = "S1=05/06;S2=05/12;Y=15/11"


@pytest.mark.parametrize(
    ("code", "rule", "cutoff", "due"),
    [
        ("2024S1", POSITIONS, CutOff.CALENDAR, "05/06/2024"),
        ("2024S2", POSITIONS, CutOff.CALENDAR, "05/12/2024"),
        ("2024", POSITIONS, CutOff.CALENDAR, "15/11/2024"),
        ("2024Q1", "end+5", CutOff.CALENDAR, "05/04/2024"),
        ("202402", "end+0", CutOff.ND09, "29/02/2024"),
        ("2024S1", "cutoff+3", CutOff.ND09, "17/06/2024"),
        ("2024S1", "cutoff+3", CutOff.CALENDAR, "03/07/2024"),
        ("202412", "M=20", CutOff.CALENDAR, "20/01/2025"),
        ("202401", "M=31", CutOff.CALENDAR, "29/02/2024"),
        ("2024", "15/11", CutOff.CALENDAR, "15/11/2024"),
        ("202412", "05/01", CutOff.CALENDAR, "05/01/2025"),
        ("2024Q4", "Q4=05/01;*=end+10", CutOff.CALENDAR, "05/01/2025"),
        ("2024Q2", "Q4=05/01;*=end+10", CutOff.CALENDAR, "10/07/2024"),
        ("2024Q2", "Q2=cutoff+1;*=end+10", CutOff.ND09, "15/06/2024"),
        ("20240315_20240410", "Y=15/11;*=end+7", CutOff.ND09, "17/04/2024"),
        ("20240315_20240410", "cutoff+1", CutOff.ND09, "11/04/2024"),
        ("2024S1", "  s1 = 05/06 ; y=15/11 ; ", CutOff.CALENDAR, "05/06/2024"),
        ("2024Q1", "END + 5", CutOff.CALENDAR, "05/04/2024"),
    ],
)
def test_due_dates(code, rule, cutoff, due):
    assert due_date(parse_period(code), rule, cutoff) == d(due)
    assert due_date(parse_period(code), parse_due_rule(rule), cutoff) == d(due)


def test_a_parsed_rule_keeps_its_text():
    rule = parse_due_rule("  S1=05/06;S2=05/12 ")
    assert isinstance(rule, DueRule)
    assert str(rule) == "S1=05/06;S2=05/12"
    assert rule == parse_due_rule("S1=05/06;S2=05/12")


def test_a_period_without_an_entry_has_no_due_date():
    with pytest.raises(PeriodError) as caught:
        due_date(parse_period("2024Q1"), POSITIONS)
    assert POSITIONS in str(caught.value)
    assert "Q1" in str(caught.value)
    with pytest.raises(PeriodError):
        due_date(parse_period("20240315_20240410"), POSITIONS)


@pytest.mark.parametrize(
    ("rule", "offending"),
    [
        ("", ""),
        ("end", "end"),
        ("end+", "end+"),
        ("end-5", "end-5"),
        ("end+-5", "end+-5"),
        ("cutoff-1", "cutoff-1"),
        ("end+367", "end+367"),
        ("start+5", "start+5"),
        ("20", "20"),
        ("31/02", "31/02"),
        ("29/02", "29/02"),
        ("00/05", "00/05"),
        ("15/13", "15/13"),
        ("15/11/2024", "15/11/2024"),
        ("S1=31/02;S2=05/12", "S1=31/02"),
        ("S3=05/06", "S3"),
        ("X=05/06;Y=15/11", "X"),
        ("m=32", "m=32"),
        ("M=0", "M=0"),
        ("M=20/01", "M=20/01"),
        ("Y=20", "Y=20"),
        ("*=15/11", "*=15/11"),
        ("S1=", "S1="),
        ("Q1=05/04;Q1=05/05", "Q1"),
        ("S1=05/06;end+5", "end+5"),
        ("S1=05/06;*=end-1", "*=end-1"),
    ],
)
def test_bad_rules_are_refused_naming_the_offending_text(rule, offending):
    with pytest.raises(PeriodError) as caught:
        parse_due_rule(rule)
    message = str(caught.value)
    assert offending in message
    assert rule.strip() in message
    with pytest.raises(PeriodError):
        due_date(parse_period("2024"), rule)


@given(
    regular_periods(),
    st.integers(min_value=1, max_value=12).flatmap(
        lambda month: st.tuples(
            st.integers(
                min_value=1, max_value=(31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
            ),
            st.just(month),
        )
    ),
)
def test_a_day_month_rule_falls_within_a_year_of_the_start(period, day_month):
    day, month = day_month
    due = due_date(period, f"{day:02d}/{month:02d}")
    assert (due.day, due.month) == (day, month)
    assert period.start <= due < period.start.replace(year=period.start.year + 1)
    assert due.year in (period.year, period.year + 1)


@given(any_periods, st.integers(min_value=0, max_value=366), st.sampled_from(list(CutOff)))
def test_offset_rules(period, days, cutoff):
    assert due_date(period, f"end+{days}", cutoff) == period.end + timedelta(days=days)
    window_end = data_window(period, cutoff)[1]
    assert due_date(period, f"cutoff+{days}", cutoff) == window_end + timedelta(days=days)
