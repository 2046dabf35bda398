"""New draft plans: from a document's extraction, or typed in by hand."""

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.core.errors import ServiceError
from pcmd.core.text import nfc
from pcmd.geo.models import AdministrativeUnit
from pcmd.intake.types import PlanExtraction
from pcmd.orgs.models import AgencyType
from pcmd.plans.models import (
    Assignment,
    BudgetSource,
    LegalBasis,
    Origin,
    Plan,
    PlanItem,
    PlanKind,
    ReportingDuty,
    Section,
    Target,
    Task,
)
from pcmd.plans.services.base import (
    _agency_of_type,
    _create,
    _day_month,
    _decimal,
    _parse_date,
    _span,
    require_plan_manage,
)


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
    text = plan.text
    types = AgencyType.objects.in_bulk(field_name="code")

    def legal_basis(lb: Mapping[str, Any]) -> dict[str, Any]:
        linked = Plan.objects.filter(number=lb.get("number") or "-").exclude(pk=plan.pk)
        return {
            "text": lb["text"],
            "doc_kind": lb.get("kind", "")[:50],
            "doc_number": lb.get("number", "")[:100],
            "doc_date": _parse_date(lb.get("date")),
            "doc_issuer": lb.get("issuer", "")[:300],
            "linked_plan": linked.first(),
        }

    def section(sec: Mapping[str, Any]) -> dict[str, Any]:
        start, end = _span(sec)
        heading = sec.get("heading_span")
        head_end = heading[1] if heading else start
        return {
            "number": sec.get("number", "")[:20],
            "title": sec.get("title", "")[:500],
            "level": sec.get("level", 1),
            "body": text[head_end:end].strip() if head_end is not None and end else "",
        }

    def target(t: Mapping[str, Any]) -> dict[str, Any]:
        from pcmd.reporting.services.catalogue import indicator_match

        has_max = t.get("value_max") is not None
        # The clause's population and condition name the figure; the sentence may name several.
        indicator = indicator_match(f"{t.get('population') or ''} {t.get('condition') or ''}")
        indicator = indicator or indicator_match(t["text"])
        return {
            "indicator_code": indicator.code if indicator else "",
            "area": t.get("area") or "other",
            "text": t["text"],
            "comparator": t.get("comparator") or ">=",
            "value": _decimal(t["value"], "value"),
            "value_max": _decimal(t["value_max"], "value_max") if has_max else None,
            "target_unit": t.get("unit") or "percent",
            "population": (t.get("population") or "")[:500],
            "condition": (t.get("condition") or "")[:1000],
            "frequency": t.get("frequency") or "annual",
            "deadline_year": t.get("deadline_year"),
        }

    def task(t: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "text": t["text"],
            "area": t.get("area") or "other",
            "lead_name": (t.get("lead") or "")[:300],
            "coordinating": t.get("coordinating") or [],
            "timeframe": (t.get("timeframe") or "")[:200],
        }

    def assignment(a: Mapping[str, Any]) -> dict[str, Any]:
        code = a.get("agency_type")
        return {
            "agency_name": a["agency"][:300],
            "agency_type": types.get(code) if code else None,
            "agency": _agency_of_type(unit, code),
            "role": a["role"],
            "duties": a.get("task_summary") or "",
            "reports_to": a.get("reports_to") or [],
            "known": bool(a.get("known", True)),
        }

    def reporting(r: Mapping[str, Any]) -> dict[str, Any]:
        day, month = _day_month(r.get("due_day_month"))
        return {
            "kind": r["kind"],
            "due_day": day,
            "due_month": month,
            "reporter": (r.get("from") or "")[:300],
            "recipients": r.get("to") or [],
            "evidence": r.get("evidence") or "",
        }

    def budget(b: Mapping[str, Any]) -> dict[str, Any]:
        return {"text": b["text"]}

    readers: list[tuple[str, type[PlanItem], Callable[[Mapping[str, Any]], dict[str, Any]]]] = [
        ("legal_basis_items", LegalBasis, legal_basis),
        ("sections", Section, section),
        ("targets", Target, target),
        ("tasks", Task, task),
        ("assignments", Assignment, assignment),
        ("reporting", ReportingDuty, reporting),
        ("budget_items", BudgetSource, budget),
    ]
    found: Mapping[str, object] = extraction
    for key, model, fields in readers:
        items = cast(list[Mapping[str, Any]], found.get(key) or [])
        for i, item in enumerate(items):
            start, end = _span(item)
            read = model(
                plan=plan,
                order=i,
                origin=Origin.DOCUMENT,
                span_start=start,
                span_end=end,
                **fields(item),
            )
            _create(actor, read)
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
