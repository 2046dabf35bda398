"""Tip pages: list with htmx filters and overdue badges, intake and edit keeping input on
error, the handling actions, export, the dashboard panel, scope."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.models import Tip, TipAttachment, TipStatus
from pcmd.registries.tests.factories_tips import category, make_named_tip, make_tip

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2026, 4, 24)


@pytest.fixture
def officer(client, tree):
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


def _intake(tree, **changes):
    return {
        "unit": tree["kh"].pk,
        "channel": "hotline",
        "received_on": "24/04/2026",
        "received_time": "20:15",
        "category": category("business").pk,
        "subject": "Nhà nghỉ Hoa Sen có biểu hiện môi giới",
        "content": "Người dân gọi đường dây nóng.",
        "anonymous": "on",
        **changes,
    }


def test_the_list_marks_overdue_tips_and_filters_with_htmx(client, tree, officer):
    late = make_tip(tree["kh"], received=LONG_AGO, actor=officer, subject="Tin quá hạn")
    fresh = make_tip(tree["kh"], actor=officer, subject="Tin mới")
    page = client.get(reverse("registries:tip_list"))
    body = page.content.decode()
    assert page.status_code == 200 and "Tin quá hạn" in body and "Tin mới" in body
    assert f'class="tip-row tip-overdue" data-testid="tip-row-{late.pk}"' in body
    assert f'class="tip-row" data-testid="tip-row-{fresh.pk}"' in body
    assert body.count('data-testid="overdue-badge"') == 1
    rows = client.get(
        reverse("registries:tip_list") + "?overdue=on", headers={"HX-Request": "true"}
    )
    assert "<html" not in rows.content.decode()
    assert "Tin quá hạn" in rows.content.decode() and "Tin mới" not in rows.content.decode()
    sorted_page = client.get(reverse("registries:tip_list") + "?sort=overdue").content.decode()
    assert sorted_page.index("Tin quá hạn") < sorted_page.index("Tin mới")


def test_export_lists_the_filtered_tips_without_identity(client, tree, officer):
    make_named_tip(tree["kh"], actor=officer, subject="Tin có tên")
    csv = client.get(reverse("registries:tip_list") + "?export=csv")
    text = csv.content.decode("utf-8-sig")
    assert csv.status_code == 200 and "Tin có tên" in text
    assert "Trần Thị Bảo Mật" not in text and "0912" not in text
    xlsx = client.get(reverse("registries:tip_list") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # The download follows the filters, and the filtered rows carry the matching link.
    filtered = client.get(reverse("registries:tip_list") + "?status=closed&export=csv")
    assert "Tin có tên" not in filtered.content.decode("utf-8-sig")
    rows = client.get(
        reverse("registries:tip_list") + "?status=closed", headers={"HX-Request": "true"}
    )
    assert "?status=closed&amp;export=csv" in rows.content.decode()


def test_an_officer_logs_a_tip_from_the_form(client, tree, officer):
    response = client.post(reverse("registries:tip_create"), _intake(tree))
    tip = Tip.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "registries:tip_detail", args=[tip.pk]
    )
    assert timezone.localtime(tip.received_at).strftime("%d/%m/%Y %H:%M") == "24/04/2026 20:15"
    assert tip.deadline == dt.date(2026, 5, 13) and tip.created_by == officer


def test_refused_input_is_shown_beside_the_form_and_kept(client, tree, officer):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("registries:tip_create"), _intake(tree, received_on=tomorrow, subject="Giữ lại")
    )
    body = response.content.decode()
    assert response.status_code == 400 and "tương lai" in body and 'value="Giữ lại"' in body
    bad_date = client.post(
        reverse("registries:tip_create"), _intake(tree, received_on="31/02/2026")
    )
    assert bad_date.status_code == 400 and "dd/mm/yyyy" in bad_date.content.decode()
    unknown = client.post(reverse("registries:tip_create"), _intake(tree, category=99999))
    assert unknown.status_code == 400
    elsewhere = client.post(reverse("registries:tip_create"), _intake(tree, unit=tree["hp"].pk))
    assert elsewhere.status_code == 400
    assert not Tip.objects.exists()


def test_an_officer_attaches_a_screenshot_when_logging_online_monitoring(client, tree, officer):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    shot = SimpleUploadedFile("man-hinh.png", buffer.getvalue(), content_type="image/png")
    response = client.post(
        reverse("registries:tip_create"),
        _intake(
            tree,
            channel="online",
            category=category("online").pk,
            platform="Telegram",
            link="https://t.me/kenh-quang-cao",
            seen_on="24/04/2026",
            seen_time="19:00",
            uploads=[shot],
        ),
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.platform == "Telegram" and TipAttachment.objects.get(tip=tip).name == "man-hinh.png"
    detail = client.get(reverse("registries:tip_detail", args=[tip.pk])).content.decode()
    assert "man-hinh.png" in detail


def test_edit_keeps_the_identity_when_its_fields_are_left_blank(client, tree, officer):
    tip = make_named_tip(tree["kh"], actor=officer, received=LONG_AGO)
    form = client.get(reverse("registries:tip_edit", args=[tip.pk])).content.decode()
    assert "Trần Thị Bảo Mật" not in form
    data = _intake(tree, subject="Tóm tắt mới", category=category("crime").pk)
    del data["anonymous"]
    response = client.post(reverse("registries:tip_edit", args=[tip.pk]), data)
    assert response.status_code == 302
    tip = Tip.objects.get(pk=tip.pk)
    assert tip.subject == "Tóm tắt mới" and tip.reporter_name == "Trần Thị Bảo Mật"
    assert tip.deadline == dt.date(2026, 5, 14)  # crime: 20 calendar days


def test_the_handling_actions_from_the_detail_page(client, tree, officer):
    tip = make_tip(tree["kh"], actor=officer, received=LONG_AGO)
    police = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    detail = reverse("registries:tip_detail", args=[tip.pk])
    page = client.get(detail).content.decode()
    for action in ("assign", "verify", "close", "note", "business", "attach"):
        assert f'data-testid="action-{action}"' in page
    assert (
        client.post(
            reverse("registries:tip_assign", args=[tip.pk]),
            {"agency": police.pk, "assigned_on": "28/04/2026"},
        ).url
        == detail
    )
    client.post(reverse("registries:tip_verify", args=[tip.pk]), {"verification": "Đã kiểm tra."})
    client.post(
        reverse("registries:tip_note", args=[tip.pk]),
        {"text": "Tin đang được xác minh.", "public": "on"},
    )
    early = client.post(
        reverse("registries:tip_close", args=[tip.pk]),
        {"conclusion": "unfounded", "closed_on": "20/04/2026", "reason": "Không có cơ sở"},
    )
    assert early.status_code == 400 and "trước ngày tiếp nhận" in early.content.decode()
    assert 'value="Không có cơ sở"' in early.content.decode()
    no_reason = client.post(
        reverse("registries:tip_close", args=[tip.pk]),
        {"conclusion": "unfounded", "closed_on": "20/05/2026", "reason": ""},
    )
    assert no_reason.status_code == 400
    client.post(
        reverse("registries:tip_close", args=[tip.pk]),
        {"conclusion": "unfounded", "closed_on": "20/05/2026", "reason": "Không có cơ sở"},
    )
    tip.refresh_from_db()
    assert tip.status == TipStatus.CLOSED and tip.assigned_agency == police
    assert tip.public_status_note == "Tin đang được xác minh."
    page = client.get(detail).content.decode()
    assert "Kết thúc sau hạn" in page and 'data-testid="action-reopen"' in page
    assert "Tin đang được xác minh." in page
    client.post(reverse("registries:tip_reopen", args=[tip.pk]), {"reason": "Có tin mới"})
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.ASSIGNED


def test_a_viewer_reads_but_cannot_act(client, tree, officer):
    tip = make_tip(tree["kh"], actor=officer)
    client.force_login(member(tree["kh"], Role.VIEWER))
    page = client.get(reverse("registries:tip_detail", args=[tip.pk]))
    assert page.status_code == 200 and 'data-testid="action-' not in page.content.decode()
    assert (
        client.post(reverse("registries:tip_note", args=[tip.pk]), {"text": "x"}).status_code == 403
    )
    assert client.get(reverse("registries:tip_create")).status_code == 403


def test_another_communes_tips_are_not_found(client, tree, officer):
    other = make_tip(tree["ka"], actor=member(tree["ka"], Role.COMMUNE_OFFICER))
    for name in ("tip_detail", "tip_edit", "tip_identity", "tip_note", "tip_close"):
        response = client.post(reverse(f"registries:{name}", args=[other.pk]), {"text": "x"})
        assert response.status_code == 404, name
    assert other.subject not in client.get(reverse("registries:tip_list")).content.decode()


def test_the_overdue_panel(client, tree, officer):
    make_tip(tree["kh"], received=LONG_AGO, actor=officer, subject="Quá hạn lâu rồi")
    panel = client.get(reverse("registries:tip_overdue_panel"))
    body = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in body
    assert "Quá hạn lâu rồi" in body and 'data-testid="tip-overdue-panel"' in body
