"""Inspection teams, plans, inspections and sanctions for tests, made through the services
(actor None: the system) so they are what users would create. Businesses come from
factories_businesses."""

import datetime as dt
import itertools
from typing import Any

from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.models import (
    Business,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    Sanction,
    TeamMember,
)
from pcmd.registries.services import inspections as services
from pcmd.registries.tests.factories_businesses import make_business

_numbers = itertools.count(1)

# Dates inside the tree fixture's current period (units valid from 01/07/2025).
TEAM_START = dt.date(2025, 7, 1)
DAY = dt.date(2025, 9, 15)


def make_team(
    unit: AdministrativeUnit,
    name: str | None = None,
    *,
    valid_from: dt.date = TEAM_START,
    **fields: Any,
) -> InspectionTeam:
    return services.team_create(
        actor=None,
        unit=unit,
        name=name or f"Đội kiểm tra liên ngành 178 {unit.name}",
        valid_from=valid_from,
        **fields,
    )


def make_member(team: InspectionTeam, full_name: str | None = None, **fields: Any) -> TeamMember:
    return services.member_add(
        actor=None, team=team, full_name=full_name or f"Trần Văn {next(_numbers)}", **fields
    )


def make_plan(
    team: InspectionTeam,
    *,
    title: str = "Kế hoạch kiểm tra quý III",
    start: dt.date = dt.date(2025, 9, 1),
    end: dt.date = dt.date(2025, 9, 30),
    **fields: Any,
) -> InspectionPlan:
    return services.plan_create(actor=None, team=team, title=title, start=start, end=end, **fields)


def make_inspection(
    business: Business, *, team: InspectionTeam | None = None, date: dt.date = DAY, **fields: Any
) -> Inspection:
    return services.inspection_create(actor=None, business=business, team=team, date=date, **fields)


def make_violation(business: Business, **fields: Any) -> Inspection:
    """An inspection that found a violation of the security and order conditions."""
    fields.setdefault("violations_found", 1)
    return make_inspection(business, finding_security="violation", **fields)


def make_sanction(
    *,
    inspection: Inspection | None = None,
    business: Business | None = None,
    decision_date: dt.date = dt.date(2025, 9, 20),
    **fields: Any,
) -> Sanction:
    fields.setdefault("decision_number", f"{next(_numbers)}/QĐ-XPHC")
    fields.setdefault("fine_vnd", 5_000_000)
    return services.sanction_create(
        actor=None,
        inspection=inspection,
        business=business,
        decision_date=decision_date,
        offender_name=fields.pop("offender_name", "Nguyễn Văn Chủ"),
        act=fields.pop("act", "Không thông báo lưu trú"),
        **fields,
    )


def make_enforcement_targets(commune: AdministrativeUnit) -> dict[str, Any]:
    """One of each record of the commune (for the URL security walk): a team with a member,
    a plan, a business, an inspection and a sanction."""
    team = make_team(commune)
    team_member = make_member(team)
    business = make_business(commune, "Nhà nghỉ Hoa Sen")
    inspection = make_violation(business, team=team, members_present=[team_member])
    return {
        "team": team,
        "team_member": team_member,
        "inspection_plan": make_plan(team, businesses=[business]),
        "business": business,
        "inspection": inspection,
        "sanction": make_sanction(inspection=inspection),
    }
