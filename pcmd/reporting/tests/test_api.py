"""The reporting API: workflow, conflicts, DHIS2 data values, analytics, completeness."""

import json

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.reporting.models import Report, ReportState
from pcmd.reporting.tests.factories import BASE_VALUES, make_report

pytestmark = pytest.mark.django_db


def _json(client, method, url, body=None):
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def test_open_fill_submit_and_approve_through_the_api(client, tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(officer)
    opened = _json(
        client,
        "POST",
        "/api/reports",
        {"form": "PCMD_PERIODIC", "unit_id": tree["kh"].pk, "period": "2026S1"},
    )
    assert opened.status_code == 201
    report = opened.json()
    saved = _json(
        client,
        "PATCH",
        f"/api/reports/{report['id']}/values",
        {
            "revision": report["revision"],
            "values": {**BASE_VALUES, "MEDIA_ITEMS": 12},
            "narratives": {"results": "Đã làm"},
        },
    )
    assert saved.status_code == 200 and saved.json()["values"]["MEDIA_ITEMS"] == "12"
    assert saved.json()["errors"] == {}
    client.force_login(member(tree["kh"], Role.COMMUNE_OFFICER, username="dongnghiep"))
    stale = _json(  # a colleague's copy, read before the save above
        client,
        "PATCH",
        f"/api/reports/{report['id']}/values",
        {"revision": report["revision"], "values": {"MEDIA_ITEMS": 1}},
    )
    assert stale.status_code == 409
    client.force_login(officer)
    for _ in range(2):  # a retried request submits once
        sent = _json(client, "POST", f"/api/reports/{report['id']}/submit")
        assert sent.status_code == 200 and sent.json()["state"] == "submitted"
    assert _json(client, "POST", f"/api/reports/{report['id']}/approve").status_code == 403
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    approved = _json(client, "POST", f"/api/reports/{report['id']}/approve", {"comment": "Ok"})
    assert approved.json()["state"] == "approved"
    versions = client.get(f"/api/reports/{report['id']}/versions").json()
    assert [v["state"] for v in versions] == ["approved"]


def test_submitting_an_incomplete_report_answers_422_with_the_reasons(client, tree):
    client.force_login(member(tree["kh"], Role.COMMUNE_OFFICER))
    opened = _json(
        client,
        "POST",
        "/api/reports",
        {"form": "PCMD_PERIODIC", "unit_id": tree["kh"].pk, "period": "2026S1"},
    )
    response = _json(client, "POST", f"/api/reports/{opened.json()['id']}/submit")
    assert response.status_code == 422 and "Chưa gửi được" in response.json()["detail"]


def test_data_values_in_and_out_in_dhis2_shape(client, tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(officer)
    body = {
        "dataSet": "PCMD_PERIODIC",
        "period": "2026S1",
        "orgUnit": tree["kh"].code,
        "dataValues": [
            {"dataElement": k.split(".")[0], "categoryOptionCombo": k.partition(".")[2], "value": v}
            for k, v in BASE_VALUES.items()
        ],
    }
    imported = _json(client, "POST", "/api/dataValueSets", body)
    assert imported.status_code == 200 and imported.json() == {
        "reports": 1,
        "values": len(BASE_VALUES),
    }
    report = Report.objects.get(unit=tree["kh"], period="2026S1")
    assert report.state == ReportState.DRAFT  # imported values wait to be submitted
    make_report(tree["ka"], "2026S1", state=ReportState.SUBMITTED)  # not the officer's
    revision = client.get(f"/api/reports/{report.pk}").json()["revision"]
    _json(
        client,
        "PATCH",
        f"/api/reports/{report.pk}/values",
        {"revision": revision, "narratives": {"results": "Đã làm"}},
    )
    assert _json(client, "POST", f"/api/reports/{report.pk}/submit").status_code == 200
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    out = client.get(f"/api/dataValueSets?period=2026S1&unit_id={tree['ht'].pk}&children=true")
    units = {v["orgUnit"] for v in out.json()["dataValues"]}
    assert units == {tree["kh"].code, tree["ka"].code}


def test_analytics_and_completeness_for_a_province_and_its_communes(client, tree):
    make_report(
        tree["kh"],
        "2026S1",
        state=ReportState.SUBMITTED,
        values={"TIPS_RECEIVED": "4", "TIPS_PROCESSED_ON_TIME": "2"},
    )
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    rows = client.get(
        f"/api/analytics?indicator=IND_TIPS_ON_TIME&period=2026S1&unit_id={tree['ht'].pk}"
        "&level=children"
    ).json()
    by_unit = {r["unit_id"]: r for r in rows}
    assert by_unit[tree["kh"].pk]["value"] == 50 and by_unit[tree["ka"].pk]["value"] is None
    complete = client.get(
        f"/api/completeness?form=PCMD_PERIODIC&period=2026S1&unit_id={tree['ht'].pk}"
    ).json()
    assert complete[0]["expected"] == 2 and complete[0]["received"] == 1
    assert {r["unit_name"] for r in complete[1:]} == {"Phường Kỳ Anh", "Xã Kỳ Hoa"}


def test_the_country_is_for_national_users_only(client, tree):
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    response = client.get("/api/analytics?indicator=IND_TIPS_ON_TIME&period=2026S1")
    assert response.status_code == 404
    response = client.get(f"/api/analytics?indicator=NOPE&period=2026S1&unit_id={tree['ht'].pk}")
    assert response.status_code == 422
