"""The public tip page in the browser: a citizen files an anonymous tip with a photo,
keeps the receipt code, follows the tip up, and sees an officer's status change."""

import io

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import expect

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.models import Tip, TipStatus
from pcmd.registries.services import tips as tip_services
from pcmd.registries.services.attachments import attachment_working
from pcmd.registries.services.reference import reference_seed
from pcmd.registries.tests.factories_public import answer_of, jpeg_with_gps

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_files_an_anonymous_tip_keeps_the_code_and_sees_the_officers_answer(
    page, tree, tmp_path
):
    reference_seed()  # tip categories (the transactional database starts empty)
    photo = tmp_path / "quan-karaoke.jpg"
    photo.write_bytes(jpeg_with_gps())

    page.goto("/tin-bao/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gửi tin báo về mại dâm")
    page.get_by_label("Sự việc bạn muốn báo").fill(
        "Quán karaoke Hoa Mai có người môi giới mại dâm sau 22 giờ."
    )
    page.get_by_label("Tỉnh, thành phố").select_option(label="Tỉnh Hà Tĩnh")
    # The province's communes arrive (htmx) in the next field.
    commune = page.get_by_label("Xã, phường, đặc khu (nếu biết)")
    expect(commune.locator("option", has_text="Xã Kỳ Hoa")).to_have_count(1)
    commune.select_option(label="Xã Kỳ Hoa")
    page.get_by_label("Tên, địa chỉ cơ sở hoặc nơi xảy ra (nếu có)").fill("Karaoke Hoa Mai")
    page.get_by_label("Tệp đính kèm").set_input_files(str(photo))
    # The challenge is read as a person reads it: the numbers are only in words.
    question = page.get_by_test_id("challenge-question").inner_text()
    page.get_by_label("Câu trả lời (viết bằng chữ số)").fill(str(answer_of(question)))
    page.get_by_role("button", name="Gửi tin báo").click()

    page.wait_for_url("**/tin-bao/da-gui/")
    shown = page.get_by_test_id("receipt-code").inner_text()
    code = shown.replace(" ", "")
    assert len(code) == 20 and code.isdigit()
    expect(page.get_by_text("Hãy ghi lại hoặc chụp lại mã này ngay.")).to_be_visible()

    tip = Tip.objects.get()
    assert tip.unit == tree["kh"] and tip.anonymous and tip.status == TipStatus.RECEIVED
    attachment = tip.attachments.get()
    working = Image.open(io.BytesIO(attachment_working(attachment)))
    assert not working.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    # Reloading does not show the code again.
    page.reload()
    expect(page.get_by_test_id("receipt-code")).to_have_count(0)

    page.get_by_role("link", name="Đến trang tra cứu").click()
    page.get_by_label("Mã tiếp nhận").fill(shown.replace(" ", "-"))
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_url("**/tin-bao/tra-cuu/")
    assert code not in page.url
    expect(page.get_by_test_id("tip-status")).to_have_text("Đã tiếp nhận")
    expect(page.get_by_text("Quán karaoke Hoa Mai có người môi giới")).to_be_visible()

    # An officer of the commune takes the tip up.
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    agency = make_agency(tree["kh"], "Công an xã Kỳ Hoa")
    tip_services.tip_assign(actor=officer, tip=tip, agency=agency)
    tip_services.tip_note(actor=officer, tip=tip, text="Nội bộ: kiểm tra đột xuất tối thứ Sáu.")
    tip_services.tip_note(
        actor=officer,
        tip=tip,
        text="Tin báo đã được chuyển cơ quan chức năng xác minh.",
        public=True,
    )

    page.reload()
    expect(page.get_by_test_id("tip-status")).to_have_text("Đã giao xử lý")
    expect(page.get_by_test_id("public-note")).to_have_text(
        "Tin báo đã được chuyển cơ quan chức năng xác minh."
    )
    expect(page.get_by_text("Nội bộ: kiểm tra đột xuất")).to_have_count(0)
    expect(page.get_by_text("Công an xã Kỳ Hoa")).to_have_count(0)

    # The citizen adds what they saw since.
    page.get_by_label("Thông tin bổ sung").fill("Tối qua có thêm hai xe máy biển số 38.")
    page.get_by_role("button", name="Gửi thông tin bổ sung").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhận thông tin bổ sung của bạn.")
    expect(page.get_by_test_id("public-message")).to_contain_text("hai xe máy biển số 38")
    assert tip.messages.filter(from_public=True).count() == 1
