"""API: inspection teams and members, inspection plans, inspections, sanctions, and the
sanctions decrees (read-only). Everything is read through the scoped selectors (404
outside scope) and written through services.inspections (422 with a Vietnamese detail for
bad input, 403 without the right)."""

import datetime as dt
from typing import Any, Literal

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from pcmd.core.errors import ServiceError
from pcmd.core.scoping import unit_pick
from pcmd.orgs.models import Agency
from pcmd.registries.models import (
    CHECKLIST,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    Sanction,
    SanctionDecree,
    TeamMember,
)
from pcmd.registries.selectors import inspections as selectors
from pcmd.registries.selectors.businesses import business_get
from pcmd.registries.services import inspections as services

router = Router(tags=["inspections"])

FindingValue = Literal["ok", "violation", "na"]


def _sent(payload: Schema) -> dict[str, Any]:
    """Only what the caller sent (PATCH: a field left out is kept)."""
    return payload.dict(exclude_unset=True)


def _one[M: Model](model: type[M], pk: int | None, what: str) -> M | None:
    """A reference-data row by id (None stays None); an unknown id is bad input."""
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise ServiceError(_("Không có %(what)s mã %(pk)s.") % {"what": what, "pk": pk})
    return obj


# ---- teams and members -------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    full_name: str
    agency_id: int | None
    agency_name: str | None
    position: str
    role: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_agency_name(obj: TeamMember) -> str | None:
        return obj.agency.name if obj.agency_id and obj.agency else None


class TeamListOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    name: str
    decision_number: str
    decision_date: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None
    notes: str

    @staticmethod
    def resolve_unit_name(obj: InspectionTeam) -> str:
        return obj.unit.name


class TeamOut(TeamListOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: InspectionTeam) -> list[TeamMember]:
        return list(selectors.team_members(obj))


class TeamIn(Schema):
    unit_id: int
    name: str = ""
    decision_number: str = ""
    decision_date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    notes: str = ""


class TeamPatch(Schema):
    name: str | None = None
    decision_number: str | None = None
    decision_date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    notes: str | None = None


class TeamCloseIn(Schema):
    # The team's last day; today when left out.
    on: dt.date | None = None


class MemberIn(Schema):
    full_name: str = ""
    agency_id: int | None = None
    position: str = ""
    role: Literal["leader", "deputy", "member"] = "member"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class MemberPatch(Schema):
    full_name: str | None = None
    agency_id: int | None = None
    position: str | None = None
    role: Literal["leader", "deputy", "member"] | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class TeamFilter(Schema):
    unit_id: int | None = None
    at: dt.date | None = None
    q: str = ""


@router.get("/inspection-teams", response=list[TeamListOut], summary="Teams in the caller's scope")
@paginate(LimitOffsetPagination)
def team_list(request: HttpRequest, filters: Query[TeamFilter]) -> Any:
    unit = unit_pick(user=request.user, pk=filters.unit_id) if filters.unit_id else None
    return selectors.team_list(user=request.user, unit=unit, at=filters.at, q=filters.q)


