"""Writes to accounts, memberships and API tokens (all audited)."""

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.accounts.models import ApiToken, Membership, User, hash_token
from pcmd.accounts.roles import GRANTABLE_BY_COORDINATOR, Perm, Role
from pcmd.accounts.selectors import is_system_admin, user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit


def generate_password() -> str:
    """A readable one-time password (the account must change it at first login)."""
    return "-".join(secrets.token_urlsafe(4) for _ in range(3))


def _require(actor: Any, perm: str, unit: AdministrativeUnit) -> None:
    if not user_can(actor, perm, unit):
        raise ServiceError(
            _("Bạn không có quyền thực hiện việc này với đơn vị %(unit)s.") % {"unit": unit}
        )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    position: str = "",
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create an account.

    Without `password` one is generated, returned once, and must be changed.
    """
    username = nfc(username).lower()
    if not username:
        raise ServiceError(_("Cần nhập tên đăng nhập."))
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("Tên đăng nhập %(u)s đã tồn tại.") % {"u": username})
    generated = None
    if password is None:
        password = generated = generate_password()
    user = User(
        username=username,
        full_name=nfc(full_name),
        email=nfc(email),
        phone=nfc(phone),
        position=nfc(position),
        must_change_password=generated is not None,
    )
    user.set_password(password)
    user.save()
    change_record(actor=actor, action=Action.CREATE, obj=user)
    return user, generated


@transaction.atomic
def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    before = snapshot(user)
    for name in ("full_name", "email", "phone", "position", "preferred_language"):
        if name in fields and fields[name] is not None:
            setattr(user, name, nfc(str(fields[name])))
    if "is_active" in fields and fields["is_active"] is not None:
        if user == actor and not fields["is_active"]:
            raise ServiceError(_("Bạn không thể tự khóa tài khoản của mình."))
        user.is_active = bool(fields["is_active"])
    user.save()
    change_record(actor=actor, action=Action.UPDATE, obj=user, before=before)
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    """A new generated password that the user must change at next login."""
    before = snapshot(user)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    change_record(actor=actor, action=Action.UPDATE, obj=user, before=before)
    return password


@transaction.atomic
def user_password_changed(*, user: User) -> None:
    """Record that the user chose a new password (Django's form has already set it)."""
    before = snapshot(user)
    before["must_change_password"] = user.must_change_password
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    change_record(actor=user, action=Action.UPDATE, obj=user, before=before)


@transaction.atomic
def membership_create(
    *,
    actor: Any,
    user: User,
    unit: AdministrativeUnit,
    role: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    agency: Any = None,
) -> Membership:
    """Give `user` a role in `unit`; the actor must manage memberships of that unit."""
    if role not in Role.values:
        raise ServiceError(_("Vai trò không hợp lệ."))
    if role == Role.SYSTEM_ADMIN and not is_system_admin(actor):
        raise ServiceError(_("Chỉ quản trị hệ thống mới cấp được vai trò quản trị hệ thống."))
    if role not in GRANTABLE_BY_COORDINATOR and not is_system_admin(actor):
        raise ServiceError(_("Vai trò không hợp lệ."))
    _require(actor, Perm.MEMBERSHIP_MANAGE, unit)
    valid_from = valid_from or dt.date.today()
    if valid_to and valid_to < valid_from:
        raise ServiceError(_("Ngày bắt đầu phải trước ngày kết thúc."))
    if agency is not None and agency.unit_id != unit.pk:
        raise ServiceError(_("Cơ quan phải thuộc đơn vị được phân quyền."))
    membership = Membership.objects.create(
        user=user, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to, agency=agency
    )
    change_record(actor=actor, action=Action.CREATE, obj=membership)
    return membership


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership, on: dt.date | None = None) -> Membership:
    """End a membership (kept for history, never deleted)."""
    _require(actor, Perm.MEMBERSHIP_MANAGE, membership.unit)
    on = on or dt.date.today()
    if on < membership.valid_from:
        on = membership.valid_from
    before = snapshot(membership)
    membership.valid_to = on
    membership.save(update_fields=["valid_to"])
    change_record(actor=actor, action=Action.UPDATE, obj=membership, before=before)
    return membership


@transaction.atomic
def api_token_create(
    *, actor: Any, name: str, expires: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor; the raw key is returned once and never stored."""
    name = nfc(name)
    if not name:
        raise ServiceError(_("Cần đặt tên cho mã truy cập."))
    raw = "pcmd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=raw[:12], key_hash=hash_token(raw), expires=expires
    )
    change_record(actor=actor, action=Action.CREATE, obj=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise ServiceError(_("Không tìm thấy mã truy cập."))
    before = snapshot(token)
    token.revoked = True
    token.save(update_fields=["revoked"])
    change_record(actor=actor, action=Action.UPDATE, obj=token, before=before)
