"""The cascade: a lower unit's draft plan derived from an issued upper plan."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.core.errors import ServiceError
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.plans.models import (
    Assignment,
    BudgetSource,
    LegalBasis,
    Origin,
    Plan,
    PlanStatus,
    ReportingDuty,
    Target,
    Task,
)
from pcmd.plans.services.base import _agency_of_type, _create, require_plan_manage
from pcmd.plans.services.editing import EDITABLE


def _issuer_for(unit: AdministrativeUnit) -> str:
    """ "UBND xã Kỳ Anh" for the commune "Xã Kỳ Anh": the People's Committee issues plans."""
    return f"UBND {unit.name[:1].lower()}{unit.name[1:]}"


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
        agency = _agency_of_type(unit, match.agency_type.code if match else None)
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
        agency = _agency_of_type(unit, a.agency_type.code if a.agency_type else None)
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
