import datetime as dt

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.registries.models import Business, BusinessStatus
from pcmd.registries.tests.factories_businesses import add_inspection, add_tip, make_business

pytestmark = pytest.mark.django_db

API = "/api/businesses"


@pytest.fixture
def officer(client, tree):
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def businesses(tree):
    made = {
        "hoa_sen": make_business(
            tree["kh"], "Nhà nghỉ Hoa Sen", registration_number="28A8000123", workers_total=5
        ),
        "anh_duong": make_business(tree["kh"], "Karaoke Ánh Dương", kind="karaoke"),
        "hai_phu": make_business(tree["hp"], "Karaoke Hải Phú", kind="karaoke"),
    }
    add_inspection(made["anh_duong"], violations=1)
    return made


def _names(body: dict) -> list[str]:
    return [b["name"] for b in body["items"]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "/1"),
        ("post", ""),
        ("patch", "/1"),
        ("post", "/1/status"),
        ("delete", "/1"),
    ],
)
def test_an_anonymous_caller_gets_401(client, db, method, path):
    response = client.generic(method.upper(), API + path, "{}", content_type="application/json")
    assert response.status_code == 401


def test_the_list_is_scoped_filtered_and_paginated(client, officer, businesses, tree):
    body = client.get(API).json()
    assert body["count"] == 2 and "Karaoke Hải Phú" not in _names(body)
    page = client.get(API, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert _names(client.get(API, {"q": "hoa sen"}).json()) == ["Nhà nghỉ Hoa Sen"]
    assert _names(client.get(API, {"q": "28a-8000123"}).json()) == ["Nhà nghỉ Hoa Sen"]
    assert _names(client.get(API, {"with_violations": True}).json()) == ["Karaoke Ánh Dương"]
    assert _names(client.get(API, {"never_inspected": True}).json()) == ["Nhà nghỉ Hoa Sen"]
    assert client.get(API, {"unit_id": tree["kh"].pk}).json()["count"] == 2
    assert client.get(API, {"unit_id": tree["hp"].pk}).status_code == 404
    assert client.get(API, {"status": "gone"}).status_code == 422
    bad_kind = client.get(API, {"kind": "casino"})
    assert bad_kind.status_code == 422 and "casino" in bad_kind.json()["detail"]
    item = client.get(API, {"kind": "karaoke"}).json()["items"][0]
    assert item["kind_name"] == "Karaoke" and item["unit_name"] == "Xã Kỳ Hoa"
    assert item["last_inspected"] is not None


def test_get_answers_404_outside_scope(client, officer, businesses):
    body = client.get(f"{API}/{businesses['hoa_sen'].pk}").json()
    assert body["registration_number"] == "28A8000123" and body["workers_total"] == 5
    response = client.get(f"{API}/{businesses['hai_phu'].pk}")
    assert response.status_code == 404 and response.json()["detail"]


def test_create_answers_201_and_is_audited(client, officer, tree):
    response = client.post(
        API,
        {
            "unit_id": tree["kh"].pk,
            "name": "Spa Lily",
            "kind": "spa",
            "address": "Khu 4",
            "opened_on": "2023-02-01",
            "workers_total": 4,
            "workers_female": 4,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["opened_on"] == "2023-02-01" and body["status"] == "open"
    entry = ObjectChange.objects.get(content_type__model="business", object_id=str(body["id"]))
    assert (entry.action, entry.user_id) == (Action.CREATE, officer.pk)


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"name": "", "kind": "spa", "address": "A"}, "Cần nhập tên cơ sở"),
        ({"name": "A", "kind": "casino", "address": "A"}, "casino"),
        ({"name": "A", "kind": "spa", "address": "A", "workers_total": -2}, "không được âm"),
        (
            {"name": "A", "kind": "spa", "address": "A", "workers_total": 1, "workers_female": 3},
            "lớn hơn tổng số",
        ),
        ({"name": "A", "kind": "spa", "address": "A", "licence_date": "2999-01-01"}, "hôm nay"),
        (
            {"name": "A", "kind": "spa", "address": "A", "licence_date": "31/12/2024"},
            "không hợp lệ",
        ),
        (
            {
                "name": "Nhà nghỉ X",
                "kind": "spa",
                "address": "B",
                "registration_number": "28a 8000123",
            },
            "Nhà nghỉ Hoa Sen",
        ),
    ],
)
def test_create_answers_bad_input_with_422_in_vietnamese(
    client, officer, tree, businesses, payload, words
):
    response = client.post(
        API, {"unit_id": tree["kh"].pk, **payload}, content_type="application/json"
    )
    assert response.status_code == 422
    assert words in response.json()["detail"]
    assert Business.objects.count() == 3


def test_create_in_a_unit_outside_the_scope_is_forbidden(client, officer, tree):
    response = client.post(
        API,
        {"unit_id": tree["hp"].pk, "name": "Karaoke X", "kind": "karaoke", "address": "Thôn 1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "Xã Hải Phú" in detail and "ngoài phạm vi" in detail and "quyền" in detail
    assert not Business.objects.filter(unit=tree["hp"]).exists()


def test_patch_changes_only_the_fields_sent(client, officer, businesses):
    business = businesses["hoa_sen"]
    response = client.patch(
        f"{API}/{business.pk}",
        {"owner_name": "Lê Văn Cường", "notes": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    business.refresh_from_db()
    assert business.owner_name == "Lê Văn Cường" and business.workers_total == 5
    refused = client.patch(f"{API}/{business.pk}", {"name": None}, content_type="application/json")
    assert refused.status_code == 422 and "Cần nhập" in refused.json()["detail"]


def test_status_change_closes_and_reopens(client, officer, businesses):
    business = businesses["hoa_sen"]
    response = client.post(
        f"{API}/{business.pk}/status",
        {"status": "closed", "on": "2025-10-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["closed_on"] == "2025-10-01" and response.json()["status"] == "closed"
    future = client.post(
        f"{API}/{business.pk}/status",
        {"status": "open", "on": "2999-01-01"},
        content_type="application/json",
    )
    assert future.status_code == 422
    business.refresh_from_db()
    assert business.status == BusinessStatus.CLOSED and business.closed_on == dt.date(2025, 10, 1)


def test_delete_answers_204_or_422_when_records_refer_to_it(client, officer, businesses):
    add_tip(businesses["hoa_sen"])
    refused = client.delete(f"{API}/{businesses['hoa_sen'].pk}")
    assert refused.status_code == 422 and "Không xóa được" in refused.json()["detail"]
    plain = make_business(businesses["hoa_sen"].unit, "Quán Mới")
    assert client.delete(f"{API}/{plain.pk}").status_code == 204
    assert not Business.objects.filter(pk=plain.pk).exists()


def test_another_communes_business_is_404_for_every_operation(client, officer, businesses):
    pk = businesses["hai_phu"].pk
    assert (
        client.patch(f"{API}/{pk}", {"name": "X"}, content_type="application/json").status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/{pk}/status", {"status": "closed"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.delete(f"{API}/{pk}").status_code == 404
    business = Business.objects.get(pk=pk)
    assert business.name == "Karaoke Hải Phú" and business.status == BusinessStatus.OPEN


def test_a_viewer_gets_403_on_writes(client, tree, businesses):
    client.force_login(member(tree["kh"], Role.VIEWER))
    pk = businesses["hoa_sen"].pk
    assert client.get(f"{API}/{pk}").status_code == 200
    response = client.patch(f"{API}/{pk}", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403 and "quyền" in response.json()["detail"]
    assert client.delete(f"{API}/{pk}").status_code == 403
