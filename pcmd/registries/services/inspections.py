"""Writes of inspection teams and their members, inspection plans, inspections and sanctions.

Each function checks Perm.INSPECTION_MANAGE on the unit concerned (the team's unit for
teams and plans, the business's commune for inspections and sanctions), validates, writes
in one transaction and records the change. A refusal is a ServiceError (or PermissionDenied)
with a Vietnamese message. `actor=None` is the system itself (demo data, tests).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.records import (
    choice,
    clean_text,
    day_text,
    delete_logged,
    refuse_unknown,
    require_perm,
    save_changes,
    save_new,
    today,
    whole_number,
)
from pcmd.core.text import fold, nfc
from pcmd.geo.models import LAST_PRE_REFORM_DAY, AdministrativeUnit, UnitLevel
from pcmd.orgs.models import Agency
from pcmd.registries.models import (
    CHECKLIST,
    Business,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    MemberRole,
    OffenderKind,
    PaymentStatus,
    Sanction,
    SanctionDecree,
    TeamMember,
)
from pcmd.registries.selectors.inspections import (
    decree_in_force,
    member_is_valid_on,
    unit_covers,
)

TEAM_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)
# A licence is suspended for months, never years on end: beyond this is a typing error.
MAX_SUSPENSION_MONTHS = 120


# ---- shared pieces ----------------------------------------------------------------------


def require_manage(actor: Any, unit: AdministrativeUnit) -> None:
    """Refuse a user without Perm.INSPECTION_MANAGE on `unit` (None: the system)."""
    require_perm(
        actor,
        Perm.INSPECTION_MANAGE,
        unit,
        _("Bạn không có quyền ghi nhận kiểm tra, xử lý của %(unit)s."),
    )


def _ensure_content_type(model: type[models.Model]) -> None:
    """Link tables get their content type on first use (migrate makes none for them); one
    created in a transaction that was then rolled back stays in Django's cache, so check."""
    content_type = ContentType.objects.get_for_model(model)
    if not ContentType.objects.filter(pk=content_type.pk).exists():
        ContentType.objects.clear_cache()
        ContentType.objects.get_for_model(model)


def _set_m2m(actor: Any, obj: models.Model, field: str, targets: Iterable[models.Model]) -> bool:
    """Make the many-to-many `field` of `obj` hold `targets`, recording each link added or
    removed (the object's own snapshot has no many-to-many values). True when changed."""
    manager: Any = getattr(obj, field)
    through, source, target = manager.through, manager.source_field_name, manager.target_field_name
    _ensure_content_type(through)
    current = {getattr(row, f"{target}_id"): row for row in through.objects.filter(**{source: obj})}
    wanted = {t.pk for t in targets}
    changed = False
    for pk, row in current.items():
        if pk not in wanted:
            delete_logged(actor, row)
            changed = True
    for pk in sorted(wanted - set(current)):
        row = through.objects.create(**{source: obj, f"{target}_id": pk})
        change_record(actor=actor, action=Action.CREATE, obj=row)
        changed = True
    return changed


# ---- teams ------------------------------------------------------------------------------

TEAM_FIELDS = ("name", "decision_number", "decision_date", "valid_from", "valid_to", "notes")


def _team_check(team: InspectionTeam) -> None:
    """Validate a team's own fields (in place: a district team's open end is filled)."""
    unit = team.unit
    team.name = clean_text(InspectionTeam, "name", team.name, required=True)
    team.decision_number = clean_text(InspectionTeam, "decision_number", team.decision_number)
    team.notes = nfc(team.notes or "")
    if unit.level not in TEAM_LEVELS:
        raise ServiceError(
            _(
                "Đội kiểm tra liên ngành chỉ thuộc đơn vị cấp tỉnh, cấp xã (hoặc cấp huyện trước "
                "01/07/2025)."
            )
        )
    if team.valid_from is None:
        raise ServiceError(_("Cần nhập ngày đội bắt đầu hoạt động."))
    if team.decision_date and team.decision_date > today():
        raise ServiceError(_("Ngày quyết định thành lập không được ở tương lai."))
    if unit.valid_to and team.valid_to is None:
        # The unit ended (a district before the reform): so did its team.
        team.valid_to = unit.valid_to
    if team.valid_to and team.valid_to < team.valid_from:
        raise ServiceError(_("Ngày kết thúc phải sau ngày bắt đầu hoạt động của đội."))
    if unit.level == UnitLevel.DISTRICT and (
        team.valid_to is None or team.valid_to > LAST_PRE_REFORM_DAY
    ):
        raise ServiceError(
            _(
                "Từ 01/07/2025 không còn cấp huyện: đội cấp huyện chỉ ghi nhận cho thời gian "
                "trước đó."
            )
        )
    if (unit.valid_from and team.valid_from < unit.valid_from) or (
        unit.valid_to and team.valid_to and team.valid_to > unit.valid_to
    ):
        raise ServiceError(
            _("Thời gian hoạt động của đội phải nằm trong thời gian tồn tại của %(unit)s.")
            % {"unit": unit.name}
        )


