import datetime as dt

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.geo.models import AdministrativeUnit, UnitKind
from pcmd.geo.services import unit_create

API = "/api/units"


@pytest.fixture
def api(client, tree):
    """A logged-in client (a province coordinator of the new Hà Tĩnh)."""
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    return client


def _names(items: list[dict]) -> list[str]:
    return [u["name"] for u in items]


@pytest.mark.parametrize("path", ["", "/roots", "/1", "/1/children", "/by-code/1/42"])
def test_an_anonymous_caller_gets_401(client, db, path):
    response = client.get(API + path)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_anonymous_caller_cannot_add_a_village(client, tree):
    response = client.post(
        f"{API}/{tree['kh'].pk}/villages",
        {"name": "Thôn A", "valid_from": "2025-07-01"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_search_without_diacritics(api, tree):
    body = api.get(API, {"q": "ky anh", "at": dt.date.today().isoformat()}).json()
    assert body["count"] == 1
    unit = body["items"][0]
    assert (unit["id"], unit["name"], unit["kind"], unit["kind_label"]) == (
        tree["ka"].pk,
        "Phường Kỳ Anh",
        "phuong",
        "Phường",
    )
    assert unit["valid_from"] == "2025-07-01" and unit["valid_to"] is None and unit["is_current"]


def test_search_on_every_period_and_by_level_and_parent(api, tree):
    assert sorted(_names(api.get(API, {"q": "ky hoa"}).json()["items"])) == [
        "Xã Kỳ Hoa",
        "Xã Kỳ Hoa",
    ]
    body = api.get(API, {"q": "ky", "level": 3, "parent": tree["old_ht"].pk}).json()
    assert sorted(_names(body["items"])) == ["Phường Kỳ Trinh", "Xã Kỳ Hoa"]


def test_list_is_paginated_and_filtered(api, tree):
    body = api.get(API, {"at": "2024-12-31", "level": 3, "limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    body = api.get(API, {"at": "2024-12-31", "level": 3, "limit": 2, "offset": 2}).json()
    assert len(body["items"]) == 1
    body = api.get(API, {"parent": tree["na"].pk}).json()
    assert _names(body["items"]) == ["Xã Diễn Châu"]


def test_roots_on_a_date(api, tree):
    assert _names(api.get(f"{API}/roots", {"at": "2024-12-31"}).json()) == [
        "Tỉnh Hà Tĩnh",
        "Tỉnh Quảng Bình",
    ]
    assert _names(api.get(f"{API}/roots").json()) == [
        "Tỉnh Nghệ An",
        "Tỉnh Hà Tĩnh",
        "Tỉnh Quảng Trị",
    ]


def test_one_unit_with_ancestors_and_successions(api, tree):
    body = api.get(f"{API}/{tree['old_kh'].pk}").json()
    assert body["name"] == "Xã Kỳ Hoa" and body["level"] == 3 and body["level_label"] == "Xã"
    assert _names(body["ancestors"]) == ["Tỉnh Hà Tĩnh", "Thị xã Kỳ Anh"]
    assert {(s["unit"]["id"], s["is_default"]) for s in body["successions"]} == {
        (tree["ka"].pk, False),
        (tree["kh"].pk, True),
    }
    assert body["successions"][0]["effective_date"] == "2025-07-01"
    assert body["predecessions"] == []


def test_children_and_descendants_on_a_date(api, tree):
    assert _names(api.get(f"{API}/{tree['old_ht'].pk}/children", {"at": "2024-12-31"}).json()) == [
        "Thị xã Kỳ Anh"
    ]
    assert api.get(f"{API}/{tree['old_ht'].pk}/children").json() == []
    body = api.get(
        f"{API}/{tree['old_ht'].pk}/descendants", {"at": "2024-12-31", "level": 3}
    ).json()
    assert body["count"] == 2 and sorted(_names(body["items"])) == ["Phường Kỳ Trinh", "Xã Kỳ Hoa"]


def test_ancestors(api, tree):
    assert _names(api.get(f"{API}/{tree['old_kt'].pk}/ancestors").json()) == [
        "Tỉnh Hà Tĩnh",
        "Thị xã Kỳ Anh",
    ]
    assert api.get(f"{API}/{tree['ht'].pk}/ancestors").json() == []


def test_successors_on_a_date(api, tree):
    today = {u["id"] for u in api.get(f"{API}/{tree['old_kh'].pk}/successors").json()}
    assert today == {tree["ka"].pk, tree["kh"].pk}
    before = api.get(f"{API}/{tree['old_kh'].pk}/successors", {"at": "2024-12-31"}).json()
    assert [u["id"] for u in before] == [tree["old_kh"].pk]


def test_predecessors_all_and_on_a_date(api, tree):
    body = api.get(f"{API}/{tree['ka'].pk}/predecessors").json()
    assert {u["id"] for u in body} == {tree["old_kt"].pk, tree["old_kh"].pk}
    assert api.get(f"{API}/{tree['ka'].pk}/predecessors", {"at": "2025-07-02"}).json() == []


def test_by_code_picks_the_unit_of_the_date(api, tree):
    assert api.get(f"{API}/by-code/1/42", {"at": "2024-12-31"}).json()["id"] == tree["old_ht"].pk
    assert api.get(f"{API}/by-code/1/42").json()["id"] == tree["ht"].pk
    response = api.get(f"{API}/by-code/1/40", {"at": "2024-12-31"})
    assert response.status_code == 404
    assert response.json()["detail"] == "Không có đơn vị cấp 1 mã 40 vào ngày 31/12/2024."


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/roots",
        "/{id}/children",
        "/{id}/descendants",
        "/{id}/successors",
        "/{id}/predecessors",
        "/by-code/1/42",
    ],
)
def test_a_malformed_date_is_a_422_with_a_message(api, tree, path):
    response = api.get(API + path.format(id=tree["ht"].pk), {"at": "31/12/2024"})
    assert response.status_code == 422
    assert (
        response.json()["detail"]
        == "Ngày không hợp lệ: “31/12/2024”. Dùng dạng yyyy-mm-dd, ví dụ 2024-12-31."
    )


def test_out_of_range_input_is_a_422_with_a_message(api, tree):
    response = api.get(API, {"level": 7})
    assert response.status_code == 422 and "Cấp không hợp lệ" in response.json()["detail"]
    assert api.get(API, {"at": "2024-02-30"}).status_code == 422
    assert api.get(API, {"limit": 0}).status_code == 422
    assert api.get(f"{API}/by-code/9/42").status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/999999",
        "/999999/children",
        "/999999/descendants",
        "/999999/ancestors",
        "/999999/successors",
        "/999999/predecessors",
    ],
)
def test_an_unknown_unit_is_a_404_with_a_message(api, tree, path):
    response = api.get(API + path)
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy đơn vị hành chính."


