"""A plan out: as JSON (the import shape) or as an official document (.docx, .pdf)."""

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from pcmd.core.errors import ServiceError
from pcmd.plans.models import ISSUER_LEVEL, Plan

EXPORT_FORMATS = ("docx", "pdf", "json")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
_ISSUER_LEVEL_OF_UNIT: dict[int, str] = {level: name for name, level in ISSUER_LEVEL.items()}


def _span(obj: Any) -> list[int] | None:
    return [obj.span_start, obj.span_end] if obj.span_start is not None else None


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    """The plan in the shape of pcmd.intake.types.PlanExtraction (and SCHEMA.md)."""
    legal_bases = list(plan.legal_bases.all())
    budget_sources = list(plan.budget_sources.all())
    issued = plan.issued_on.isoformat() if plan.issued_on else (plan.issued_on_text or None)
    return {
        "document": plan.source_name,
        "text": plan.text,
        "title": plan.title,
        "kind": plan.kind,
        "number": plan.number,
        "issuer": {"name": plan.issuer_name, "level": _ISSUER_LEVEL_OF_UNIT.get(plan.unit.level)},
        "place": plan.place,
        "issued_on": issued,
        "period": {"start": plan.period_start, "end": plan.period_end},
        "legal_basis": [lb.text for lb in legal_bases],
        "legal_basis_items": [
            {
                "text": lb.text,
                "kind": lb.doc_kind,
                "number": lb.doc_number,
                "date": lb.doc_date.isoformat() if lb.doc_date else None,
                "issuer": lb.doc_issuer,
                "span": _span(lb),
            }
            for lb in legal_bases
        ],
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "level": s.level,
                "body": s.body,
                "span": _span(s),
                "heading_span": None,
            }
            for s in plan.sections.all()
        ],
        "targets": [
            {
                "area": t.area,
                "text": t.text,
                "value": _number(t.value),
                "value_max": _number(t.value_max),
                "unit": t.target_unit,
                "comparator": t.comparator,
                "population": t.population,
                "condition": t.condition,
                "deadline_year": t.deadline_year,
                "frequency": t.frequency,
                "span": _span(t),
            }
            for t in plan.targets.all()
        ],
        "tasks": [
            {
                "text": t.text,
                "area": t.area,
                "lead": t.lead_name,
                "coordinating": t.coordinating,
                "timeframe": t.timeframe,
                "span": _span(t),
            }
            for t in plan.tasks.all()
        ],
        "assignments": [
            {
                "agency": a.agency_name,
                "role": a.role,
                "task_summary": a.duties,
                "reports_to": a.reports_to,
                "agency_type": a.agency_type.code if a.agency_type else None,
                "known": a.known,
                "span": _span(a),
            }
            for a in plan.assignments.select_related("agency_type")
        ],
        "reporting": [
            {
                "kind": r.kind,
                "due_day_month": r.due_day_month or None,
                "from": r.reporter,
                "to": r.recipients,
                "evidence": r.evidence,
                "span": _span(r),
            }
            for r in plan.reporting_duties.all()
        ],
        "budget_sources": [b.text for b in budget_sources],
        "budget_items": [{"text": b.text, "span": _span(b)} for b in budget_sources],
        "warnings": plan.warnings,
        "signer": plan.signer,
        "recipients": plan.recipients,
    }


def plan_export_file(plan: Plan, fmt: str) -> tuple[bytes, str, str]:
    """(content, file name, content type) of the plan as an official .docx or .pdf."""
    from pcmd.documents.nd30 import render_docx, render_pdf
    from pcmd.documents.plan_document import plan_to_document

    document = plan_to_document(plan_as_dict(plan))
    name = slugify(f"ke-hoach-{plan.number or plan.pk}-{plan.period_label}") or f"plan-{plan.pk}"
    try:
        data = render_docx(document) if fmt == "docx" else render_pdf(document)
    except (OSError, RuntimeError) as exc:
        raise ServiceError(_("Không tạo được tệp %(fmt)s: %(e)s") % {"fmt": fmt, "e": exc}) from exc
    return data, f"{name}.{fmt}", CONTENT_TYPES[fmt]
