from pathlib import Path

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import PASSWORD, member
from pcmd.geo.models import REFORM_DATE, UnitKind
from pcmd.geo.tests.factories import make_reform_tree, make_unit
from pcmd.plans.models import Plan, PlanStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "pcmd/plans/demo/ke-hoach-xa-ky-anh-2026.txt"


@pytest.fixture
def immediate_tasks(settings):
    # The worker is a separate process in production; here the task runs on enqueue.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_officer_uploads_a_plan_reviews_it_against_the_source_and_issues_it(page, immediate_tasks):
    units = make_reform_tree()
    commune = make_unit("Xã Kỳ Anh", UnitKind.COMMUNE, units["ht"], valid_from=REFORM_DATE)
    member(commune, Role.COMMUNE_OFFICER, username="hung")

    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill("hung")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Kế hoạch").click()
    page.get_by_test_id("plan-import").click()
    page.set_input_files("input[type=file]", str(DEMO))
    page.get_by_role("button", name="Đọc văn bản").click()

    page.wait_for_url("**/plans/*/")
    assert "phòng, chống mại dâm năm 2026" in page.get_by_role("heading", level=1).inner_text()
    targets = page.locator("#list-targets li.plan-item")
    assert targets.count() == 4
    first = targets.first
    first.click()
    key = first.get_attribute("data-item")
    highlighted = page.locator(f'mark.active[data-items~="{key}"]')
    assert "90%" in highlighted.first.inner_text()

    first.get_by_role("link", name="Sửa").click()
    page.locator("#editor input[name=value]").fill("95")
    page.locator("#editor").get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert "95" in page.locator("#list-targets li.plan-item").first.inner_text()

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("plan-issue").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-status").inner_text() == "Đã ban hành"
    plan = Plan.objects.get()
    assert plan.status == PlanStatus.ISSUED and plan.unit == commune
    assert plan.targets.first().value == 95
