import pytest
from playwright.sync_api import expect
from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.reporting.models import ReportEvent
from pcmd.reporting.tests.factories import make_report
from tests.e2e.test_reporting import sign_in, cell, stored, is_save

@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    from django.conf import settings
    settings.DATABASES["default"]["TEST"]["NAME"] = "/tmp/scratch/e2e.sqlite3"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def test_race(page, live_server, tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    report = make_report(tree["kh"], "2026S1", actor=officer)
    sign_in(page, live_server, officer)
    page.goto(f"/reports/{report.pk}/")
    log = []
    page.on("response", lambda r: log.append((r.request.method, r.url, r.status)) if r.request.method == "POST" else None)
    cell(page, "MEDIA_ITEMS").fill("8")
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    page.wait_for_timeout(1500)
    print(log)
    print(page.get_by_test_id("report-state").inner_text())
    r = page.get_by_test_id("refusal")
    print("REFUSAL", r.inner_text() if r.count() else None)
    report.refresh_from_db(); print(report.state, stored(report)["MEDIA_ITEMS"], ReportEvent.objects.count())

def test_required(page, live_server, tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    report = make_report(tree["kh"], "2026S1", actor=officer)
    sign_in(page, live_server, officer)
    page.goto(f"/reports/{report.pk}/")
    for k in ("MEDIA_ITEMS", "TRAINING_COURSES"):
        with page.expect_response(is_save):
            cell(page, k).fill("")
    page.locator("#n-results").fill("")
    page.wait_for_timeout(1500)
    page.get_by_test_id("submit-report").click()
    print("REFUSAL", page.get_by_test_id("refusal").inner_text())
    print(page.url)
    print(page.locator("#msg-v-MEDIA_ITEMS").inner_text(), "|", page.locator("#msg-n-results").inner_text())

def test_list_ids(page, live_server, tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    sign_in(page, live_server, officer)
    page.goto("/reports/")
    print(page.evaluate("""() => { const c = {}; document.querySelectorAll('[id]').forEach(e => c[e.id] = (c[e.id]||0)+1); return Object.entries(c).filter(([k,v]) => v>1); }"""))
    page.get_by_test_id("lang-en").click()
    print(page.get_by_role("navigation").inner_text())
    print(page.locator("main").inner_text()[:800])
    page.goto("/dashboard/")
    print(page.locator("main").inner_text()[:1500])
