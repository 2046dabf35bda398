"""The tips API: list with filters, read, log, edit, assign, close, notes; refusals as 422
with a Vietnamese message, 403 without the right, 404 outside scope."""

import datetime as dt

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.tests.factories_tips import make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, tree):
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_log_read_list_and_edit_a_tip(client, tree, officer):
    created = _post(
        client,
        "/api/tips",
        {
            "unit_id": tree["kh"].pk,
            "channel": "online",
            "category": "online",
            "received_at": "2026-04-24T09:00:00",
            "subject": "Quảng cáo mại dâm trên Zalo",
            "content": "Tài khoản đăng ảnh và số điện thoại.",
            "platform": "Zalo",
            "link": "https://zalo.me/x",
            "seen_at": "2026-04-24T08:00:00",
        },
    )
    assert created.status_code == 201, created.json()
    tip = created.json()
    assert tip["deadline"] == "2026-05-08" and tip["status"] == "received"
    assert tip["category"] == "online" and tip["unit_name"] == "Xã Kỳ Hoa"
    listed = client.get("/api/tips?overdue=true").json()
    assert listed["count"] == 1 and listed["items"][0]["overdue"] is True
    assert client.get("/api/tips?channel=hotline").json()["count"] == 0
    one = client.get(f"/api/tips/{tip['id']}").json()
    assert one["platform"] == "Zalo" and "reporter_name" not in one
    patched = client.patch(
        f"/api/tips/{tip['id']}", {"category": "crime"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["deadline"] == "2026-05-14"


def test_bad_input_is_refused_with_a_vietnamese_message(client, tree, officer):
    body = {
        "unit_id": tree["kh"].pk,
        "channel": "hotline",
        "category": "business",
        "received_at": "2026-04-24T09:00:00",
        "subject": "Tóm tắt",
        "content": "Nội dung",
    }
    unknown = _post(client, "/api/tips", {**body, "category": "khong-co"})
    assert unknown.status_code == 422 and "danh mục" in unknown.json()["detail"]
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat() + "T09:00:00"
    ahead = _post(client, "/api/tips", {**body, "received_at": future})
    assert ahead.status_code == 422 and "tương lai" in ahead.json()["detail"]
    empty = _post(client, "/api/tips", {"unit_id": tree["kh"].pk})
    assert empty.status_code == 422 and "Cần" in empty.json()["detail"]
    garbled = _post(client, "/api/tips", {**body, "received_at": "hôm qua"})
    assert (
        garbled.status_code == 422 and garbled.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."
    )
    tip = _post(client, "/api/tips", body).json()
    early = _post(
        client,
        f"/api/tips/{tip['id']}/close",
        {"conclusion": "unfounded", "closed_on": "2026-04-01", "reason": "Không có cơ sở"},
    )
    assert early.status_code == 422 and "trước ngày tiếp nhận" in early.json()["detail"]
    no_reason = _post(
        client,
        f"/api/tips/{tip['id']}/close",
        {"conclusion": "unfounded", "closed_on": "2026-05-01"},
    )
    assert no_reason.status_code == 422 and "lý do" in no_reason.json()["detail"]


def test_assign_close_reopen_and_notes(client, tree, officer):
    tip = make_tip(tree["kh"], actor=officer, received=dt.date(2026, 4, 24))
    police = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    assigned = _post(client, f"/api/tips/{tip.pk}/assign", {"agency_id": police.pk})
    assert assigned.json()["status"] == "assigned"
    assert assigned.json()["assigned_agency_id"] == police.pk
    verified = _post(client, f"/api/tips/{tip.pk}/verify", {"verification": "Đã xác minh."})
    assert verified.json()["status"] == "verifying"
    note = _post(client, f"/api/tips/{tip.pk}/notes", {"text": "Đang xử lý", "public": True})
    assert note.status_code == 201 and note.json()["author"] == officer.username
    assert [n["text"] for n in client.get(f"/api/tips/{tip.pk}/notes").json()] == ["Đang xử lý"]
    closed = _post(
        client,
        f"/api/tips/{tip.pk}/close",
        {"conclusion": "founded", "closed_on": "2026-05-13", "reason": "Đã xử phạt"},
    )
    assert closed.json()["status"] == "closed" and closed.json()["processed_on_time"] is True
    assert closed.json()["public_status_note"] == "Đang xử lý"
    reopened = _post(client, f"/api/tips/{tip.pk}/reopen", {"reason": "Tái diễn"})
    assert reopened.json()["status"] == "assigned" and reopened.json()["closed_on"] is None


def test_other_units_tips_are_not_found_and_rights_are_checked(client, tree, officer):
    other = make_tip(tree["ka"], actor=member(tree["ka"], Role.COMMUNE_OFFICER))
    assert client.get(f"/api/tips/{other.pk}").status_code == 404
    assert _post(client, f"/api/tips/{other.pk}/notes", {"text": "x"}).status_code == 404
    assert _post(client, f"/api/tips/{other.pk}/close", {}).status_code == 404
    assert client.get(f"/api/tips?unit_id={tree['ka'].pk}").status_code == 404
    assert client.get("/api/tips").json()["count"] == 0
    outside = _post(client, "/api/tips", {"unit_id": tree["hp"].pk, "subject": "x"})
    assert outside.status_code == 404
    mine = make_tip(tree["kh"], actor=officer)
    client.force_login(member(tree["kh"], Role.VIEWER))
    assert client.get(f"/api/tips/{mine.pk}").status_code == 200
    refused = _post(client, f"/api/tips/{mine.pk}/notes", {"text": "x"})
    assert refused.status_code == 403 and "quyền" in refused.json()["detail"]
    refused = _post(client, "/api/tips", {"unit_id": tree["kh"].pk})
    assert refused.status_code == 403
