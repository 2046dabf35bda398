import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.accounts.models import Membership
from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import UserFactory, member
from pcmd.core.scoping import get_scoped_or_404, restrict, scope_for, unit_pick
from pcmd.geo.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_commune_member_sees_own_commune_and_nothing_else(tree):
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    other = member(tree["kh"], Role.COMMUNE_OFFICER)
    visible = set(restrict(Membership.objects.all(), officer))
    assert officer.memberships.get() in visible
    assert other.memberships.get() not in visible


def test_province_member_sees_every_commune_below(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    officers = [member(tree[k], Role.COMMUNE_OFFICER) for k in ("ka", "kh", "hp")]
    visible = set(restrict(Membership.objects.all(), coordinator))
    assert officers[0].memberships.get() in visible
    assert officers[1].memberships.get() in visible
    assert officers[2].memberships.get() not in visible


def test_member_of_a_new_unit_sees_the_old_units_it_took_over(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    scope = scope_for(coordinator)
    assert scope.contains_path(tree["old_kt"].path)
    assert scope.contains_path(tree["old_ka"].path)
    assert not scope.contains_path(tree["old_hp"].path)


def test_user_without_membership_sees_nothing(tree):
    nobody = UserFactory.create()
    member(tree["ka"], Role.COMMUNE_OFFICER)
    assert not restrict(Membership.objects.all(), nobody).exists()


def test_system_administrator_sees_everything(tree):
    admin = member(tree["na"], Role.SYSTEM_ADMIN)
    member(tree["ka"], Role.COMMUNE_OFFICER)
    assert restrict(Membership.objects.all(), admin).count() == Membership.objects.count()


def test_object_outside_scope_is_a_404(tree):
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    other = member(tree["kh"], Role.COMMUNE_OFFICER).memberships.get()
    with pytest.raises(Http404):
        get_scoped_or_404(Membership.objects.all(), officer, pk=other.pk)


def test_a_unit_is_picked_in_scope_and_is_a_404_outside(tree):
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    assert unit_pick(user=officer, pk=tree["ka"].pk) == tree["ka"]
    with pytest.raises(Http404):
        unit_pick(user=officer, pk=tree["kh"].pk)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(
        st.sampled_from(["ht", "ka", "kh", "qt", "hp", "na", "dc"]), min_size=1, max_size=3
    )
)
def test_scope_is_exactly_the_subtrees_of_the_memberships(tree, picks):
    user = UserFactory.create()
    for key in picks:
        Membership.objects.create(user=user, unit=tree[key], role=Role.VIEWER)
    scoped = set(restrict(AdministrativeUnit.objects.all(), user, unit_field=""))
    expected = {
        u
        for u in AdministrativeUnit.objects.all()
        if any(u.path.startswith(tree[k].path) for k in picks)
    }
    # Units taken over through successions are in scope too; nothing else is.
    assert expected <= scoped
    for unit in scoped - expected:
        assert unit.valid_to is not None, f"{unit} is current but outside every membership"
