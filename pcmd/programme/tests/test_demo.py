"""Demo budget and commendations: plausible, consistent with the services' rules, made once."""

import pytest
from django.utils import timezone

from pcmd.programme import services
from pcmd.programme.demo import demo_programme_load
from pcmd.programme.models import BudgetEntry, BudgetKind, Commendation

pytestmark = pytest.mark.django_db


def test_the_demo_province_gets_consistent_budget_and_commendations_once(tree):
    made = demo_programme_load()
    assert made["budget_entries"] > 0 and made["commendations"] > 0
    today = timezone.localdate()
    entries = list(BudgetEntry.objects.select_related("unit", "plan"))
    assert {e.unit for e in entries} == {tree["ht"], tree["ka"], tree["kh"]}
    years = {e.year for e in entries}
    assert min(years) == 2021 and max(years) == today.year
    for entry in entries:
        # What a user could have typed: the service's own checks pass.
        services._budget_check(entry)
        assert entry.amount_vnd > 0 and entry.date <= today
    for year in years:
        allocated = sum(e.amount_vnd for e in entries if e.year == year and e.kind == "allocation")
        spent = sum(e.amount_vnd for e in entries if e.year == year and e.kind == "spending")
        assert 0 <= spent <= allocated * 1.2
    assert any(e.kind == BudgetKind.SPENDING for e in entries)
    for item in Commendation.objects.select_related("unit"):
        services._commendation_check(item)
        assert item.unit.path.startswith(tree["ht"].path)
    assert demo_programme_load() == {}
    assert BudgetEntry.objects.count() == made["budget_entries"]
    assert Commendation.objects.count() == made["commendations"]


def test_without_the_demo_province_nothing_is_made(db):
    assert demo_programme_load() == {}
    assert not BudgetEntry.objects.exists()
