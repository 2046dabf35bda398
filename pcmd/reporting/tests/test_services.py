"""A report's life through the services: drafts, validation, submission, decisions, versions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.plans.models import PlanStatus
from pcmd.plans.tests.factories import make_plan
from pcmd.reporting import selectors
from pcmd.reporting.models import (
    EventAction,
    FormSchedule,
    Report,
    ReportEvent,
    ReportState,
    ReportVersion,
)
from pcmd.reporting.services import reports as services
from pcmd.reporting.tests.factories import BASE_VALUES, make_report, standard_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


@pytest.fixture
def coordinator(tree):
    return member(tree["ht"], Role.PROVINCE_COORDINATOR)


def _save(report, actor, **kwargs):
    version = ReportVersion.objects.get(pk=report.current_version_id)
    return services.report_save(actor=actor, report=report, revision=version.revision, **kwargs)


def test_opening_a_report_creates_one_empty_draft_with_the_forms_due_date(tree, officer):
    report = services.report_open(
        actor=officer, form=standard_form(), unit=tree["kh"], period="2026s1"
    )
    again = services.report_open(
        actor=officer, form=standard_form(), unit=tree["kh"], period="2026S1"
    )
    assert again.pk == report.pk and report.period == "2026S1"
    assert report.state == ReportState.DRAFT and report.versions.count() == 1
    assert report.due_date == dt.date(2026, 6, 5)  # the seed's rule S1=05/06
    assert ObjectChange.objects.filter(object_id=str(report.pk), action="create").exists()


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026Q1", "không phải kỳ của biểu mẫu"),
        ("2024S1", "không tồn tại trong kỳ"),  # the new commune did not exist yet
        ("2030S1", "Chưa đến kỳ báo cáo"),
        ("2026S3", "2026S3"),
    ],
)
def test_opening_a_report_for_a_wrong_period_is_refused_with_the_reason(
    tree, officer, period, message
):
    with pytest.raises(ServiceError) as exc:
        services.report_open(actor=officer, form=standard_form(), unit=tree["kh"], period=period)
    assert message in " ".join(exc.value.messages)


def test_a_province_cannot_file_the_commune_form(tree, coordinator):
    with pytest.raises(ServiceError, match="cấp Xã"):
        services.report_open(
            actor=coordinator, form=standard_form(), unit=tree["ht"], period="2026S1"
        )


def test_a_plan_of_the_province_sets_its_own_due_date_for_its_communes(tree, officer):
    plan = make_plan(tree["ht"])
    plan.status, plan.period_start, plan.period_end = PlanStatus.ISSUED, 2026, 2026
    plan.save()
    FormSchedule.objects.create(form=standard_form(), plan=plan, due_rule="S1=20/06")
    report = services.report_open(
        actor=officer, form=standard_form(), unit=tree["kh"], period="2026S1"
    )
    assert report.due_date == dt.date(2026, 6, 20)


def test_saving_keeps_canonical_values_and_what_could_not_be_read(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    result = _save(
        report,
        officer,
        values={"MEDIA_ITEMS": "1.234", "FINES_VND": "2.500.000,5", "TIPS_RECEIVED": "bốn"},
    )
    version = result.version
    assert version.values["MEDIA_ITEMS"] == "1234"
    assert version.values["FINES_VND"] == "2500000.5"
    # The unreadable entry is kept as typed, with its error; the old value stays stored.
    assert version.comments["_pending"] == {"TIPS_RECEIVED": "bốn"}
    assert "không phải là số" in result.check.errors["TIPS_RECEIVED"]
    assert version.values["TIPS_RECEIVED"] == BASE_VALUES["TIPS_RECEIVED"]
    with pytest.raises(ServiceError):
        services.report_submit(actor=officer, report=report)


def test_a_negative_count_is_refused(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    result = _save(report, officer, values={"INSPECTIONS_CONDUCTED": "-3"})
    assert "không được âm" in result.check.errors["INSPECTIONS_CONDUCTED"]


def test_rules_across_fields_block_submission(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer, values={"BUSINESSES_INSPECTED": "40"})
    check = services.report_check(report, selectors.report_current_version(report))
    assert "BUSINESSES_INSPECTED" in check.errors  # more inspected than at-risk businesses
    with pytest.raises(ServiceError, match="Chưa gửi được"):
        services.report_submit(actor=officer, report=report)


def test_a_missing_required_value_blocks_submission(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    _save(report, officer, values={"MEDIA_ITEMS": ""})
    check = services.report_check(report, selectors.report_current_version(report))
    assert check.missing["MEDIA_ITEMS"] == "Bắt buộc nhập." and not check.ok


def test_a_stale_copy_cannot_overwrite_a_newer_save(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    stale = selectors.report_current_version(report).revision
    colleague = member(tree["kh"], Role.COMMUNE_OFFICER, username="dongnghiep")
    _save(report, colleague, values={"MEDIA_ITEMS": "9"})
    with pytest.raises(services.ReportConflict, match="đã lưu báo cáo này"):
        services.report_save(
            actor=officer, report=report, revision=stale, values={"MEDIA_ITEMS": "1"}
        )
    assert selectors.report_current_version(report).values["MEDIA_ITEMS"] == "9"


def test_submitting_twice_submits_once(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    services.report_submit(actor=officer, report=report)
    services.report_submit(actor=officer, report=report)
    assert ReportEvent.objects.filter(report=report, action=EventAction.SUBMITTED).count() == 1
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.effective_version_id == report.current_version_id
    assert report.on_time is False  # 05/06/2026 has passed


def test_a_submitted_report_cannot_be_edited(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer, state=ReportState.SUBMITTED)
    with pytest.raises(ServiceError, match="mở lại"):
        _save(report, officer, values={"MEDIA_ITEMS": "1"})


def test_only_the_level_above_approves(tree, officer, coordinator):
    report = make_report(tree["kh"], "2026S1", actor=officer, state=ReportState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=officer, report=report)
    services.report_approve(actor=coordinator, report=report, comment="Tốt")
    services.report_approve(actor=coordinator, report=report)  # a retried request
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert ReportEvent.objects.filter(report=report, action=EventAction.APPROVED).count() == 1


def test_an_officer_of_another_commune_cannot_enter_the_report(tree):
    outsider = member(tree["ka"], Role.COMMUNE_OFFICER)
    with pytest.raises(PermissionDenied):
        services.report_open(actor=outsider, form=standard_form(), unit=tree["kh"], period="2026S1")
    report = make_report(tree["kh"], "2026S1")
    with pytest.raises(PermissionDenied):
        _save(report, outsider, values={"MEDIA_ITEMS": "1"})


def test_returning_needs_a_reason_and_reopens_the_draft(tree, officer, coordinator):
    report = make_report(tree["kh"], "2026S1", actor=officer, state=ReportState.SUBMITTED)
    with pytest.raises(ServiceError, match="lý do"):
        services.report_return(actor=coordinator, report=report, comment=" ")
    services.report_return(actor=coordinator, report=report, comment="Sai số cơ sở")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.effective_version is None
    _save(report, officer, values={"MEDIA_ITEMS": "8"})
    services.report_submit(actor=officer, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_correction_after_approval_is_a_new_version_and_the_old_one_stays(
    tree, officer, coordinator
):
    report = make_report(
        tree["kh"], "2026S1", actor=officer, state=ReportState.APPROVED, approver=coordinator
    )
    first = report.current_version_id
    services.report_reopen(actor=officer, report=report, reason="Bổ sung số liệu")
    services.report_reopen(actor=officer, report=report, reason="Bổ sung số liệu")  # retried
    report.refresh_from_db()
    assert report.versions.count() == 2 and report.state == ReportState.DRAFT
    # Until the correction is sent, the approved version is the one counted.
    assert report.effective_version_id == first
    _save(report, officer, values={"MEDIA_ITEMS": "12"})
    services.report_submit(actor=officer, report=report)
    report.refresh_from_db()
    assert report.effective_version_id == report.current_version_id != first
    old = ReportVersion.objects.get(pk=first or 0)
    assert old.state == ReportState.APPROVED and old.values["MEDIA_ITEMS"] == "6"
    # A correction returned again falls back to the approved first version.
    services.report_return(actor=coordinator, report=report, comment="Chưa đúng")
    report.refresh_from_db()
    assert report.effective_version_id == first


def test_outliers_need_a_comment_before_submission(tree):
    old = tree["old_kh"]
    for period in ("2023S1", "2023S2", "2024S1"):
        make_report(old, period, state=ReportState.SUBMITTED, values={"MEDIA_ITEMS": "10"})
    report = make_report(old, "2024S2", values={"MEDIA_ITEMS": "400"})
    check = services.report_check(report, selectors.report_current_version(report))
    assert "MEDIA_ITEMS" in check.warnings and "MEDIA_ITEMS" not in check.errors
    with pytest.raises(ServiceError):
        services.report_submit(actor=None, report=report)
    _save(report, None, comments={"MEDIA_ITEMS": "Chiến dịch truyền thông của tỉnh"})
    services.report_submit(actor=None, report=report)
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_evidence_is_checked_for_type_and_size(tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    ok = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test")
    evidence = services.evidence_add(actor=officer, report=report, upload=ok)
    assert evidence.name == "bien-ban.pdf" and evidence.version_id == report.current_version_id
    with pytest.raises(ServiceError, match="Chỉ nhận"):
        services.evidence_add(
            actor=officer, report=report, upload=SimpleUploadedFile("x.exe", b"MZ")
        )


def test_every_step_is_in_the_change_log(tree, officer, coordinator):
    report = make_report(
        tree["kh"], "2026S1", actor=officer, state=ReportState.APPROVED, approver=coordinator
    )
    entries = ObjectChange.objects.filter(content_type__model__in=["report", "reportversion"])
    users = set(entries.values_list("user_name", flat=True))
    assert {officer.username, coordinator.username} <= users
    states = [(e.after or {}).get("state") for e in entries.filter(content_type__model="report")]
    assert {"draft", "submitted", "approved"} <= set(states)
    assert all(e.after.get("packed") in (None, "***", "") for e in entries if e.after is not None)
    assert report.state == ReportState.APPROVED
