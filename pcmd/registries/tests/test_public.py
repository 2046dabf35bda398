"""The public tip page: sending a tip without an account, the receipt code, following the
tip up, what is (not) stored about the sender, and every refusal a 4xx with a message."""

import hashlib
import json
import logging
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.test import Client

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import ObjectChange
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.models import Tip, TipChannel, TipMessage, TipStatus
from pcmd.registries.services import tips as tip_services
from pcmd.registries.services.public import RECEIPT_DIGITS, receipt_hash
from pcmd.registries.tests.factories_public import (
    challenge_from,
    make_public_tip,
    post_tip,
    tip_fields,
)

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (PCMD-UA-Marker-93)"


def citizen(address: str = ADDRESS) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=USER_AGENT)


def receipt_code(client: Client) -> str:
    page = client.get("/tin-bao/da-gui/").content.decode()
    found = re.search(r'data-testid="receipt-code">([0-9 ]+)<', page)
    assert found, "no receipt code on the page"
    return found.group(1)


def open_tip(client: Client, code: str):
    return client.post("/tin-bao/tra-cuu/", {"code": code})


# ---- sending ----------------------------------------------------------------------------


def test_a_citizen_sends_an_anonymous_tip_and_gets_a_receipt_code_shown_once(tree):
    client = citizen()
    sent = post_tip(
        client,
        tree["ht"],
        commune=str(tree["kh"].pk),
        place="Nhà nghỉ Hoa Hồng, thôn 3",
    )
    assert sent.status_code == 302 and sent["Location"] == "/tin-bao/da-gui/"
    shown = receipt_code(client)
    digits = shown.replace(" ", "")
    assert re.fullmatch(r"(\d{4} ){4}\d{4}", shown)
    assert len(digits) == RECEIPT_DIGITS >= 16

    tip = Tip.objects.get()
    assert tip.receipt_hash == hashlib.sha256(digits.encode()).hexdigest()
    row = json.dumps(list(Tip.objects.values()), default=str)
    assert digits not in row  # only the hash is kept
    assert tip.unit == tree["kh"] and tip.channel == TipChannel.WEB
    assert tip.anonymous and tip.reporter_name == "" and tip.created_by is None
    assert tip.status == TipStatus.RECEIVED and tip.category.code == "other"

    again = client.get("/tin-bao/da-gui/").content.decode()
    assert digits[:4] not in again and "chỉ hiển thị một lần" in again


@pytest.mark.django_db(transaction=True)
def test_the_tip_is_committed_before_the_receipt_is_shown(tree):
    client = citizen()
    sent = post_tip(client, tree["ht"])
    assert sent.status_code == 302
    digits = receipt_code(client).replace(" ", "")
    # Another connection sees only committed rows.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {Tip._meta.db_table} WHERE receipt_hash = %s",  # noqa: S608
                [receipt_hash(digits)],
            )
            assert cursor.fetchone()[0] == 1
    finally:
        other.close()


def test_without_a_commune_the_tip_goes_to_the_province(tree):
    assert post_tip(citizen(), tree["na"]).status_code == 302
    assert Tip.objects.get().unit == tree["na"]


def test_a_link_without_a_category_is_filed_as_online_advertising(tree):
    post_tip(citizen(), tree["ht"], link="https://example.com/gai-goi", platform="Telegram")
    tip = Tip.objects.get()
    assert tip.category.code == "online" and tip.platform == "Telegram"


def test_a_named_tip_is_stored_encrypted_and_logged_without_identity(tree):
    post_tip(
        Client(REMOTE_ADDR=ADDRESS, HTTP_X_REQUEST_ID="proxy-request-0042"),
        tree["ht"],
        reporter_name="Trần Thị Người Báo",
        reporter_contact="0912 345 678",
    )
    tip = Tip.objects.get()
    assert not tip.anonymous and tip.reporter_name == "Trần Thị Người Báo"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reporter_name, reporter_contact FROM {Tip._meta.db_table}"  # noqa: S608
        )
        raw = json.dumps(cursor.fetchall())
    assert raw.count("enc1:") == 2 and "Tr" not in raw and "0912" not in raw

    entry = ObjectChange.objects.get(
        content_type=ContentType.objects.get_for_model(Tip), object_id=str(tip.pk)
    )
    assert entry.user is None and entry.user_name == "system"
    # A proxy logs its request id beside the address: the change log does not keep it.
    assert entry.request_id == ""
    logged = json.dumps(entry.after, ensure_ascii=False)
    assert "Trần Thị" not in logged and "0912" not in logged
    assert entry.after is not None and entry.after["reporter_name"] == "***"


# ---- refusals ---------------------------------------------------------------------------


def test_empty_text_is_refused_and_the_rest_is_kept(tree):
    answer = post_tip(citizen(), tree["ht"], content="   ", place="Quán Hoa Sữa")
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Vui lòng cho biết sự việc bạn muốn báo." in page
    assert 'value="Quán Hoa Sữa"' in page
    assert not Tip.objects.exists()


