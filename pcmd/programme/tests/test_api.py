import datetime as dt
import json

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.plans.tests.factories import make_plan
from pcmd.programme.models import BudgetEntry, Commendation
from pcmd.programme.tests.factories import (
    make_commendation,
    make_entry,
    make_programme_targets,
    make_spending,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def officer(client, tree):
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def records(tree):
    return make_programme_targets(tree["kh"])


@pytest.fixture
def foreign(tree):
    return make_programme_targets(tree["hp"])


@pytest.mark.parametrize(
    "path", ["/api/budget-entries", "/api/budget-summary", "/api/commendations"]
)
def test_an_anonymous_caller_gets_401(client, db, path):
    assert client.get(path).status_code == 401


def test_the_lists_are_scoped_and_paginated(client, officer, records, foreign):
    for path, own in (
        ("/api/budget-entries", records["budget_entry"].pk),
        ("/api/commendations", records["commendation"].pk),
    ):
        body = client.get(path).json()
        assert [item["id"] for item in body["items"]] == [own], path
        assert body["count"] == 1


def test_the_lists_filter_by_unit_and_year(client, tree):
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    make_entry(tree["kh"], 1_000_000)
    make_entry(tree["ka"], 2_000_000)
    make_entry(tree["ka"], 3_000_000, year=2026, date=dt.date(2026, 2, 1))
    make_commendation(tree["kh"])
    make_commendation(tree["ka"], decision_date=dt.date(2024, 12, 20))
    body = client.get(f"/api/budget-entries?unit_id={tree['ka'].pk}&year=2025").json()
    assert [e["amount_vnd"] for e in body["items"]] == [2_000_000]
    body = client.get("/api/commendations?year=2024").json()
    assert [c["unit_id"] for c in body["items"]] == [tree["ka"].pk]
    body = client.get(f"/api/commendations?unit_id={tree['kh'].pk}").json()
    assert body["count"] == 1


def test_reads_and_writes_outside_scope_answer_404_and_change_nothing(
    client, officer, tree, foreign
):
    entry, item = foreign["budget_entry"], foreign["commendation"]
    before = ObjectChange.objects.count()
    unit = tree["hp"].pk
    for method, path, body in (
        ("get", f"/api/budget-entries/{entry.pk}", {}),
        ("patch", f"/api/budget-entries/{entry.pk}", {"amount_vnd": 1}),
        ("delete", f"/api/budget-entries/{entry.pk}", {}),
        ("get", f"/api/budget-entries?unit_id={unit}", {}),
        ("get", f"/api/budget-summary?unit_id={unit}&year=2025", {}),
        ("post", "/api/budget-entries", {"unit_id": unit, "kind": "allocation"}),
        ("get", f"/api/commendations/{item.pk}", {}),
        ("patch", f"/api/commendations/{item.pk}", {"name": "X"}),
        ("delete", f"/api/commendations/{item.pk}", {}),
        ("get", f"/api/commendations?unit_id={unit}", {}),
        ("post", "/api/commendations", {"unit_id": unit, "name": "X"}),
    ):
        response = client.generic(method.upper(), path, json.dumps(body), content_type=JSON)
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    assert ObjectChange.objects.count() == before
    entry.refresh_from_db()
    assert entry.amount_vnd == 10_000_000


def test_a_viewer_gets_403_on_writes(client, tree, records):
    client.force_login(member(tree["kh"], Role.VIEWER))
    assert client.get(f"/api/budget-entries/{records['budget_entry'].pk}").status_code == 200
    response = client.post(
        "/api/commendations",
        {"unit_id": tree["kh"].pk, "name": "X", "decision_date": "2025-09-01"},
        content_type=JSON,
    )
    assert response.status_code == 403 and "quyền" in response.json()["detail"]
    response = client.delete(f"/api/budget-entries/{records['budget_entry'].pk}")
    assert response.status_code == 403


def test_a_budget_entry_is_created_changed_and_deleted_with_audit(client, officer, tree):
    plan = make_plan(tree["kh"])
    created = client.post(
        "/api/budget-entries",
        {
            "unit_id": tree["kh"].pk,
            "year": 2025,
            "kind": "allocation",
            "source": "state_commune",
            "amount_vnd": "15.000.000",
            "date": "2025-02-10",
            "plan_id": plan.pk,
            "area": "communication",
            "document_number": "12/QĐ-UBND",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount_vnd"] == 15_000_000 and body["plan_id"] == plan.pk
    entry_id = body["id"]
    patched = client.patch(
        f"/api/budget-entries/{entry_id}", {"amount_vnd": 18_000_000}, content_type=JSON
    )
    assert patched.status_code == 200 and patched.json()["amount_vnd"] == 18_000_000
    assert patched.json()["document_number"] == "12/QĐ-UBND"  # left out: kept
    assert client.delete(f"/api/budget-entries/{entry_id}").status_code == 204
    actions = list(
        ObjectChange.objects.filter(object_id=str(entry_id), content_type__model="budgetentry")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [Action.CREATE, Action.UPDATE, Action.DELETE]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount_vnd": -1_000_000}, "không được âm"),
        ({"amount_vnd": "-1.000.000"}, "không được âm"),
        ({"date": "2099-01-01", "year": 2099}, "Năm ngân sách"),
        ({"source": "lottery"}, "Nguồn kinh phí"),
    ],
)
def test_bad_budget_input_answers_422_with_the_reason(client, officer, tree, change, message):
    body = {
        "unit_id": tree["kh"].pk,
        "year": 2025,
        "kind": "spending",
        "source": "state_commune",
        "amount_vnd": 1_000_000,
        "date": "2025-09-01",
    } | change
    response = client.post("/api/budget-entries", body, content_type=JSON)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not BudgetEntry.objects.exists()


def test_a_future_date_and_a_plan_of_another_unit_answer_422(client, tree):
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    body = {
        "unit_id": tree["kh"].pk,
        "year": dt.date.today().year,
        "kind": "spending",
        "source": "state_commune",
        "amount_vnd": 1_000_000,
        "date": tomorrow,
    }
    response = client.post("/api/budget-entries", body, content_type=JSON)
    assert response.status_code == 422 and "tương lai" in response.json()["detail"]
    body |= {"date": "2025-09-01", "year": 2025, "plan_id": make_plan(tree["ht"]).pk}
    response = client.post("/api/budget-entries", body, content_type=JSON)
    assert response.status_code == 422 and "không phải của Xã Kỳ Hoa" in response.json()["detail"]
    response = client.post(
        "/api/commendations",
        {
            "unit_id": tree["kh"].pk,
            "recipient_kind": "individual",
            "name": "Lê Văn Nam",
            "level": "province",
            "form": "certificate_of_merit",
            "decision_number": "1/QĐ-UBND",
            "decision_date": tomorrow,
        },
        content_type=JSON,
    )
    assert response.status_code == 422 and "tương lai" in response.json()["detail"]
    assert not BudgetEntry.objects.exists() and not Commendation.objects.exists()


def test_a_commendation_is_created_changed_and_deleted_with_audit(client, officer, tree):
    created = client.post(
        "/api/commendations",
        {
            "unit_id": tree["kh"].pk,
            "recipient_kind": "collective",
            "name": "Trạm Y tế xã Kỳ Hoa",
            "level": "commune",
            "form": "letter_of_commendation",
            "decision_number": "45/QĐ-UBND",
            "decision_date": "2025-12-20",
            "issuer": "Chủ tịch UBND xã Kỳ Hoa",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert client.get(f"/api/commendations/{item_id}").json()["name"] == "Trạm Y tế xã Kỳ Hoa"
    patched = client.patch(
        f"/api/commendations/{item_id}", {"reason": "Khám sàng lọc tốt"}, content_type=JSON
    )
    assert patched.status_code == 200 and patched.json()["issuer"] == "Chủ tịch UBND xã Kỳ Hoa"
    central = client.patch(f"/api/commendations/{item_id}", {"level": "central"}, content_type=JSON)
    assert central.status_code == 200  # a Giấy khen from a central agency's unit is possible
    refused = client.patch(
        f"/api/commendations/{item_id}",
        {"form": "certificate_of_merit", "level": "commune"},
        content_type=JSON,
    )
    assert refused.status_code == 422 and "Bằng khen" in refused.json()["detail"]
    assert client.delete(f"/api/commendations/{item_id}").status_code == 204
    actions = list(
        ObjectChange.objects.filter(object_id=str(item_id), content_type__model="commendation")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [Action.CREATE, Action.UPDATE, Action.UPDATE, Action.DELETE]


def test_the_summary_rolls_up_the_subtree(client, tree):
    make_entry(tree["ht"], 50_000_000, source="state_province")
    make_entry(tree["kh"], 20_000_000)
    make_spending(tree["kh"], 24_000_000)
    make_entry(tree["hp"], 70_000_000)
    client.force_login(member(tree["ht"], Role.PROVINCE_COORDINATOR))
    body = client.get(f"/api/budget-summary?unit_id={tree['ht'].pk}&year=2025").json()
    assert body["unit_name"] == "Tỉnh Hà Tĩnh" and body["year"] == 2025
    assert [s["code"] for s in body["sources"]] == ["state_province", "state_commune"]
    rows = {(r["kind"], r["label"]): r for r in body["rows"]}
    total = rows[("total", "Tỉnh Hà Tĩnh")]
    assert total["total"]["allocated"] == 70_000_000 and total["total"]["spent"] == 24_000_000
    kh = rows[("child", "Xã Kỳ Hoa")]
    assert kh["total"]["share"] == 120.0 and kh["total"]["over"] is True
    assert kh["unit_id"] == tree["kh"].pk
    assert {c["source"]: c["allocated"] for c in kh["by_source"]} == {
        "state_province": 0,
        "state_commune": 20_000_000,
    }
    # Without a unit: the caller's own province.
    assert client.get("/api/budget-summary?year=2025").json()["unit_id"] == tree["ht"].pk
