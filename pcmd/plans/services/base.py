"""What every plans service needs: the permission check, the draft check, saving with audit."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.core.errors import ServiceError
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.plans.models import (
    Plan,
    PlanStatus,
)


def require_plan_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse a user without Perm.PLAN_MANAGE on `unit`; actor None is the system itself."""
    if actor is not None and not user_can(actor, Perm.PLAN_MANAGE, unit):
        raise PermissionDenied(
            _("Bạn không có quyền quản lý kế hoạch của %(unit)s.") % {"unit": unit.name}
        )


def _require_draft(plan: Plan) -> None:
    # The status in the database counts, not that of an object read before an issue.
    if Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first() != PlanStatus.DRAFT:
        raise ServiceError(_("Kế hoạch đã ban hành không sửa được; hãy tạo bản mới."))


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value and "?" not in value else None
    except ValueError:
        return None


def _decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise ServiceError(_("Giá trị không hợp lệ ở trường %(f)s.") % {"f": field}) from exc


def _span(item: Mapping[str, Any]) -> tuple[int | None, int | None]:
    span = item.get("span") or [None, None]
    return span[0], span[1]


def _agency_of_type(unit: AdministrativeUnit, code: str | None) -> Agency | None:
    """The unit's own agency of that type, so duties land on a real agency."""
    if not code:
        return None
    return (
        Agency.objects.filter(unit=unit, agency_type__code=code, active=True).order_by("id").first()
    )


def _create(actor: Any, obj: models.Model) -> None:
    obj.save()
    change_record(actor=actor, action=Action.CREATE, obj=obj)


def _day_month(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    try:
        day, month = (int(p) for p in value.split("/")[:2])
        dt.date(2024, month, day)  # a leap year accepts 29/02
    except ValueError:
        return None, None
    return day, month


# The fields a reviewer may change on each kind of item (what the forms and API accept).