def test_an_unknown_province_is_refused(tree):
    for province in (str(tree["old_ht"].pk), "999999", "abc"):
        answer = post_tip(citizen(), tree["ht"], province=province)
        assert answer.status_code == 400
        assert "Tỉnh, thành phố không có trong danh sách." in answer.content.decode()
    assert not Tip.objects.exists()


def test_a_commune_of_another_province_is_refused(tree):
    answer = post_tip(citizen(), tree["ht"], commune=str(tree["hp"].pk))
    assert answer.status_code == 400
    assert "Xã, phường không thuộc tỉnh, thành phố đã chọn." in answer.content.decode()
    assert not Tip.objects.exists()


def test_a_date_seen_in_the_future_is_refused(tree):
    answer = post_tip(citizen(), tree["ht"], seen_on="31/12/2999")
    assert answer.status_code == 400
    assert "Ngày phát hiện không thể sau hôm nay." in answer.content.decode()


def test_a_wrong_answer_keeps_everything_typed_and_asks_a_new_question(tree):
    client = citizen()
    page = client.get("/tin-bao/").content.decode()
    token, right = challenge_from(page)
    typed = "Có người môi giới ở bến xe, tối thứ Bảy."
    answer = client.post(
        "/tin-bao/",
        tip_fields(tree["ht"], content=typed, challenge=token, answer=str(right + 1)),
    )
    shown = answer.content.decode()
    assert answer.status_code == 400
    assert "Câu trả lời chưa đúng" in shown
    assert typed in shown
    assert challenge_from(shown)[0] != token
    assert not Tip.objects.exists()


def test_a_challenge_answered_once_cannot_be_replayed(tree):
    client = citizen()
    token, right = challenge_from(client.get("/tin-bao/").content.decode())
    data = tip_fields(tree["ht"], challenge=token, answer=str(right))
    assert client.post("/tin-bao/", data).status_code == 302
    replay = client.post("/tin-bao/", data)
    assert replay.status_code == 400
    assert "đã được dùng" in replay.content.decode()
    assert Tip.objects.count() == 1


def test_a_forged_challenge_is_refused(tree):
    answer = post_tip(citizen(), tree["ht"], challenge="abc:def:ghi", answer=3)
    assert answer.status_code == 400
    assert "Câu hỏi kiểm tra không hợp lệ" in answer.content.decode()
    assert not Tip.objects.exists()


def test_a_filled_honeypot_is_refused_with_a_message(tree):
    answer = post_tip(citizen(), tree["ht"], website="http://spam.example")
    assert answer.status_code == 400
    assert "phải để trống" in answer.content.decode()
    assert not Tip.objects.exists()


def test_the_question_gives_its_answer_only_in_words(tree):
    page = citizen().get("/tin-bao/").content.decode()
    question = re.search(r'challenge-question"><strong>([^<]+)<', page)
    assert question and re.fullmatch(r"[^\d]+ (cộng|trừ) [^\d]+ bằng mấy\?", question[1])
    assert "data-answer" not in page


# ---- following up -----------------------------------------------------------------------


def test_following_up_shows_status_and_public_notes_only(tree):
    tip, code = make_public_tip(tree["ht"], tree["kh"])
    officer = member(tree["kh"], Role.COMMUNE_OFFICER, full_name="Cán Bộ Bí Mật")
    agency = make_agency(tree["kh"], "Công an xã Kỳ Hoa Bí Mật")
    tip_services.tip_assign(actor=officer, tip=tip, agency=agency)
    tip_services.tip_note(actor=officer, tip=tip, text="Ghi chú nội bộ: nghi vấn chủ quán X")
    tip_services.tip_note(
        actor=officer, tip=tip, text="Cơ quan chức năng đang xác minh.", public=True
    )
    client = citizen()
    grouped = f"{code[:4]}-{code[4:8]} {code[8:]}"
    opened = open_tip(client, grouped)
    assert opened.status_code == 302 and opened["Location"] == "/tin-bao/tra-cuu/"
    page = client.get("/tin-bao/tra-cuu/").content.decode()
    assert "Đã giao xử lý" in page
    assert "Cơ quan chức năng đang xác minh." in page
    assert tip.deadline.strftime("%d/%m/%Y") in page
    for hidden in ("Ghi chú nội bộ", "Bí Mật", officer.username):
        assert hidden not in page


