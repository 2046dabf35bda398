import io

import openpyxl
import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.plans.tests.factories import make_plan
from pcmd.programme.models import BudgetEntry, Commendation, FundingSource
from pcmd.programme.tests.factories import (
    make_commendation,
    make_entry,
    make_programme_targets,
    make_spending,
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
    return make_programme_targets(tree["kh"])


def _xlsx_rows(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_lists_show_only_records_in_scope(client, officer, tree, records):
    make_entry(tree["hp"], activity="Hoạt động của Hải Phú")
    make_commendation(tree["hp"], "Công an xã Hải Phú")
    page = client.get(reverse("programme:budget_list"))
    assert page.status_code == 200
    assert "Tuyên truyền trên loa truyền thanh" in page.text and "Hải Phú" not in page.text
    page = client.get(reverse("programme:commendation_list"))
    assert "Công an xã Kỳ Hoa" in page.text and "Hải Phú" not in page.text


def test_the_budget_list_filters_and_answers_htmx_with_rows_alone(client, officer, tree):
    make_entry(tree["kh"], activity="Dự toán tỉnh giao", source=FundingSource.STATE_PROVINCE)
    make_spending(tree["kh"], 3_000_000, activity="Chi in tờ rơi")
    url = reverse("programme:budget_list")
    response = client.get(url, {"kind": "spending"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.text
    assert "Chi in tờ rơi" in response.text and "Dự toán tỉnh giao" not in response.text
    response = client.get(url, {"source": "state_province", "year": "2025"})
    assert "Dự toán tỉnh giao" in response.text and "Chi in tờ rơi" not in response.text
    assert client.get(url, {"year": "nonsense", "unit": "x"}).status_code == 200


def test_the_commendation_list_filters_by_form(client, officer, tree):
    make_commendation(tree["kh"], "Hội Phụ nữ xã Kỳ Hoa")
    make_commendation(tree["kh"], "Trần Thị Lan", form="letter_of_commendation", level="commune")
    url = reverse("programme:commendation_list")
    response = client.get(url, {"form": "letter_of_commendation"}, HTTP_HX_REQUEST="true")
    assert "Trần Thị Lan" in response.text and "Hội Phụ nữ" not in response.text


def test_the_lists_export_csv_and_a_readable_xlsx(client, officer, records):
    for name, heading, expected in (
        ("programme:budget_list", "Số tiền (đồng)", 10_000_000),
        ("programme:commendation_list", "Tên tập thể, cá nhân", "Công an xã Kỳ Hoa"),
    ):
        csv = client.get(reverse(name), {"export": "csv"})
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
        assert heading in csv.content.decode("utf-8-sig")
        rows = _xlsx_rows(client.get(reverse(name), {"export": "xlsx"}))
        header = next(r for r in rows if heading in r)
        column = header.index(heading)
        assert expected in [r[column] for r in rows[rows.index(header) + 1 :]]


def test_an_officer_of_another_commune_cannot_open_or_change_the_records(client, tree, records):
    client.force_login(member(tree["ka"], Role.COMMUNE_OFFICER))
    entry, item = records["budget_entry"], records["commendation"]
    for name, pk in (
        ("programme:budget_detail", entry.pk),
        ("programme:budget_edit", entry.pk),
        ("programme:budget_delete", entry.pk),
        ("programme:commendation_detail", item.pk),
        ("programme:commendation_edit", item.pk),
        ("programme:commendation_delete", item.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
    assert (
        client.get(reverse("programme:budget_summary"), {"unit": tree["kh"].pk}).status_code == 404
    )
    assert BudgetEntry.objects.filter(pk=entry.pk).exists()
    assert Commendation.objects.filter(pk=item.pk).exists()


def test_a_viewer_reads_but_may_not_write(client, tree, records):
    client.force_login(member(tree["kh"], Role.VIEWER))
    entry = records["budget_entry"]
    page = client.get(reverse("programme:budget_detail", args=[entry.pk]))
    assert page.status_code == 200 and "Sửa" not in page.text
    for url in (
        reverse("programme:budget_create"),
        reverse("programme:budget_edit", args=[entry.pk]),
        reverse("programme:commendation_create"),
        reverse("programme:commendation_delete", args=[records["commendation"].pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert "Ghi nhận kinh phí" not in client.get(reverse("programme:budget_list")).text


def test_creating_an_entry_through_the_page_is_audited(client, officer, tree):
    response = client.post(
        reverse("programme:budget_create"),
        {
            "unit": tree["kh"].pk,
            "kind": "spending",
            "year": "2025",
            "source": "state_commune",
            "amount_vnd": "2.500.000",
            "date": "15/09/2025",
            "area": "communication",
            "activity": "In tờ rơi",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = BudgetEntry.objects.get()
    assert entry.amount_vnd == 2_500_000 and entry.area == "communication"
    log = ObjectChange.objects.get(object_id=str(entry.pk), content_type__model="budgetentry")
    assert log.user == officer and log.action == Action.CREATE


def test_refused_input_comes_back_as_typed_with_the_reason(client, tree):
    plan = make_plan(tree["ht"])
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    data = {
        "unit": tree["kh"].pk,
        "kind": "allocation",
        "year": "2025",
        "source": "state_commune",
        "amount_vnd": "-3.000.000",
        "date": "15/09/2025",
        "activity": "Kinh phí tuyên truyền năm 2025",
    }
    response = client.post(reverse("programme:budget_create"), data)
    assert response.status_code == 400
    assert "không được âm" in response.text
    assert "Kinh phí tuyên truyền năm 2025" in response.text and "-3.000.000" in response.text
    response = client.post(
        reverse("programme:budget_create"), data | {"amount_vnd": "3.000.000", "plan": plan.pk}
    )
    assert response.status_code == 400 and "không phải của Xã Kỳ Hoa" in response.text
    assert not BudgetEntry.objects.exists()


def test_a_commendation_with_a_future_date_is_refused_and_the_input_kept(client, officer, tree):
    response = client.post(
        reverse("programme:commendation_create"),
        {
            "unit": tree["kh"].pk,
            "recipient_kind": "individual",
            "name": "Lê Thị Thảo",
            "form": "certificate_of_merit",
            "level": "province",
            "decision_number": "99/QĐ-UBND",
            "decision_date": "01/01/2099",
        },
    )
    assert response.status_code == 400 and "tương lai" in response.text
    assert "Lê Thị Thảo" in response.text and "99/QĐ-UBND" in response.text
    assert not Commendation.objects.exists()


def test_edit_and_delete_pages_write_through_the_services(client, officer, records):
    item = records["commendation"]
    edit = reverse("programme:commendation_edit", args=[item.pk])
    form = client.get(edit)
    assert form.status_code == 200 and "Công an xã Kỳ Hoa" in form.text
    response = client.post(
        edit,
        {
            "recipient_kind": "collective",
            "name": "Công an xã Kỳ Hoa",
            "form": "certificate_of_merit",
            "level": "province",
            "decision_number": item.decision_number,
            "decision_date": "15/09/2025",
            "reason": "Triệt phá ổ nhóm môi giới mại dâm",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.reason == "Triệt phá ổ nhóm môi giới mại dâm"
    entry = records["budget_entry"]
    assert client.get(reverse("programme:budget_delete", args=[entry.pk])).status_code == 200
    assert client.post(reverse("programme:budget_delete", args=[entry.pk])).status_code == 302
    assert ObjectChange.objects.filter(object_id=str(entry.pk), action=Action.DELETE).exists()


def test_the_summary_page_compares_per_unit_and_exports(client, tree):
    make_entry(tree["ht"], 100_000_000, source="state_province")
    make_entry(tree["kh"], 20_000_000)
    make_spending(tree["kh"], 30_000_000)
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    url = reverse("programme:budget_summary")
    page = client.get(url, {"year": "2025"})
    assert page.status_code == 200
    assert "Tỉnh Hà Tĩnh" in page.text and "Xã Kỳ Hoa" in page.text and "Phường Kỳ Anh" in page.text
    assert 'data-testid="summary-flag"' in page.text  # Kỳ Hoa spent above its allocation
    assert "150,0" in page.text
    partial = client.get(url, {"year": "2025", "unit": tree["kh"].pk}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and "Phường Kỳ Anh" not in partial.text
    rows = _xlsx_rows(client.get(url, {"year": "2025", "export": "xlsx"}))
    header = next(r for r in rows if r and r[0] == "Đơn vị")
    body = [dict(zip(header, r, strict=False)) for r in rows[rows.index(header) + 1 :]]
    total = next(
        r for r in body if r["Đơn vị"] == "Tỉnh Hà Tĩnh" and r["Nguồn kinh phí"] == "Tổng các nguồn"
    )
    assert total["Dự toán được giao (đồng)"] == 120_000_000
    assert total["Thực chi (đồng)"] == 30_000_000 and total["Tỷ lệ thực chi/dự toán (%)"] == 25.0
    kh = next(
        r for r in body if r["Đơn vị"] == "Xã Kỳ Hoa" and r["Nguồn kinh phí"] == "Tổng các nguồn"
    )
    assert kh["Chi vượt dự toán"] == "Có"
    csv = client.get(url, {"year": "2025", "export": "csv"})
    assert csv.status_code == 200 and "Xã Kỳ Hoa" in csv.content.decode("utf-8-sig")
