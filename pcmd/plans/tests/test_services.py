from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.orgs.tests.factories import make_agency
from pcmd.plans import services
from pcmd.plans.exporting import plan_as_dict
from pcmd.plans.models import Plan, PlanStatus, Target
from pcmd.plans.tests.factories import TEXT, make_plan, sample_extraction

pytestmark = pytest.mark.django_db


def test_an_extraction_becomes_a_draft_with_every_item_and_its_source_span(tree):
    police = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    plan = make_plan(tree["kh"])

    assert plan.status == PlanStatus.DRAFT and plan.unit == tree["kh"]
    assert (plan.number, str(plan.issued_on), plan.period_label) == (
        "12/KH-UBND",
        "2026-01-10",
        "2026",
    )
    targets = list(plan.targets.all())
    assert [(t.value, t.comparator, t.target_unit) for t in targets] == [
        (80, ">=", "percent"),
        (100, "=", "percent"),
    ]
    for t in targets:
        assert TEXT[t.span_start : t.span_end] == t.text
    police_duty, women = plan.assignments.all()
    assert police_duty.agency == police and police_duty.agency_type == police.agency_type
    assert women.role == "requested" and not women.known and women.agency is None
    assert [(r.kind, r.due_day_month) for r in plan.reporting_duties.all()] == [
        ("6-month", "05/06"),
        ("annual", "15/11"),
    ]
    assert plan.legal_bases.get().doc_number == "5/KH-UBND"
    assert plan.sections.get().body.startswith("- Ít nhất 80%")
    assert ObjectChange.objects.filter(object_repr__contains="Ít nhất 80%").exists()


def test_a_broken_item_saves_nothing_at_all(tree):
    bad: Any = sample_extraction()
    bad["reporting"][1]["kind"] = None  # the database refuses it after the targets went in
    with pytest.raises(Exception):  # noqa: B017 (whatever the database raises)
        services.plan_create_from_extraction(actor=None, unit=tree["kh"], extraction=bad)
    assert not Plan.objects.exists() and not Target.objects.exists()


def test_an_officer_of_another_commune_cannot_import_or_edit(tree):
    outsider = member(tree["ka"], Role.COMMUNE_OFFICER)
    with pytest.raises(PermissionDenied):
        make_plan(tree["kh"], actor=outsider)
    plan = make_plan(tree["kh"])
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=outsider, plan=plan, data={"title": "x"})


def test_items_are_edited_added_and_deleted_with_audit_until_the_plan_is_issued(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    plan = make_plan(tree["kh"], actor=officer)
    target = plan.targets.all()[0]
    assert not target.accepted  # read from a document: not yet checked by anyone
    services.plan_item_update(actor=officer, item=target, data={"value": 85})
    assert target.accepted  # whoever corrected it has checked it
    added = services.plan_item_create(
        actor=officer,
        plan=plan,
        model=Target,
        data={
            "area": "healthy_communes",
            "text": "01-02 mô hình điểm",
            "comparator": "range",
            "value": 1,
            "value_max": 2,
            "target_unit": "count",
            "frequency": "annual",
        },
    )
    services.plan_item_delete(actor=officer, item=plan.targets.get(value=100))
    assert sorted(float(t.value) for t in plan.targets.all()) == [1.0, 85.0]
    actions = ObjectChange.objects.filter(user=officer).values_list("action", flat=True)
    assert {"create", "update", "delete"} <= set(actions)
    assert isinstance(added, Target) and added.origin == "manual"

    services.plan_issue(actor=officer, plan=plan)
    with pytest.raises(ServiceError, match="đã ban hành"):
        services.plan_item_update(actor=officer, item=added, data={"value": 3})


def test_invalid_values_are_refused_with_a_message(tree):
    plan = make_plan(tree["kh"])
    target = plan.targets.all()[0]
    with pytest.raises(ServiceError, match="phần trăm"):
        services.plan_item_update(actor=None, item=target, data={"value": 140})
    with pytest.raises(ServiceError, match="tối đa"):
        services.plan_item_update(actor=None, item=target, data={"comparator": "range"})
    with pytest.raises(ServiceError, match="không sửa được"):
        services.plan_item_update(actor=None, item=target, data={"plan_id": 3})


def test_issuing_supersedes_the_units_earlier_plan_for_the_same_period(tree):
    first = make_plan(tree["kh"])
    services.plan_issue(actor=None, plan=first)
    second = make_plan(tree["kh"])
    services.plan_issue(actor=None, plan=second)
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED
    assert Plan.objects.get(pk=second.pk).status == PlanStatus.ISSUED


def test_the_plan_as_a_dict_gives_back_what_was_imported(tree):
    extraction: Any = sample_extraction()
    plan = make_plan(tree["kh"])
    out = plan_as_dict(plan)
    for key in ("title", "number", "issued_on", "period", "legal_basis", "budget_sources"):
        assert out[key] == extraction[key], key
    for key in ("targets", "assignments", "reporting"):
        got = [{k: v for k, v in item.items() if k in extraction[key][0]} for item in out[key]]
        assert got == extraction[key], key


def test_a_lower_unit_plan_derives_targets_agencies_and_reporting_from_the_upper_one(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    upper = make_plan(tree["ht"], issuer={"name": "UBND tỉnh Hà Tĩnh", "level": "province"})
    with pytest.raises(ServiceError, match="đã ban hành"):
        services.plan_derive(actor=coordinator, plan=upper, unit=tree["kh"])
    services.plan_issue(actor=coordinator, plan=upper)
    police = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")

    child = services.plan_derive(actor=coordinator, plan=upper, unit=tree["kh"])

    assert child.parent == upper and child.unit == tree["kh"] and child.status == "draft"
    assert [t.parent_id for t in child.targets.all()] == [t.pk for t in upper.targets.all()]
    assigned = child.assignments.get(agency_type__code="police")
    assert assigned.agency == police and assigned.agency_name == "Công an xã Kỳ Hoa"
    duty = child.reporting_duties.get(kind="6-month")
    assert duty.reporter == "UBND xã Kỳ Hoa" and duty.recipients == ["UBND tỉnh Hà Tĩnh"]
    assert child.legal_bases.get().linked_plan == upper
    with pytest.raises(ServiceError, match="không thuộc"):
        services.plan_derive(actor=None, plan=upper, unit=tree["hp"])


def test_the_cascade_shows_targets_missing_or_weaker_than_the_upper_plan(tree):
    from pcmd.plans.selectors import cascade_gaps

    upper = make_plan(tree["ht"])
    services.plan_issue(actor=None, plan=upper)
    child = services.plan_derive(actor=None, plan=upper, unit=tree["kh"])
    assert [row["state"] for row in cascade_gaps(child)] == ["kept", "kept"]
    first, second = child.targets.all()
    services.plan_item_update(actor=None, item=first, data={"value": 60})
    services.plan_item_delete(actor=None, item=second)
    assert [row["state"] for row in cascade_gaps(child)] == ["weaker", "missing"]
