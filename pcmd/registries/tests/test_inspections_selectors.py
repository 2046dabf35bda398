import datetime as dt

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.registries.models import PaymentStatus, SanctionDecree
from pcmd.registries.selectors import inspections as selectors
from pcmd.registries.tests.factories_businesses import make_business
from pcmd.registries.tests.factories_inspections import (
    make_inspection,
    make_plan,
    make_sanction,
    make_team,
    make_violation,
)

pytestmark = pytest.mark.django_db


def test_follow_ups_due_and_overdue(tree):
    business = make_business(tree["kh"])
    overdue = make_violation(business, date=dt.date(2025, 8, 1), follow_up_due=dt.date(2025, 9, 1))
    due = make_violation(business, date=dt.date(2025, 9, 10), follow_up_due=dt.date(2025, 12, 1))
    done = make_violation(business, date=dt.date(2025, 7, 10), follow_up_due=dt.date(2025, 8, 1))
    make_inspection(business, date=dt.date(2025, 7, 30), follow_up_of=done)
    user = member(tree["kh"], Role.VIEWER)
    today = dt.date(2025, 10, 1)

    def listed(kind):
        return set(selectors.inspection_list(user=user, follow_up=kind, today=today))

    assert listed("due") == {overdue, due}
    assert listed("overdue") == {overdue}


def test_a_commune_may_pick_the_teams_above_it_but_not_beside_it(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    own, province = make_team(tree["kh"]), make_team(tree["ht"])
    make_team(tree["ka"])
    make_team(tree["hp"])
    assert set(selectors.team_choices(user=officer)) == {own, province}
    assert set(selectors.team_list(user=officer)) == {own}


def test_sanction_list_filters(tree):
    user = member(tree["kh"], Role.VIEWER)
    business = make_business(tree["kh"])
    older = make_sanction(business=business, decision_date=dt.date(2025, 9, 1))
    newer = make_sanction(
        business=business,
        decision_date=dt.date(2025, 12, 20),
        payment_status=PaymentStatus.PAID,
        paid_on=dt.date(2025, 12, 22),
    )
    referral = make_sanction(
        business=business,
        decision_number="",
        decision_date=dt.date(2025, 10, 1),
        criminal_referral=True,
        referral_date=dt.date(2025, 10, 1),
        referral_to="Công an tỉnh",
    )
    make_sanction(business=make_business(tree["hp"]))  # out of scope

    def listed(**filters):
        return set(selectors.sanction_list(user=user, **filters))

    assert listed() == {older, newer, referral}
    new_decree = SanctionDecree.objects.get(code="282/2025/NĐ-CP")
    assert listed(decree=new_decree) == {newer}
    assert listed(payment_status=PaymentStatus.PAID) == {newer}
    assert listed(start=dt.date(2025, 9, 15), end=dt.date(2025, 10, 31)) == {referral}
    assert listed(criminal_referral=True) == {referral}
    assert listed(unit=tree["kh"]) == {older, newer, referral}


def test_plan_list_filters_by_overlap_and_team(tree):
    user = member(tree["kh"], Role.VIEWER)
    team, other = make_team(tree["kh"]), make_team(tree["kh"], "Đội 2")
    september = make_plan(team)
    december = make_plan(other, start=dt.date(2025, 12, 1), end=dt.date(2025, 12, 31))
    assert set(selectors.plan_list(user=user, start=dt.date(2025, 9, 30))) == {september, december}
    assert set(selectors.plan_list(user=user, start=dt.date(2025, 10, 1))) == {december}
    assert set(selectors.plan_list(user=user, team=team)) == {september}


def test_a_viewer_of_the_new_commune_sees_the_old_communes_inspections(tree):
    district = make_team(tree["old_ka"], valid_from=dt.date(2021, 1, 1))
    old = make_inspection(make_business(tree["old_kh"]), team=district, date=dt.date(2024, 3, 1))
    assert list(selectors.inspection_list(user=member(tree["kh"], Role.VIEWER))) == [old]
    assert list(selectors.inspection_list(user=member(tree["hp"], Role.VIEWER))) == []
