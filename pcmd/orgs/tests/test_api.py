import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.orgs.models import Agency

pytestmark = pytest.mark.django_db

API = "/api/agencies"


def _names(body: dict) -> list[str]:
    return [a["name"] for a in body["items"]]


@pytest.mark.parametrize("path", ["", "/1", "/types", "/match?text=Công+an"])
def test_an_anonymous_caller_gets_401(client, db, path):
    assert client.get(API + path).status_code == 401


def test_the_list_is_scoped_and_paginated(client, officer, agencies):
    body = client.get(API).json()
    assert body["count"] == 3
    assert "Công an xã Hải Phú" not in _names(body)
    page = client.get(API, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    first = client.get(API, {"q": "cong an"}).json()["items"][0]
    assert first["name"] == "Công an xã Kỳ Hoa" and first["agency_type"] == "police"
    assert first["unit_name"] == "Xã Kỳ Hoa" and first["is_current"] is True


def test_the_list_filters_by_type_and_unit(client, officer, tree, agencies):
    assert _names(client.get(API, {"agency_type": "health"}).json()) == ["Trạm Y tế xã Kỳ Hoa"]
    assert client.get(API, {"unit_id": tree["hp"].pk}).json()["count"] == 0
    bad = client.get(API, {"agency_type": "nope"})
    assert bad.status_code == 422 and "nope" in bad.json()["detail"]
    assert client.get(API, {"unit_id": 999999}).status_code == 422


def test_get_answers_404_outside_scope(client, officer, agencies):
    assert client.get(f"{API}/{agencies['kh_police'].pk}").json()["name"] == "Công an xã Kỳ Hoa"
    response = client.get(f"{API}/{agencies['hp_police'].pk}")
    assert response.status_code == 404 and response.json()["detail"]


def test_create_adds_an_audited_agency(client, officer, tree):
    response = client.post(
        API,
        {
            "unit_id": tree["kh"].pk,
            "name": "Ban Chỉ đạo 138 xã Kỳ Hoa",
            "agency_type": "steering_committee",
            "valid_from": "2025-07-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agency_type"] == "steering_committee" and body["valid_from"] == "2025-07-01"
    entry = ObjectChange.objects.get(content_type__model="agency", object_id=str(body["id"]))
    assert (entry.action, entry.user_id) == (Action.CREATE, officer.pk)


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"name": "Công an xã Kỳ Hoa"}, 422, "đã có cơ quan"),
        ({"name": ""}, 422, "Cần nhập"),
        ({"name": "A", "email": "x"}, 422, "thư điện tử"),
        ({"name": "A", "agency_type": "nope"}, 422, "nope"),
        ({"name": "A", "valid_from": "31/12/2025"}, 422, "không hợp lệ"),
        ({}, 422, "không hợp lệ"),
    ],
)
def test_create_answers_bad_input_with_422_and_a_message(
    client, officer, tree, agencies, payload, status, words
):
    response = client.post(
        API, {"unit_id": tree["kh"].pk, **payload}, content_type="application/json"
    )
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_create_in_a_unit_the_user_does_not_manage_is_forbidden(client, officer, tree):
    response = client.post(
        API,
        {"unit_id": tree["hp"].pk, "name": "Công an xã Hải Phú"},
        content_type="application/json",
    )
    assert response.status_code == 403 and "Hải Phú" in response.json()["detail"]
    assert not Agency.objects.filter(unit=tree["hp"]).exists()


def test_patch_changes_only_the_fields_sent(client, officer, agencies):
    agency = agencies["kh_police"]
    response = client.patch(
        f"{API}/{agency.pk}", {"phone": "0239 111 222"}, content_type="application/json"
    )
    assert response.status_code == 200
    agency.refresh_from_db()
    assert agency.phone == "0239 111 222" and agency.name == "Công an xã Kỳ Hoa"
    assert agency.agency_type and agency.agency_type.code == "police"
    response = client.patch(
        f"{API}/{agency.pk}",
        {"agency_type": None, "active": False},
        content_type="application/json",
    )
    agency.refresh_from_db()
    assert response.json()["agency_type"] is None
    assert agency.agency_type is None and not agency.active


def test_patch_outside_scope_is_404_and_without_permission_403(client, tree, agencies):
    client.force_login(member(tree["kh"], Role.VIEWER))
    assert (
        client.patch(
            f"{API}/{agencies['hp_police'].pk}", {"phone": "1"}, content_type="application/json"
        ).status_code
        == 404
    )
    response = client.patch(
        f"{API}/{agencies['kh_police'].pk}", {"phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_patch_refuses_null_for_a_required_field(client, officer, agencies):
    response = client.patch(
        f"{API}/{agencies['kh_police'].pk}", {"name": None}, content_type="application/json"
    )
    assert response.status_code == 422


def test_types_give_names_per_level_and_period_and_aliases(client, officer):
    types = {t["code"]: t for t in client.get(f"{API}/types").json()}
    social = types["social_affairs"]
    province = next(n for n in social["names"] if n["level"] == 1)
    assert province["name"] == "Sở Lao động - Thương binh và Xã hội"
    assert province["valid_to"] == "2025-02-28" and province["is_coordinator"] is True
    assert "Sở LĐTBXH" in [a["alias"] for a in social["aliases"]]
    youth = types["youth_union"]
    assert youth["is_requested_body"] is True
    assert {"tinh"} in [set(n["unit_kinds"]) for n in youth["names"] if n["name"] == "Tỉnh đoàn"]


def test_match_names_the_agency_and_every_mention(client, officer):
    body = client.get(f"{API}/match", {"text": "Sở LĐTBXH", "at": "2024-06-01"}).json()
    assert body["match"]["agency_type"] == "social_affairs"
    assert body["match"]["level"] == 1 and body["match"]["is_coordinator"] is True
    assert body["match"]["name"] == "Sở Lao động - Thương binh và Xã hội"
    sentence = client.get(
        f"{API}/match", {"text": "Công an tỉnh, Sở Y tế và Sở Văn hóa, Thể thao và Du lịch"}
    ).json()
    assert [m["agency_type"] for m in sentence["mentions"]] == ["police", "health", "culture"]
    none = client.get(f"{API}/match", {"text": "Kế hoạch năm 2024"}).json()
    assert none["match"] is None and none["mentions"] == []


def test_match_refuses_a_bad_level_or_date(client, officer):
    assert client.get(f"{API}/match", {"text": "Công an", "level": 7}).status_code == 422
    assert client.get(f"{API}/match", {"text": "Công an", "at": "hôm qua"}).status_code == 422
    assert client.get(f"{API}/match", {"text": "x" * 6000}).status_code == 422
