"""Periodic reports in the browser: keyboard entry with autosave, what a wrong entry shows,
submission and approval up to the dashboard, two people on one draft, the English switch."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, Response, expect

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import PASSWORD, member
from pcmd.reporting.models import EventAction, Report, ReportEvent, ReportState
from pcmd.reporting.tests.factories import make_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERIOD = "2026S1"
FORM_NAME = "Báo cáo kết quả công tác phòng, chống mại dâm"


def sign_in(page: Page, live_server, user) -> None:
    """The session cookie of a forced login, so a test skips the login form."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def new_page(browser, live_server) -> Page:
    """A second person's browser (own cookies), like the `page` fixture's."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def is_save(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/save/")


def enter_value(page: Page, value: str) -> Response:
    """Type into the focused cell and press Enter; returns the autosave's answer."""
    with page.expect_response(is_save) as saved:
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    return saved.value


def cell(page: Page, key: str):
    return page.locator("#v-" + key.replace(".", "__"))


def stored(report: Report) -> dict[str, str]:
    report.refresh_from_db()
    assert report.current_version is not None
    report.current_version.refresh_from_db()
    return report.current_version.values


def test_officer_fills_the_form_with_the_keyboard_and_the_draft_saves_itself(
    page, live_server, tree
):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    # Last period's figures are shown beside the cells; most of this period's are prefilled.
    make_report(
        tree["kh"],
        "2025S2",
        actor=officer,
        state=ReportState.SUBMITTED,
        values={"MEDIA_ITEMS": "5"},
    )
    report = make_report(tree["kh"], PERIOD, actor=officer)
    sign_in(page, live_server, officer)

    page.goto("/reports/")
    opener = page.get_by_test_id("open-report")
    opener.get_by_label("Biểu mẫu").select_option(label=FORM_NAME)
    expect(opener.get_by_label("Đơn vị")).to_have_value(str(tree["kh"].pk))  # the only one
    opener.get_by_label("Kỳ báo cáo").fill("2026s1")
    opener.get_by_role("button", name="Mở báo cáo").click()
    page.wait_for_url(f"**/reports/{report.pk}/")
    expect(page.get_by_test_id("report-state")).to_have_text("Đang soạn")
    media_row = page.locator("tr", has=cell(page, "MEDIA_ITEMS"))
    expect(media_row.locator("td").nth(1)).to_have_text("5")  # the previous period

    cell(page, "MEDIA_ITEMS").select_text()
    assert enter_value(page, "14").ok
    # Enter goes down the column to the next figure, with its content selected so that
    # typing replaces it.
    expect(cell(page, "BUSINESS_WORKERS_TOTAL")).to_be_focused()
    assert enter_value(page, "52").ok
    expect(cell(page, "BUSINESS_WORKERS_REACHED")).to_be_focused()
    assert enter_value(page, "47").ok
    expect(page.locator("#save-status")).to_contain_text("Đã lưu bản nháp lúc")
    assert page.url.endswith(f"/reports/{report.pk}/")  # no form was sent

    page.reload()
    expect(cell(page, "MEDIA_ITEMS")).to_have_value("14")
    expect(cell(page, "BUSINESS_WORKERS_TOTAL")).to_have_value("52")
    expect(cell(page, "BUSINESS_WORKERS_REACHED")).to_have_value("47")
    values = stored(report)
    assert (values["MEDIA_ITEMS"], values["BUSINESS_WORKERS_TOTAL"]) == ("14", "52")
    assert values["BUSINESS_WORKERS_REACHED"] == "47"
    assert values["FINES_VND"] == "7500000"  # the untouched cells were sent back unchanged


