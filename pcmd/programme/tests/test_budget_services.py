import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.plans.tests.factories import make_plan
from pcmd.programme import services
from pcmd.programme.models import BudgetEntry, BudgetKind, FundingSource
from pcmd.programme.tests.factories import DAY, make_entry

pytestmark = pytest.mark.django_db


def _create(actor, unit, **fields):
    data: dict[str, Any] = {
        "year": 2025,
        "kind": BudgetKind.ALLOCATION,
        "source": FundingSource.STATE_COMMUNE,
        "amount_vnd": "15.000.000",
        "date": DAY,
    } | fields
    return services.budget_entry_create(actor=actor, unit=unit, **data)


def test_an_officer_records_an_allocation_typed_the_vietnamese_way_and_it_is_audited(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    entry = _create(officer, tree["kh"], activity="  Tuyên truyền trên loa  ")
    assert entry.amount_vnd == 15_000_000 and entry.activity == "Tuyên truyền trên loa"
    assert entry.created_by == officer
    log = ObjectChange.objects.get(object_id=str(entry.pk), content_type__model="budgetentry")
    assert log.action == Action.CREATE and log.user == officer
    assert log.after is not None and log.after["amount_vnd"] == 15_000_000


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5.000.000", "không được âm"),
        (-5, "không được âm"),
        ("1,5", "số nguyên"),
        ("mười triệu", "không phải là số"),
        ("", "Cần nhập"),
        (10**16, "quá lớn"),
    ],
)
def test_a_bad_amount_is_refused_with_a_clear_message(tree, amount, message):
    with pytest.raises(ServiceError) as refused:
        _create(None, tree["kh"], amount_vnd=amount)
    assert message in " ".join(refused.value.messages)
    assert not BudgetEntry.objects.exists()


def test_a_future_date_and_a_date_far_from_the_budget_year_are_refused(tree):
    with pytest.raises(ServiceError, match="tương lai"):
        _create(None, tree["kh"], date=dt.date.today() + dt.timedelta(days=2))
    with pytest.raises(ServiceError, match="không khớp với năm ngân sách"):
        _create(None, tree["kh"], year=2025, date=dt.date(2023, 5, 1))
    # An allocation decided in December for the next year is fine.
    assert _create(None, tree["kh"], year=2026, date=dt.date(2025, 12, 20)).pk


def test_a_plan_of_another_unit_is_refused_and_the_units_own_plan_accepted(tree):
    province_plan = make_plan(tree["ht"])
    with pytest.raises(ServiceError) as refused:
        _create(None, tree["kh"], plan=province_plan)
    assert "không phải của Xã Kỳ Hoa" in " ".join(refused.value.messages)
    own = make_plan(tree["kh"])
    assert _create(None, tree["kh"], plan=own).plan == own


def test_bad_choices_and_district_money_after_the_reform_are_refused(tree):
    with pytest.raises(ServiceError, match="Nguồn kinh phí"):
        _create(None, tree["kh"], source="lottery")
    with pytest.raises(ServiceError, match="Loại"):
        _create(None, tree["kh"], kind="loan")
    with pytest.raises(ServiceError, match="Lĩnh vực"):
        _create(None, tree["kh"], area="sports")
    with pytest.raises(ServiceError, match="không còn cấp huyện"):
        _create(
            None,
            tree["kh"],
            source=FundingSource.STATE_DISTRICT,
            year=2026,
            date=dt.date(2026, 2, 1),
        )
    # A district's money of 2024, recorded on the old district.
    old = _create(
        None,
        tree["old_ka"],
        source=FundingSource.STATE_DISTRICT,
        year=2024,
        date=dt.date(2024, 3, 1),
    )
    assert old.pk


def test_a_unit_that_no_longer_exists_takes_no_new_entries(tree):
    with pytest.raises(ServiceError, match="không còn tồn tại"):
        _create(None, tree["old_kh"], date=DAY)


def test_a_viewer_and_an_officer_of_another_commune_may_not_write(tree):
    entry = make_entry(tree["kh"])
    for actor in (member(tree["kh"], Role.VIEWER), member(tree["ka"], Role.COMMUNE_OFFICER)):
        with pytest.raises(PermissionDenied):
            _create(actor, tree["kh"])
        with pytest.raises(PermissionDenied):
            services.budget_entry_update(actor=actor, entry=entry, amount_vnd=1)
        with pytest.raises(PermissionDenied):
            services.budget_entry_delete(actor=actor, entry=entry)
    # The province's coordinator may.
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    assert _create(coordinator, tree["kh"]).pk


def test_update_and_delete_are_audited_with_the_before_snapshot(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    entry = make_entry(tree["kh"], 10_000_000)
    services.budget_entry_update(actor=officer, entry=entry, amount_vnd="12.500.000")
    entry.refresh_from_db()
    assert entry.amount_vnd == 12_500_000
    update = ObjectChange.objects.filter(object_id=str(entry.pk), action=Action.UPDATE).get()
    assert update.before is not None and update.after is not None
    assert update.before["amount_vnd"] == 10_000_000 and update.after["amount_vnd"] == 12_500_000
    # Saving the same values again writes no entry.
    services.budget_entry_update(actor=officer, entry=entry, amount_vnd=12_500_000)
    assert ObjectChange.objects.filter(object_id=str(entry.pk), action=Action.UPDATE).count() == 1
    pk = entry.pk
    services.budget_entry_delete(actor=officer, entry=entry)
    assert not BudgetEntry.objects.filter(pk=pk).exists()
    deleted = ObjectChange.objects.get(object_id=str(pk), action=Action.DELETE)
    assert deleted.before is not None and deleted.before["amount_vnd"] == 12_500_000
    assert deleted.user == officer