@router.post("/inspection-teams", response={201: TeamOut}, summary="Set up a team")
def team_create(request: HttpRequest, payload: TeamIn) -> Status[InspectionTeam]:
    unit = unit_pick(user=request.user, pk=payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    return Status(201, services.team_create(actor=request.user, unit=unit, **data))


@router.get("/inspection-teams/{int:team_id}", response=TeamOut, summary="A team and its members")
def team_get(request: HttpRequest, team_id: int) -> InspectionTeam:
    return selectors.team_get(user=request.user, pk=team_id)


@router.patch("/inspection-teams/{int:team_id}", response=TeamOut, summary="Change a team")
def team_update(request: HttpRequest, team_id: int, payload: TeamPatch) -> InspectionTeam:
    team = selectors.team_get(user=request.user, pk=team_id)
    return services.team_update(actor=request.user, team=team, **_sent(payload))


@router.post(
    "/inspection-teams/{int:team_id}/close", response=TeamOut, summary="End a team on a date"
)
def team_close(request: HttpRequest, team_id: int, payload: TeamCloseIn) -> InspectionTeam:
    team = selectors.team_get(user=request.user, pk=team_id)
    return services.team_close(actor=request.user, team=team, on=payload.on or timezone.localdate())


@router.delete(
    "/inspection-teams/{int:team_id}",
    response={204: None},
    summary="Delete a team that has no plans or inspections",
)
def team_delete(request: HttpRequest, team_id: int) -> Status[None]:
    team = selectors.team_get(user=request.user, pk=team_id)
    services.team_delete(actor=request.user, team=team)
    return Status(204, None)


@router.get(
    "/inspection-teams/{int:team_id}/members", response=list[MemberOut], summary="A team's members"
)
def member_list(request: HttpRequest, team_id: int) -> Any:
    return selectors.team_members(selectors.team_get(user=request.user, pk=team_id))


def _member_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "agency_id" in data:
        data["agency"] = _one(Agency, data.pop("agency_id"), _("cơ quan"))
    return data


@router.post(
    "/inspection-teams/{int:team_id}/members", response={201: MemberOut}, summary="Add a member"
)
def member_add(request: HttpRequest, team_id: int, payload: MemberIn) -> Status[TeamMember]:
    team = selectors.team_get(user=request.user, pk=team_id)
    data = _member_fields(payload.dict())
    return Status(201, services.member_add(actor=request.user, team=team, **data))


@router.patch(
    "/inspection-teams/{int:team_id}/members/{int:member_id}",
    response=MemberOut,
    summary="Change a member",
)
def member_update(
    request: HttpRequest, team_id: int, member_id: int, payload: MemberPatch
) -> TeamMember:
    team = selectors.team_get(user=request.user, pk=team_id)
    person = selectors.member_get(team=team, pk=member_id)
    return services.member_update(
        actor=request.user, member=person, **_member_fields(_sent(payload))
    )


@router.delete(
    "/inspection-teams/{int:team_id}/members/{int:member_id}",
    response={204: None},
    summary="Remove a member who took part in no inspection",
)
def member_remove(request: HttpRequest, team_id: int, member_id: int) -> Status[None]:
    team = selectors.team_get(user=request.user, pk=team_id)
    services.member_remove(actor=request.user, member=selectors.member_get(team=team, pk=member_id))
    return Status(204, None)


# ---- inspection plans ---------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    team_id: int
    team_name: str
    unit_id: int
    title: str
    start: dt.date
    end: dt.date
    announced: bool
    business_ids: list[int]
    notes: str

    @staticmethod
    def resolve_team_name(obj: InspectionPlan) -> str:
        return obj.team.name

    @staticmethod
    def resolve_unit_id(obj: InspectionPlan) -> int:
        return obj.team.unit_id

    @staticmethod
    def resolve_business_ids(obj: InspectionPlan) -> list[int]:
        return sorted(b.pk for b in obj.businesses.all())


class PlanIn(Schema):
    team_id: int
    title: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    announced: bool = False
    business_ids: list[int] = []
    notes: str = ""


class PlanPatch(Schema):
    title: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    announced: bool | None = None
    business_ids: list[int] | None = None
    notes: str | None = None


class PlanFilter(Schema):
    unit_id: int | None = None
    team_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    q: str = ""


def _businesses(request: HttpRequest, ids: list[int]) -> list[Any]:
    return [business_get(user=request.user, pk=pk) for pk in dict.fromkeys(ids)]


@router.get(
    "/inspection-plans", response=list[PlanOut], summary="Inspection plans in the caller's scope"
)
@paginate(LimitOffsetPagination)
def plan_list(request: HttpRequest, filters: Query[PlanFilter]) -> Any:
    user = request.user
    unit = unit_pick(user=user, pk=filters.unit_id) if filters.unit_id else None
    team = selectors.team_get(user=user, pk=filters.team_id) if filters.team_id else None
    return selectors.plan_list(
        user=user, team=team, unit=unit, start=filters.start, end=filters.end, q=filters.q
    ).prefetch_related("businesses")


@router.post("/inspection-plans", response={201: PlanOut}, summary="Plan inspections")
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[InspectionPlan]:
    team = selectors.team_get(user=request.user, pk=payload.team_id)
    data = payload.dict(exclude={"team_id", "business_ids"})
    businesses = _businesses(request, payload.business_ids)
    plan = services.plan_create(actor=request.user, team=team, businesses=businesses, **data)
    return Status(201, plan)


@router.get(
    "/inspection-plans/{int:inspection_plan_id}", response=PlanOut, summary="One inspection plan"
)
def plan_get(request: HttpRequest, inspection_plan_id: int) -> InspectionPlan:
    return selectors.plan_get(user=request.user, pk=inspection_plan_id)


@router.patch(
    "/inspection-plans/{int:inspection_plan_id}", response=PlanOut, summary="Change a plan"
)
def plan_update(
    request: HttpRequest, inspection_plan_id: int, payload: PlanPatch
) -> InspectionPlan:
    plan = selectors.plan_get(user=request.user, pk=inspection_plan_id)
    data = {k: v for k, v in _sent(payload).items() if v is not None or k == "business_ids"}
    if "business_ids" in data:
        data["businesses"] = _businesses(request, data.pop("business_ids") or [])
    return services.plan_update(actor=request.user, plan=plan, **data)


@router.delete(
    "/inspection-plans/{int:inspection_plan_id}",
    response={204: None},
    summary="Delete a plan no inspection follows",
)
def plan_delete(request: HttpRequest, inspection_plan_id: int) -> Status[None]:
    plan = selectors.plan_get(user=request.user, pk=inspection_plan_id)
    services.plan_delete(actor=request.user, plan=plan)
    return Status(204, None)


# ---- inspections ------------------------------------------------------------------------


class InspectionOut(Schema):
    id: int
    business_id: int
    business_name: str
    unit_id: int
    unit_name: str
    team_id: int | None
    team_name: str | None
    inspection_plan_id: int | None
    date: dt.date
    announced: bool
    member_ids: list[int]
    finding_prostitution: str
    finding_security: str
    finding_culture: str
    finding_labour: str
    finding_health: str
    findings_note: str
    violations_found: int
    record_number: str
    follow_up_of_id: int | None
    follow_up_due: dt.date | None

    @staticmethod
    def resolve_business_name(obj: Inspection) -> str:
        return obj.business.name

    @staticmethod
    def resolve_unit_name(obj: Inspection) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_team_name(obj: Inspection) -> str | None:
        return obj.team.name if obj.team else None

    @staticmethod
    def resolve_inspection_plan_id(obj: Inspection) -> int | None:
        return obj.plan_id

    @staticmethod
    def resolve_member_ids(obj: Inspection) -> list[int]:
        return sorted(m.pk for m in obj.members_present.all())


class InspectionIn(Schema):
    business_id: int
    date: dt.date | None = None
    team_id: int | None = None
    inspection_plan_id: int | None = None
    announced: bool = False
    member_ids: list[int] = []
    finding_prostitution: FindingValue = "na"
    finding_security: FindingValue = "na"
    finding_culture: FindingValue = "na"
    finding_labour: FindingValue = "na"
    finding_health: FindingValue = "na"
    findings_note: str = ""
    violations_found: int | str = 0
    record_number: str = ""
    follow_up_of_id: int | None = None
    follow_up_due: dt.date | None = None


class InspectionPatch(Schema):
    date: dt.date | None = None
    team_id: int | None = None
    inspection_plan_id: int | None = None
    announced: bool | None = None
    member_ids: list[int] | None = None
    finding_prostitution: FindingValue | None = None
    finding_security: FindingValue | None = None
    finding_culture: FindingValue | None = None
    finding_labour: FindingValue | None = None
    finding_health: FindingValue | None = None
    findings_note: str | None = None
    violations_found: int | str | None = None
    record_number: str | None = None
    follow_up_of_id: int | None = None
    follow_up_due: dt.date | None = None


class InspectionFilter(Schema):
    unit_id: int | None = None
    team_id: int | None = None
    business_id: int | None = None
    inspection_plan_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    with_violations: bool | None = None
    follow_up: Literal["due", "overdue"] | None = None


def _inspection_fields(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the payload turned into the objects the service takes (each read in scope)."""
    user = request.user
    if "team_id" in data:
        pk = data.pop("team_id")
        data["team"] = selectors.team_pick(user=user, pk=pk) if pk else None
    if "inspection_plan_id" in data:
        pk = data.pop("inspection_plan_id")
        data["plan"] = selectors.plan_pick(user=user, pk=pk) if pk else None
    if "follow_up_of_id" in data:
        pk = data.pop("follow_up_of_id")
        data["follow_up_of"] = selectors.inspection_get(user=user, pk=pk) if pk else None
    if "member_ids" in data:
        ids = list(dict.fromkeys(data.pop("member_ids") or []))
        members = list(TeamMember.objects.filter(pk__in=ids))
        if len(members) != len(ids):
            raise ServiceError(
                _("Có thành viên không tồn tại trong danh sách thành viên tham gia.")
            )
        data["members_present"] = members
    for field in CHECKLIST:
        if field in data and data[field] is None:
            data.pop(field)
    for field in ("announced", "violations_found"):
        if field in data and data[field] is None:
            data.pop(field)
    return data


@router.get(
    "/inspections", response=list[InspectionOut], summary="Inspections in the caller's scope"
)
@paginate(LimitOffsetPagination)
def inspection_list(request: HttpRequest, filters: Query[InspectionFilter]) -> Any:
    user = request.user
    return selectors.inspection_list(
        user=user,
        unit=unit_pick(user=user, pk=filters.unit_id) if filters.unit_id else None,
        team=selectors.team_pick(user=user, pk=filters.team_id) if filters.team_id else None,
        business=(business_get(user=user, pk=filters.business_id) if filters.business_id else None),
        plan=(
            selectors.plan_pick(user=user, pk=filters.inspection_plan_id)
            if filters.inspection_plan_id
            else None
        ),
        start=filters.start,
        end=filters.end,
        with_violations=filters.with_violations,
        follow_up=filters.follow_up or "",
    ).prefetch_related("members_present")


@router.post("/inspections", response={201: InspectionOut}, summary="Record an inspection")
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Status[Inspection]:
    business = business_get(user=request.user, pk=payload.business_id)
    data = _inspection_fields(request, payload.dict(exclude={"business_id"}))
    return Status(201, services.inspection_create(actor=request.user, business=business, **data))


@router.get("/inspections/{int:inspection_id}", response=InspectionOut, summary="One inspection")
def inspection_get(request: HttpRequest, inspection_id: int) -> Inspection:
    return selectors.inspection_get(user=request.user, pk=inspection_id)


@router.patch(
    "/inspections/{int:inspection_id}", response=InspectionOut, summary="Change an inspection"
)
def inspection_update(
    request: HttpRequest, inspection_id: int, payload: InspectionPatch
) -> Inspection:
    inspection = selectors.inspection_get(user=request.user, pk=inspection_id)
    data = _inspection_fields(request, _sent(payload))
    return services.inspection_update(actor=request.user, inspection=inspection, **data)


@router.delete(
    "/inspections/{int:inspection_id}",
    response={204: None},
    summary="Delete an inspection without sanctions or follow-ups",
)
def inspection_delete(request: HttpRequest, inspection_id: int) -> Status[None]:
    inspection = selectors.inspection_get(user=request.user, pk=inspection_id)
    services.inspection_delete(actor=request.user, inspection=inspection)
    return Status(204, None)


# ---- sanctions --------------------------------------------------------------------------


class DecreeOut(Schema):
    id: int
    code: str
    title_vi: str
    title_en: str
    valid_from: dt.date
    valid_to: dt.date | None


class SanctionOut(Schema):
    id: int
    inspection_id: int | None
    business_id: int | None
    unit_id: int
    unit_name: str
    decision_number: str
    decision_date: dt.date
    decree_id: int | None
    decree_code: str | None
    article: str
    offender_kind: str
    offender_name: str
    act: str
    fine_vnd: int
    licence_suspended_months: int
    licence_withdrawn: bool
    other_measures: str
    payment_status: str
    paid_on: dt.date | None
    criminal_referral: bool
    referral_date: dt.date | None
    referral_to: str

    @staticmethod
    def resolve_unit_name(obj: Sanction) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_decree_code(obj: Sanction) -> str | None:
        return obj.decree.code if obj.decree else None


PaymentValue = Literal["unpaid", "partly", "paid", "enforced"]
OffenderValue = Literal["person", "organisation"]


class SanctionIn(Schema):
    """One of inspection_id, business_id or unit_id says what is sanctioned."""

    inspection_id: int | None = None
    business_id: int | None = None
    unit_id: int | None = None
    decision_number: str = ""
    decision_date: dt.date | None = None
    decree_id: int | None = None
    article: str = ""
    offender_kind: OffenderValue = "person"
    offender_name: str = ""
    act: str = ""
    fine_vnd: int | str = 0
    licence_suspended_months: int | str = 0
    licence_withdrawn: bool = False
    other_measures: str = ""
    payment_status: PaymentValue = "unpaid"
    paid_on: dt.date | None = None
    criminal_referral: bool = False
    referral_date: dt.date | None = None
    referral_to: str = ""


class SanctionPatch(Schema):
    decision_number: str | None = None
    decision_date: dt.date | None = None
    decree_id: int | None = None
    article: str | None = None
    offender_kind: OffenderValue | None = None
    offender_name: str | None = None
    act: str | None = None
    fine_vnd: int | str | None = None
    licence_suspended_months: int | str | None = None
    licence_withdrawn: bool | None = None
    other_measures: str | None = None
    payment_status: PaymentValue | None = None
    paid_on: dt.date | None = None
    criminal_referral: bool | None = None
    referral_date: dt.date | None = None
    referral_to: str | None = None


class SanctionFilter(Schema):
    unit_id: int | None = None
    decree_id: int | None = None
    payment_status: PaymentValue | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    criminal_referral: bool | None = None
    business_id: int | None = None
    inspection_id: int | None = None


# Fields a PATCH may clear with null; any other null means "keep".
_NULLABLE = {"paid_on", "referral_date", "decree"}


def _sanction_fields(data: dict[str, Any], *, patch: bool) -> dict[str, Any]:
    if "decree_id" in data:
        data["decree"] = _one(SanctionDecree, data.pop("decree_id"), _("nghị định"))
    if not patch:
        return data
    return {k: v for k, v in data.items() if v is not None or k in _NULLABLE}


@router.get("/sanction-decrees", response=list[DecreeOut], summary="The sanctions decrees")
def decree_list(request: HttpRequest) -> Any:
    return selectors.decree_list()


@router.get("/sanctions", response=list[SanctionOut], summary="Sanctions in the caller's scope")
@paginate(LimitOffsetPagination)
def sanction_list(request: HttpRequest, filters: Query[SanctionFilter]) -> Any:
    user = request.user
    return selectors.sanction_list(
        user=user,
        unit=unit_pick(user=user, pk=filters.unit_id) if filters.unit_id else None,
        decree=_one(SanctionDecree, filters.decree_id, _("nghị định")),
        payment_status=filters.payment_status or "",
        start=filters.start,
        end=filters.end,
        criminal_referral=filters.criminal_referral,
        business=(business_get(user=user, pk=filters.business_id) if filters.business_id else None),
        inspection=(
            selectors.inspection_get(user=user, pk=filters.inspection_id)
            if filters.inspection_id
            else None
        ),
    )


@router.post("/sanctions", response={201: SanctionOut}, summary="Record a sanction decision")
def sanction_create(request: HttpRequest, payload: SanctionIn) -> Status[Sanction]:
    user = request.user
    data = payload.dict()
    inspection_id, business_id, unit_id = (
        data.pop("inspection_id"),
        data.pop("business_id"),
        data.pop("unit_id"),
    )
    inspection = selectors.inspection_get(user=user, pk=inspection_id) if inspection_id else None
    business = business_get(user=user, pk=business_id) if business_id else None
    unit = unit_pick(user=user, pk=unit_id) if unit_id else None
    data = _sanction_fields(data, patch=False)
    sanction = services.sanction_create(
        actor=user, inspection=inspection, business=business, unit=unit, **data
    )
    return Status(201, sanction)


@router.get("/sanctions/{int:sanction_id}", response=SanctionOut, summary="One sanction")
def sanction_get(request: HttpRequest, sanction_id: int) -> Sanction:
    return selectors.sanction_get(user=request.user, pk=sanction_id)


@router.patch("/sanctions/{int:sanction_id}", response=SanctionOut, summary="Change a sanction")
def sanction_update(request: HttpRequest, sanction_id: int, payload: SanctionPatch) -> Sanction:
    sanction = selectors.sanction_get(user=request.user, pk=sanction_id)
    data = _sanction_fields(_sent(payload), patch=True)
    return services.sanction_update(actor=request.user, sanction=sanction, **data)


@router.delete("/sanctions/{int:sanction_id}", response={204: None}, summary="Delete a sanction")
def sanction_delete(request: HttpRequest, sanction_id: int) -> Status[None]:
    sanction = selectors.sanction_get(user=request.user, pk=sanction_id)
    services.sanction_delete(actor=request.user, sanction=sanction)
    return Status(204, None)
