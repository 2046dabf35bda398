"""A named tip-giver's identity: encrypted, read only with the right and a reason, every
read logged, and absent from lists, exports, the API, the change log and the pages."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import AccessRecord, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.registries.models import Tip
from pcmd.registries.services import tips as services
from pcmd.registries.tests.factories_tips import make_named_tip, make_tip

pytestmark = pytest.mark.django_db

NAME = "Trần Thị Bảo Mật"
CONTACT = "0912 345 678"


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


@pytest.fixture
def tip(tree, officer):
    return make_named_tip(tree["kh"], actor=officer)


def test_the_identity_is_stored_encrypted(tip):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_contact FROM registries_tip WHERE id = %s", [tip.pk]
        )
        stored = cursor.fetchone()
    assert NAME not in stored[0] and CONTACT not in stored[1]
    assert stored[0].startswith("enc1:")


def test_an_officer_with_the_right_reads_it_with_a_reason_and_the_read_is_logged(tip, officer):
    name, contact = services.tip_identity(actor=officer, tip=tip, reason="Mời làm chứng")
    assert (name, contact) == (NAME, CONTACT)
    record = AccessRecord.objects.get(object_id=str(tip.pk))
    assert record.user == officer and record.what == "identity"
    assert record.reason == "Mời làm chứng"


def test_no_reason_no_identity_and_nothing_logged(tip, officer):
    with pytest.raises(ServiceError, match="lý do"):
        services.tip_identity(actor=officer, tip=tip, reason="  ")
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.INSPECTOR, Role.AGENCY_FOCAL_POINT])
def test_viewers_inspectors_and_others_never_see_it(tree, tip, role):
    user = member(tree["kh"], role)
    with pytest.raises(PermissionDenied):
        services.tip_identity(actor=user, tip=tip, reason="Tò mò")
    assert not AccessRecord.objects.exists()


def test_an_officer_of_another_commune_cannot_read_it(tree, tip):
    with pytest.raises(PermissionDenied):
        services.tip_identity(actor=member(tree["ka"], Role.COMMUNE_OFFICER), tip=tip, reason="Cần")


def test_an_anonymous_tip_has_no_identity_to_read(tree, officer):
    tip = make_tip(tree["kh"], actor=officer)
    with pytest.raises(ServiceError, match="ẩn danh"):
        services.tip_identity(actor=officer, tip=tip, reason="Cần")


def test_the_change_log_never_contains_the_identity(tip, officer):
    services.tip_update(actor=officer, tip=tip, reporter_name="Lê Văn Đổi Tên")
    services.tip_note(actor=officer, tip=tip, text="Đã liên hệ", public=True)
    services.tip_close(
        actor=officer,
        tip=tip,
        conclusion="unfounded",
        closed_on=timezone.localdate(),
        reason="Không có cơ sở",
    )
    services.tip_update(actor=officer, tip=tip, anonymous=True)
    entries = ObjectChange.objects.filter(content_type__model="tip", object_id=str(tip.pk))
    assert entries.count() == 5  # create, rename, note, close, made anonymous
    text = json.dumps([[e.before, e.after, e.object_repr] for e in entries], ensure_ascii=False)
    for secret in (NAME, CONTACT, "Lê Văn Đổi Tên", "0912"):
        assert secret not in text
    assert '"reporter_name": "***"' in text


def test_changing_only_the_name_is_saved_and_logged(tip, officer):
    services.tip_update(actor=officer, tip=tip, reporter_name="Lê Văn Đổi Tên")
    assert Tip.objects.get(pk=tip.pk).reporter_name == "Lê Văn Đổi Tên"
    assert ObjectChange.objects.filter(object_id=str(tip.pk), action="update").count() == 1


def test_making_a_tip_anonymous_erases_the_identity(tip, officer):
    services.tip_update(actor=officer, tip=tip, anonymous=True)
    tip = Tip.objects.get(pk=tip.pk)
    assert tip.anonymous and tip.reporter_name == "" and tip.reporter_contact == ""


# ---- pages and the API ------------------------------------------------------------------


def test_pages_never_show_it_by_default(client, tip, officer):
    client.force_login(officer)
    for url in (
        reverse("registries:tip_list"),
        reverse("registries:tip_detail", args=[tip.pk]),
        reverse("registries:tip_edit", args=[tip.pk]),
        reverse("registries:tip_list") + "?export=csv",
        reverse("registries:tip_overdue_panel"),
        reverse("audit:object_history", args=["registries", "tip", tip.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert NAME not in body and CONTACT not in body, url
    detail = client.get(reverse("registries:tip_detail", args=[tip.pk])).content.decode()
    assert "Xem danh tính người báo tin" in detail


def test_the_reveal_form_shows_it_once_and_logs_it(client, tip, officer):
    client.force_login(officer)
    url = reverse("registries:tip_identity", args=[tip.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and NAME not in refused.content.decode()
    shown = client.post(url, {"reason": "Xác minh lại nội dung"})
    assert shown.status_code == 200 and NAME in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert AccessRecord.objects.filter(object_id=str(tip.pk), what="identity").count() == 1
    # A reload (GET) leads back to the page without it.
    again = client.get(url, follow=True)
    assert NAME not in again.content.decode()
    partial = client.post(url, {"reason": "Gọi lại"}, headers={"HX-Request": "true"})
    assert NAME in partial.content.decode() and "<html" not in partial.content.decode()


def test_a_viewer_sees_no_reveal_form_and_is_refused(client, tree, tip):
    viewer = member(tree["kh"], Role.VIEWER)
    client.force_login(viewer)
    detail = client.get(reverse("registries:tip_detail", args=[tip.pk])).content.decode()
    assert "Xem danh tính người báo tin" not in detail
    response = client.post(reverse("registries:tip_identity", args=[tip.pk]), {"reason": "Cần"})
    assert response.status_code == 403
    assert NAME not in response.content.decode()
    assert not AccessRecord.objects.exists()


def test_the_api_never_returns_it_except_through_the_logged_read(client, tree, tip, officer):
    client.force_login(officer)
    listed = client.get("/api/tips").content.decode()
    one = client.get(f"/api/tips/{tip.pk}").content.decode()
    for body in (listed, one):
        assert NAME not in body and CONTACT not in body and "reporter" not in body
    missing = client.post(
        f"/api/tips/{tip.pk}/identity", {"reason": ""}, content_type="application/json"
    )
    assert missing.status_code == 422 and "lý do" in missing.json()["detail"]
    read = client.post(
        f"/api/tips/{tip.pk}/identity", {"reason": "Mời làm chứng"}, content_type="application/json"
    )
    assert read.status_code == 200 and read.json() == {"name": NAME, "contact": CONTACT}
    assert "no-store" in read["Cache-Control"]
    assert AccessRecord.objects.filter(object_id=str(tip.pk)).count() == 1

    client.force_login(member(tree["kh"], Role.VIEWER))
    refused = client.post(
        f"/api/tips/{tip.pk}/identity", {"reason": "Cần"}, content_type="application/json"
    )
    assert refused.status_code == 403 and NAME not in refused.content.decode()
    client.force_login(member(tree["ka"], Role.COMMUNE_OFFICER))
    assert (
        client.post(
            f"/api/tips/{tip.pk}/identity", {"reason": "Cần"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert AccessRecord.objects.count() == 1


def test_the_identity_is_not_in_the_logs(client, tip, officer, caplog):
    client.force_login(officer)
    with caplog.at_level("DEBUG"):
        client.post(reverse("registries:tip_identity", args=[tip.pk]), {"reason": "Cần"})
        client.post(
            f"/api/tips/{tip.pk}/identity", {"reason": "Cần"}, content_type="application/json"
        )
        client.post(reverse("registries:tip_identity", args=[tip.pk]), {"reason": ""})
    assert NAME not in caplog.text and CONTACT not in caplog.text
