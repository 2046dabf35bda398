"""Writing plans: from an extraction, by hand on the review page, issuing, deriving.

Every write here is audited; views, the API, the command and the background task call
these functions and nothing else writes plans.
"""

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import models, transaction
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.intake.types import PlanExtraction
from pcmd.orgs.models import Agency, AgencyType
from pcmd.plans.models import (
    Assignment,
    BudgetSource,
    LegalBasis,
    Origin,
    Plan,
    PlanItem,
    PlanKind,
    PlanStatus,
    ReportingDuty,
    Section,
    Target,
    Task,
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


def _span(item: dict[str, Any]) -> tuple[int | None, int | None]:
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


@transaction.atomic
def plan_create_from_extraction(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    extraction: PlanExtraction,
    source_path: Path | None = None,
    source_name: str = "",
    source_method: str = "",
) -> Plan:
    """A draft plan of `unit` with every item the extraction found (all or nothing)."""
    require_plan_manage(actor, unit)
    period = extraction.get("period") or {"start": None, "end": None}
    issued_text = extraction.get("issued_on") or ""
    plan = Plan(
        unit=unit,
        issuer_name=nfc(extraction["issuer"]["name"] or "")[:300],
        number=nfc(extraction.get("number") or "")[:100],
        issued_on=_parse_date(issued_text),
        issued_on_text=issued_text[:10],
        place=nfc(extraction.get("place") or "")[:100],
        title=nfc(extraction.get("title") or "")[:500] or _("Kế hoạch chưa có tên"),
        kind=extraction.get("kind") or PlanKind.ANNUAL,
        period_start=period.get("start"),
        period_end=period.get("end"),
        text=extraction.get("text", ""),
        signer=extraction.get("signer") or {},
        recipients=extraction.get("recipients") or [],
        warnings=extraction.get("warnings") or [],
        source_name=source_name[:255],
        source_method=source_method,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if source_path is not None:
        data = source_path.read_bytes()
        plan.source_sha256 = hashlib.sha256(data).hexdigest()
        with source_path.open("rb") as fh:
            plan.source_file.save(source_name or source_path.name, File(fh), save=False)
    _create(actor, plan)
    doc = Origin.DOCUMENT
    for i, lb in enumerate(extraction.get("legal_basis_items") or []):
        start, end = _span(dict(lb))
        _create(
            actor,
            LegalBasis(
                plan=plan,
                order=i,
                origin=doc,
                span_start=start,
                span_end=end,
                text=lb["text"],
                doc_kind=lb.get("kind", "")[:50],
                doc_number=lb.get("number", "")[:100],
                doc_date=_parse_date(lb.get("date")),
                doc_issuer=lb.get("issuer", "")[:300],
                linked_plan=Plan.objects.filter(number=lb.get("number") or "-")
                .exclude(number="")
                .exclude(pk=plan.pk)
                .first(),
            ),
        )
    text = plan.text
    for i, sec in enumerate(extraction.get("sections") or []):
        start, end = _span(dict(sec))
        heading = sec.get("heading_span")
        head_end = heading[1] if heading else start
        _create(
            actor,
            Section(
                plan=plan,
                order=i,
                origin=doc,
                span_start=start,
                span_end=end,
                number=sec.get("number", "")[:20],
                title=sec.get("title", "")[:500],
                level=sec.get("level", 1),
                body=text[head_end:end].strip() if head_end is not None and end else "",
            ),
        )
    for i, t in enumerate(extraction.get("targets") or []):
        start, end = _span(dict(t))
        _create(
            actor,
            Target(
                plan=plan,
                order=i,
                origin=doc,
                span_start=start,
                span_end=end,
                area=t.get("area") or "other",
                text=t["text"],
                comparator=t.get("comparator") or ">=",
                value=_decimal(t["value"], "value"),
                value_max=_decimal(t["value_max"], "value_max")
                if t.get("value_max") is not None
                else None,
                target_unit=t.get("unit") or "percent",
                population=(t.get("population") or "")[:500],
                condition=(t.get("condition") or "")[:1000],
                frequency=t.get("frequency") or "annual",
                deadline_year=t.get("deadline_year"),
            ),
        )
    for i, task in enumerate(extraction.get("tasks") or []):
        start, end = _span(dict(task))
        _create(
            actor,
            Task(
                plan=plan,
                order=i,
                origin=doc,
                span_start=start,
                span_end=end,
                text=task["text"],
                area=task.get("area") or "other",
                lead_name=(task.get("lead") or "")[:300],
                coordinating=task.get("coordinating") or [],
                timeframe=(task.get("timeframe") or "")[:200],
            ),
        )
    for i, a in enumerate(extraction.get("assignments") or []):
        start, end = _span(dict(a))
        code = a.get("agency_type")
        _create(
            actor,
            Assignment(
                plan=plan,
                order=i,
                origin=doc,
                span_start=start,
                span_end=end,
                agency_name=a["agency"][:300],
                agency_type=AgencyType.objects.filter(code=code).first() if code else None,
                agency=_agency_of_type(unit, code),
                role=a["role"],
                duties=a.get("task_summary") or "",
                reports_to=a.get("reports_to") or [],
                known=bool(a.get("known", True)),
            ),
        )
    for i, r in enumerate(extraction.get("reporting") or []):
        start, end = _span(dict(r))
        day, month = _day_month(r.get("due_day_month"))
        _create(
            actor,
            ReportingDuty(
                plan=plan,
                order=i,
                origin=doc,
                span_start=start,
                span_end=end,
                kind=r["kind"],
                due_day=day,
                due_month=month,
                reporter=(r.get("from") or "")[:300],
                recipients=r.get("to") or [],
                evidence=r.get("evidence") or "",
            ),
        )
    for i, b in enumerate(extraction.get("budget_items") or []):
        start, end = _span(dict(b))
        _create(
            actor,
            BudgetSource(
                plan=plan, order=i, origin=doc, span_start=start, span_end=end, text=b["text"]
            ),
        )
    return plan


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    title: str,
    kind: str = PlanKind.ANNUAL,
    period_start: int | None = None,
    period_end: int | None = None,
    number: str = "",
    issuer_name: str = "",
) -> Plan:
    """An empty draft typed in by hand (no source document)."""
    require_plan_manage(actor, unit)
    title = nfc(title).strip()
    if not title:
        raise ServiceError(_("Cần nhập tên kế hoạch."))
    if kind not in PlanKind.values:
        raise ServiceError(_("Loại kế hoạch không hợp lệ."))
    if period_start and period_end and period_start > period_end:
        raise ServiceError(_("Năm bắt đầu không được sau năm kết thúc."))
    plan = Plan(
        unit=unit,
        title=title[:500],
        kind=kind,
        period_start=period_start,
        period_end=period_end or period_start,
        number=nfc(number)[:100],
        issuer_name=nfc(issuer_name)[:300] or unit.name,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _create(actor, plan)
    return plan


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
    allowed = (*EDITABLE[model], "accepted")
    unknown = set(data) - set(allowed)
    if unknown:
        raise ServiceError(_("Trường không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


def _validate(obj: models.Model) -> None:
    from django.core.exceptions import ValidationError

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


def _issuer_for(unit: AdministrativeUnit) -> str:
    """ "UBND xã Kỳ Anh" for the commune "Xã Kỳ Anh": the People's Committee issues plans."""
    return f"UBND {unit.name[:1].lower()}{unit.name[1:]}"


def _agency_like(unit: AdministrativeUnit, type_code: str | None) -> Agency | None:
    return _agency_of_type(unit, type_code)


@transaction.atomic
def plan_derive(*, actor: Any, plan: Plan, unit: AdministrativeUnit) -> Plan:
    """The draft plan of a lower unit from an issued plan (the cascade).

    Targets are copied with a link to their parent (the lower unit then edits the
    values); tasks and assignments go to the lower unit's agency of the same type;
    reporting duties are owed by the lower unit to the upper one.
    """
    from pcmd.orgs.matching import agency_type_match

    require_plan_manage(actor, unit)
    plan = Plan.objects.select_related("unit").get(pk=plan.pk)
    if plan.status != PlanStatus.ISSUED:
        raise ServiceError(_("Chỉ tạo kế hoạch cấp dưới từ kế hoạch đã ban hành."))
    if unit.pk == plan.unit_id or not unit.path.startswith(plan.unit.path):
        raise ServiceError(
            _("%(unit)s không thuộc %(parent)s.") % {"unit": unit.name, "parent": plan.unit.name}
        )
    issuer = _issuer_for(unit)
    child = Plan(
        unit=unit,
        parent=plan,
        issuer_name=issuer,
        title=plan.title,
        kind=plan.kind,
        period_start=plan.period_start,
        period_end=plan.period_end,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _create(actor, child)
    derived = Origin.DERIVED
    _create(
        actor,
        LegalBasis(
            plan=child,
            order=0,
            origin=derived,
            accepted=True,
            text=f"{plan.get_kind_display()} số {plan.number} của {plan.issuer_name}".strip(),
            doc_kind="Kế hoạch",
            doc_number=plan.number,
            doc_date=plan.issued_on,
            doc_issuer=plan.issuer_name,
            linked_plan=plan,
        ),
    )
    fields = EDITABLE[Target]
    for i, t in enumerate(plan.targets.all()):
        copy = Target(plan=child, order=i, origin=derived, accepted=True, parent=t)
        for name in fields:
            setattr(copy, name, getattr(t, name))
        _create(actor, copy)

    def local(name: str) -> tuple[str, Agency | None]:
        match = agency_type_match(name, level=unit.level) if name else None
        agency = _agency_like(unit, match.agency_type.code if match else None)
        return (agency.name if agency else name), agency

    for i, task in enumerate(plan.tasks.all()):
        lead_name, lead = local(task.lead_name)
        _create(
            actor,
            Task(
                plan=child,
                order=i,
                origin=derived,
                accepted=True,
                text=task.text,
                area=task.area,
                lead_name=lead_name[:300],
                lead=lead,
                coordinating=[local(n)[0] for n in task.coordinating],
                timeframe=task.timeframe,
            ),
        )
    for i, a in enumerate(plan.assignments.select_related("agency_type")):
        agency = _agency_like(unit, a.agency_type.code if a.agency_type else None)
        _create(
            actor,
            Assignment(
                plan=child,
                order=i,
                origin=derived,
                accepted=True,
                agency_name=(agency.name if agency else a.agency_name)[:300],
                agency=agency,
                agency_type=a.agency_type,
                role=a.role,
                duties=a.duties,
                reports_to=[issuer],
                known=agency is not None or a.known,
            ),
        )
    kinds_done: set[str] = set()
    for i, r in enumerate(plan.reporting_duties.all()):
        if r.kind in kinds_done:
            continue  # one duty per kind: the lower unit reports once to the upper one
        kinds_done.add(r.kind)
        _create(
            actor,
            ReportingDuty(
                plan=child,
                order=i,
                origin=derived,
                accepted=True,
                kind=r.kind,
                due_day=r.due_day,
                due_month=r.due_month,
                reporter=issuer,
                recipients=[plan.issuer_name or plan.unit.name],
                evidence="",
            ),
        )
    for i, b in enumerate(plan.budget_sources.all()):
        _create(
            actor, BudgetSource(plan=child, order=i, origin=derived, accepted=True, text=b.text)
        )
    return child