def test_a_wrong_number_shows_its_error_under_the_cell_is_kept_and_blocks_submission(
    page, live_server, tree
):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    report = make_report(tree["kh"], PERIOD, actor=officer)
    sign_in(page, live_server, officer)
    page.goto(f"/reports/{report.pk}/")

    cell(page, "INSPECTIONS_CONDUCTED").select_text()
    with page.expect_response(is_save):
        page.keyboard.type("-5")  # saved after a pause in typing
    expect(page.locator("#msg-v-INSPECTIONS_CONDUCTED")).to_have_text("Số liệu không được âm (-5).")
    page.keyboard.press("Enter")  # leaving the cell sends nothing more: it was saved
    cell(page, "MEDIA_ITEMS").select_text()
    assert enter_value(page, "abc").ok
    expect(page.locator("#msg-v-MEDIA_ITEMS")).to_have_text("“abc” không phải là số.")
    expect(page.locator("#save-status")).to_contain_text("Còn 2 ô cần sửa.")

    page.reload()
    # What was typed is still there, with its error, although it could not be stored.
    expect(cell(page, "INSPECTIONS_CONDUCTED")).to_have_value("-5")
    expect(cell(page, "INSPECTIONS_CONDUCTED")).to_have_attribute("aria-invalid", "true")
    expect(cell(page, "MEDIA_ITEMS")).to_have_value("abc")
    expect(page.locator("#msg-v-MEDIA_ITEMS")).to_have_text("“abc” không phải là số.")

    page.get_by_test_id("submit-report").click()
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text("Chưa gửi được: còn 2 ô cần sửa hoặc ghi chú.")
    expect(refusal).to_contain_text("Số liệu không được âm (-5).")
    expect(refusal).to_contain_text("“abc” không phải là số.")
    expect(page.get_by_test_id("report-state")).to_have_text("Đang soạn")
    expect(cell(page, "MEDIA_ITEMS")).to_have_value("abc")
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert not ReportEvent.objects.filter(report=report).exists()


def test_submitted_report_is_approved_by_the_province_and_counts_on_its_dashboard(
    page, browser, live_server, tree
):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER, username="hoa")
    member(tree["ht"], Role.PROVINCE_COORDINATOR, username="lan")
    report = make_report(tree["kh"], PERIOD, actor=officer, values={"TIPS_RECEIVED": "8"})
    sign_in(page, live_server, officer)
    page.goto(f"/reports/{report.pk}/")

    cell(page, "TIPS_PROCESSED_ON_TIME").select_text()
    assert enter_value(page, "6").ok  # 6 of 8 tips processed on time: 75%
    submits: list[str] = []
    page.on("request", lambda r: submits.append(r.url) if r.url.endswith("/submit/") else None)
    page.get_by_test_id("submit-report").dblclick()
    expect(page.get_by_test_id("report-state")).to_have_text("Đã gửi, chờ duyệt")
    expect(page.get_by_role("status")).to_contain_text("Đã gửi báo cáo lên cấp trên.")
    assert len(submits) == 1
    assert ReportEvent.objects.filter(report=report, action=EventAction.SUBMITTED).count() == 1

    # The coordinator follows a link to her queue and signs in on the way.
    province = new_page(browser, live_server)
    province.goto("/reports/approvals/")
    province.get_by_label("Tên đăng nhập").fill("lan")
    province.get_by_label("Mật khẩu").fill(PASSWORD)
    province.get_by_role("button", name="Đăng nhập").click()
    queue = province.get_by_test_id("approval-table")
    queue.get_by_role("link", name="Xã Kỳ Hoa").click()
    province.wait_for_url(f"**/reports/{report.pk}/")
    expect(province.get_by_test_id("report-state")).to_have_text("Đã gửi, chờ duyệt")
    expect(cell(province, "TIPS_PROCESSED_ON_TIME")).to_have_value("6")
    province.get_by_test_id("approve").click()
    expect(province.get_by_test_id("report-state")).to_have_text("Đã duyệt")
    expect(province.get_by_role("status")).to_contain_text("Đã duyệt báo cáo.")
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED

    page.reload()
    expect(page.get_by_test_id("report-state")).to_have_text("Đã duyệt")
    expect(page.get_by_test_id("submit-report")).to_have_count(0)
    figures = page.locator('input[name^="v:"]')
    assert figures.count() > 30
    assert figures.evaluate_all("els => els.filter(e => !e.readOnly).length") == 0
    expect(page.locator('select[name^="v:"]:not([disabled])')).to_have_count(0)
    expect(page.locator('textarea[name^="n:"]:not([readonly])')).to_have_count(0)

    province.goto(f"/dashboard/?unit={tree['ht'].pk}&period={PERIOD}")
    expect(province.get_by_role("heading", level=1)).to_have_text("Bảng theo dõi: Tỉnh Hà Tĩnh")
    expect(province.get_by_test_id("kpi-received")).to_have_text("1/2")
    province.get_by_label("Chỉ tiêu để so sánh").select_option("IND_TIPS_ON_TIME")
    ranking = province.get_by_test_id("ranking-table")
    expect(ranking.locator("tr", has_text="Xã Kỳ Hoa")).to_contain_text("75,0%")
    expect(ranking.locator("tr", has_text="Phường Kỳ Anh")).to_contain_text("—")
    indicator = province.get_by_test_id("indicator-table").locator(
        "tr", has_text="Tỷ lệ tin báo, tố giác, khiếu nại được xác minh, xử lý kịp thời"
    )
    expect(indicator).to_contain_text("75,0%")
    expect(indicator).to_contain_text("6 / 8")
    expect(province.locator("figure.chart svg")).to_have_count(2)  # ranking and trend

    province.get_by_role("link", name="Xem đơn vị chưa gửi").click()
    missing = province.get_by_test_id("missing-table")
    expect(missing).to_contain_text("Phường Kỳ Anh")
    expect(missing).not_to_contain_text("Xã Kỳ Hoa")
    province.context.close()


