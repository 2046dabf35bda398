import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.geo.models import REFORM_DATE, UnitKind
from pcmd.geo.tests.factories import make_unit
from pcmd.plans.models import ImportStatus, Plan, PlanImport

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "demo/ke-hoach-xa-ky-anh-2026.txt"


@pytest.fixture
def ky_anh(tree):
    return make_unit("Xã Kỳ Anh", UnitKind.COMMUNE, tree["ht"], valid_from=REFORM_DATE)


@pytest.fixture
def officer(client, ky_anh):
    user = member(ky_anh, Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


def _upload(client, unit, name, content):
    return client.post(
        reverse("plans:upload"), {"unit": unit.pk, "file": SimpleUploadedFile(name, content)}
    )


# The worker runs as in production, outside the test's transaction: it closes and reopens
# database connections, which a test wrapped in a transaction would not survive.
worker_test = pytest.mark.django_db(transaction=True)


@worker_test
def test_an_upload_is_read_by_the_background_worker_into_a_draft(client, officer, ky_anh):
    response = _upload(client, ky_anh, DEMO.name, DEMO.read_bytes())
    job = PlanImport.objects.get()
    assert response.url == reverse("plans:import_status", args=[job.pk])
    assert job.status == ImportStatus.QUEUED and job.task_id

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    plan = job.plan
    assert plan is not None and plan.unit == ky_anh and plan.number == "15/KH-UBND"
    assert plan.targets.count() == 4 and plan.source_sha256 and plan.source_file
    assert not job.file  # the import's copy is gone; the plan keeps the original
    polled = client.get(
        reverse("plans:import_status", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert polled["HX-Redirect"] == reverse("plans:review", args=[plan.pk])


@worker_test
def test_a_file_that_is_not_a_plan_fails_with_a_message_and_saves_nothing(client, officer, ky_anh):
    story = "Hôm nay trời đẹp. Chúng tôi đi chơi công viên và ăn kem.\n".encode()
    _upload(client, ky_anh, "nhat-ky.txt", story)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job = PlanImport.objects.get()
    assert job.status == ImportStatus.FAILED and "không phải một kế hoạch" in job.message
    assert not Plan.objects.exists()
    page = client.get(reverse("plans:import_status", args=[job.pk])).content.decode()
    assert "không phải một kế hoạch" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trong.txt", b"", "rỗng"),
        ("bang-tinh.xlsx", b"PK\x03\x04", "Không nhận loại tệp"),
    ],
)
def test_bad_uploads_are_refused_at_once(client, officer, ky_anh, name, content, message):
    response = client.post(
        reverse("plans:upload"), {"unit": ky_anh.pk, "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanImport.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(client, officer, ky_anh, settings):
    settings.PCMD_IMPORT_MAX_BYTES = 100
    response = client.post(
        reverse("plans:upload"),
        {"unit": ky_anh.pk, "file": SimpleUploadedFile("lon.txt", b"x" * 500)},
    )
    assert response.status_code == 400 and "quá lớn" in response.content.decode()


def test_command_prints_the_plan_as_json(ky_anh):
    out = io.StringIO()
    call_command("plan", "import", str(DEMO), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["number"] == "15/KH-UBND" and len(data["targets"]) == 4
    assert {r["due_day_month"] for r in data["reporting"]} >= {"05/06", "15/11"}
    assert not Plan.objects.exists()


def test_command_saves_a_draft_under_the_issuing_unit_and_prints_its_address(ky_anh):
    out = io.StringIO()
    call_command("plan", "import", str(DEMO), stdout=out)
    plan = Plan.objects.get()
    assert plan.unit == ky_anh
    assert reverse("plans:review", args=[plan.pk]) in out.getvalue()


def test_command_refuses_a_missing_file_clearly(tmp_path):
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("plan", "import", str(tmp_path / "khong-co.docx"))
