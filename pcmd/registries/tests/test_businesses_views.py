import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.registries.models import Business, BusinessStatus
from pcmd.registries.tests.factories_businesses import (
    add_inspection,
    add_sanction,
    csv_bytes,
    make_business,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

LIST = reverse("registries:business_list")


@pytest.fixture
def officer(client, tree):
    """A commune officer of the new Xã Kỳ Hoa, signed in."""
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def businesses(tree):
    today = timezone.localdate()
    made = {
        "hoa_sen": make_business(tree["kh"], "Nhà nghỉ Hoa Sen", address="Số 1, Lê Lợi"),
        "anh_duong": make_business(tree["kh"], "Karaoke Ánh Dương", kind="karaoke"),
        "thu_ha": make_business(
            tree["old_kh"], "Massage Thu Hà", kind="massage", opened_on=dt.date(2020, 1, 1)
        ),
        "hai_phu": make_business(tree["hp"], "Karaoke Hải Phú", kind="karaoke"),
    }
    add_inspection(made["anh_duong"], date=today)
    add_sanction(made["thu_ha"])
    return made


def _names(response) -> list[str]:
    return [b.name for b in response.context["page"].object_list]


def test_the_list_shows_the_users_scope_with_counts(client, officer, businesses):
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Karaoke Ánh Dương", "Massage Thu Hà", "Nhà nghỉ Hoa Sen"]
    body = response.content.decode()
    assert "3 cơ sở" in body and "Karaoke Hải Phú" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "nha nghi"}, ["Nhà nghỉ Hoa Sen"]),
        ({"q": "LE LOI"}, ["Nhà nghỉ Hoa Sen"]),
        ({"kind": "karaoke"}, ["Karaoke Ánh Dương"]),
        ({"status": "closed"}, []),
        ({"never_inspected": "on"}, ["Massage Thu Hà", "Nhà nghỉ Hoa Sen"]),
        ({"inspected_this_year": "on"}, ["Karaoke Ánh Dương"]),
        ({"with_violations": "on"}, ["Massage Thu Hà"]),
    ],
)
def test_the_list_filters(client, officer, businesses, query, expected):
    assert sorted(_names(client.get(LIST, query))) == expected


def test_the_commune_filter_offers_units_in_scope_only(client, officer, businesses, tree):
    response = client.get(LIST, {"unit": tree["old_kh"].pk})
    assert _names(response) == ["Massage Thu Hà"]
    offered = list(response.context["form"].fields["unit"].queryset)
    assert tree["hp"] not in offered and tree["kh"] in offered
    # Another commune's unit is not a choice: the filter is ignored, the scope stays.
    assert len(_names(client.get(LIST, {"unit": tree["hp"].pk}))) == 3


