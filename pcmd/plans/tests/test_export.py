from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.geo.models import REFORM_DATE, UnitKind
from pcmd.geo.tests.factories import make_unit
from pcmd.plans.exporting import plan_as_dict
from pcmd.plans.importing import plan_extract_file, plan_import_path

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "demo/ke-hoach-xa-ky-anh-2026.txt"


def _essentials(plan: Any) -> tuple:
    targets = sorted(
        (float(t["value"]), t["comparator"], t["unit"], t["frequency"]) for t in plan["targets"]
    )
    assignments = sorted((a["agency"], a["role"]) for a in plan["assignments"])
    reporting = sorted((r["kind"], r["due_day_month"] or "") for r in plan["reporting"])
    return targets, assignments, reporting


@pytest.fixture
def imported(client, tree):
    unit = make_unit("Xã Kỳ Anh", UnitKind.COMMUNE, tree["ht"], valid_from=REFORM_DATE)
    officer = member(unit, Role.COMMUNE_OFFICER)
    client.force_login(officer)
    return plan_import_path(actor=officer, unit=unit, path=DEMO)


def test_the_exported_word_file_reads_back_to_the_same_plan(client, imported, tmp_path):
    response = client.get(reverse("plans:export", args=[imported.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    exported = tmp_path / "ke-hoach.docx"
    exported.write_bytes(response.content)

    _result, again = plan_extract_file(exported, filename=exported.name)

    assert _essentials(again) == _essentials(plan_as_dict(imported))


def test_the_plan_prints_as_an_a4_pdf(client, imported):
    response = client.get(reverse("plans:export", args=[imported.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
