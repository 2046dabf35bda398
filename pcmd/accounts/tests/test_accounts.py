import datetime as dt

import pytest
from django.urls import reverse

from pcmd.accounts import services
from pcmd.accounts.models import ApiToken, Membership, User
from pcmd.accounts.roles import Perm, Role
from pcmd.accounts.selectors import user_can
from pcmd.accounts.tests.factories import PASSWORD, member
from pcmd.audit.models import ObjectChange
from pcmd.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(tree):
    user = member(tree["ht"], Role.VIEWER)
    assert user.password.startswith("argon2$")


def test_login_and_logout_through_the_pages(client, tree):
    user = member(tree["ht"], Role.VIEWER, username="lan")
    response = client.post(reverse("accounts:login"), {"username": "lan", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"] == user
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_repeated_failed_logins_lock_the_account_out(client, tree):
    member(tree["ht"], Role.VIEWER, username="lan")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "lan", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "lan", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()


def test_generated_password_forces_a_change_before_anything_else(client, tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    user, password = services.user_create(actor=coordinator, username="moi", full_name="Người Mới")
    assert password and user.must_change_password
    login = client.post(reverse("accounts:login"), {"username": "moi", "password": password})
    assert login.status_code == 302
    assert client.get(reverse("geo:browser")).url == reverse("accounts:password_change")
    assert client.get("/api/me").status_code == 403
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "một mật khẩu dài 2026",
            "new_password2": "một mật khẩu dài 2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("geo:browser")).status_code == 200


def test_coordinator_creates_a_user_with_a_membership_in_their_province(client, tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "Xa.KyHoa",
            "full_name": "Phạm Thu",
            "email": "",
            "phone": "",
            "position": "",
            "unit": tree["kh"].pk,
            "role": Role.COMMUNE_OFFICER,
        },
    )
    assert response.status_code == 200
    created = User.objects.get(username="xa.kyhoa")
    assert created.must_change_password
    assert response.context["password"]
    assert Membership.objects.get(user=created).unit == tree["kh"]
    assert ObjectChange.objects.filter(object_id=str(created.pk), action="create").exists()


def test_coordinator_cannot_grant_roles_outside_their_province(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    other = member(tree["qt"], Role.VIEWER)
    with pytest.raises(ServiceError):
        services.membership_create(actor=coordinator, user=other, unit=tree["qt"], role=Role.VIEWER)


def test_coordinator_cannot_create_system_administrators(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    user, _ = services.user_create(actor=coordinator, username="x1", full_name="X")
    with pytest.raises(ServiceError):
        services.membership_create(
            actor=coordinator, user=user, unit=tree["ht"], role=Role.SYSTEM_ADMIN
        )


def test_commune_officer_cannot_open_user_management(client, tree):
    client.force_login(member(tree["ka"], Role.COMMUNE_OFFICER))
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_coordinator_does_not_see_users_of_another_province(client, tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    outsider = member(tree["qt"], Role.COMMUNE_OFFICER)
    client.force_login(coordinator)
    assert client.get(reverse("accounts:user_detail", args=[outsider.pk])).status_code == 404
    assert outsider.username not in client.get(reverse("accounts:user_list")).content.decode()


def test_ended_membership_no_longer_grants_anything(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    membership = officer.memberships.get()
    services.membership_end(
        actor=coordinator, membership=membership, on=dt.date.today() - dt.timedelta(days=1)
    )
    officer = User.objects.get(pk=officer.pk)
    assert not user_can(officer, Perm.VIEW, tree["ka"])


def test_membership_of_a_province_covers_its_communes_and_not_others(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    assert user_can(coordinator, Perm.REPORT_APPROVE, tree["ka"])
    assert not user_can(coordinator, Perm.VIEW, tree["hp"])
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    assert not user_can(officer, Perm.REPORT_APPROVE, tree["ka"])


def test_membership_of_a_new_unit_covers_the_units_it_took_over(tree):
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    assert user_can(officer, Perm.VIEW, tree["old_kt"])
    assert not user_can(officer, Perm.VIEW, tree["old_hp"])


def test_api_token_is_stored_hashed_and_authenticates(client, tree):
    user = member(tree["ht"], Role.VIEWER)
    token, raw = services.api_token_create(actor=user, name="báo cáo")
    assert raw not in token.key_hash and len(token.key_hash) == 64
    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    services.api_token_revoke(actor=user, token=token)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_api_token_page_shows_the_key_once(client, tree):
    user = member(tree["ht"], Role.VIEWER)
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"name": "tích hợp", "expires": ""})
    raw = response.context["new_key"]
    assert raw.startswith("pcmd_")
    assert raw not in client.get(reverse("accounts:profile")).content.decode()
    assert ApiToken.objects.get(user=user).prefix == raw[:12]


def test_audit_log_never_holds_password_hashes(tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    user, _ = services.user_create(actor=coordinator, username="bi.mat", full_name="B")
    services.user_reset_password(actor=coordinator, user=user)
    for entry in ObjectChange.objects.filter(object_id=str(user.pk)):
        for snap in (entry.before or {}, entry.after or {}):
            assert snap.get("password") in (None, "***")
