"""Changing a draft (its fields and items, with review marks), issuing it, discarding it."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.plans.models import (
    Assignment,
    BudgetSource,
    LegalBasis,
    Origin,
    Plan,
    PlanItem,
    PlanStatus,
    ReportingDuty,
    Target,
    Task,
)
from pcmd.plans.services.base import _create, _require_draft, require_plan_manage

# The fields a reviewer may change on each kind of item (what the forms and API accept).
EDITABLE: dict[type[models.Model], tuple[str, ...]] = {
    Target: (
        "area",
        "text",
        "comparator",
        "value",
        "value_max",
        "target_unit",
        "population",
        "condition",
        "frequency",
        "deadline_year",
        "indicator_code",
    ),
    Task: ("text", "area", "lead_name", "coordinating", "timeframe", "status"),
    Assignment: ("agency_name", "role", "duties", "reports_to"),
    ReportingDuty: ("kind", "due_day", "due_month", "reporter", "recipients", "evidence"),
    BudgetSource: ("text",),
    LegalBasis: ("text", "doc_kind", "doc_number", "doc_date", "doc_issuer"),
}
PLAN_EDITABLE = (
    "title",
    "number",
    "issued_on",
    "place",
    "kind",
    "period_start",
    "period_end",
    "issuer_name",
)


def _clean_fields(model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    from pcmd.reporting.models import Indicator

    allowed = (*EDITABLE[model], "accepted")
    unknown = set(data) - set(allowed)
    if unknown:
        raise ServiceError(_("Trường không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    code = data.get("indicator_code")
    if code and not Indicator.objects.filter(code=code).exists():
        raise ServiceError(_("Không có chỉ tiêu thống kê mã %(c)s.") % {"c": code})
    return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


def _validate(obj: models.Model) -> None:
    try:
        obj.full_clean(exclude=["plan", "parent", "lead", "agency", "agency_type", "linked_plan"])
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    if isinstance(obj, Target):
        if obj.comparator == "range" and (obj.value_max is None or obj.value_max < obj.value):
            raise ServiceError(_("Khoảng giá trị cần giá trị tối đa không nhỏ hơn giá trị."))
        if obj.target_unit == "percent" and not (0 <= obj.value <= 100):
            raise ServiceError(_("Tỷ lệ phần trăm phải từ 0 đến 100."))


@transaction.atomic
def plan_item_create(
    *, actor: Any, plan: Plan, model: type[PlanItem], data: dict[str, Any]
) -> PlanItem:
    """Add an item by hand to a draft plan."""
    require_plan_manage(actor, plan.unit)
    _require_draft(plan)
    fields = _clean_fields(model, data)
    last = model._default_manager.filter(plan=plan).aggregate(m=models.Max("order"))["m"]
    obj = model(plan=plan, origin=Origin.MANUAL, order=(last or 0) + 1, accepted=True, **fields)
    _validate(obj)
    _create(actor, obj)
    return obj


@transaction.atomic
def plan_item_update(*, actor: Any, item: PlanItem, data: dict[str, Any]) -> PlanItem:
    """Change an item of a draft plan (only the fields given)."""
    plan = item.plan
    require_plan_manage(actor, plan.unit)
    _require_draft(plan)
    fields = _clean_fields(type(item), data)
    before = snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    if "accepted" not in fields:
        item.accepted = True  # whoever corrected it has checked it
    _validate(item)
    item.save()
    change_record(actor=actor, action=Action.UPDATE, obj=item, before=before)
    return item


@transaction.atomic
def plan_item_delete(*, actor: Any, item: PlanItem) -> None:
    plan = item.plan
    require_plan_manage(actor, plan.unit)
    _require_draft(plan)
    before = snapshot(item)
    change_record(actor=actor, action=Action.DELETE, obj=item, before=before)
    item.delete()


@transaction.atomic
def plan_accept_all(*, actor: Any, plan: Plan) -> int:
    """Mark every item not yet checked as checked (one audit entry each); returns how many."""
    from pcmd.plans.selectors import ITEM_MODELS

    require_plan_manage(actor, plan.unit)
    _require_draft(plan)
    count = 0
    for model in ITEM_MODELS.values():
        for item in model._default_manager.filter(plan=plan, accepted=False):
            before = snapshot(item)
            item.accepted = True
            item.save(update_fields=["accepted"])
            change_record(actor=actor, action=Action.UPDATE, obj=item, before=before)
            count += 1
    return count


@transaction.atomic
def plan_update(*, actor: Any, plan: Plan, data: dict[str, Any]) -> Plan:
    """Change the plan's own fields (title, number, dates, period) while it is a draft."""
    require_plan_manage(actor, plan.unit)
    _require_draft(plan)
    unknown = set(data) - set(PLAN_EDITABLE)
    if unknown:
        raise ServiceError(_("Trường không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(plan)
    for name, value in data.items():
        setattr(plan, name, nfc(value) if isinstance(value, str) else value)
    if plan.period_start and plan.period_end and plan.period_start > plan.period_end:
        raise ServiceError(_("Năm bắt đầu không được sau năm kết thúc."))
    if not plan.title.strip():
        raise ServiceError(_("Cần nhập tên kế hoạch."))
    plan.save()
    change_record(actor=actor, action=Action.UPDATE, obj=plan, before=before)
    return plan


@transaction.atomic
def plan_issue(*, actor: Any, plan: Plan) -> Plan:
    """Issue a reviewed draft; the unit's earlier issued plan for the same period is superseded."""
    require_plan_manage(actor, plan.unit)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    if not plan.title.strip():
        raise ServiceError(_("Cần nhập tên kế hoạch trước khi ban hành."))
    earlier = Plan.objects.filter(
        unit=plan.unit,
        status=PlanStatus.ISSUED,
        kind=plan.kind,
        period_start=plan.period_start,
        period_end=plan.period_end,
    ).exclude(pk=plan.pk)
    for old in earlier:
        before = snapshot(old)
        old.status = PlanStatus.SUPERSEDED
        old.save(update_fields=["status", "updated"])
        change_record(actor=actor, action=Action.UPDATE, obj=old, before=before)
    before = snapshot(plan)
    plan.status = PlanStatus.ISSUED
    plan.save(update_fields=["status", "updated"])
    change_record(actor=actor, action=Action.UPDATE, obj=plan, before=before)
    return plan


@transaction.atomic
def plan_delete(*, actor: Any, plan: Plan) -> None:
    """Discard a draft (an issued plan is kept: it is an official record)."""
    require_plan_manage(actor, plan.unit)
    _require_draft(plan)
    change_record(actor=actor, action=Action.DELETE, obj=plan, before=snapshot(plan))
    if plan.source_file:
        plan.source_file.delete(save=False)
    plan.delete()
