"""Django admin, for system administrators only, with every save and delete audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot


def _admin_allowed(request: HttpRequest) -> bool:
    from pcmd.accounts.selectors import is_system_admin

    user: Any = request.user
    return bool(user.is_active and user.is_staff and is_system_admin(user))


admin.site.has_permission = _admin_allowed  # type: ignore[method-assign]
admin.site.site_header = "PCMD"
admin.site.site_title = "PCMD"


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits go to the same change log as the services' writes."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        change_record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            before=before,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = snapshot(obj)
        change_record(actor=request.user, action=Action.DELETE, obj=obj, before=before)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            change_record(actor=request.user, action=Action.DELETE, obj=obj, before=snapshot(obj))
        super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Inline rows (a form's sections, an element's disaggregations) are audited too.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            change_record(actor=request.user, action=Action.DELETE, obj=obj, before=snapshot(obj))
            obj.delete()
        for obj in instances:
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if obj.pk else None
            obj.save()
            change_record(
                actor=request.user,
                action=Action.UPDATE if before else Action.CREATE,
                obj=obj,
                before=before,
            )
        formset.save_m2m()