def test_a_colleagues_stale_autosave_is_refused_and_does_not_overwrite_the_first_save(
    page, browser, live_server, tree
):
    first = member(tree["kh"], Role.COMMUNE_OFFICER, full_name="Trần Thị Mai")
    second = member(tree["kh"], Role.COMMUNE_OFFICER)
    report = make_report(tree["kh"], PERIOD, actor=first)
    sign_in(page, live_server, first)
    colleague = new_page(browser, live_server)
    sign_in(colleague, live_server, second)
    page.goto(f"/reports/{report.pk}/")
    colleague.goto(f"/reports/{report.pk}/")

    cell(page, "MEDIA_ITEMS").select_text()
    assert enter_value(page, "11").ok
    expect(page.locator("#save-status")).to_contain_text("Đã lưu bản nháp")

    cell(colleague, "MEDIA_ITEMS").select_text()
    assert enter_value(colleague, "99").status == 409
    conflict = colleague.locator("#save-status").get_by_test_id("conflict")
    expect(conflict).to_contain_text("Trần Thị Mai đã lưu báo cáo này lúc")
    expect(conflict).to_contain_text("Hãy tải lại trang")
    assert stored(report)["MEDIA_ITEMS"] == "11"

    colleague.reload()
    expect(cell(colleague, "MEDIA_ITEMS")).to_have_value("11")
    colleague.context.close()


def test_the_entry_page_switches_to_english_and_still_saves_the_same_figures(
    page, live_server, tree
):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    report = make_report(tree["kh"], PERIOD, actor=officer)
    sign_in(page, live_server, officer)
    page.goto(f"/reports/{report.pk}/")
    expect(cell(page, "FINES_VND")).to_have_value("7.500.000")

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(f"/reports/{report.pk}/")
    # The frame, the page's own strings (in the catalogue since the report pages' strings
    # were translated) and the form's English names (from the indicator catalogue).
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="Plans")).to_be_visible()
    expect(nav.get_by_role("link", name="Administrative units")).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("p.crumbs")).to_contain_text("Periodic reports")
    expect(page.locator("dl.props dt").first).to_have_text("Unit")
    expect(page.locator("dl.props")).to_contain_text("Reporting period")
    expect(page.get_by_test_id("report-state")).to_have_text("Draft")
    expect(page.get_by_test_id("submit-report")).to_have_text("Submit report")
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()
    expect(page.locator("table.entry-table").first.locator("thead")).to_contain_text(
        "Previous period"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Report on prostitution prevention and control"
    )
    expect(page.get_by_role("heading", name="Communication and awareness")).to_be_visible()
    expect(page.get_by_label("Tips and complaints received", exact=True)).to_have_value("4")
    expect(page.locator('label[for="n-results"]')).to_have_text("Results *")
    expect(page.locator("#n-results")).to_have_value("Kết quả chính của kỳ.")
    expect(cell(page, "FINES_VND")).to_have_value("7,500,000")

    # An autosave in English sends every figure in English notation: none may change.
    cell(page, "MEDIA_ITEMS").select_text()
    assert enter_value(page, "1,234").ok
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    values = stored(report)
    assert values["MEDIA_ITEMS"] == "1234"
    assert values["FINES_VND"] == "7500000"
    expect(page.get_by_test_id("lang-vi")).to_be_visible()