def test_htmx_gets_the_results_only(client, officer, businesses):
    response = client.get(LIST, {"kind": "massage"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Massage Thu Hà" in body and "<html" not in body and "export=csv" in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_filtered_list_exports(client, officer, businesses, fmt):
    response = client.get(LIST, {"kind": "karaoke", "export": fmt})
    assert response.status_code == 200 and fmt in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert text.startswith('Tên cơ sở,Loại hình,Địa chỉ,Mã xã,"Xã, phường",')
        assert "Karaoke Ánh Dương" in text and "Hoa Sen" not in text and "Hải Phú" not in text
    else:
        ws = load_workbook(io.BytesIO(response.content)).active
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == "Tên cơ sở" and [r[0] for r in rows[1:]] == ["Karaoke Ánh Dương"]


def test_an_exported_list_reads_back_as_duplicates(client, officer, businesses):
    exported = client.get(LIST, {"export": "xlsx"}).content
    upload = SimpleUploadedFile("ds.xlsx", exported)
    preview = client.get(client.post(reverse("registries:business_import"), {"file": upload}).url)
    assert [r.state for r in preview.context["preview"].rows] == ["duplicate"] * 3


def _form(tree, **changes):
    data = {
        "unit": tree["kh"].pk,
        "name": "Nhà nghỉ Bình An",
        "kind": "guest_house",
        "address": "Thôn 4",
        "status": "open",
        "workers_total": "3",
        "workers_female": "5",
        "registration_date": "15/03/2020",
    }
    return {**data, **changes}


def test_create_with_errors_keeps_what_was_typed(client, officer, tree):
    response = client.post(reverse("registries:business_create"), _form(tree))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Nhà nghỉ Bình An"' in body and 'value="15/03/2020"' in body
    assert "lớn hơn tổng số lao động" in body and not Business.objects.exists()
    bad_date = client.post(
        reverse("registries:business_create"),
        _form(tree, workers_female="1", opened_on="32/13/2020"),
    )
    assert bad_date.status_code == 400 and "dd/mm/yyyy" in bad_date.content.decode()


def test_create_saves_and_opens_the_business(client, officer, tree):
    response = client.post(reverse("registries:business_create"), _form(tree, workers_female="2"))
    business = Business.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "registries:business_detail", args=[business.pk]
    )
    assert business.registration_date == dt.date(2020, 3, 15) and business.workers_female == 2


def test_a_duplicate_is_refused_with_a_link_to_the_existing_record(
    client, officer, tree, businesses
):
    response = client.post(
        reverse("registries:business_create"),
        _form(tree, name="NHÀ NGHỈ HOA SEN", address="số 1 lê lợi", workers_female=""),
    )
    assert response.status_code == 400
    body = response.content.decode()
    link = reverse("registries:business_detail", args=[businesses["hoa_sen"].pk])
    assert "cùng tên và địa chỉ" in body and f'href="{link}"' in body


def test_a_unit_outside_the_scope_is_not_a_choice(client, officer, tree):
    response = client.post(
        reverse("registries:business_create"), _form(tree, unit=tree["hp"].pk, workers_female="")
    )
    assert response.status_code == 400 and not Business.objects.exists()


def test_the_detail_lists_inspections_sanctions_and_status_history(client, officer, businesses):
    business = businesses["thu_ha"]
    page = client.get(reverse("registries:business_detail", args=[business.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "Chứa mại dâm" in body and "10.000.000" in body
    assert "Chưa kiểm tra lần nào" in body and "Đang hoạt động" in body


def test_edit_and_status_change_through_the_pages(client, officer, tree, businesses):
    business = businesses["hoa_sen"]
    edit = reverse("registries:business_edit", args=[business.pk])
    assert client.get(edit).status_code == 200
    data = _form(tree, name="Nhà nghỉ Hoa Sen Mới", workers_female="1")
    assert client.post(edit, data).status_code == 302
    status = reverse("registries:business_status", args=[business.pk])
    refused = client.post(status, {"status": "closed", "on": "01/01/2099"})
    assert refused.status_code == 400 and "hôm nay" in refused.content.decode()
    assert client.post(status, {"status": "closed", "on": "01/10/2025"}).status_code == 302
    business.refresh_from_db()
    assert business.name == "Nhà nghỉ Hoa Sen Mới" and business.status == BusinessStatus.CLOSED
    assert business.closed_on == dt.date(2025, 10, 1)


def test_delete_is_refused_for_a_business_with_records(client, officer, businesses):
    url = reverse("registries:business_delete", args=[businesses["anh_duong"].pk])
    response = client.post(url)
    assert response.status_code == 400 and "Không xóa được" in response.content.decode()
    ok = client.post(reverse("registries:business_delete", args=[businesses["hoa_sen"].pk]))
    assert ok.status_code == 302 and not Business.objects.filter(name="Nhà nghỉ Hoa Sen").exists()


@pytest.mark.parametrize("name", ["detail", "edit", "status", "delete"])
def test_another_communes_business_answers_404(client, officer, businesses, name):
    url = reverse(f"registries:business_{name}", args=[businesses["hai_phu"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "closed"}).status_code == 404
    assert Business.objects.get(pk=businesses["hai_phu"].pk).status == BusinessStatus.OPEN


def test_a_viewer_reads_but_may_not_change(client, tree, businesses):
    client.force_login(member(tree["kh"], Role.VIEWER))
    business = businesses["hoa_sen"]
    assert client.get(reverse("registries:business_detail", args=[business.pk])).status_code == 200
    for name in ("edit", "status", "delete"):
        url = reverse(f"registries:business_{name}", args=[business.pk])
        assert client.post(url, {"status": "closed"}).status_code == 403
    assert client.get(reverse("registries:business_create")).status_code == 403
    assert client.get(reverse("registries:business_import")).status_code == 403
    assert Business.objects.filter(pk=business.pk).exists()


def test_the_templates_download(client, officer):
    xlsx = client.get(reverse("registries:business_import_template_xlsx"))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    csv = client.get(reverse("registries:business_import_template_csv"))
    assert csv.content.decode("utf-8-sig").startswith("Tên cơ sở,")


def test_upload_preview_confirm(client, officer, tree, businesses):
    rows = [
        ["Nhà nghỉ Hoa Sen", "Nhà nghỉ", "Số 1 Lê Lợi", "Xã Kỳ Hoa", ""],
        ["Bar Mới", "bar", "Thôn 8", "Xã Kỳ Hoa", ""],
        ["Spa Mới", "spa", "Thôn 9", "", ""],
    ]
    upload = SimpleUploadedFile("danh-sach.csv", csv_bytes(rows))
    response = client.post(reverse("registries:business_import"), {"file": upload})
    assert response.status_code == 302
    preview_url = response.url
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert [r.state for r in preview.context["preview"].rows] == ["duplicate", "new", "new"]
    assert "import-confirm" in preview.content.decode() and Business.objects.count() == 4
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    confirmed = client.post(reverse("registries:business_import_confirm", args=[token]))
    assert confirmed.status_code == 302 and confirmed.url == LIST
    assert Business.objects.filter(name__in=["Bar Mới", "Spa Mới"], unit=tree["kh"]).count() == 2
    # Going back to the preview does not import twice.
    assert client.get(preview_url).status_code == 302
    assert (
        client.post(reverse("registries:business_import_confirm", args=[token])).status_code == 302
    )
    assert Business.objects.count() == 6


def test_a_file_with_errors_offers_no_confirmation_and_imports_nothing(client, officer, tree):
    rows = [
        ["Bar Mới", "bar", "Thôn 8", "Xã Kỳ Hoa", ""],
        ["Bar Lỗi", "bar", "Thôn 8", "Xã Hải Phú", ""],
    ]
    upload = SimpleUploadedFile("ds.xlsx", xlsx_bytes(rows))
    preview = client.get(client.post(reverse("registries:business_import"), {"file": upload}).url)
    body = preview.content.decode()
    assert "Dòng 3, cột Xã, phường: Xã Hải Phú nằm ngoài phạm vi" in body
    assert "import-confirm" not in body
    token = preview.context["token"]
    refused = client.post(reverse("registries:business_import_confirm", args=[token]))
    assert refused.status_code == 400 and not Business.objects.exists()


def test_an_unreadable_file_stays_on_the_upload_page(client, officer):
    upload = SimpleUploadedFile("ds.xlsx", b"hello")
    response = client.post(reverse("registries:business_import"), {"file": upload})
    assert response.status_code == 400 and "không phải bảng tính" in response.content.decode()
    wrong = SimpleUploadedFile("ds.pdf", b"%PDF")
    assert client.post(reverse("registries:business_import"), {"file": wrong}).status_code == 400


def test_another_users_upload_answers_404(client, officer, tree):
    upload = SimpleUploadedFile("ds.csv", csv_bytes([["Bar", "bar", "Thôn 8", "Xã Kỳ Hoa", ""]]))
    url = client.post(reverse("registries:business_import"), {"file": upload}).url
    token = url.rstrip("/").rsplit("/", 1)[1]
    client.force_login(member(tree["kh"], Role.COMMUNE_OFFICER))
    assert client.get(url).status_code == 404
    confirm = reverse("registries:business_import_confirm", args=[token])
    assert client.post(confirm).status_code == 404 and not Business.objects.exists()
