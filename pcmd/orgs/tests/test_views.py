import datetime as dt
import re

import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.orgs.models import Agency
from pcmd.orgs.services import agency_update
from pcmd.orgs.tests.factories import agency_type

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client, tree, agencies):
    for url in (
        reverse("orgs:list"),
        reverse("orgs:detail", args=[agencies["kh_police"].pk]),
        reverse("orgs:unit_agencies", args=[tree["kh"].pk]),
        reverse("orgs:create"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_list_shows_only_agencies_in_scope(client, officer, agencies):
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 200
    assert "Công an xã Kỳ Hoa" in response.text and "Trạm Y tế xã Kỳ Hoa" in response.text
    assert "Hải Phú" not in response.text


def test_the_list_filters_and_answers_htmx_with_the_results_alone(client, officer, agencies):
    response = client.get(
        reverse("orgs:list"), {"q": "cong an", "agency_type": "police"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Công an xã Kỳ Hoa" in response.text and "Trạm Y tế" not in response.text
    empty = client.get(reverse("orgs:list"), {"q": "không có"}, HTTP_HX_REQUEST="true")
    assert "Không có cơ quan nào khớp" in empty.text


def test_bad_filter_values_are_ignored_not_refused(client, officer, agencies):
    response = client.get(reverse("orgs:list"), {"agency_type": "nope", "unit": "abc", "page": "x"})
    assert response.status_code == 200 and "Công an xã Kỳ Hoa" in response.text


def test_a_commune_officer_gets_404_for_another_communes_agency(client, officer, tree, agencies):
    other = agencies["hp_police"]
    for name in ("orgs:detail", "orgs:edit", "orgs:deactivate"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.post(reverse("orgs:deactivate", args=[other.pk])).status_code == 404
    assert client.get(reverse("orgs:unit_agencies", args=[tree["hp"].pk])).status_code == 404
    ensure_url = reverse("orgs:unit_ensure_standard", args=[tree["hp"].pk])
    assert client.post(ensure_url).status_code == 404
    assert Agency.objects.get(pk=other.pk).active


def test_the_detail_page_links_to_the_history(client, officer, agencies):
    agency = agencies["kh_police"]
    response = client.get(reverse("orgs:detail", args=[agency.pk]))
    assert response.status_code == 200
    assert reverse("audit:object_history", args=["orgs", "agency", agency.pk]) in response.text
    assert reverse("orgs:edit", args=[agency.pk]) in response.text
    assert "Công an xã" in response.text  # the catalogue's name at commune level


def test_the_unit_page_offers_the_standard_set_and_creates_it(client, officer, tree):
    url = reverse("orgs:unit_agencies", args=[tree["kh"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Tạo bộ cơ quan chuẩn" in page.text
    assert "Phòng Văn hóa - Xã hội xã Kỳ Hoa" in page.text  # listed as missing
    response = client.post(reverse("orgs:unit_ensure_standard", args=[tree["kh"].pk]), follow=True)
    assert response.status_code == 200 and "Đã tạo" in response.text
    assert Agency.objects.filter(unit=tree["kh"], name="Công an xã Kỳ Hoa").exists()
    assert "Tạo bộ cơ quan chuẩn" not in client.get(url).text
    again = client.post(reverse("orgs:unit_ensure_standard", args=[tree["kh"].pk]), follow=True)
    assert "đã có đủ các cơ quan chuẩn" in again.text


def test_a_viewer_sees_the_unit_page_but_may_not_create_the_standard_set(client, tree):
    client.force_login(member(tree["kh"], Role.VIEWER))
    assert (
        "Tạo bộ cơ quan chuẩn"
        not in client.get(reverse("orgs:unit_agencies", args=[tree["kh"].pk])).text
    )
    response = client.post(reverse("orgs:unit_ensure_standard", args=[tree["kh"].pk]))
    assert response.status_code == 403
    assert not Agency.objects.filter(unit=tree["kh"]).exists()


def test_create_offers_only_the_units_the_user_manages(client, officer, tree):
    response = client.get(reverse("orgs:create"), {"unit": tree["kh"].pk})
    assert response.status_code == 200
    units = re.search(r'<select name="unit".*?</select>', response.text, re.S).group()  # type: ignore[union-attr]
    assert re.findall(r'value="(\d+)"', units) == [str(tree["kh"].pk)]
    assert f'value="{tree["kh"].pk}" selected' in units and "Xã Kỳ Hoa (Tỉnh Hà Tĩnh)" in units


def test_create_adds_the_agency_and_shows_it(client, officer, tree):
    response = client.post(
        reverse("orgs:create"),
        {
            "unit": tree["kh"].pk,
            "name": "Ban Chỉ đạo 138 xã Kỳ Hoa",
            "agency_type": agency_type("steering_committee").pk,
            "valid_from": "01/07/2025",
        },
    )
    agency = Agency.objects.get(name="Ban Chỉ đạo 138 xã Kỳ Hoa")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", args=[agency.pk])
    assert agency.valid_from == dt.date(2025, 7, 1)


def test_create_answers_a_duplicate_with_422_and_the_reason(client, officer, tree, agencies):
    response = client.post(
        reverse("orgs:create"), {"unit": tree["kh"].pk, "name": "cong an xa ky hoa"}
    )
    assert response.status_code == 422
    assert "đã có cơ quan" in response.text
    assert Agency.objects.filter(unit=tree["kh"]).count() == 3


def test_create_refuses_a_unit_the_user_does_not_manage(client, officer, tree):
    response = client.post(reverse("orgs:create"), {"unit": tree["hp"].pk, "name": "Công an"})
    assert response.status_code == 422
    assert not Agency.objects.filter(unit=tree["hp"]).exists()


def test_a_user_without_units_to_manage_cannot_open_the_create_form(client, tree):
    client.force_login(member(tree["kh"], Role.VIEWER))
    assert client.get(reverse("orgs:create")).status_code == 403


def test_edit_updates_the_agency(client, officer, agencies):
    agency = agencies["kh_police"]
    url = reverse("orgs:edit", args=[agency.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Công an xã Kỳ Hoa",
            "agency_type": agency_type("police").pk,
            "phone": "0239 123 456",
            "email": "ca.kyhoa@example.org",
            "active": "on",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.phone, agency.email) == ("0239 123 456", "ca.kyhoa@example.org")
    assert agency.active


def test_edit_shows_bad_dates_as_form_errors(client, officer, agencies):
    agency = agencies["kh_police"]
    response = client.post(
        reverse("orgs:edit", args=[agency.pk]),
        {"name": agency.name, "valid_from": "31/02/2026", "active": "on"},
    )
    assert response.status_code == 422 and "dd/mm/yyyy" in response.text


def test_a_viewer_may_read_but_not_edit(client, tree, agencies):
    client.force_login(member(tree["kh"], Role.VIEWER))
    agency = agencies["kh_police"]
    page = client.get(reverse("orgs:detail", args=[agency.pk]))
    assert page.status_code == 200 and reverse("orgs:edit", args=[agency.pk]) not in page.text
    assert client.get(reverse("orgs:edit", args=[agency.pk])).status_code == 403
    assert client.post(reverse("orgs:deactivate", args=[agency.pk])).status_code == 403


def test_deactivate_asks_then_ends_the_agency(client, officer, agencies):
    agency = agencies["kh_health"]
    url = reverse("orgs:deactivate", args=[agency.pk])
    assert "Ngừng hoạt động" in client.get(url).text
    response = client.post(url, {"on": ""}, follow=True)
    assert "Đã ghi nhận Trạm Y tế xã Kỳ Hoa ngừng hoạt động" in response.text
    agency.refresh_from_db()
    assert not agency.active and agency.valid_to == dt.date.today()
    assert "Trạm Y tế xã Kỳ Hoa" not in client.get(reverse("orgs:list")).text
    assert "Trạm Y tế xã Kỳ Hoa" in client.get(reverse("orgs:list"), {"inactive": "on"}).text


def test_the_history_page_shows_an_agencys_changes_only_within_scope(client, officer, agencies):
    agency = agencies["kh_police"]
    agency_update(actor=officer, agency=agency, phone="0239 777 888")
    response = client.get(reverse("audit:object_history", args=["orgs", "agency", agency.pk]))
    assert response.status_code == 200 and "0239 777 888" in response.text
    other = agencies["hp_police"]
    history = reverse("audit:object_history", args=["orgs", "agency", other.pk])
    assert client.get(history).status_code == 404
