import pytest

from pcmd.plans.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_list_read_create_and_update_plans(client, tree, officer):
    plan = make_plan(tree["kh"])
    make_plan(tree["ka"])
    listed = client.get("/api/plans").json()["items"]
    assert [p["id"] for p in listed] == [plan.pk]
    full = client.get(f"/api/plans/{plan.pk}").json()
    assert len(full["targets"]) == 2 and full["reporting"][0]["due_day_month"] == "05/06"
    created = client.post(
        "/api/plans",
        {"unit_id": tree["kh"].pk, "title": "Kế hoạch bổ sung 2026", "period_start": 2026},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["period_end"] == 2026
    patched = client.patch(
        f"/api/plans/{plan.pk}", {"title": "Tên mới"}, content_type="application/json"
    )
    assert patched.json()["title"] == "Tên mới"


def test_items_through_the_api(client, tree, officer):
    plan = make_plan(tree["kh"])
    target_id = client.get(f"/api/plans/{plan.pk}/targets").json()[0]["id"]
    one = client.get(f"/api/plans/{plan.pk}/targets/{target_id}").json()
    assert one["text"].startswith("Ít nhất 80%") and one["span_start"] is not None
    changed = client.patch(
        f"/api/plans/{plan.pk}/targets/{target_id}", {"value": 75}, content_type="application/json"
    )
    assert changed.status_code == 200 and float(changed.json()["value"]) == 75
    refused = client.patch(
        f"/api/plans/{plan.pk}/targets/{target_id}", {"value": 175}, content_type="application/json"
    )
    assert refused.status_code == 422 and "phần trăm" in refused.json()["detail"]
    added = client.post(
        f"/api/plans/{plan.pk}/budget", {"text": "xã hội hóa"}, content_type="application/json"
    )
    assert added.status_code == 201
    assert client.delete(f"/api/plans/{plan.pk}/budget/{added.json()['id']}").status_code == 204


def test_other_units_plans_are_not_found(client, tree, officer):
    other = make_plan(tree["ka"])
    assert client.get(f"/api/plans/{other.pk}").status_code == 404
    assert client.post(f"/api/plans/{other.pk}/issue").status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker runs outside a test transaction
def test_import_returns_a_task_to_follow(client, tree, officer):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    demo = Path(__file__).resolve().parents[1] / "demo/ke-hoach-xa-ky-anh-2026.txt"
    response = client.post(
        "/api/plans/import",
        {"unit_id": tree["kh"].pk, "file": SimpleUploadedFile(demo.name, demo.read_bytes())},
    )
    assert response.status_code == 202
    job = response.json()
    assert (
        job["task_id"]
        and job["status"] == "queued"
        and job["status_url"] == f"/api/plans/imports/{job['id']}"
    )
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    done = client.get(job["status_url"]).json()
    assert done["status"] == "done" and done["plan_id"]
    assert len(client.get(f"/api/plans/{done['plan_id']}").json()["targets"]) == 4


def test_export_through_the_api(client, tree, officer):
    plan = make_plan(tree["kh"])
    docx = client.get(f"/api/plans/{plan.pk}/export/docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get(f"/api/plans/{plan.pk}/export/json").json()["number"] == "12/KH-UBND"
    assert client.get(f"/api/plans/{plan.pk}/export/xlsx").status_code == 422