def _outside(start: dt.date, end: dt.date | None) -> models.Q:
    q = models.Q(date__lt=start)
    return q | models.Q(date__gt=end) if end else q


def _team_check_records(team: InspectionTeam) -> None:
    """Refuse a validity that would leave the team's own records outside it."""
    inspection = team.inspections.filter(_outside(team.valid_from, team.valid_to)).first()
    if inspection is not None:
        raise ServiceError(
            _("Đội đã kiểm tra %(b)s ngày %(d)s: thời gian hoạt động phải bao gồm ngày đó.")
            % {"b": inspection.business.name, "d": day_text(inspection.date)}
        )
    early_or_late = models.Q(start__lt=team.valid_from)
    if team.valid_to:
        early_or_late |= models.Q(end__gt=team.valid_to)
    plan = team.plans.filter(early_or_late).first()
    if plan is not None:
        raise ServiceError(
            _(
                "Kế hoạch kiểm tra “%(p)s” (%(s)s – %(e)s) nằm ngoài thời gian hoạt động mới của "
                "đội."
            )
            % {"p": plan.title, "s": day_text(plan.start), "e": day_text(plan.end)}
        )
    for member in team.members.all():
        _member_within_team(team, member)


@transaction.atomic
def team_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    name: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    notes: str = "",
) -> InspectionTeam:
    """Set up a unit's interagency inspection team (province or commune; district only for
    the years before 01/07/2025: its end is the district's last day)."""
    require_manage(actor, unit)
    if valid_from is None:
        raise ServiceError(_("Cần nhập ngày đội bắt đầu hoạt động."))
    team = InspectionTeam(
        unit=unit,
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=decision_number,
        decision_date=decision_date,
        notes=notes,
    )
    _team_check(team)
    save_new(actor, team)
    return team


@transaction.atomic
def team_update(*, actor: Any, team: InspectionTeam, **changes: Any) -> InspectionTeam:
    """Change the given fields (TEAM_FIELDS); the unit of a team never changes."""
    refuse_unknown(changes, TEAM_FIELDS)
    require_manage(actor, team.unit)
    before = snapshot(team)
    for field, value in changes.items():
        setattr(team, field, value)
    _team_check(team)
    _team_check_records(team)
    save_changes(actor, team, before)
    return team


@transaction.atomic
def team_close(*, actor: Any, team: InspectionTeam, on: dt.date) -> InspectionTeam:
    """End the team on `on` (its last day); members listed beyond it end with it."""
    require_manage(actor, team.unit)
    if on < team.valid_from:
        raise ServiceError(
            _("Ngày kết thúc phải sau ngày đội bắt đầu hoạt động (%(d)s).")
            % {"d": day_text(team.valid_from)}
        )
    before = snapshot(team)
    team.valid_to = on
    _team_check(team)
    for member in team.members.filter(valid_to__gt=on):
        member_before = snapshot(member)
        member.valid_to = on
        if member.valid_from and member.valid_from > on:
            member.valid_from = on
        save_changes(actor, member, member_before)
    _team_check_records(team)
    save_changes(actor, team, before)
    return team