def test_a_citizen_adds_information_with_a_file(tree):
    from pcmd.registries.tests.factories_public import jpeg_with_gps, upload

    tip, code = make_public_tip(tree["ht"])
    client = citizen()
    open_tip(client, code)
    added = client.post(
        "/tin-bao/tra-cuu/bo-sung/",
        {"text": "Biển số xe 38A-123.45", "attachments": [upload("xe.jpg", jpeg_with_gps())]},
    )
    assert added.status_code == 302
    message = TipMessage.objects.get(tip=tip)
    assert message.from_public and message.created_by is None
    assert message.attachments.get().from_public
    page = client.get("/tin-bao/tra-cuu/").content.decode()
    assert "Biển số xe 38A-123.45" in page and "xe.jpg" in page
    entry = ObjectChange.objects.get(
        content_type=ContentType.objects.get_for_model(TipMessage), object_id=str(message.pk)
    )
    assert entry.user is None


def test_adding_information_needs_a_code_opened_in_this_browser(tree):
    make_public_tip(tree["ht"])
    answer = citizen().post("/tin-bao/tra-cuu/bo-sung/", {"text": "Thêm"})
    assert answer.status_code == 403
    assert not TipMessage.objects.exists()


def test_empty_additions_and_additions_to_closed_tips_are_refused(tree):
    tip, code = make_public_tip(tree["ht"])
    client = citizen()
    open_tip(client, code)
    empty = client.post("/tin-bao/tra-cuu/bo-sung/", {"text": "  "})
    assert empty.status_code == 400
    assert "Vui lòng nhập thông tin bổ sung." in empty.content.decode()
    Tip.objects.filter(pk=tip.pk).update(status=TipStatus.CLOSED)
    closed = client.post("/tin-bao/tra-cuu/bo-sung/", {"text": "Còn nữa"})
    assert closed.status_code == 400
    assert "đã kết thúc xử lý" in closed.content.decode()
    assert not TipMessage.objects.exists()


def test_a_wrong_code_and_a_malformed_one_get_the_same_not_found(tree):
    make_public_tip(tree["ht"])
    client = citizen()
    wrong = open_tip(client, "1234 5678 9012 3456 7890")
    malformed = open_tip(client, "12345")
    assert wrong.status_code == malformed.status_code == 404
    message = "Không tìm thấy tin báo với mã này."
    assert message in wrong.content.decode() and message in malformed.content.decode()


def test_ending_the_follow_up_forgets_the_tip_in_this_browser(tree):
    _tip, code = make_public_tip(tree["ht"])
    client = citizen()
    open_tip(client, code)
    client.post("/tin-bao/tra-cuu/ket-thuc/")
    page = client.get("/tin-bao/tra-cuu/").content.decode()
    assert 'data-testid="lookup-form"' in page and 'data-testid="tip-status"' not in page


# ---- privacy ----------------------------------------------------------------------------


def _every_stored_text() -> str:
    chunks = []
    for model in apps.get_models():
        rows = list(model._default_manager.values())
        chunks.append(json.dumps(rows, default=str, ensure_ascii=False))
    return "\n".join(chunks)


def test_nothing_about_the_address_or_browser_is_stored(tree):
    from pcmd.registries.tests.factories_public import jpeg_with_gps, upload

    client = citizen()
    post_tip(client, tree["ht"], attachments=[upload("anh.jpg", jpeg_with_gps())])
    code = receipt_code(client).replace(" ", "")
    open_tip(client, code)
    client.post("/tin-bao/tra-cuu/bo-sung/", {"text": "Thêm chi tiết"})
    open_tip(client, "0000 0000 0000 0000 0000")

    stored = _every_stored_text()  # every row of every table, sessions and logs included
    assert ADDRESS not in stored
    assert "PCMD-UA-Marker-93" not in stored
    assert hashlib.sha256(ADDRESS.encode()).hexdigest() not in stored
    assert code not in stored


def test_neither_the_code_nor_the_address_reaches_a_url_or_the_log(tree, caplog):
    _tip, code = make_public_tip(tree["ht"])
    client = citizen()
    caplog.set_level(logging.DEBUG)
    wrong = open_tip(client, "9999 9999 9999 9999 9999")
    right = open_tip(client, code)
    assert wrong.status_code == 404 and right.status_code == 302
    assert code not in right["Location"]
    assert code not in caplog.text and "9999 9999" not in caplog.text
    assert ADDRESS not in caplog.text


def test_the_commune_list_follows_the_province(tree):
    client = citizen()
    listed = client.get("/tin-bao/xa/", {"province": tree["ht"].pk}).content.decode()
    assert "Xã Kỳ Hoa" in listed and "Phường Kỳ Anh" in listed and "Xã Hải Phú" not in listed
    old = client.get("/tin-bao/xa/", {"province": tree["old_ht"].pk}).content.decode()
    assert "Kỳ Trinh" not in old
    assert client.get("/tin-bao/xa/", {"province": "x"}).status_code == 200


def test_the_public_page_speaks_english_on_request(tree):
    client = citizen()
    page = client.get("/tin-bao/").content.decode()
    assert 'data-testid="lang-en"' in page and "Đăng xuất" not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/tin-bao/"})
    english = client.get("/tin-bao/").content.decode()
    assert '<html lang="en">' in english and 'data-testid="lang-vi"' in english
