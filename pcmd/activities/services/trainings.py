"""Writes of training courses, their participant counts and named participants, and of
the staff counts per unit.

Each function checks Perm.ACTIVITY_MANAGE on the organising unit, validates, writes in one
transaction and records every change (count rows and participants included). A refusal is
a ServiceError (or PermissionDenied) with a Vietnamese message. `actor=None` is the system.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.activities.models import (
    LEVEL_OF_UNIT,
    LEVEL_RANK,
    AgencyGroup,
    Level,
    Participant,
    ParticipantCount,
    Sex,
    StaffCount,
    Training,
)
from pcmd.activities.services.common import MAX_COUNT, check_unit, require_manage
from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.records import (
    choice,
    clean_text,
    day_text,
    delete_logged,
    kept_on_refusal,
    refuse_unknown,
    save_changes,
    save_new,
    today,
    whole_number,
)
from pcmd.core.text import nfc
from pcmd.geo.models import LAST_PRE_REFORM_DAY, AdministrativeUnit
from pcmd.orgs.models import Agency

# (level, agency type, sex): one cell of a course's participant grid.
Cell = tuple[str, str, str]
CELLS: list[Cell] = [
    (lv, ag, sx) for lv in Level.values for ag in AgencyGroup.values for sx in Sex.values
]

TRAINING_FIELDS = (
    "unit",
    "title",
    "organiser_agency",
    "organiser_name",
    "start",
    "end",
    "level",
    "topics",
    "trainers",
    "notes",
)
PARTICIPANT_FIELDS = ("full_name", "position", "agency", "agency_name", "unit")
STAFF_FIELDS = ("year", "level", "count", "notes")
FIRST_YEAR = 2000


def cell_label(cell: Cell) -> str:
    """ "Cấp xã – Công an – Nữ": how a grid cell is named in messages and exports."""
    level, agency_type, sex = cell
    return " – ".join(
        str(label) for label in (Level(level).label, AgencyGroup(agency_type).label, Sex(sex).label)
    )


def _level_fits(level: str, unit: AdministrativeUnit) -> bool:
    """A unit keeps records of its own level and the levels below it."""
    own = LEVEL_OF_UNIT.get(unit.level)
    return own is None or LEVEL_RANK[level] >= LEVEL_RANK[own]


# ---- courses ----------------------------------------------------------------------------


def _training_check(training: Training) -> None:
    unit = training.unit
    training.title = clean_text(Training, "title", training.title, required=True)
    training.organiser_name = clean_text(Training, "organiser_name", training.organiser_name)
    for field in ("topics", "trainers", "notes"):
        setattr(training, field, nfc(getattr(training, field) or ""))
    start, end = training.start, training.end
    if start is None or end is None:
        raise ServiceError(_("Cần nhập thời gian tổ chức lớp (từ ngày, đến ngày)."))
    if end < start:
        raise ServiceError(
            _("Ngày kết thúc (%(e)s) phải từ ngày bắt đầu (%(s)s) trở đi.")
            % {"e": day_text(end), "s": day_text(start)}
        )
    if end > today():
        raise ServiceError(
            _("Ngày kết thúc %(e)s ở tương lai: chỉ ghi nhận lớp tập huấn đã tổ chức.")
            % {"e": day_text(end)}
        )
    check_unit(unit, end)
    if not training.level:
        training.level = LEVEL_OF_UNIT.get(unit.level, "")
    training.level = choice(training.level, Level, _("Cấp tổ chức"), list_accepted=True)
    if not _level_fits(training.level, unit):
        raise ServiceError(
            _("%(unit)s không tổ chức lớp %(level)s.")
            % {"unit": unit.name, "level": str(Level(training.level).label).lower()}
        )
    if training.level == Level.DISTRICT and end > LAST_PRE_REFORM_DAY:
        raise ServiceError(_("Lớp cấp huyện chỉ ghi nhận cho thời gian trước 01/07/2025."))
    agency: Agency | None = training.organiser_agency
    if agency is not None and agency.unit_id != unit.pk:
        raise ServiceError(
            _(
                "%(a)s không phải là cơ quan của %(u)s: chọn cơ quan của đơn vị tổ chức hoặc "
                "ghi tên."
            )
            % {"a": agency.name, "u": unit.name}
        )
    if agency is None and not training.organiser_name:
        raise ServiceError(_("Cần chọn cơ quan tổ chức hoặc ghi tên đơn vị tổ chức."))


def _read_counts(counts: Iterable[Mapping[str, Any]]) -> dict[Cell, int]:
    """The grid as typed: each row names its cell once; zero cells are dropped."""
    grid: dict[Cell, int] = {}
    for row in counts:
        level = choice(row.get("level"), Level, _("Cấp của học viên"), list_accepted=True)
        agency_type = choice(
            row.get("agency_type"), AgencyGroup, _("Cơ quan của học viên"), list_accepted=True
        )
        sex = choice(row.get("sex"), Sex, _("Giới tính của học viên"), list_accepted=True)
        cell = (level, agency_type, sex)
        if cell in grid:
            raise ServiceError(
                _("Số học viên %(cell)s được nhập hai lần.") % {"cell": cell_label(cell)}
            )
        grid[cell] = whole_number(
            row.get("count"),
            _("Số học viên %(cell)s") % {"cell": cell_label(cell)},
            maximum=MAX_COUNT,
        )
    return {cell: n for cell, n in grid.items() if n}


def _check_grid(training: Training, grid: Mapping[Cell, int]) -> None:
    if training.end and training.end > LAST_PRE_REFORM_DAY:
        district = [cell for cell, n in grid.items() if n and cell[0] == Level.DISTRICT]
        if district:
            raise ServiceError(
                _("Lớp kết thúc sau 30/06/2025: không còn học viên cấp huyện (%(cell)s).")
                % {"cell": cell_label(district[0])}
            )


def _current_grid(training: Training) -> dict[Cell, int]:
    return {(c.level, c.agency_type, c.sex): c.count for c in training.counts.all()}


def _write_grid(actor: Any, training: Training, grid: Mapping[Cell, int]) -> bool:
    """Make the course's count rows hold `grid`, recording each row added, changed or
    removed. True when anything changed."""
    rows = {(c.level, c.agency_type, c.sex): c for c in training.counts.all()}
    changed = False
    for cell, row in rows.items():
        if cell not in grid:
            delete_logged(actor, row)
            changed = True
    for cell in sorted(grid):
        existing = rows.get(cell)
        if existing is None:
            level, agency_type, sex = cell
            save_new(
                actor,
                ParticipantCount(
                    training=training,
                    level=level,
                    agency_type=agency_type,
                    sex=sex,
                    count=grid[cell],
                ),
            )
            changed = True
        elif existing.count != grid[cell]:
            before = snapshot(existing)
            existing.count = grid[cell]
            changed |= save_changes(actor, existing, before)
    return changed


@transaction.atomic
def training_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    title: str,
    start: dt.date | None,
    end: dt.date | None,
    level: str = "",
    organiser_agency: Agency | None = None,
    organiser_name: str = "",
    topics: str = "",
    trainers: str = "",
    notes: str = "",
    counts: Iterable[Mapping[str, Any]] = (),
    participants: Iterable[Mapping[str, Any]] = (),
) -> Training:
    """Record a course `unit` held. `counts`: rows {level, agency_type, sex, count} (codes of
    the catalogue; each cell once; zero rows are not kept); `participants`: named
    participants {full_name, position, agency, agency_name, unit}. The course level
    defaults to the unit's; the end may not be in the future (a course held)."""
    require_manage(actor, unit)
    training = Training(  # type: ignore[misc]  # missing dates are refused below
        unit=unit,
        title=title,
        start=start,
        end=end,
        level=level,
        organiser_agency=organiser_agency,
        organiser_name=organiser_name,
        topics=topics,
        trainers=trainers,
        notes=notes,
    )
    _training_check(training)
    grid = _read_counts(counts)
    _check_grid(training, grid)
    save_new(actor, training)
    _write_grid(actor, training, grid)
    for person in participants:
        _participant_add(actor, training, dict(person))
    return training