@transaction.atomic
def team_delete(*, actor: Any, team: InspectionTeam) -> None:
    """Delete a team typed by mistake; a team with plans or inspections is closed instead."""
    require_manage(actor, team.unit)
    if team.inspections.exists() or team.plans.exists():
        raise ServiceError(
            _(
                "Đội đã có kế hoạch hoặc cuộc kiểm tra: không xóa được, hãy ghi ngày kết thúc "
                "hoạt động."
            )
        )
    for member in team.members.all():
        change_record(actor=actor, action=Action.DELETE, obj=member, before=snapshot(member))
    delete_logged(actor, team)


# ---- members ----------------------------------------------------------------------------

MEMBER_FIELDS = ("full_name", "agency", "position", "role", "valid_from", "valid_to")


def _agency_fits(team: InspectionTeam, agency: Agency) -> bool:
    """Members come from agencies of the team's unit, the level above, or units below."""
    unit = team.unit
    return (
        agency.unit_id == unit.pk
        or agency.unit_id == unit.parent_id
        or agency.unit.path.startswith(unit.path)
    )


def _member_within_team(team: InspectionTeam, member: TeamMember) -> None:
    if (member.valid_from and member.valid_from < team.valid_from) or (
        team.valid_to and member.valid_to and member.valid_to > team.valid_to
    ):
        raise ServiceError(
            _("Thời gian tham gia của %(m)s phải nằm trong thời gian hoạt động của đội.")
            % {"m": member.full_name}
        )


def _member_check(team: InspectionTeam, member: TeamMember) -> None:
    member.full_name = clean_text(TeamMember, "full_name", member.full_name, required=True)
    member.position = clean_text(TeamMember, "position", member.position)
    member.role = choice(member.role, MemberRole, _("Vai trò trong đội"))
    if member.agency is not None and not _agency_fits(team, member.agency):
        raise ServiceError(
            _("%(a)s không thuộc %(u)s, cấp trên trực tiếp hoặc các đơn vị trực thuộc.")
            % {"a": member.agency.name, "u": team.unit.name}
        )
    if member.valid_from and member.valid_to and member.valid_from > member.valid_to:
        raise ServiceError(_("Ngày kết thúc tham gia phải sau ngày bắt đầu."))
    _member_within_team(team, member)
    if member.pk:
        for inspection in Inspection.objects.filter(members_present=member).only("date"):
            if not member_is_valid_on(member, inspection.date):
                raise ServiceError(
                    _(
                        "%(m)s có mặt trong cuộc kiểm tra ngày %(d)s: thời gian tham gia phải bao "
                        "gồm ngày đó."
                    )
                    % {"m": member.full_name, "d": day_text(inspection.date)}
                )


