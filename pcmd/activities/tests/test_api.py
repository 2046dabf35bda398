import datetime as dt
import json
from typing import Any

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.activities.models import (
    CommunicationActivity,
    ParticipantCount,
    PilotModel,
    StaffCount,
    Training,
)
from pcmd.activities.tests.factories import make_activity_targets, make_training
from pcmd.audit.models import Action, ObjectChange

pytestmark = pytest.mark.django_db

JSON = "application/json"
PATHS = {
    "training": "/api/trainings",
    "staff_count": "/api/staff-counts",
    "communication_activity": "/api/communication-activities",
    "pilot_model": "/api/pilot-models",
}


@pytest.fixture
def officer(client, tree):
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def records(tree):
    return make_activity_targets(tree["kh"])


@pytest.fixture
def foreign(tree):
    return make_activity_targets(tree["hp"])


def _send(client, method, path, body=None):
    return client.generic(method, path, json.dumps(body or {}), content_type=JSON)


@pytest.mark.parametrize("path", PATHS.values())
def test_an_anonymous_caller_gets_401(client, db, path):
    assert client.get(path).status_code == 401
    assert _send(client, "POST", path, {"unit_id": 1}).status_code == 401


def test_the_lists_are_scoped_paginated_and_filtered_by_unit(
    client, officer, tree, records, foreign
):
    for key, path in PATHS.items():
        body = client.get(path).json()
        assert [item["id"] for item in body["items"]] == [records[key].pk], path
        assert body["count"] == 1
        assert client.get(f"{path}?unit_id={tree['kh'].pk}").json()["count"] == 1
        # A unit outside the caller's scope is not found, not an empty list.
        assert client.get(f"{path}?unit_id={tree['hp'].pk}").status_code == 404, path
    course = client.get(PATHS["training"]).json()["items"][0]
    assert course["participant_total"] == 9 and len(course["counts"]) == 3


def test_list_filters_by_date_year_form_and_audience(client, officer, tree, records):
    make_training(tree["kh"], "Lớp năm 2024", start=dt.date(2024, 4, 2))
    assert client.get("/api/trainings?year=2024").json()["count"] == 1
    assert client.get("/api/trainings?start=2025-09-01&end=2025-09-30").json()["count"] == 1
    assert client.get("/api/communication-activities?audience=residents").json()["count"] == 1
    assert client.get("/api/communication-activities?audience=students").json()["count"] == 0
    assert client.get("/api/communication-activities?form=event&year=2025").json()["count"] == 1
    assert client.get("/api/pilot-models?kind=clubs&status=active").json()["count"] == 1
    assert client.get("/api/staff-counts?year=2024").json()["count"] == 0


def test_get_answers_404_outside_scope(client, officer, records, foreign):
    for key, path in PATHS.items():
        response = client.get(f"{path}/{foreign[key].pk}")
        assert response.status_code == 404 and response.json()["detail"], path
        assert client.get(f"{path}/{records[key].pk}").status_code == 200
    own = client.get(f"/api/trainings/{records['training'].pk}").json()
    assert [p["full_name"] for p in own["participants"]] == ["Nguyễn Thị Mai"]


def test_writes_outside_scope_answer_404_and_change_nothing(client, officer, tree, foreign):
    before = ObjectChange.objects.count()
    for key, path in PATHS.items():
        url = f"{path}/{foreign[key].pk}"
        assert _send(client, "PATCH", url, {"notes": "X"}).status_code == 404, url
        assert _send(client, "DELETE", url).status_code == 404, url
        created = _send(client, "POST", path, {"unit_id": tree["hp"].pk, "title": "X"})
        assert created.status_code == 404, path
    assert ObjectChange.objects.count() == before


def test_a_viewer_is_refused_with_403(client, tree, records):
    client.force_login(member(tree["kh"], Role.VIEWER))
    response = _send(
        client, "PATCH", f"/api/pilot-models/{records['pilot_model'].pk}", {"members": 3}
    )
    assert response.status_code == 403 and "quyền" in response.json()["detail"]
    response = _send(client, "POST", "/api/staff-counts", {"unit_id": tree["kh"].pk, "year": 2024})
    assert response.status_code == 403


