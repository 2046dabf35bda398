"""Plans API: list (scoped), read, create, update, items, import (a task), export."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Body, Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.core.scoping import unit_pick
from pcmd.plans import selectors, services
from pcmd.plans.exporting import plan_as_dict, plan_export_file
from pcmd.plans.importing import plan_import_start
from pcmd.plans.models import Plan, PlanImport
from pcmd.plans.selectors import ITEM_MODELS

router = Router(tags=["plans"])

ItemKind = Literal["targets", "tasks", "assignments", "reporting", "budget", "legal"]


class PlanOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    issuer_name: str
    number: str
    title: str
    kind: str
    period_start: int | None
    period_end: int | None
    issued_on: dt.date | None
    status: str
    parent_id: int | None
    source_name: str


class PlanIn(Schema):
    unit_id: int
    title: str
    kind: Literal["annual", "phase"] = "annual"
    period_start: int | None = None
    period_end: int | None = None
    number: str = ""
    issuer_name: str = ""


class PlanPatch(Schema):
    title: str | None = None
    number: str | None = None
    issued_on: dt.date | None = None
    place: str | None = None
    kind: Literal["annual", "phase"] | None = None
    period_start: int | None = None
    period_end: int | None = None
    issuer_name: str | None = None


class ImportOut(Schema):
    id: uuid.UUID
    task_id: str
    status: str
    step: str
    done: int
    total: int
    message: str
    plan_id: int | None
    status_url: str


def _import_out(job: PlanImport) -> dict[str, Any]:
    return {
        "id": job.pk,
        "task_id": job.task_id,
        "status": job.status,
        "step": job.step,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "plan_id": job.plan_id,
        "status_url": f"/api/plans/imports/{job.pk}",
    }


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return selectors.plan_get(user=request.user, pk=plan_id)


def _sent(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


@router.get("", response=list[PlanOut], summary="Plans in the caller's scope")
@paginate(LimitOffsetPagination)
def plan_list(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    year: int | None = None,
    unit_id: int | None = None,
) -> Any:
    return selectors.plan_list(user=request.user, q=q, status=status, year=year, unit_id=unit_id)


@router.post("", response={201: PlanOut}, summary="Create an empty draft plan by hand")
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[Plan]:
    unit = unit_pick(user=request.user, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    return Status(201, services.plan_create(actor=request.user, unit=unit, **data))


@router.get("/{int:plan_id}", summary="One plan with every item (the import's JSON shape)")
def plan_get(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = _plan(request, plan_id)
    return {"id": plan.pk, "status": plan.status, "unit_id": plan.unit_id, **plan_as_dict(plan)}


@router.patch("/{int:plan_id}", response=PlanOut, summary="Change a draft's own fields")
def plan_update(request: HttpRequest, plan_id: int, payload: PlanPatch) -> Plan:
    return services.plan_update(
        actor=request.user, plan=_plan(request, plan_id), data=_sent(payload)
    )


@router.post("/{int:plan_id}/issue", response=PlanOut, summary="Issue a reviewed draft")
def plan_issue(request: HttpRequest, plan_id: int) -> Plan:
    return services.plan_issue(actor=request.user, plan=_plan(request, plan_id))


@router.get("/{int:plan_id}/export/{fmt}", summary="The plan as .docx, .pdf or JSON")
def plan_export(request: HttpRequest, plan_id: int, fmt: Literal["docx", "pdf", "json"]) -> Any:
    plan = _plan(request, plan_id)
    if fmt == "json":
        return plan_as_dict(plan)
    data, filename, content_type = plan_export_file(plan, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _item_out(obj: Model) -> dict[str, Any]:
    from pcmd.audit.services import snapshot

    data = snapshot(obj)
    data.pop("plan", None)
    return data


@router.get("/{int:plan_id}/{kind}", summary="The items of one kind of a plan")
def item_list(request: HttpRequest, plan_id: int, kind: ItemKind) -> list[dict[str, Any]]:
    return [_item_out(o) for o in selectors.plan_items(_plan(request, plan_id), kind)]


@router.post("/{int:plan_id}/{kind}", response={201: dict}, summary="Add an item to a draft")
def item_create(
    request: HttpRequest, plan_id: int, kind: ItemKind, payload: Body[dict[str, Any]]
) -> Status[dict[str, Any]]:
    plan = _plan(request, plan_id)
    obj = services.plan_item_create(
        actor=request.user, plan=plan, model=ITEM_MODELS[kind], data=payload
    )
    return Status(201, _item_out(obj))


def _item(request: HttpRequest, plan_id: int, kind: str, item_id: int) -> Any:
    item = selectors.plan_item_get(user=request.user, kind=kind, pk=item_id)
    if item.plan_id != plan_id:
        raise Http404
    return item


@router.get("/{int:plan_id}/{kind}/{int:item_id}", summary="One item of a plan")
def item_get(request: HttpRequest, plan_id: int, kind: ItemKind, item_id: int) -> dict[str, Any]:
    return _item_out(_item(request, plan_id, kind, item_id))


@router.patch("/{int:plan_id}/{kind}/{int:item_id}", summary="Change an item of a draft")
def item_update(
    request: HttpRequest, plan_id: int, kind: ItemKind, item_id: int, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    item = _item(request, plan_id, kind, item_id)
    return _item_out(services.plan_item_update(actor=request.user, item=item, data=payload))


@router.delete("/{int:plan_id}/{kind}/{int:item_id}", response={204: None}, summary="Delete")
def item_delete(request: HttpRequest, plan_id: int, kind: ItemKind, item_id: int) -> Status[None]:
    services.plan_item_delete(actor=request.user, item=_item(request, plan_id, kind, item_id))
    return Status(204, None)


@router.post(
    "/import",
    response={202: ImportOut},
    summary="Upload a plan document; it is read by a background task",
)
def plan_import(
    request: HttpRequest, unit_id: Form[int], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    unit = unit_pick(user=request.user, pk=unit_id)
    job = plan_import_start(actor=request.user, unit=unit, upload=file)
    return Status(202, _import_out(job))


@router.get("/imports/{uuid:import_id}", response=ImportOut, summary="An import's progress")
def import_get(request: HttpRequest, import_id: uuid.UUID) -> dict[str, Any]:
    job = selectors.plan_import_get(user=request.user, pk=import_id)
    out = _import_out(job)
    if job.plan_id:
        out["status_url"] = reverse("plans:review", args=[job.plan_id])
    return out