@transaction.atomic
def training_update(
    *,
    actor: Any,
    training: Training,
    counts: Iterable[Mapping[str, Any]] | None = None,
    participants: Iterable[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> Training:
    """Change the given fields (TRAINING_FIELDS); `counts` replaces the whole grid and
    `participants` the list of named participants when given."""
    refuse_unknown(changes, TRAINING_FIELDS)
    require_manage(actor, training.unit)
    if changes.get("unit") is not None and changes["unit"].pk != training.unit_id:
        require_manage(actor, changes["unit"])
        if "level" not in changes:
            changes["level"] = ""  # the new unit's own level
    elif "unit" in changes:
        del changes["unit"]
    before = snapshot(training)
    with kept_on_refusal(training):
        for field, value in changes.items():
            setattr(training, field, value)
        _training_check(training)
        grid = _read_counts(counts) if counts is not None else _current_grid(training)
        _check_grid(training, grid)
    save_changes(actor, training, before)
    if counts is not None:
        _write_grid(actor, training, grid)
    if participants is not None:
        for person in training.participants.all():
            delete_logged(actor, person)
        for item in participants:
            _participant_add(actor, training, dict(item))
    return training


@transaction.atomic
def training_delete(*, actor: Any, training: Training) -> None:
    """Delete a course recorded by mistake, with its counts and named participants."""
    require_manage(actor, training.unit)
    for row in training.counts.all():
        change_record(actor=actor, action=Action.DELETE, obj=row, before=snapshot(row))
    for person in training.participants.all():
        change_record(actor=actor, action=Action.DELETE, obj=person, before=snapshot(person))
    delete_logged(actor, training)


# ---- named participants -----------------------------------------------------------------


def _participant_check(training: Training, person: Participant) -> None:
    person.full_name = clean_text(Participant, "full_name", person.full_name, required=True)
    person.position = clean_text(Participant, "position", person.position)
    person.agency_name = clean_text(Participant, "agency_name", person.agency_name)
    organiser = training.unit
    agency: Agency | None = person.agency
    if agency is not None:
        if person.unit is None:
            person.unit = agency.unit
        elif agency.unit_id != person.unit.pk:
            raise ServiceError(
                _("%(a)s không thuộc %(u)s.") % {"a": agency.name, "u": person.unit.name}
            )
    unit: AdministrativeUnit | None = person.unit
    if unit is not None and not (
        unit.path.startswith(organiser.path) or unit.pk == organiser.parent_id
    ):
        raise ServiceError(
            _(
                "Học viên %(p)s công tác ở %(u)s: chỉ ghi học viên của %(o)s, cấp trên trực tiếp "
                "hoặc các đơn vị trực thuộc."
            )
            % {"p": person.full_name, "u": unit.name, "o": organiser.name}
        )


def _participant_add(actor: Any, training: Training, fields: dict[str, Any]) -> Participant:
    refuse_unknown(fields, PARTICIPANT_FIELDS)
    person = Participant(training=training, **fields)
    _participant_check(training, person)
    save_new(actor, person)
    return person


@transaction.atomic
def participant_add(
    *,
    actor: Any,
    training: Training,
    full_name: str,
    position: str = "",
    agency: Agency | None = None,
    agency_name: str = "",
    unit: AdministrativeUnit | None = None,
) -> Participant:
    """Name a participant of a course (their unit: the agency's when not given)."""
    require_manage(actor, training.unit)
    return _participant_add(
        actor,
        training,
        {
            "full_name": full_name,
            "position": position,
            "agency": agency,
            "agency_name": agency_name,
            "unit": unit,
        },
    )


@transaction.atomic
def participant_update(*, actor: Any, participant: Participant, **changes: Any) -> Participant:
    """Change the given fields (PARTICIPANT_FIELDS)."""
    refuse_unknown(changes, PARTICIPANT_FIELDS)
    training = participant.training
    require_manage(actor, training.unit)
    before = snapshot(participant)
    with kept_on_refusal(participant):
        for field, value in changes.items():
            setattr(participant, field, value)
        _participant_check(training, participant)
    save_changes(actor, participant, before)
    return participant


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    require_manage(actor, participant.training.unit)
    delete_logged(actor, participant)


# ---- staff counts -----------------------------------------------------------------------


def _staff_check(row: StaffCount) -> None:
    unit = row.unit
    year = whole_number(row.year, _("Năm"), maximum=9999)
    if not FIRST_YEAR <= year <= today().year:
        raise ServiceError(
            _("Năm %(y)s không hợp lệ: từ %(a)d đến %(b)d.")
            % {"y": row.year, "a": FIRST_YEAR, "b": today().year}
        )
    row.year = year
    check_unit(unit, dt.date(year, 1, 1))
    if not row.level:
        row.level = LEVEL_OF_UNIT.get(unit.level, "")
    row.level = choice(row.level, Level, _("Cấp"), list_accepted=True)
    if not _level_fits(row.level, unit):
        raise ServiceError(
            _("%(unit)s không ghi số cán bộ %(level)s.")
            % {"unit": unit.name, "level": str(Level(row.level).label).lower()}
        )
    if row.level == Level.DISTRICT and year > LAST_PRE_REFORM_DAY.year:
        raise ServiceError(_("Từ năm 2026 không còn cán bộ cấp huyện."))
    row.count = whole_number(row.count, _("Số cán bộ"), maximum=MAX_COUNT)
    row.notes = clean_text(StaffCount, "notes", row.notes)
    same = StaffCount.objects.filter(unit=unit, year=row.year, level=row.level)
    if row.pk:
        same = same.exclude(pk=row.pk)
    if same.exists():
        raise ServiceError(
            _("%(unit)s đã có số cán bộ %(level)s năm %(y)d: sửa dòng đó thay vì thêm mới.")
            % {"unit": unit.name, "level": str(Level(row.level).label).lower(), "y": row.year}
        )


@transaction.atomic
def staff_count_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    year: int | str | None,
    count: int | str | None,
    level: str = "",
    notes: str = "",
) -> StaffCount:
    """How many staff `unit` has at `level` (its own by default, or one below) in `year`;
    one row per unit, year and level."""
    require_manage(actor, unit)
    if year in (None, ""):
        raise ServiceError(_("Cần nhập năm."))
    if count in (None, ""):
        raise ServiceError(_("Cần nhập số cán bộ."))
    # year and count as typed: _staff_check reads them.
    row = StaffCount(unit=unit, year=year, level=level, count=count, notes=notes)
    _staff_check(row)
    save_new(actor, row)
    return row


@transaction.atomic
def staff_count_update(*, actor: Any, staff_count: StaffCount, **changes: Any) -> StaffCount:
    """Change the given fields (STAFF_FIELDS); the unit never changes."""
    refuse_unknown(changes, STAFF_FIELDS)
    require_manage(actor, staff_count.unit)
    before = snapshot(staff_count)
    with kept_on_refusal(staff_count):
        for field, value in changes.items():
            if value is None and field in ("year", "count"):
                continue
            setattr(staff_count, field, value)
        _staff_check(staff_count)
    save_changes(actor, staff_count, before)
    return staff_count


@transaction.atomic
def staff_count_delete(*, actor: Any, staff_count: StaffCount) -> None:
    require_manage(actor, staff_count.unit)
    delete_logged(actor, staff_count)
