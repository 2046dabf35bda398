from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pcmd.core.admin import AuditedAdmin
from pcmd.core.text import fold, nfc
from pcmd.orgs.models import Agency, AgencyAlias, AgencyType, AgencyTypeName


class AgencyTypeNameInline(admin.TabularInline):
    model = AgencyTypeName
    extra = 0
    can_delete = False
    # Names come from pcmd/orgs/catalogue.py; the next migrate would undo an edit here.
    readonly_fields = [
        "level",
        "name",
        "short_name",
        "valid_from",
        "valid_to",
        "is_coordinator",
        "is_standard",
        "unit_kinds",
        "pattern",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgencyType)
class AgencyTypeAdmin(AuditedAdmin):
    list_display = ["name", "code", "name_en", "is_requested_body", "order"]
    search_fields = ["name", "name_en", "code"]
    readonly_fields = ["code", "name", "name_en", "is_requested_body", "order"]
    inlines = [AgencyTypeNameInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AgencyAlias)
class AgencyAliasAdmin(AuditedAdmin):
    """Local aliases may be added here; catalogue ones are kept by the catalogue sync."""

    list_display = ["alias", "agency_type", "level", "is_sector", "from_catalogue"]
    list_filter = ["from_catalogue", "level", "agency_type"]
    search_fields = ["alias", "alias_folded"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.alias = nfc(obj.alias)
        obj.alias_folded = fold(obj.alias)
        super().save_model(request, obj, form, change)


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "unit", "agency_type", "active", "valid_from", "valid_to"]
    list_filter = ["active", "agency_type"]
    search_fields = ["name", "name_folded"]
    autocomplete_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.name = nfc(obj.name)
        obj.name_folded = fold(obj.name)
        super().save_model(request, obj, form, change)
