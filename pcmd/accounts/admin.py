from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from pcmd.accounts.models import ApiToken, Membership, User
from pcmd.core.admin import AuditedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]
    fk_name = "user"
    # Memberships change through the audited user pages; the inline only shows them.
    can_delete = False
    readonly_fields = ["unit", "role", "agency", "valid_from", "valid_to"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "must_change_password"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("PCMD", {"fields": ("full_name", "phone", "position", "must_change_password")}),
    )
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "unit", "role", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "expires", "revoked"]
    readonly_fields = ["prefix", "created", "last_used"]
    exclude = ["key_hash"]
