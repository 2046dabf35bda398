"""Dashboards and completeness pages, with their CSV and XLSX downloads."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.reporting.models import ReportState
from pcmd.reporting.tests.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client, tree):
    user = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    client.force_login(user)
    make_report(
        tree["kh"],
        "2026S1",
        state=ReportState.SUBMITTED,
        values={"TIPS_RECEIVED": "4", "TIPS_PROCESSED_ON_TIME": "3"},
    )
    return user


def test_the_dashboard_opens_on_the_users_province_with_charts(client, tree, coordinator):
    page = client.get(reverse("analytics:dashboard") + "?period=2026S1&indicator=IND_TIPS_ON_TIME")
    body = page.content.decode()
    assert page.status_code == 200 and "Tỉnh Hà Tĩnh" in body
    assert body.count("<svg") == 2 and 'role="img"' in body  # ranking and trend
    assert "75,0%" in body  # the commune's figure in the ranking (one decimal)
    assert "Xã Kỳ Hoa" in body and "Phường Kỳ Anh" in body


def test_a_unit_outside_the_users_scope_is_not_found(client, tree, coordinator):
    other = tree["qt"]
    response = client.get(reverse("analytics:dashboard") + f"?unit={other.pk}")
    assert response.status_code == 404
    assert client.get(reverse("analytics:dashboard") + "?unit=").status_code == 404


def test_tables_download_as_csv_and_xlsx(client, tree, coordinator):
    base = reverse("analytics:dashboard") + f"?unit={tree['ht'].pk}&period=2026S1"
    csv = client.get(base + "&table=indicators&export=csv")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "IND_TIPS_ON_TIME" in csv.content.decode("utf-8-sig")
    xlsx = client.get(base + "&indicator=IND_TIPS_ON_TIME&table=ranking&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Xã Kỳ Hoa"] == 75  # a number, not text


def test_completeness_lists_who_has_not_reported_with_contacts(client, tree, coordinator):
    officer = member(tree["ka"], Role.COMMUNE_OFFICER, username="kyanh")
    officer.phone = "0912 345 678"
    officer.save()
    page = client.get(reverse("analytics:completeness") + "?period=2026S1")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Phường Kỳ Anh" in body and "0912 345 678" in body
    csv = client.get(reverse("analytics:completeness") + "?period=2026S1&export=csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("Tỉnh Hà Tĩnh,2,1,")
