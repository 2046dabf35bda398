"""The roll-up engine: totals as the hierarchy stood and mapped across the 2025 reform,
indicators, derived years, freshness after a submission, completeness."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.analytics.engine import engine
from pcmd.reporting.models import Aggregation, DataElement, Indicator, Report, ReportState
from pcmd.reporting.periods import parse_period
from pcmd.reporting.services import reports as services
from pcmd.reporting.services.bulk import reports_bulk_load
from pcmd.reporting.tests.factories import BASE_VALUES, make_report, standard_form

pytestmark = pytest.mark.django_db

OLD = ("old_kt", "old_kh", "old_hp")
NEW = ("ka", "kh", "hp", "dc")


def _load(tree, period, media: dict[str, int], **extra: str) -> None:
    reports_bulk_load(
        actor=None,
        form=standard_form(),
        period=period,
        reports=[
            (tree[name].pk, {**BASE_VALUES, "MEDIA_ITEMS": str(value), **extra}, {})
            for name, value in media.items()
        ],
        reason="test",
    )


def _media(unit, period: str) -> float | None:
    return engine().element_total("MEDIA_ITEMS", unit.pk if unit else None, parse_period(period))


def test_totals_add_up_to_every_ancestor_as_the_hierarchy_stood(tree):
    _load(tree, "2024S1", {"old_kt": 5, "old_kh": 7, "old_hp": 11})
    assert _media(tree["old_kt"], "2024S1") == 5
    assert _media(tree["old_ka"], "2024S1") == 12  # the old district
    assert _media(tree["old_ht"], "2024S1") == 12
    assert _media(tree["old_qb"], "2024S1") == 11
    assert _media(None, "2024S1") == 23


def test_current_units_show_their_predecessors_figures_across_the_reform(tree):
    _load(tree, "2024S1", {"old_kt": 5, "old_kh": 7, "old_hp": 11})
    # Kỳ Hoa was divided: its default successor (the new Xã Kỳ Hoa) takes all its data.
    assert _media(tree["ka"], "2024S1") == 5
    assert _media(tree["kh"], "2024S1") == 7
    assert _media(tree["ht"], "2024S1") == 12
    assert _media(tree["qt"], "2024S1") == 11
    assert _media(tree["dc"], "2024S1") is None  # nothing reported there
    assert _media(tree["na"], "2024S1") is None


def test_a_unit_asked_about_a_period_after_it_ceased_has_no_figures(tree):
    _load(tree, "2026S1", {"ka": 4})
    assert _media(tree["old_kt"], "2026S1") is None
    assert _media(tree["ka"], "2026S1") == 4


def test_a_submission_counts_at_once_and_a_return_takes_it_back(tree):
    _load(tree, "2026S1", {"ka": 4})
    assert _media(tree["ht"], "2026S1") == 4  # the engine is now loaded and warm
    report = make_report(
        tree["kh"], "2026S1", state=ReportState.SUBMITTED, values={"MEDIA_ITEMS": "9"}
    )
    assert _media(tree["ht"], "2026S1") == 13
    assert _media(None, "2026S1") == 13
    services.report_return(actor=None, report=report, comment="Chưa đúng")
    assert _media(tree["ht"], "2026S1") == 4


def test_a_draft_does_not_count(tree):
    make_report(tree["kh"], "2026S1", values={"MEDIA_ITEMS": "9"})
    assert _media(tree["ht"], "2026S1") is None


def test_unit_share_counts_communes_meeting_the_condition_over_all_communes(tree):
    reports_bulk_load(
        actor=None,
        form=standard_form(),
        period="2026S1",
        reports=[
            (tree["kh"].pk, {**BASE_VALUES, "AWARENESS_ACTIVITIES.residents": "2"}, {}),
            (tree["dc"].pk, {**BASE_VALUES, "AWARENESS_ACTIVITIES.residents": "0"}, {}),
        ],
        reason="test",
    )
    share = Indicator.objects.get(code="IND_COMMUNES_AWARENESS")
    country = engine().indicator(share, None, parse_period("2026S1"))
    # Four communes exist; one reported an activity; one that did not report counts as not.
    assert (country.numerator, country.denominator, country.value) == (1, 4, 25)
    province = engine().indicator(share, tree["ht"].pk, parse_period("2026S1"))
    assert (province.numerator, province.denominator) == (1, 2)


def test_a_formula_indicator_divides_its_totals(tree):
    _load(tree, "2026S1", {"ka": 1, "kh": 1}, TIPS_RECEIVED="4", TIPS_PROCESSED_ON_TIME="3")
    tips = Indicator.objects.get(code="IND_TIPS_ON_TIME")
    figure = engine().indicator(tips, tree["ht"].pk, parse_period("2026S1"))
    assert (figure.numerator, figure.denominator, figure.value) == (6, 8, 75)
    per_month = Indicator.objects.get(code="IND_MEDIA_PER_MONTH")
    assert engine().indicator(per_month, tree["ka"].pk, parse_period("2026S1")).value == 1 / 6


def test_a_year_adds_up_its_halves_and_stock_counts_take_the_latest(tree):
    _load(tree, "2026S1", {"ka": 6}, **{"AT_RISK_BUSINESSES.karaoke": "10"})
    _load(tree, "2026S2", {"ka": 4}, **{"AT_RISK_BUSINESSES.karaoke": "12"})
    year = parse_period("2026")
    assert engine().element_total("MEDIA_ITEMS", tree["ka"].pk, year) == 10
    # At-risk businesses are a count at the end of the period ("last"): 12 + 4 hotels.
    assert engine().element_total("AT_RISK_BUSINESSES", tree["ka"].pk, year) == 16


def test_completeness_counts_expected_received_on_time_and_late(tree):
    form = standard_form()
    on_time = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    late = dt.datetime(2026, 6, 20, 9, tzinfo=dt.UTC)
    for unit, at in (("ka", on_time), ("kh", late)):
        reports_bulk_load(
            actor=None,
            form=form,
            period="2026S1",
            reports=[(tree[unit].pk, dict(BASE_VALUES), {})],
            submitted_at=at,
            reason="test",
        )
    period = parse_period("2026S1")
    rows = engine().completeness(form.pk, 3, period, [tree["ht"].pk, None])
    assert rows[0] == {"expected": 2, "received": 2, "on_time": 1, "late": 1, "missing": 0}
    assert rows[1] == {"expected": 4, "received": 2, "on_time": 1, "late": 1, "missing": 2}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    old=st.dictionaries(st.sampled_from(OLD), st.integers(0, 10_000)),
    new=st.dictionaries(st.sampled_from(NEW), st.integers(0, 10_000)),
)
def test_every_units_total_is_the_sum_of_the_reports_below_it(tree, old, new):
    Report.objects.all().delete()
    engine().invalidate()
    if old:
        _load(tree, "2024S1", old)
    if new:
        _load(tree, "2026S1", new)
    for unit in tree.values():
        if unit.level > 3:
            continue
        for period, values in (("2024S1", old), ("2026S1", new)):
            parsed = parse_period(period)
            existed = unit.is_valid_on(parsed.end)
            if existed:
                below = [n for n in values if tree[n].path.startswith(unit.path)]
            elif unit.is_current and period == "2024S1":
                # Mapped: each old commune to its default successor's place.
                successor = {"old_kt": "ka", "old_kh": "kh", "old_hp": "hp"}
                below = [n for n in values if tree[successor[n]].path.startswith(unit.path)]
            else:
                below = []
            expected = sum(values[n] for n in below) if below else None
            assert _media(unit, period) == expected, (unit.name, period)
        assert _media(None, "2024S1") == (sum(old.values()) if old else None)


def test_a_year_with_only_its_second_half_reported_still_adds_up(tree):
    _load(tree, "2026S2", {"ka": 4})
    assert _media(tree["ka"], "2026") == 4


def test_checking_for_changes_again_keeps_the_cached_totals(tree):
    report = make_report(tree["kh"], "2026S1", state=ReportState.SUBMITTED)
    period = parse_period("2026S1")
    assert _media(tree["ht"], "2026S1") == 6
    cube = engine().cube(period.code, 0)
    engine().changed()  # force a check: the submission is still inside the re-read window
    assert _media(tree["ht"], "2026S1") == 6
    assert engine().cube(period.code, 0) is cube  # nothing new: the totals were kept
    rows_before = len(engine()._meta["unit"])
    services.report_return(actor=None, report=report, comment="Sai")
    assert _media(tree["ht"], "2026S1") is None
    assert len(engine()._meta["unit"]) == rows_before  # the report's row was reused


def test_a_years_share_of_people_reached_takes_the_year_to_date_figures(tree):
    # People trained are counted from the start of the year ("last"), so a year's share
    # is the second half's cumulative figure over the staff at the end: never above 100%.
    _load(tree, "2026S1", {"ka": 1}, **{"STAFF_TOTAL.commune": "10", "STAFF_TRAINED.commune": "8"})
    _load(tree, "2026S2", {"ka": 1}, **{"STAFF_TOTAL.commune": "10", "STAFF_TRAINED.commune": "9"})
    share = Indicator.objects.get(code="IND_STAFF_TRAINED_LOCAL")
    assert engine().indicator(share, tree["ka"].pk, parse_period("2026")).value == 90


def test_largest_value_elements_take_the_largest_below_each_unit(tree):
    DataElement.objects.filter(code="MEDIA_ITEMS").update(aggregation=Aggregation.MAX)
    _load(tree, "2024S1", {"old_kt": 5, "old_kh": 7, "old_hp": 3})
    _load(tree, "2026S1", {"ka": 4, "kh": 9, "hp": 11, "dc": 2})
    assert _media(tree["old_ka"], "2024S1") == 7  # the old district
    assert _media(tree["old_ht"], "2024S1") == 7
    assert _media(None, "2024S1") == 7
    assert _media(tree["ht"], "2024S1") == 7  # mapped across the reform
    assert _media(tree["ht"], "2026S1") == 9
    assert _media(None, "2026S1") == 11
    assert _media(tree["ht"], "2026") == 9  # the year: the larger of its halves


def test_a_report_without_numbers_still_counts_as_received(tree):
    form = standard_form()
    reports_bulk_load(
        actor=None,
        form=form,
        period="2026S1",
        reports=[(tree["ka"].pk, {"MEDIA_ITEMS": ""}, {}), (tree["kh"].pk, dict(BASE_VALUES), {})],
        reason="test",
    )
    period = parse_period("2026S1")
    rows = engine().completeness(form.pk, 3, period, [tree["ht"].pk])
    assert rows[0]["received"] == 2
    assert _media(tree["ka"], "2026S1") is None
    assert _media(tree["ht"], "2026S1") == float(BASE_VALUES["MEDIA_ITEMS"])