def test_a_course_is_created_changed_and_deleted_with_its_grid_and_audited(client, officer, tree):
    created = _send(
        client,
        "POST",
        "/api/trainings",
        {
            "unit_id": tree["kh"].pk,
            "title": "Tập huấn cho công an viên",
            "organiser_name": "Công an xã",
            "start": "2025-10-01",
            "end": "2025-10-02",
            "counts": [
                {"level": "commune", "agency_type": "police", "sex": "male", "count": 12},
                {"level": "commune", "agency_type": "police", "sex": "female", "count": "3"},
            ],
            "participants": [{"full_name": "Trần Văn An", "unit_id": tree["kh"].pk}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["participant_total"] == 15 and body["level"] == "commune"
    assert body["participants"][0]["unit_id"] == tree["kh"].pk
    url = f"/api/trainings/{body['id']}"
    patched = _send(
        client,
        "PATCH",
        url,
        {
            "title": "Tập huấn (sửa)",
            "counts": [{"level": "province", "agency_type": "health", "sex": "female", "count": 2}],
        },
    )
    assert patched.status_code == 200 and patched.json()["participant_total"] == 2
    assert patched.json()["participants"]  # not sent: kept
    assert _send(client, "DELETE", url).status_code == 204
    assert not Training.objects.exists() and not ParticipantCount.objects.exists()
    actions = ObjectChange.objects.filter(user=officer).values_list("action", flat=True)
    assert {Action.CREATE, Action.UPDATE, Action.DELETE} <= set(actions)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "/api/trainings",
            {"counts": [{"level": "commune", "agency_type": "police", "sex": "male", "count": -1}]},
            "không được âm",
        ),
        ("/api/trainings", {"start": "2025-10-05", "end": "2025-10-01"}, "phải từ ngày bắt đầu"),
        ("/api/trainings", {"start": "2025-10-05", "end": "2099-10-01"}, "đã tổ chức"),
        (
            "/api/trainings",
            {"counts": [{"level": "commune", "agency_type": "navy", "sex": "male", "count": 1}]},
            "navy",
        ),
        ("/api/communication-activities", {"audience": "tourists"}, "Nhóm đối tượng không hợp lệ"),
        ("/api/communication-activities", {"reach": -10}, "không được âm"),
        ("/api/communication-activities", {"date": "2099-01-01"}, "đã diễn ra"),
        ("/api/pilot-models", {"status": "ended"}, "cần nhập ngày kết thúc"),
        ("/api/pilot-models", {"members": "-3"}, "không được âm"),
        ("/api/staff-counts", {"count": -2}, "không được âm"),
        ("/api/staff-counts", {"year": 2099}, "không hợp lệ"),
    ],
)
def test_bad_input_answers_422_with_a_clear_message(client, officer, tree, path, body, message):
    every: dict[str, dict[str, Any]] = {
        "/api/trainings": {
            "title": "Lớp",
            "organiser_name": "UBND",
            "start": "2025-10-01",
            "end": "2025-10-01",
        },
        "/api/communication-activities": {
            "date": "2025-10-01",
            "form": "event",
            "title": "Nói chuyện",
            "audience": "residents",
        },
        "/api/pilot-models": {"name": "CLB", "kind": "clubs", "start": "2025-10-01"},
        "/api/staff-counts": {"year": 2025, "count": 5},
    }
    defaults = every[path]
    before = ObjectChange.objects.count()
    response = _send(client, "POST", path, {"unit_id": tree["kh"].pk} | defaults | body)
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]
    assert ObjectChange.objects.count() == before


def test_activities_pilot_models_and_staff_counts_round_trip(client, officer, tree):
    activity = _send(
        client,
        "POST",
        "/api/communication-activities",
        {
            "unit_id": tree["kh"].pk,
            "date": "2025-10-01",
            "form": "social_media",
            "title": "Bài đăng trên trang của xã",
            "audience": "residents",
            "reach": "2.500",
            "media_items": 1,
        },
    )
    assert activity.status_code == 201 and activity.json()["reach"] == 2500
    url = f"/api/communication-activities/{activity.json()['id']}"
    assert _send(client, "PATCH", url, {"reach": 3000}).json()["reach"] == 3000
    model = _send(
        client,
        "POST",
        "/api/pilot-models",
        {
            "unit_id": tree["kh"].pk,
            "name": "Nhóm tự lực",
            "kind": "peer_groups",
            "start": "2025-08-01",
        },
    )
    assert model.status_code == 201 and model.json()["status"] == "active"
    murl = f"/api/pilot-models/{model.json()['id']}"
    ended = _send(client, "PATCH", murl, {"status": "ended", "end": "2025-11-01"})
    assert ended.status_code == 200 and ended.json()["end"] == "2025-11-01"
    reopened = _send(client, "PATCH", murl, {"status": "active", "end": None})
    assert reopened.json()["end"] is None
    staff = _send(
        client, "POST", "/api/staff-counts", {"unit_id": tree["kh"].pk, "year": 2025, "count": 9}
    )
    assert staff.status_code == 201 and staff.json()["level"] == "commune"
    surl = f"/api/staff-counts/{staff.json()['id']}"
    assert _send(client, "PATCH", surl, {"count": 10}).json()["count"] == 10
    for path in (url, murl, surl):
        assert _send(client, "DELETE", path).status_code == 204
    assert not (
        CommunicationActivity.objects.exists()
        or PilotModel.objects.exists()
        or StaffCount.objects.exists()
    )
    assert ObjectChange.objects.filter(action=Action.DELETE).count() == 3
