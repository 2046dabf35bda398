"""Report pages: opening, autosave, submission, decisions, files in and out."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.reporting.models import Report, ReportEvent, ReportState, ReportVersion
from pcmd.reporting.tests.factories import make_report, standard_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, tree):
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


def _revision(report: Report) -> int:
    return ReportVersion.objects.get(pk=report.current_version_id or 0).revision


def test_the_officer_opens_the_communes_report_from_the_list(client, tree, officer):
    page = client.get(reverse("reporting:list"))
    assert page.status_code == 200 and "Lập báo cáo" in page.content.decode()
    response = client.post(
        reverse("reporting:open"),
        {"form": standard_form().pk, "unit": tree["kh"].pk, "period": "2026s1"},
    )
    report = Report.objects.get(unit=tree["kh"], period="2026S1")
    assert response.status_code == 302 and response.url == f"/reports/{report.pk}/"
    entry = client.get(response.url).content.decode()
    assert 'name="v:MEDIA_ITEMS"' in entry and "6 tháng đầu năm 2026" in entry


def test_a_bad_period_is_refused_with_the_form_kept(client, tree, officer):
    response = client.post(
        reverse("reporting:open"),
        {"form": standard_form().pk, "unit": tree["kh"].pk, "period": "2026-13"},
    )
    assert response.status_code == 400
    assert "2026-13" in response.content.decode()


def test_autosave_keeps_values_and_answers_with_the_new_revision(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    response = client.post(
        reverse("reporting:save", args=[report.pk]),
        {"revision": _revision(report), "v:MEDIA_ITEMS": "1.234", "v:TIPS_RECEIVED": "abc"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Đã lưu bản nháp" in body
    assert f'value="{_revision(report)}"' in body  # the page's revision is replaced
    assert "không phải là số" in body
    version = ReportVersion.objects.get(pk=report.current_version_id or 0)
    assert version.values["MEDIA_ITEMS"] == "1234"
    assert version.comments["_pending"]["TIPS_RECEIVED"] == "abc"
    # Reopening the page shows what was typed, even the unreadable value.
    page = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert 'value="abc"' in page and 'value="1.234"' in page


def test_a_stale_autosave_answers_409_and_changes_nothing(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    stale = _revision(report)
    url = reverse("reporting:save", args=[report.pk])
    colleague = member(tree["kh"], Role.COMMUNE_OFFICER, username="dongnghiep")
    client.force_login(colleague)
    client.post(url, {"revision": stale, "v:MEDIA_ITEMS": "7"}, HTTP_HX_REQUEST="true")
    client.force_login(officer)
    response = client.post(url, {"revision": stale, "v:MEDIA_ITEMS": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and 'data-testid="conflict"' in response.content.decode()
    assert ReportVersion.objects.get(pk=report.current_version_id or 0).values["MEDIA_ITEMS"] == "7"


def test_an_unchanged_cell_is_not_read_again(client, tree, officer):
    """The page sends every cell as displayed; only what changed is stored again."""
    report = make_report(tree["kh"], "2026S1", actor=officer, values={"FINES_VND": "1.25"})
    client.post(
        reverse("reporting:save", args=[report.pk]),
        # "1,25" is what the Vietnamese page shows for 1.25; a cell typed afresh as
        # "1,250" would mean 1250, so re-reading the shown text is not harmless.
        {"revision": _revision(report), "v:FINES_VND": "1,25", "v:MEDIA_ITEMS": "9"},
        HTTP_HX_REQUEST="true",
    )
    values = ReportVersion.objects.get(pk=report.current_version_id or 0).values
    assert values["FINES_VND"] == "1.25" and values["MEDIA_ITEMS"] == "9"


def test_my_own_autosave_in_flight_does_not_block_my_submission(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    page_revision = _revision(report)
    client.post(  # the autosave sent when the cell lost focus
        reverse("reporting:save", args=[report.pk]),
        {"revision": page_revision, "v:MEDIA_ITEMS": "9"},
        HTTP_HX_REQUEST="true",
    )
    response = client.post(
        reverse("reporting:submit", args=[report.pk]),
        {"revision": page_revision, "v:MEDIA_ITEMS": "9"},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_submitting_from_the_page_saves_and_sends_once(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    url = reverse("reporting:submit", args=[report.pk])
    data = {"revision": _revision(report), "v:MEDIA_ITEMS": "8"}
    first = client.post(url, data)
    second = client.post(url, data)  # a double click: the page had the old revision
    assert first.status_code == 302
    assert second.status_code in (302, 400, 409)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert ReportEvent.objects.filter(report=report, action="submitted").count() == 1
    assert report.effective_version and report.effective_version.values["MEDIA_ITEMS"] == "8"


def test_a_report_with_errors_is_not_sent_and_says_why(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    response = client.post(
        reverse("reporting:submit", args=[report.pk]),
        {"revision": _revision(report), "v:BUSINESSES_INSPECTED": "99"},
        follow=True,
    )
    # Back on the report's own page (not a page at the submit address), with the reasons.
    assert response.redirect_chain == [(f"/reports/{report.pk}/", 302)]
    assert "Chưa gửi được" in response.content.decode()
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_the_province_approves_from_the_queue(client, tree):
    report = make_report(tree["kh"], "2026S1", state=ReportState.SUBMITTED)
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    client.force_login(coordinator)
    queue = client.get(reverse("reporting:approvals")).content.decode()
    assert f"/reports/{report.pk}/" in queue
    page = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert 'data-testid="approve"' in page
    client.post(reverse("reporting:approve", args=[report.pk]), {"comment": "Đạt"})
    assert Report.objects.get(pk=report.pk).state == ReportState.APPROVED


def test_returning_without_a_reason_is_refused(client, tree):
    report = make_report(tree["kh"], "2026S1", state=ReportState.SUBMITTED)
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    response = client.post(reverse("reporting:return", args=[report.pk]), {"comment": ""})
    assert response.status_code == 400 and "lý do" in response.content.decode()


def test_the_officer_cannot_approve_their_own_report(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer, state=ReportState.SUBMITTED)
    response = client.post(reverse("reporting:approve", args=[report.pk]))
    assert response.status_code in (400, 403)
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_the_excel_file_round_trips_into_the_draft(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    download = client.get(reverse("reporting:export", args=[report.pk, "xlsx"]))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    sheet = book["Báo cáo"]
    # Column F (hidden) holds each input row's key; column D is the value people type.
    (row,) = [r for r in sheet.iter_rows() if len(r) > 5 and r[5].value == "MEDIA_ITEMS"]
    assert row[3].value == 6
    row[3].value = 11
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())
    response = client.post(reverse("reporting:import", args=[report.pk]), {"file": upload})
    assert response.status_code == 302
    assert (
        ReportVersion.objects.get(pk=report.current_version_id or 0).values["MEDIA_ITEMS"] == "11"
    )


def test_a_dhis2_file_with_one_bad_row_imports_nothing(client, tree, officer):
    make_report(tree["kh"], "2026S1", actor=officer)
    body = {
        "dataValues": [
            {
                "dataElement": "MEDIA_ITEMS",
                "period": "2026S1",
                "orgUnit": tree["kh"].code,
                "value": "15",
            },
            {
                "dataElement": "TIPS_RECEIVED",
                "period": "2026S1",
                "orgUnit": tree["kh"].code,
                "value": "-2",
            },
            {
                "dataElement": "NO_SUCH",
                "period": "2026S1",
                "orgUnit": tree["kh"].code,
                "value": "1",
            },
        ]
    }
    upload = SimpleUploadedFile("gia-tri.json", json.dumps(body).encode())
    response = client.post(reverse("reporting:bulk_import"), {"file": upload})
    text = response.content.decode()
    assert response.status_code == 400
    assert "dataValues[1]" in text and "dataValues[2]" in text
    report = Report.objects.get(unit=tree["kh"], period="2026S1")
    assert ReportVersion.objects.get(pk=report.current_version_id or 0).values["MEDIA_ITEMS"] == "6"


def test_dhis2_json_export_names_the_unit_and_period(client, tree, officer):
    report = make_report(tree["kh"], "2026S1", actor=officer)
    data = json.loads(client.get(reverse("reporting:export", args=[report.pk, "json"])).content)
    assert data["orgUnit"] == tree["kh"].code and data["period"] == "2026S1"
    media = [v for v in data["dataValues"] if v["dataElement"] == "MEDIA_ITEMS"]
    assert media[0]["value"] == "6"


def test_versions_stay_readable_after_a_correction(client, tree, officer):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    report = make_report(
        tree["kh"], "2026S1", actor=officer, state=ReportState.APPROVED, approver=coordinator
    )
    client.post(reverse("reporting:reopen", args=[report.pk]), {"comment": "Sửa số liệu"})
    report.refresh_from_db()
    assert report.versions.count() == 2
    first = client.get(reverse("reporting:version", args=[report.pk, 1]))
    assert first.status_code == 200 and "Đã duyệt" in first.content.decode()


def test_the_report_list_downloads_with_the_filters_applied(client, tree, officer):
    make_report(tree["kh"], "2026S1", actor=officer, state=ReportState.SUBMITTED)
    response = client.get(reverse("reporting:list") + "?state=submitted&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[8]) for r in rows] == [("2026S1", "Xã Kỳ Hoa", "Đã gửi, chờ duyệt")]
    page = client.get(reverse("reporting:detail", args=[Report.objects.get().pk]))
    assert "số liệu tính từ 15/12/2025 đến 14/06/2026" in page.content.decode()


def test_empty_required_cells_are_flagged_when_sending_not_while_typing(client, tree, officer):
    report = client.post(
        reverse("reporting:open"),
        {"form": standard_form().pk, "unit": tree["kh"].pk, "period": "2026S1"},
    )
    draft = Report.objects.get(unit=tree["kh"], period="2026S1")
    assert "Bắt buộc nhập." not in client.get(report.url).content.decode()
    sent = client.post(
        reverse("reporting:submit", args=[draft.pk]),
        {"revision": _revision(draft), "v:MEDIA_ITEMS": "3"},
        follow=True,
    )
    body = sent.content.decode()
    assert "mục bắt buộc chưa nhập" in body and "Số người lao động" in body
    assert "Bắt buộc nhập." in body and 'value="3"' in body
