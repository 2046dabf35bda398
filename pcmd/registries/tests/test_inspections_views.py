import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.registries.models import Inspection, InspectionTeam, Sanction
from pcmd.registries.tests.factories_businesses import make_business
from pcmd.registries.tests.factories_inspections import (
    make_enforcement_targets,
    make_inspection,
    make_member,
    make_sanction,
    make_team,
    make_violation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, tree):
    """A commune officer of Xã Kỳ Hoa, signed in."""
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def records(tree):
    return make_enforcement_targets(tree["kh"])


def test_every_list_opens_and_shows_only_records_in_scope(client, officer, tree, records):
    other = make_enforcement_targets(tree["hp"])
    for name, own, foreign in (
        ("registries:team_list", records["team"].name, other["team"].name),
        ("registries:inspection_plan_list", records["inspection_plan"].title, None),
        ("registries:inspection_list", "Nhà nghỉ Hoa Sen", None),
        ("registries:sanction_list", records["sanction"].decision_number, None),
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert own in response.text, name
        if foreign:
            assert foreign not in response.text, name
    # Hải Phú's business is not listed to a Kỳ Hoa officer.
    page = client.get(reverse("registries:inspection_list"))
    assert page.text.count("Nhà nghỉ Hoa Sen") == 1


def test_the_inspection_list_filters_and_answers_htmx_with_rows_alone(client, officer, tree):
    clean = make_inspection(make_business(tree["kh"], "Karaoke Sạch"), date=dt.date(2025, 8, 1))
    dirty = make_violation(make_business(tree["kh"], "Massage Bẩn"))
    url = reverse("registries:inspection_list")
    response = client.get(url, {"violations": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.text
    assert "Massage Bẩn" in response.text and "Karaoke Sạch" not in response.text
    response = client.get(url, {"start": "01/09/2025", "end": "30/09/2025"})
    assert "Massage Bẩn" in response.text and "Karaoke Sạch" not in response.text
    response = client.get(url, {"business": clean.business_id})
    assert "Karaoke Sạch" in response.text and "Massage Bẩn" not in response.text
    assert dirty.pk and client.get(url, {"start": "nonsense"}).status_code == 200


def test_the_lists_export_csv_and_a_readable_xlsx(client, officer, records):
    for name, title, expected in (
        ("registries:inspection_list", "Cơ sở", "Nhà nghỉ Hoa Sen"),
        ("registries:sanction_list", "Số tiền phạt (đồng)", 5_000_000),
        ("registries:team_list", "Tên đội", records["team"].name),
        ("registries:inspection_plan_list", "Tên kế hoạch kiểm tra", "Kế hoạch kiểm tra quý III"),
    ):
        csv = client.get(reverse(name), {"export": "csv"})
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
        assert title in csv.content.decode("utf-8-sig")
        xlsx = client.get(reverse(name), {"export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        header = [c.value for c in sheet[1]]
        column = header.index(title)
        assert sheet.cell(row=2, column=column + 1).value == expected, name


def test_the_inspection_page_shows_the_checklist_sanctions_and_follow_ups(client, officer, records):
    inspection = records["inspection"]
    follow_up = make_inspection(
        inspection.business, date=dt.date(2025, 10, 1), follow_up_of=inspection
    )
    response = client.get(reverse("registries:inspection_detail", args=[inspection.pk]))
    assert response.status_code == 200
    text = response.text
    assert 'data-testid="checklist"' in text and "Điều kiện về an ninh, trật tự" in text
    assert "Có vi phạm" in text and "Không kiểm tra" in text
    assert records["sanction"].decision_number in text and "5.000.000" in text
    assert reverse("registries:inspection_detail", args=[follow_up.pk]) in text
    assert reverse("registries:inspection_sanction_create", args=[inspection.pk]) in text


def test_a_team_is_created_with_members_from_its_pages(client, officer, tree):
    response = client.post(
        reverse("registries:team_create"),
        {"unit": tree["kh"].pk, "name": "Đội 178 xã Kỳ Hoa", "valid_from": "01/07/2025"},
    )
    team = InspectionTeam.objects.get(name="Đội 178 xã Kỳ Hoa")
    assert response.status_code == 302 and response.url.endswith(f"/{team.pk}/")
    detail = client.get(response.url)
    assert 'data-testid="member-add"' in detail.text
    added = client.post(
        reverse("registries:team_member_add", args=[team.pk]),
        {"full_name": "Nguyễn Thị Hoa", "role": "leader"},
    )
    assert added.status_code == 302
    assert "Nguyễn Thị Hoa" in client.get(reverse("registries:team_detail", args=[team.pk])).text
    assert ObjectChange.objects.filter(action=Action.CREATE, object_repr="Nguyễn Thị Hoa").exists()


def test_a_refused_form_keeps_the_input_and_answers_400(client, officer, tree):
    response = client.post(
        reverse("registries:team_create"),
        {
            "unit": tree["kh"].pk,
            "name": "Đội nhập sai",
            "valid_from": "01/07/2025",
            "valid_to": "01/01/2025",
        },
    )
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu" in response.text
    assert 'value="Đội nhập sai"' in response.text


def test_recording_an_inspection_in_the_future_is_refused_on_the_page(client, officer, records):
    tomorrow = dt.date.today() + dt.timedelta(days=3)
    response = client.post(
        reverse("registries:inspection_create"),
        {
            "business": records["business"].pk,
            "date": tomorrow.strftime("%d/%m/%Y"),
            "finding_prostitution": "ok",
            "finding_security": "ok",
            "finding_culture": "na",
            "finding_labour": "na",
            "finding_health": "na",
            "record_number": "99/BB",
        },
    )
    assert response.status_code == 400 and "ở tương lai" in response.text
    assert 'value="99/BB"' in response.text


def test_an_inspection_is_recorded_and_a_sanction_from_its_page(client, officer, records):
    business, team = records["business"], records["team"]
    response = client.post(
        reverse("registries:inspection_create") + f"?business={business.pk}",
        {
            "business": business.pk,
            "date": "02/10/2025",
            "team": team.pk,
            "members_present": [records["team_member"].pk],
            "finding_prostitution": "violation",
            "finding_security": "ok",
            "finding_culture": "na",
            "finding_labour": "na",
            "finding_health": "ok",
            "violations_found": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get(date=dt.date(2025, 10, 2))
    url = reverse("registries:inspection_sanction_create", args=[inspection.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Nhà nghỉ Hoa Sen" in form.text
    refused = client.post(
        url,
        {
            "decision_number": "30/QĐ-XPHC",
            "decision_date": "03/10/2025",
            "offender_kind": "organisation",
            "offender_name": "Nhà nghỉ Hoa Sen",
            "act": "Chứa mại dâm",
            "fine_vnd": "-2.000.000",
            "payment_status": "unpaid",
        },
    )
    assert refused.status_code == 400 and "Số tiền phạt không được âm" in refused.text
    assert 'value="30/QĐ-XPHC"' in refused.text
    saved = client.post(
        url,
        {
            "decision_number": "30/QĐ-XPHC",
            "decision_date": "03/10/2025",
            "offender_kind": "organisation",
            "offender_name": "Nhà nghỉ Hoa Sen",
            "act": "Chứa mại dâm",
            "fine_vnd": "40.000.000",
            "licence_suspended_months": "3",
            "payment_status": "unpaid",
        },
    )
    assert saved.status_code == 302
    sanction = Sanction.objects.get(decision_number="30/QĐ-XPHC")
    assert sanction.fine_vnd == 40_000_000 and str(sanction.decree) == "144/2021/NĐ-CP"
    assert sanction.inspection == inspection


def test_a_business_outside_scope_is_not_found_on_the_pages(client, officer, tree):
    foreign = make_business(tree["hp"], "Karaoke Hải Phú")
    assert (
        client.get(reverse("registries:inspection_create"), {"business": foreign.pk}).status_code
        == 404
    )
    response = client.post(
        reverse("registries:inspection_create"),
        {"business": foreign.pk, "date": "15/09/2025"},
    )
    assert response.status_code == 404
    standalone = client.post(
        reverse("registries:sanction_create"),
        {"business": foreign.pk, "decision_date": "15/09/2025"},
    )
    assert standalone.status_code == 404
    assert not Inspection.objects.exists() and not Sanction.objects.exists()


def test_another_communes_records_answer_404(client, officer, tree):
    other = make_enforcement_targets(tree["hp"])
    team, inspection, sanction = other["team"], other["inspection"], other["sanction"]
    for name, args in (
        ("registries:team_detail", [team.pk]),
        ("registries:team_edit", [team.pk]),
        ("registries:team_member_edit", [team.pk, other["team_member"].pk]),
        ("registries:inspection_plan_detail", [other["inspection_plan"].pk]),
        ("registries:inspection_detail", [inspection.pk]),
        ("registries:inspection_edit", [inspection.pk]),
        ("registries:inspection_delete", [inspection.pk]),
        ("registries:inspection_sanction_create", [inspection.pk]),
        ("registries:sanction_detail", [sanction.pk]),
        ("registries:sanction_delete", [sanction.pk]),
    ):
        url = reverse(name, args=args)
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert Sanction.objects.filter(pk=sanction.pk).exists()


def test_a_viewer_reads_but_may_not_write(client, tree, records):
    client.force_login(member(tree["kh"], Role.VIEWER))
    inspection = records["inspection"]
    page = client.get(reverse("registries:inspection_detail", args=[inspection.pk]))
    assert page.status_code == 200
    assert reverse("registries:inspection_edit", args=[inspection.pk]) not in page.text
    assert (
        client.get(reverse("registries:inspection_edit", args=[inspection.pk])).status_code == 403
    )
    assert client.get(reverse("registries:inspection_create")).status_code == 403


def test_a_province_team_is_offered_when_recording_a_communes_inspection(client, officer, tree):
    province_team = make_team(tree["ht"], "Đội 178 tỉnh Hà Tĩnh")
    make_member(province_team, "Thành viên tỉnh")
    response = client.get(reverse("registries:inspection_create"))
    assert response.status_code == 200 and "Đội 178 tỉnh Hà Tĩnh" in response.text
    # ... but its own page stays with the province.
    assert client.get(reverse("registries:team_detail", args=[province_team.pk])).status_code == 404


def test_deleting_an_inspection_with_a_sanction_is_refused_on_the_page(client, officer, records):
    url = reverse("registries:inspection_delete", args=[records["inspection"].pk])
    response = client.post(url)
    assert response.status_code == 400 and "xóa các quyết định trước" in response.text
    sanction_url = reverse("registries:sanction_delete", args=[records["sanction"].pk])
    assert client.post(sanction_url).status_code == 302
    assert client.post(url).status_code == 302
    assert not Inspection.objects.filter(pk=records["inspection"].pk).exists()


def test_paid_before_the_decision_is_refused_on_the_edit_page(client, officer, records):
    sanction = make_sanction(inspection=records["inspection"], decision_number="45/QĐ")
    response = client.post(
        reverse("registries:sanction_edit", args=[sanction.pk]),
        {
            "decision_number": "45/QĐ",
            "decision_date": "20/09/2025",
            "offender_kind": "person",
            "offender_name": "Nguyễn Văn Chủ",
            "act": "Không thông báo lưu trú",
            "fine_vnd": "5.000.000",
            "payment_status": "paid",
            "paid_on": "10/09/2025",
        },
    )
    assert response.status_code == 400 and "trước ngày quyết định" in response.text


def test_every_form_page_opens_for_an_officer(client, officer, records):
    team, inspection, sanction = records["team"], records["inspection"], records["sanction"]
    for name, args in (
        ("registries:team_create", []),
        ("registries:team_edit", [team.pk]),
        ("registries:team_close", [team.pk]),
        ("registries:team_delete", [team.pk]),
        ("registries:team_member_add", [team.pk]),
        ("registries:team_member_edit", [team.pk, records["team_member"].pk]),
        ("registries:team_member_remove", [team.pk, records["team_member"].pk]),
        ("registries:inspection_plan_create", []),
        ("registries:inspection_plan_detail", [records["inspection_plan"].pk]),
        ("registries:inspection_plan_edit", [records["inspection_plan"].pk]),
        ("registries:inspection_plan_delete", [records["inspection_plan"].pk]),
        ("registries:inspection_create", []),
        ("registries:inspection_edit", [inspection.pk]),
        ("registries:inspection_delete", [inspection.pk]),
        ("registries:sanction_create", []),
        ("registries:sanction_detail", [sanction.pk]),
        ("registries:sanction_edit", [sanction.pk]),
        ("registries:sanction_delete", [sanction.pk]),
        ("registries:team_detail", [team.pk]),
    ):
        url = reverse(name, args=args)
        assert client.get(url).status_code == 200, url
    follow_up = client.get(reverse("registries:inspection_create"), {"follow_up_of": inspection.pk})
    assert follow_up.status_code == 200 and "Ghi nhận hậu kiểm" in follow_up.text


def test_an_inspection_and_a_plan_are_edited_on_their_pages(client, officer, records):
    inspection, plan = records["inspection"], records["inspection_plan"]
    response = client.post(
        reverse("registries:inspection_edit", args=[inspection.pk]),
        {
            "date": "15/09/2025",
            "team": records["team"].pk,
            "members_present": [records["team_member"].pk],
            "finding_prostitution": "ok",
            "finding_security": "violation",
            "finding_culture": "ok",
            "finding_labour": "na",
            "finding_health": "na",
            "violations_found": "1",
            "record_number": "07/BB-ĐKT",
        },
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.record_number == "07/BB-ĐKT" and inspection.finding_culture == "ok"
    edited = client.post(
        reverse("registries:inspection_plan_edit", args=[plan.pk]),
        {"title": "Kế hoạch quý III (sửa)", "start": "01/09/2025", "end": "30/09/2025"},
    )
    assert edited.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch quý III (sửa)" and not plan.businesses.exists()
    assert ObjectChange.objects.filter(action=Action.UPDATE, object_id=str(plan.pk)).exists()
