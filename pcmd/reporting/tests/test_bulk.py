"""Bulk loading (binary COPY on PostgreSQL, INSERTs on SQLite) stores what it is given."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pcmd.analytics.engine import engine
from pcmd.reporting.models import Report, ReportState, ReportVersion
from pcmd.reporting.periods import CutOff, due_date, parse_period
from pcmd.reporting.selectors import value_key_ids
from pcmd.reporting.services import bulk
from pcmd.reporting.services.bulk import reports_bulk_load
from pcmd.reporting.tests.factories import BASE_VALUES, standard_form
from pcmd.reporting.values import pack

pytestmark = pytest.mark.django_db

NARRATIVES = {
    "results": 'Kết quả "chính" của kỳ:\n- tuyên truyền\t(loa)\\thôn',
    "difficulties": "Kinh phí còn hạn chế – 100% kiêm nhiệm 🙂",
    "proposals": "",
}


def test_every_field_of_a_loaded_report_is_stored_as_given(tree, monkeypatch):
    # Tiny batches and chunks: a few reports still cross several of each.
    monkeypatch.setattr(bulk, "BATCH", 2)
    monkeypatch.setattr(bulk, "COPY_CHUNK", 1)
    form = standard_form()
    submitted = dt.datetime(2026, 6, 28, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    given = {
        tree[name].pk: (
            {**BASE_VALUES, "MEDIA_ITEMS": str(i), "FINES_VND": "2500000.5", "PEER_GROUPS": ""},
            {**NARRATIVES, "proposals": f"Đề nghị {i}"},
        )
        for i, name in enumerate(("ka", "kh", "hp", "dc"))
    }
    loaded = reports_bulk_load(
        actor=None,
        form=form,
        period="2026S1",
        reports=[(unit, values, narratives) for unit, (values, narratives) in given.items()],
        submitted_at=submitted,
        reason="test",
    )

    assert loaded == sum(len(values) for values, _n in given.values())
    period = parse_period("2026S1")
    due = due_date(period, form.due_rule, CutOff(form.cutoff))
    keys = value_key_ids()
    reports = Report.objects.filter(form=form, period="2026S1").select_related("current_version")
    assert {r.unit_id for r in reports} == set(given)
    for report in reports:
        values, narratives = given[report.unit_id]
        assert (report.period_start, report.period_end, report.due_date) == (
            period.start,
            period.end,
            due,
        )
        assert report.state == ReportState.APPROVED and report.agency_id is None
        assert report.first_submitted_at == submitted
        assert report.on_time is (submitted.date() <= due)
        assert report.effective_version_id == report.current_version_id
        version = report.current_version
        assert version is not None and version.report_id == report.pk
        assert (version.number, version.revision, version.state) == (1, 1, ReportState.APPROVED)
        assert version.values == values
        assert version.narratives == narratives
        assert version.comments == {}
        assert bytes(version.packed) == pack(values, keys)
        assert version.submitted_at == submitted and version.decided_at == submitted
        assert version.decision_comment == ""
        assert report.created == report.updated == version.created == version.updated
    assert ReportVersion.objects.filter(report__period="2026S1").count() == len(given)
    figure = engine().element_total("MEDIA_ITEMS", tree["ht"].pk, period)
    assert figure == 0 + 1  # Kỳ Anh and Kỳ Hoa


def test_units_that_already_reported_are_skipped(tree):
    form = standard_form()

    def load(names: tuple[str, ...], state: str = ReportState.APPROVED) -> int:
        return reports_bulk_load(
            actor=None,
            form=form,
            period="2026S1",
            reports=[(tree[name].pk, dict(BASE_VALUES), {}) for name in names],
            state=state,
            reason="test",
        )

    assert load(("ka",)) == len(BASE_VALUES)
    assert load(("ka", "kh"), state=ReportState.SUBMITTED) == len(BASE_VALUES)
    assert load(("ka", "kh")) == 0
    late = Report.objects.get(unit=tree["kh"], period="2026S1")
    assert late.state == ReportState.SUBMITTED
    assert late.current_version is not None and late.current_version.decided_at is None
    assert Report.objects.count() == 2