@transaction.atomic
def member_add(
    *,
    actor: Any,
    team: InspectionTeam,
    full_name: str,
    agency: Agency | None = None,
    position: str = "",
    role: str = MemberRole.MEMBER,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> TeamMember:
    """Add a member (open dates mean: for as long as the team)."""
    require_manage(actor, team.unit)
    member = TeamMember(
        team=team,
        full_name=full_name,
        agency=agency,
        position=position,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _member_check(team, member)
    save_new(actor, member)
    return member


@transaction.atomic
def member_update(*, actor: Any, member: TeamMember, **changes: Any) -> TeamMember:
    """Change the given fields (MEMBER_FIELDS); a member never moves to another team."""
    refuse_unknown(changes, MEMBER_FIELDS)
    team = member.team
    require_manage(actor, team.unit)
    before = snapshot(member)
    for field, value in changes.items():
        setattr(member, field, value)
    _member_check(team, member)
    save_changes(actor, member, before)
    return member


@transaction.atomic
def member_remove(*, actor: Any, member: TeamMember) -> None:
    """Remove a member added by mistake; one who took part in inspections is ended instead."""
    require_manage(actor, member.team.unit)
    taken_part = Inspection.objects.filter(members_present=member).count()
    if taken_part:
        raise ServiceError(
            _(
                "%(m)s đã tham gia %(n)d cuộc kiểm tra: không xóa được, hãy ghi ngày kết thúc "
                "tham gia."
            )
            % {"m": member.full_name, "n": taken_part}
        )
    delete_logged(actor, member)


# ---- inspection plans -------------------------------------------------------------------

PLAN_FIELDS = ("title", "start", "end", "announced", "businesses", "notes")


def _plan_check(plan: InspectionPlan, businesses: list[Business] | None) -> None:
    team = plan.team
    plan.title = clean_text(InspectionPlan, "title", plan.title, required=True)
    plan.notes = nfc(plan.notes or "")
    if plan.start is None or plan.end is None:
        raise ServiceError(_("Cần nhập thời gian thực hiện kế hoạch (từ ngày, đến ngày)."))
    if plan.start > plan.end:
        raise ServiceError(_("Ngày bắt đầu kế hoạch phải trước ngày kết thúc."))
    if plan.start < team.valid_from or (team.valid_to and plan.end > team.valid_to):
        raise ServiceError(
            _("Thời gian của kế hoạch phải nằm trong thời gian hoạt động của %(t)s.")
            % {"t": team.name}
        )
    for business in businesses or []:
        if not unit_covers(team.unit, business.unit, plan.start):
            raise ServiceError(
                _("%(b)s (%(u)s) không thuộc địa bàn của %(t)s.")
                % {"b": business.name, "u": business.unit.name, "t": team.name}
            )
    if plan.pk:
        outside = plan.inspections.filter(_outside(plan.start, plan.end)).first()
        if outside is not None:
            raise ServiceError(
                _("Cuộc kiểm tra %(b)s ngày %(d)s theo kế hoạch này nằm ngoài thời gian mới.")
                % {"b": outside.business.name, "d": day_text(outside.date)}
            )


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    team: InspectionTeam,
    title: str,
    start: dt.date | None,
    end: dt.date | None,
    announced: bool = False,
    businesses: Iterable[Business] = (),
    notes: str = "",
) -> InspectionPlan:
    """A team's plan: which businesses (of the team's area) it will inspect, and when."""
    require_manage(actor, team.unit)
    if start is None or end is None:
        raise ServiceError(_("Cần nhập thời gian thực hiện kế hoạch (từ ngày, đến ngày)."))
    plan = InspectionPlan(
        team=team, title=title, start=start, end=end, announced=bool(announced), notes=notes
    )
    chosen = list(businesses)
    _plan_check(plan, chosen)
    save_new(actor, plan)
    _set_m2m(actor, plan, "businesses", chosen)
    return plan


@transaction.atomic
def plan_update(*, actor: Any, plan: InspectionPlan, **changes: Any) -> InspectionPlan:
    """Change the given fields (PLAN_FIELDS; `businesses` replaces the list)."""
    refuse_unknown(changes, PLAN_FIELDS)
    require_manage(actor, plan.team.unit)
    before = snapshot(plan)
    chosen = list(changes.pop("businesses")) if "businesses" in changes else None
    for field, value in changes.items():
        setattr(plan, field, bool(value) if field == "announced" else value)
    _plan_check(plan, chosen if chosen is not None else list(plan.businesses.all()))
    save_changes(actor, plan, before)
    if chosen is not None:
        _set_m2m(actor, plan, "businesses", chosen)
    return plan


@transaction.atomic
def plan_delete(*, actor: Any, plan: InspectionPlan) -> None:
    """Delete a plan no inspection follows."""
    require_manage(actor, plan.team.unit)
    if plan.inspections.exists():
        raise ServiceError(_("Đã có cuộc kiểm tra theo kế hoạch này: không xóa được."))
    _set_m2m(actor, plan, "businesses", [])
    delete_logged(actor, plan)


# ---- inspections ------------------------------------------------------------------------

INSPECTION_FIELDS = (
    "business",
    "team",
    "plan",
    "date",
    "announced",
    "members_present",
    *CHECKLIST,
    "findings_note",
    "violations_found",
    "record_number",
    "follow_up_of",
    "follow_up_due",
)


def _inspection_check(inspection: Inspection, members: list[TeamMember]) -> None:
    business, team, plan, at = (
        inspection.business,
        inspection.team,
        inspection.plan,
        inspection.date,
    )
    if at is None:
        raise ServiceError(_("Cần nhập ngày kiểm tra."))
    if at > today():
        raise ServiceError(
            _("Ngày kiểm tra %(d)s ở tương lai: chỉ ghi nhận cuộc kiểm tra đã diễn ra.")
            % {"d": day_text(at)}
        )
    if plan is not None:
        if team is None:
            inspection.team = team = plan.team
        elif plan.team_id != team.pk:
            raise ServiceError(
                _("Kế hoạch “%(p)s” là của %(t)s, không phải của đội đã chọn.")
                % {"p": plan.title, "t": plan.team.name}
            )
        if not plan.start <= at <= plan.end:
            raise ServiceError(
                _("Ngày kiểm tra phải nằm trong thời gian của kế hoạch (%(s)s – %(e)s).")
                % {"s": day_text(plan.start), "e": day_text(plan.end)}
            )
    if team is not None:
        if not team.is_valid_on(at):
            raise ServiceError(
                _("%(t)s không hoạt động vào ngày %(d)s.") % {"t": team.name, "d": day_text(at)}
            )
        if not unit_covers(team.unit, business.unit, at):
            raise ServiceError(
                _("%(b)s (%(u)s) không thuộc địa bàn của %(t)s.")
                % {"b": business.name, "u": business.unit.name, "t": team.name}
            )
    for member in members:
        if team is None or member.team_id != team.pk:
            raise ServiceError(
                _("%(m)s không phải là thành viên của đội kiểm tra đã chọn.")
                % {"m": member.full_name}
            )
        if not member_is_valid_on(member, at):
            raise ServiceError(
                _("%(m)s không còn là thành viên của đội vào ngày %(d)s.")
                % {"m": member.full_name, "d": day_text(at)}
            )
    for field, label in CHECKLIST.items():
        setattr(inspection, field, choice(getattr(inspection, field), Finding, str(label)))
    inspection.violations_found = whole_number(
        inspection.violations_found, _("Số hành vi vi phạm"), maximum=10_000
    )
    flagged = [
        str(label) for f, label in CHECKLIST.items() if getattr(inspection, f) == Finding.VIOLATION
    ]
    if flagged and inspection.violations_found < 1:
        raise ServiceError(
            _(
                "Danh mục kiểm tra ghi “Có vi phạm” (%(items)s): số hành vi vi phạm phải từ 1 trở "
                "lên."
            )
            % {"items": ", ".join(flagged)}
        )
    if inspection.violations_found and not flagged:
        raise ServiceError(
            _(
                "Đã ghi %(n)d hành vi vi phạm nhưng không mục nào trong danh mục kiểm tra được "
                "đánh dấu “Có vi phạm”."
            )
            % {"n": inspection.violations_found}
        )
    inspection.findings_note = nfc(inspection.findings_note or "")
    inspection.record_number = clean_text(Inspection, "record_number", inspection.record_number)
    earlier = inspection.follow_up_of
    if earlier is not None:
        if earlier.business_id != business.pk:
            raise ServiceError(_("Hậu kiểm phải là của cùng một cơ sở với cuộc kiểm tra trước."))
        if inspection.pk and earlier.pk == inspection.pk:
            raise ServiceError(_("Một cuộc kiểm tra không thể là hậu kiểm của chính nó."))
        if earlier.date >= at:
            raise ServiceError(
                _("Hậu kiểm phải diễn ra sau cuộc kiểm tra ngày %(d)s.")
                % {"d": day_text(earlier.date)}
            )
    if inspection.follow_up_due and inspection.follow_up_due < at:
        raise ServiceError(_("Hạn hậu kiểm phải sau ngày kiểm tra."))
    if inspection.pk:
        _inspection_check_dependents(inspection)


def _inspection_check_dependents(inspection: Inspection) -> None:
    """An edit must keep its sanctions and follow-ups consistent."""
    if inspection.sanctions.exclude(business=inspection.business).exists():
        raise ServiceError(_("Cuộc kiểm tra đã có quyết định xử phạt: không đổi được cơ sở."))
    early = inspection.sanctions.filter(decision_date__lt=inspection.date).first()
    if early is not None:
        raise ServiceError(
            _("Quyết định xử phạt %(n)s ngày %(d)s có trước ngày kiểm tra mới.")
            % {"n": early, "d": day_text(early.decision_date)}
        )
    follow_ups = inspection.follow_ups.all()
    if follow_ups.exclude(business=inspection.business).exists():
        raise ServiceError(_("Cuộc kiểm tra đã có hậu kiểm: không đổi được cơ sở."))
    if follow_ups.filter(date__lte=inspection.date).exists():
        raise ServiceError(_("Ngày kiểm tra phải trước ngày của các lần hậu kiểm."))


@transaction.atomic
def inspection_create(
    *,
    actor: Any,
    business: Business,
    date: dt.date | None,
    team: InspectionTeam | None = None,
    plan: InspectionPlan | None = None,
    announced: bool = False,
    members_present: Iterable[TeamMember] = (),
    findings_note: str = "",
    violations_found: int | str = 0,
    record_number: str = "",
    follow_up_of: Inspection | None = None,
    follow_up_due: dt.date | None = None,
    **findings: str,
) -> Inspection:
    """Record an inspection of `business` (its commune becomes the inspection's unit).

    `findings` are the checklist fields (CHECKLIST: finding_prostitution, ...), each a
    Finding value; any "violation" needs violations_found ≥ 1 and the other way round.
    """
    refuse_unknown(findings, CHECKLIST)
    require_manage(actor, business.unit)
    inspection = Inspection(
        business=business,
        unit=business.unit,
        team=team,
        plan=plan,
        date=date,
        announced=bool(announced),
        findings_note=findings_note,
        violations_found=violations_found,  # type: ignore[misc]  # read by _whole below
        record_number=record_number,
        follow_up_of=follow_up_of,
        follow_up_due=follow_up_due,
        **findings,
    )
    members = list(members_present)
    _inspection_check(inspection, members)
    save_new(actor, inspection)
    _set_m2m(actor, inspection, "members_present", members)
    return inspection


@transaction.atomic
def inspection_update(*, actor: Any, inspection: Inspection, **changes: Any) -> Inspection:
    """Change the given fields (INSPECTION_FIELDS; `members_present` replaces the list)."""
    refuse_unknown(changes, INSPECTION_FIELDS)
    require_manage(actor, inspection.unit)
    before = snapshot(inspection)
    members = list(changes.pop("members_present")) if "members_present" in changes else None
    for field, value in changes.items():
        setattr(inspection, field, bool(value) if field == "announced" else value)
    if "business" in changes:
        require_manage(actor, inspection.business.unit)
        inspection.unit = inspection.business.unit
    if "team" in changes and members is None:
        # Those of the former team are no longer present.
        members = [m for m in inspection.members_present.all() if m.team_id == inspection.team_id]
    _inspection_check(
        inspection, members if members is not None else list(inspection.members_present.all())
    )
    save_changes(actor, inspection, before)
    if members is not None:
        _set_m2m(actor, inspection, "members_present", members)
    return inspection


@transaction.atomic
def inspection_delete(*, actor: Any, inspection: Inspection) -> None:
    """Delete an inspection recorded by mistake: not one with sanctions or follow-ups."""
    require_manage(actor, inspection.unit)
    if inspection.sanctions.exists():
        raise ServiceError(
            _(
                "Cuộc kiểm tra đã có quyết định xử phạt: xóa các quyết định trước khi xóa cuộc "
                "kiểm tra."
            )
        )
    if inspection.follow_ups.exists():
        raise ServiceError(_("Cuộc kiểm tra đã có hậu kiểm: không xóa được."))
    _set_m2m(actor, inspection, "members_present", [])
    delete_logged(actor, inspection)


# ---- sanctions --------------------------------------------------------------------------

SANCTION_FIELDS = (
    "decision_number",
    "decision_date",
    "decree",
    "article",
    "offender_kind",
    "offender_name",
    "act",
    "fine_vnd",
    "licence_suspended_months",
    "licence_withdrawn",
    "other_measures",
    "payment_status",
    "paid_on",
    "criminal_referral",
    "referral_date",
    "referral_to",
)


def _decree_check(sanction: Sanction, *, chosen: bool) -> None:
    """The decree must be in force on the decision date; none chosen: the one in force."""
    on = sanction.decision_date
    in_force = decree_in_force(on)
    decree: SanctionDecree | None = sanction.decree
    if decree is None or (not chosen and not decree.in_force_on(on)):
        sanction.decree = in_force
        return
    if not decree.in_force_on(on):
        if in_force is None:
            raise ServiceError(
                _("Nghị định %(c)s không có hiệu lực vào ngày %(d)s.")
                % {"c": decree.code, "d": day_text(on)}
            )
        raise ServiceError(
            _(
                "Nghị định %(c)s không có hiệu lực vào ngày %(d)s; nghị định có hiệu lực khi đó "
                "là %(f)s."
            )
            % {"c": decree.code, "d": day_text(on), "f": in_force.code}
        )


def _sanction_check(sanction: Sanction, *, decree_chosen: bool) -> None:
    current = today()
    on = sanction.decision_date
    if on is None:
        raise ServiceError(_("Cần nhập ngày quyết định."))
    if on > current:
        raise ServiceError(_("Ngày quyết định %(d)s ở tương lai.") % {"d": day_text(on)})
    inspection = sanction.inspection
    if inspection is not None and on < inspection.date:
        raise ServiceError(
            _("Ngày quyết định phải từ ngày kiểm tra (%(d)s) trở đi.")
            % {"d": day_text(inspection.date)}
        )
    _decree_check(sanction, chosen=decree_chosen)
    sanction.decision_number = clean_text(Sanction, "decision_number", sanction.decision_number)
    sanction.article = clean_text(Sanction, "article", sanction.article)
    sanction.offender_kind = choice(sanction.offender_kind, OffenderKind, _("Đối tượng"))
    sanction.offender_name = clean_text(
        Sanction, "offender_name", sanction.offender_name, required=True
    )
    sanction.act = clean_text(Sanction, "act", sanction.act, required=True)
    sanction.other_measures = clean_text(Sanction, "other_measures", sanction.other_measures)
    sanction.fine_vnd = whole_number(sanction.fine_vnd, _("Số tiền phạt"))
    sanction.licence_suspended_months = whole_number(
        sanction.licence_suspended_months,
        _("Số tháng tước giấy phép, đình chỉ"),
        maximum=MAX_SUSPENSION_MONTHS,
    )
    sanction.licence_withdrawn = bool(sanction.licence_withdrawn)
    sanction.criminal_referral = bool(sanction.criminal_referral)
    if not sanction.decision_number and not sanction.criminal_referral:
        raise ServiceError(
            _("Cần nhập số quyết định xử phạt (hoặc đánh dấu chuyển xử lý hình sự).")
        )
    _payment_check(sanction, current)
    _referral_check(sanction, current)
    _refuse_duplicate_number(sanction)


def _payment_check(sanction: Sanction, today: dt.date) -> None:
    sanction.payment_status = choice(
        sanction.payment_status, PaymentStatus, _("Tình trạng nộp phạt")
    )
    paid_on = sanction.paid_on
    if sanction.payment_status == PaymentStatus.PAID and paid_on is None:
        raise ServiceError(_("Đã nộp phạt: cần nhập ngày nộp."))
    if sanction.payment_status == PaymentStatus.UNPAID and paid_on is not None:
        raise ServiceError(_("Chưa nộp phạt thì không ghi ngày nộp."))
    if paid_on is not None:
        if paid_on < sanction.decision_date:
            raise ServiceError(
                _("Ngày nộp phạt %(p)s trước ngày quyết định %(d)s.")
                % {"p": day_text(paid_on), "d": day_text(sanction.decision_date)}
            )
        if paid_on > today:
            raise ServiceError(_("Ngày nộp phạt %(p)s ở tương lai.") % {"p": day_text(paid_on)})


def _referral_check(sanction: Sanction, today: dt.date) -> None:
    sanction.referral_to = clean_text(Sanction, "referral_to", sanction.referral_to)
    if not sanction.criminal_referral:
        if sanction.referral_date or sanction.referral_to:
            raise ServiceError(_("Ngày chuyển và cơ quan nhận chỉ ghi khi chuyển xử lý hình sự."))
        return
    if sanction.referral_date is None or not sanction.referral_to:
        raise ServiceError(_("Chuyển xử lý hình sự: cần nhập ngày chuyển và cơ quan nhận."))
    if sanction.referral_date > today:
        raise ServiceError(
            _("Ngày chuyển %(d)s ở tương lai.") % {"d": day_text(sanction.referral_date)}
        )
    inspection = sanction.inspection
    if inspection is not None and sanction.referral_date < inspection.date:
        raise ServiceError(
            _("Ngày chuyển phải từ ngày kiểm tra (%(d)s) trở đi.")
            % {"d": day_text(inspection.date)}
        )


def _refuse_duplicate_number(sanction: Sanction) -> None:
    """A decision number is used once per unit and year, however it is typed."""
    if not sanction.decision_number:
        return
    # Serialise writers of one unit (PostgreSQL), so two requests cannot both pass.
    AdministrativeUnit.objects.select_for_update().filter(pk=sanction.unit_id).first()
    year = sanction.decision_date.year
    wanted = fold(sanction.decision_number).replace(" ", "")
    same_year = Sanction.objects.filter(unit_id=sanction.unit_id, decision_date__year=year)
    if sanction.pk:
        same_year = same_year.exclude(pk=sanction.pk)
    for other in same_year.exclude(decision_number="").only("decision_number", "decision_date"):
        if fold(other.decision_number).replace(" ", "") == wanted:
            raise ServiceError(
                _(
                    "Số quyết định %(n)s đã được dùng ở %(u)s trong năm %(y)d (quyết định ngày "
                    "%(d)s)."
                )
                % {
                    "n": sanction.decision_number,
                    "u": sanction.unit.name,
                    "y": year,
                    "d": day_text(other.decision_date),
                }
            )


@transaction.atomic
def sanction_create(
    *,
    actor: Any,
    decision_date: dt.date | None,
    offender_name: str,
    act: str,
    inspection: Inspection | None = None,
    business: Business | None = None,
    unit: AdministrativeUnit | None = None,
    decree: SanctionDecree | None = None,
    **fields: Any,
) -> Sanction:
    """Record a sanction decision (or a criminal referral): after an inspection, or for a
    business or a unit without one. Other fields: SANCTION_FIELDS; the fine may be typed
    with Vietnamese separators ("1.500.000"); no decree: the one in force on the date."""
    refuse_unknown(fields, SANCTION_FIELDS)
    if inspection is not None:
        if business is not None and business.pk != inspection.business_id:
            raise ServiceError(_("Cơ sở phải là cơ sở của cuộc kiểm tra."))
        business, unit = inspection.business, inspection.unit
    elif business is not None:
        unit = business.unit
    if unit is None:
        raise ServiceError(_("Cần chọn cuộc kiểm tra, cơ sở hoặc đơn vị của quyết định."))
    require_manage(actor, unit)
    if decision_date is None:
        raise ServiceError(_("Cần nhập ngày quyết định."))
    sanction = Sanction(
        inspection=inspection,
        business=business,
        unit=unit,
        decision_date=decision_date,
        decree=decree,
        offender_name=offender_name,
        act=act,
        **fields,
    )
    _sanction_check(sanction, decree_chosen=decree is not None)
    save_new(actor, sanction)
    return sanction


@transaction.atomic
def sanction_update(*, actor: Any, sanction: Sanction, **changes: Any) -> Sanction:
    """Change the given fields (SANCTION_FIELDS); what it sanctions never changes. A new
    decision date with no decree given moves an automatic decree to the one then in force."""
    refuse_unknown(changes, SANCTION_FIELDS)
    require_manage(actor, sanction.unit)
    before = snapshot(sanction)
    for field, value in changes.items():
        setattr(sanction, field, value)
    _sanction_check(sanction, decree_chosen=changes.get("decree") is not None)
    save_changes(actor, sanction, before)
    return sanction


@transaction.atomic
def sanction_delete(*, actor: Any, sanction: Sanction) -> None:
    require_manage(actor, sanction.unit)
    delete_logged(actor, sanction)
