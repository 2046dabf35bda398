"""Django admin rights follow the PCMD role, not Django's per-model permission tables."""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from pcmd.accounts.selectors import is_system_admin


class SystemAdminBackend(BaseBackend):
    """A current system-administrator membership grants every Django permission.

    Roles are the one place rights are given (accounts.roles); keeping Django's
    permission tables in step by hand would be a second one. Signs nobody in.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return bool(user_obj.is_active) and is_system_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return bool(user_obj.is_active) and is_system_admin(user_obj)