def test_an_unknown_parent_is_a_404(api, tree):
    assert api.get(API, {"parent": 999999}).status_code == 404


# --- villages -------------------------------------------------------------------------------


def _post_village(client, commune, **payload):
    return client.post(f"{API}/{commune.pk}/villages", payload, content_type="application/json")


def test_commune_officer_adds_a_village_through_the_api(client, tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(officer)
    response = _post_village(
        client, tree["kh"], name="Tổ dân phố 1", kind="to_dan_pho", valid_from="2025-07-01"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["name"], body["kind"], body["source"]) == (
        f"{tree['kh'].code}-01",
        "Tổ dân phố 1",
        "to_dan_pho",
        "local",
    )
    assert body["parent_id"] == tree["kh"].pk and body["level"] == 4
    assert ObjectChange.objects.filter(
        action=Action.CREATE, object_id=str(body["id"]), user=officer
    ).exists()


def test_another_communes_officer_gets_403_with_a_message(client, tree):
    client.force_login(member(tree["dc"], Role.COMMUNE_OFFICER))
    response = _post_village(client, tree["kh"], name="Thôn A", valid_from="2025-07-01")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền quản lý thôn, tổ dân phố của Xã Kỳ Hoa."
    assert not AdministrativeUnit.objects.filter(parent=tree["kh"]).exists()


def test_village_input_errors_are_422_with_messages(client, tree):
    client.force_login(member(tree["kh"], Role.COMMUNE_OFFICER))
    response = _post_village(
        client, tree["kh"], name="Thôn A", kind="tinh", valid_from="2025-07-01"
    )
    assert response.status_code == 422 and response.json()["detail"] == "Loại đơn vị không hợp lệ."
    response = _post_village(client, tree["kh"], name="Thôn A", valid_from="2020-01-01")
    assert (
        response.status_code == 422
        and "thời gian hiệu lực của Xã Kỳ Hoa" in response.json()["detail"]
    )
    response = _post_village(client, tree["kh"], name="  ", valid_from="2025-07-01")
    assert response.status_code == 422 and "Cần nhập tên" in response.json()["detail"]
    assert _post_village(client, tree["kh"], name="Thôn A", valid_from="hôm qua").status_code == 422
    unit_create(
        actor=None,
        code="KH-1",
        name="Thôn B",
        kind=UnitKind.VILLAGE,
        parent=tree["kh"],
        valid_from=dt.date(2025, 7, 1),
    )
    response = _post_village(
        client, tree["kh"], code="KH-1", name="Thôn C", valid_from="2025-08-01"
    )
    assert response.status_code == 422 and "Mã KH-1 đã được dùng" in response.json()["detail"]


def test_villages_go_only_under_a_commune(client, tree):
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    response = _post_village(client, tree["ht"], name="Thôn A", valid_from="2025-07-01")
    assert response.status_code == 422
    assert (
        _post_village(
            client, AdministrativeUnit(pk=999999), name="A", valid_from="2025-07-01"
        ).status_code
        == 404
    )
