import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import PASSWORD, member
from pcmd.geo.tests.factories import make_reform_tree

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_finds_a_commune_without_diacritics_and_switches_language(page):
    units = make_reform_tree()
    member(units["ht"], Role.PROVINCE_COORDINATOR, username="lan")

    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Đơn vị hành chính").click()

    page.get_by_test_id("unit-search").fill("ky anh")
    results = page.get_by_test_id("unit-results")
    results.get_by_role("link", name="Phường Kỳ Anh").first.click()
    page.wait_for_url("**/units/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Phường Kỳ Anh")
    assert page.locator("html").get_attribute("lang") == "vi"

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Administrative units").is_visible()
    assert "Phường Kỳ Anh" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_test_id("lang-vi").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    assert nav.get_by_role("link", name="Đơn vị hành chính").is_visible()
