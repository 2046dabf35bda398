from django.contrib import admin

from pcmd.core.admin import AuditedAdmin
from pcmd.geo.models import AdministrativeUnit, UnitSuccession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "level", "valid_from", "valid_to", "source"]
    list_filter = ["level", "kind", "source"]
    search_fields = ["name", "name_folded", "code"]
    # Paths are kept by geo.services; moving a unit is done there, not by editing fields.
    readonly_fields = ["parent", "path", "depth", "level", "source"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_date", "is_default"]
    list_filter = ["kind"]
    autocomplete_fields = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name"]
