"""Demo registries: plausible, consistent, made once."""

import pytest

from pcmd.registries.demo import demo_registries_load
from pcmd.registries.models import Business, Inspection, Sanction, Tip, TipStatus

pytestmark = pytest.mark.django_db


def test_the_demo_province_gets_consistent_registries_once(tree):
    made = demo_registries_load()
    assert made["businesses"] > 0 and made["inspections"] > 0 and made["tips"] >= 0
    for business in Business.objects.all():
        assert business.unit.path.startswith(tree["ht"].path)
        assert (business.workers_female or 0) <= (business.workers_total or 0)
    for inspection in Inspection.objects.select_related("business"):
        assert inspection.unit_id == inspection.business.unit_id
        assert inspection.business.in_scope_during(inspection.date, inspection.date)
    for sanction in Sanction.objects.select_related("decree"):
        assert sanction.decree and sanction.decree.in_force_on(sanction.decision_date)
    for tip in Tip.objects.filter(status=TipStatus.CLOSED):
        assert tip.closed_on is not None and tip.closed_on >= tip.received_at.date()
    assert demo_registries_load() == {}
    assert Business.objects.count() == made["businesses"]
