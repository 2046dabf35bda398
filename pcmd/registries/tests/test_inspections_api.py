import datetime as dt
import json

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.registries.models import Inspection, InspectionTeam, Sanction, SanctionDecree
from pcmd.registries.tests.factories_businesses import make_business
from pcmd.registries.tests.factories_inspections import (
    make_enforcement_targets,
    make_inspection,
    make_violation,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def officer(client, tree):
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def records(tree):
    return make_enforcement_targets(tree["kh"])


@pytest.fixture
def foreign(tree):
    return make_enforcement_targets(tree["hp"])


@pytest.mark.parametrize(
    "path",
    ["/api/inspection-teams", "/api/inspection-plans", "/api/inspections", "/api/sanctions"],
)
def test_an_anonymous_caller_gets_401(client, db, path):
    assert client.get(path).status_code == 401


def test_the_lists_are_scoped_and_paginated(client, officer, records, foreign):
    for path, own in (
        ("/api/inspection-teams", records["team"].pk),
        ("/api/inspection-plans", records["inspection_plan"].pk),
        ("/api/inspections", records["inspection"].pk),
        ("/api/sanctions", records["sanction"].pk),
    ):
        body = client.get(path).json()
        assert [item["id"] for item in body["items"]] == [own], path
        assert body["count"] == 1
    decrees = client.get("/api/sanction-decrees").json()
    assert [d["code"] for d in decrees][-1] == "282/2025/NĐ-CP"


def test_get_answers_404_outside_scope(client, officer, records, foreign):
    for path in (
        f"/api/inspection-teams/{foreign['team'].pk}",
        f"/api/inspection-teams/{foreign['team'].pk}/members",
        f"/api/inspection-plans/{foreign['inspection_plan'].pk}",
        f"/api/inspections/{foreign['inspection'].pk}",
        f"/api/sanctions/{foreign['sanction'].pk}",
    ):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["detail"], path
    assert client.get(f"/api/inspections?unit_id={foreign['business'].unit_id}").status_code == 404
    own = client.get(f"/api/inspections/{records['inspection'].pk}").json()
    assert own["finding_security"] == "violation" and own["member_ids"] == [
        records["team_member"].pk
    ]


def test_writes_outside_scope_answer_404_and_change_nothing(client, officer, foreign):
    team, inspection, sanction = foreign["team"], foreign["inspection"], foreign["sanction"]
    before = ObjectChange.objects.count()
    for method, path, body in (
        ("patch", f"/api/inspection-teams/{team.pk}", {"name": "X"}),
        ("delete", f"/api/inspection-teams/{team.pk}", {}),
        ("post", f"/api/inspection-teams/{team.pk}/members", {"full_name": "X"}),
        ("patch", f"/api/inspections/{inspection.pk}", {"record_number": "X"}),
        ("delete", f"/api/inspections/{inspection.pk}", {}),
        ("patch", f"/api/sanctions/{sanction.pk}", {"fine_vnd": 1}),
        ("delete", f"/api/sanctions/{sanction.pk}", {}),
        ("post", "/api/inspections", {"business_id": foreign["business"].pk, "date": "2025-09-15"}),
        (
            "post",
            "/api/sanctions",
            {"business_id": foreign["business"].pk, "decision_date": "2025-09-20"},
        ),
        ("post", "/api/inspection-plans", {"team_id": team.pk, "title": "X"}),
        ("post", "/api/inspection-teams", {"unit_id": team.unit_id, "name": "X"}),
    ):
        response = client.generic(method.upper(), path, json.dumps(body), content_type=JSON)
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    assert ObjectChange.objects.count() == before


def test_a_team_and_its_members_are_written_and_audited(client, officer, tree):
    first = ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    created = client.post(
        "/api/inspection-teams",
        {"unit_id": tree["kh"].pk, "name": "Đội 178 Kỳ Hoa", "valid_from": "2025-07-01"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    team_id = created.json()["id"]
    added = client.post(
        f"/api/inspection-teams/{team_id}/members",
        {"full_name": "Phạm Văn Đội", "role": "leader"},
        content_type=JSON,
    )
    assert added.status_code == 201
    member_id = added.json()["id"]
    patched = client.patch(
        f"/api/inspection-teams/{team_id}/members/{member_id}",
        {"position": "Phó Chủ tịch UBND xã"},
        content_type=JSON,
    )
    assert patched.json()["position"] == "Phó Chủ tịch UBND xã"
    closed = client.post(
        f"/api/inspection-teams/{team_id}/close", {"on": "2025-12-31"}, content_type=JSON
    )
    assert closed.json()["valid_to"] == "2025-12-31"
    assert client.delete(f"/api/inspection-teams/{team_id}/members/{member_id}").status_code == 204
    assert client.delete(f"/api/inspection-teams/{team_id}").status_code == 204
    actions = list(
        ObjectChange.objects.filter(id__gt=first).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        Action.CREATE,
        Action.CREATE,
        Action.UPDATE,
        Action.UPDATE,
        Action.DELETE,
        Action.DELETE,
    ]
    assert not InspectionTeam.objects.exists()


def test_bad_team_input_answers_422_in_vietnamese(client, officer, tree):
    response = client.post(
        "/api/inspection-teams",
        {
            "unit_id": tree["kh"].pk,
            "name": "Đội",
            "valid_from": "2025-07-01",
            "valid_to": "2025-01-01",
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Ngày kết thúc phải sau ngày bắt đầu hoạt động của đội."


def test_an_inspection_is_recorded_updated_and_deleted(client, officer, records):
    payload = {
        "business_id": records["business"].pk,
        "date": "2025-10-02",
        "team_id": records["team"].pk,
        "member_ids": [records["team_member"].pk],
        "finding_health": "violation",
        "violations_found": 2,
        "record_number": "12/BB",
        "follow_up_of_id": records["inspection"].pk,
    }
    created = client.post("/api/inspections", payload, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["unit_id"] == records["business"].unit_id and body["violations_found"] == 2
    assert body["follow_up_of_id"] == records["inspection"].pk
    path = f"/api/inspections/{body['id']}"
    changed = client.patch(path, {"findings_note": "Đã khắc phục một phần"}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["member_ids"] == payload["member_ids"]
    assert client.delete(path).status_code == 204
    inspection_changes = ObjectChange.objects.filter(object_id=str(body["id"]))
    assert set(inspection_changes.values_list("action", flat=True)) >= {
        Action.CREATE,
        Action.UPDATE,
        Action.DELETE,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2099-01-01"}, "ở tương lai"),
        ({"date": "2025-06-01"}, "không hoạt động vào ngày 01/06/2025"),
        ({"violations_found": 0}, "số hành vi vi phạm phải từ 1"),
        ({"violations_found": "-3"}, "không được âm"),
    ],
)
def test_bad_inspections_answer_422(client, officer, records, change, message):
    payload = {
        "business_id": records["business"].pk,
        "date": "2025-10-02",
        "team_id": records["team"].pk,
        "finding_security": "violation",
        "violations_found": 1,
        **change,
    }
    response = client.post("/api/inspections", payload, content_type=JSON)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_a_member_of_another_team_answers_422(client, officer, tree, records):
    other_team = make_enforcement_targets(tree["kh"])["team"]
    stranger = other_team.members.get()
    response = client.post(
        "/api/inspections",
        {
            "business_id": records["business"].pk,
            "date": "2025-10-02",
            "team_id": records["team"].pk,
            "member_ids": [stranger.pk],
        },
        content_type=JSON,
    )
    assert response.status_code == 422 and "không phải là thành viên" in response.json()["detail"]


def test_a_sanction_is_recorded_with_the_decree_in_force(client, officer, records):
    response = client.post(
        "/api/sanctions",
        {
            "inspection_id": records["inspection"].pk,
            "decision_number": "88/QĐ-XPHC",
            "decision_date": "2025-12-16",
            "offender_kind": "organisation",
            "offender_name": "Nhà nghỉ Hoa Sen",
            "act": "Chứa mại dâm",
            "fine_vnd": "75.000.000",
            "licence_withdrawn": True,
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["decree_code"] == "282/2025/NĐ-CP" and body["fine_vnd"] == 75_000_000
    paid = client.patch(
        f"/api/sanctions/{body['id']}",
        {"payment_status": "paid", "paid_on": "2025-12-20"},
        content_type=JSON,
    )
    assert paid.status_code == 200 and paid.json()["paid_on"] == "2025-12-20"
    assert ObjectChange.objects.filter(object_id=str(body["id"]), action=Action.UPDATE).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fine_vnd": -100000}, "Số tiền phạt không được âm"),
        ({"fine_vnd": "-100.000"}, "Số tiền phạt không được âm"),
        ({"payment_status": "paid", "paid_on": "2025-09-19"}, "trước ngày quyết định"),
        ({"payment_status": "paid"}, "cần nhập ngày nộp"),
        ({"decision_date": "2099-01-01"}, "ở tương lai"),
        ({"decree_id": "new"}, "282/2025/NĐ-CP không có hiệu lực vào ngày 20/09/2025"),
    ],
)
def test_bad_sanctions_answer_422(client, officer, records, change, message):
    if change.get("decree_id") == "new":
        change = {"decree_id": SanctionDecree.objects.get(code="282/2025/NĐ-CP").pk}
    payload = {
        "inspection_id": records["inspection"].pk,
        "decision_number": "99/QĐ",
        "decision_date": "2025-09-20",
        "offender_name": "Nguyễn Văn Chủ",
        "act": "Không thông báo lưu trú",
        "fine_vnd": 1000000,
        **change,
    }
    response = client.post("/api/sanctions", payload, content_type=JSON)
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]
    assert Sanction.objects.count() == 1  # the factory's own


def test_a_duplicate_decision_number_answers_422(client, officer, records):
    payload = {
        "inspection_id": records["inspection"].pk,
        "decision_number": records["sanction"].decision_number,
        "decision_date": "2025-10-01",
        "offender_name": "Nguyễn Văn Chủ",
        "act": "Tái phạm",
    }
    response = client.post("/api/sanctions", payload, content_type=JSON)
    assert response.status_code == 422 and "đã được dùng" in response.json()["detail"]


def test_an_inspection_with_sanctions_cannot_be_deleted(client, officer, records):
    response = client.delete(f"/api/inspections/{records['inspection'].pk}")
    assert response.status_code == 422 and "quyết định xử phạt" in response.json()["detail"]
    assert Inspection.objects.filter(pk=records["inspection"].pk).exists()


def test_a_viewer_may_read_but_writes_answer_403(client, tree, records):
    client.force_login(member(tree["kh"], Role.VIEWER))
    assert client.get(f"/api/inspections/{records['inspection'].pk}").status_code == 200
    response = client.patch(
        f"/api/inspections/{records['inspection'].pk}", {"record_number": "X"}, content_type=JSON
    )
    assert response.status_code == 403 and "quyền" in response.json()["detail"]


def test_the_list_filters(client, officer, tree, records):
    clean = make_inspection(make_business(tree["kh"], "Karaoke Sạch"), date=dt.date(2025, 8, 1))
    due = make_violation(make_business(tree["kh"], "Bar Hẹn"), follow_up_due=dt.date(2025, 10, 1))

    def ids(**query):
        return {i["id"] for i in client.get("/api/inspections", query).json()["items"]}

    assert ids(with_violations="false") == {clean.pk}
    assert ids(start="2025-09-01") == {records["inspection"].pk, due.pk}
    assert ids(follow_up="overdue") == {due.pk}
    assert ids(business_id=clean.business_id) == {clean.pk}
    make_inspection(due.business, date=dt.date(2025, 9, 30), follow_up_of=due)
    assert ids(follow_up="due") == set()
    sanctions = client.get("/api/sanctions", {"criminal_referral": "false"}).json()
    assert sanctions["count"] == 1
    assert client.get("/api/sanctions", {"payment_status": "paid"}).json()["count"] == 0
    assert client.get("/api/sanctions", {"start": "2025-10-01"}).json()["count"] == 0
