"""Plausible periodic reports for every commune of both hierarchies, 2021 to today.

Used by `pcmd demo-data` and by benchmarks/rollup.py. The numbers are random but
deterministic (seeded by period and unit), respect the form's validation rules, grow
better over the years, and differ between communes (urban wards are larger), so
dashboards have something to rank and trends something to show.
"""

import datetime as dt
from collections.abc import Iterator

import numpy as np
from django.utils import timezone

from pcmd.accounts.models import Membership
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.reporting.models import Form, ReportState
from pcmd.reporting.periods import CutOff, Period, due_date, parse_period
from pcmd.reporting.services.bulk import reports_bulk_load

FORM_CODE = "PCMD_PERIODIC"
FIRST_YEAR = 2021
KINDS = [
    "hotel_guest_house",
    "karaoke",
    "bar_dance_hall",
    "massage_sauna",
    "barber_hair_wash",
    "cafe",
    "other",
]
KIND_RATE = np.array([2.0, 1.0, 0.3, 0.8, 1.2, 1.5, 0.5])
AUDIENCES = ["students", "business_workers", "industrial_zone_workers", "residents"]
AUDIENCE_RATE = np.array([0.8, 0.6, 0.3, 1.2])
AGENCIES = ["police", "labour_social_affairs", "culture", "health", "other"]
AGENCY_SHARE = [0.6, 0.15, 0.15, 0.05, 0.05]
SERVICES = [
    "health_hiv_sti",
    "methadone",
    "psychological_counselling",
    "legal_aid",
    "vocational_training",
    "jobs",
    "loans",
    "social_assistance",
]
RESULTS = [
    "Duy trì tuyên truyền trên hệ thống loa truyền thanh và tại các thôn, tổ dân phố.",
    "Phối hợp kiểm tra các cơ sở kinh doanh dịch vụ nhạy cảm trên địa bàn.",
    "Tổ chức sinh hoạt chuyên đề cho đoàn viên, hội viên về phòng, chống mại dâm.",
]
DIFFICULTIES = [
    "Lực lượng làm công tác phòng, chống mại dâm còn kiêm nhiệm.",
    "Kinh phí cho công tác tuyên truyền còn hạn chế.",
    "Hoạt động mại dâm trá hình qua mạng xã hội khó phát hiện.",
]
PROPOSALS = [
    "Đề nghị cấp trên tiếp tục tập huấn nghiệp vụ cho cán bộ cơ sở.",
    "Đề nghị bổ sung kinh phí cho hoạt động truyền thông.",
]


LATE_SHARE = 0.08


def _spread(unit_id: int, period: Period) -> float:
    """A stable pseudo-random number in [0, 1) per unit and period."""
    return ((unit_id * 2654435761 + period.year * 40503 + period.start.month) % 10007) / 10007


def demo_periods(today: dt.date | None = None) -> list[Period]:
    """Six-monthly periods from 2021 to the last one that has ended."""
    today = today or dt.date.today()
    out = []
    period = parse_period(f"{FIRST_YEAR}S1")
    while period.end < today:
        out.append(period)
        period = period.next()
    return out


def communes_of(period: Period) -> list[tuple[int, str]]:
    """(id, kind) of the communes that existed at the end of the period."""
    return list(
        AdministrativeUnit.objects.filter(valid_at(period.end), level=UnitLevel.COMMUNE)
        .order_by("pk")
        .values_list("pk", "kind")
    )


def generate(
    period: Period, units: list[tuple[int, str]]
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """(unit id, values, narratives) for each unit, consistent with the validation rules."""
    n = len(units)
    ids = np.array([u for u, _k in units], dtype=np.int64)
    urban = np.array([k == "phuong" for _u, k in units])
    size = 0.5 + ((ids * 2654435761) % 1000) / 400.0 + urban * 1.5
    progress = min(max((period.year - FIRST_YEAR) / 5.0, 0.0), 1.0)
    second_half = period.code.endswith("S2")
    rng = np.random.default_rng([period.year, 2 if second_half else 1])

    kinds = rng.poisson(size[:, None] * KIND_RATE[None, :])
    at_risk = kinds.sum(axis=1)
    inspected = rng.binomial(at_risk, min(0.2 + 0.3 * progress + 0.2 * second_half, 0.95))
    phase = inspected + rng.binomial(at_risk - inspected, 0.2 + 0.5 * progress)
    inspections = inspected + rng.poisson(0.5 * size)
    violations = rng.binomial(inspected, 0.15)
    handled = rng.binomial(violations, 0.9)
    sanctions = rng.binomial(violations, 0.8)
    by_agency = (
        np.array([rng.multinomial(s, AGENCY_SHARE) for s in sanctions]) if n else np.zeros((0, 5))
    )
    fines = sanctions * rng.integers(4, 40, n) * 500_000
    suspensions = rng.binomial(sanctions, 0.1)
    hotspots = rng.poisson(0.05 * size)
    cases = rng.poisson(0.03 * size)
    suspects = cases + rng.poisson(cases)
    tips = rng.poisson(0.6 * size)
    tips_on_time = rng.binomial(tips, min(0.8 + 0.15 * progress, 1.0))
    active = rng.random(n) > 0.25 * (1 - progress) + 0.03
    audience = rng.poisson(size[:, None] * AUDIENCE_RATE[None, :] * (0.6 + 0.6 * progress))
    audience = audience * active[:, None]
    participants_f = rng.poisson(audience.sum(axis=1) * 18)
    participants_m = rng.poisson(audience.sum(axis=1) * 15)
    media = rng.poisson(3 * size * (0.7 + 0.5 * progress))
    workers = rng.poisson(size * 12) + 1
    workers_reached = rng.binomial(workers, 0.5 + 0.3 * progress)
    iz = rng.poisson(size * 30) * (rng.random(n) < 0.3)
    iz_reached = rng.binomial(iz, 0.4 + 0.3 * progress)
    students = rng.poisson(size * 400)
    students_reached = rng.binomial(students, 0.5 + 0.3 * progress)
    has_plan = rng.random(n) < 0.75 + 0.2 * progress
    integrates = rng.random(n) < 0.5 + 0.3 * progress
    needs_f = rng.poisson(size * 0.4)
    needs_m = rng.poisson(size * 0.05)
    reached_f = rng.binomial(needs_f, 0.6 + 0.3 * progress)
    reached_m = rng.binomial(needs_m, 0.6 + 0.3 * progress)
    service_needs = rng.poisson(size[:, None] * 0.2, (n, len(SERVICES)))
    service_got = rng.binomial(service_needs, 0.6 + 0.3 * progress)
    checked = rng.binomial(workers, 0.4)
    support = rng.random(n) < 0.3 + 0.3 * progress
    pilots = (rng.random(n) < 0.05 + 0.1 * progress).astype(int)
    peers = (rng.random(n) < 0.03).astype(int)
    courses = rng.poisson(0.5 * size)
    staff = rng.poisson(8, n) + 3
    trained = rng.binomial(staff, 0.4 + 0.4 * progress)
    healthy_new = (rng.random(n) < 0.03).astype(int)
    healthy_kept = (rng.random(n) < 0.3 + 0.2 * progress).astype(int)
    allocated = rng.poisson(size * 20) * 1_000_000
    spent = (allocated * rng.uniform(0.6, 1.0, n)).astype(np.int64) // 1000 * 1000

    for i in range(n):
        values: dict[str, str] = {
            "MEDIA_ITEMS": str(media[i]),
            "BUSINESS_WORKERS_TOTAL": str(workers[i]),
            "BUSINESS_WORKERS_REACHED": str(workers_reached[i]),
            "IZ_WORKERS_TOTAL": str(iz[i]),
            "IZ_WORKERS_REACHED": str(iz_reached[i]),
            "STUDENTS_TOTAL": str(students[i]),
            "STUDENTS_REACHED": str(students_reached[i]),
            "HAS_PCMD_PLAN": "true" if has_plan[i] else "false",
            "INTEGRATES_PCMD": "true" if integrates[i] else "false",
            "TIPS_RECEIVED": str(tips[i]),
            "TIPS_PROCESSED_ON_TIME": str(tips_on_time[i]),
            "BUSINESSES_INSPECTED": str(inspected[i]),
            "BUSINESSES_INSPECTED_PHASE": str(phase[i]),
            "INSPECTIONS_CONDUCTED": str(inspections[i]),
            "VIOLATIONS_FOUND": str(violations[i]),
            "VIOLATIONS_HANDLED": str(handled[i]),
            "FINES_VND": str(fines[i]),
            "LICENCE_SUSPENSIONS": str(suspensions[i]),
            "HOTSPOTS_DISMANTLED": str(hotspots[i]),
            "CRIMINAL_CASES": str(cases[i]),
            "CRIMINAL_SUSPECTS": str(suspects[i]),
            "SEX_WORKERS_WITH_NEEDS.female": str(needs_f[i]),
            "SEX_WORKERS_WITH_NEEDS.male": str(needs_m[i]),
            "SEX_WORKERS_REACHED.female": str(reached_f[i]),
            "SEX_WORKERS_REACHED.male": str(reached_m[i]),
            "AWARENESS_PARTICIPANTS.female": str(participants_f[i]),
            "AWARENESS_PARTICIPANTS.male": str(participants_m[i]),
            "WORKERS_HEALTH_CHECKED": str(checked[i]),
            "HAS_SUPPORT_ACTIVITIES": "true" if support[i] else "false",
            "PILOT_MODELS": str(pilots[i]),
            "PEER_GROUPS": str(peers[i]),
            "TRAINING_COURSES": str(courses[i]),
            "STAFF_TOTAL.commune": str(staff[i]),
            "STAFF_TRAINED.commune": str(trained[i]),
            "HEALTHY_COMMUNES_NEW": str(healthy_new[i]),
            "HEALTHY_COMMUNES_MAINTAINED": str(healthy_kept[i]),
            "BUDGET_ALLOCATED": str(allocated[i]),
            "BUDGET_SPENT": str(spent[i]),
        }
        # Disaggregated cells: a zero cell is left blank, as people fill such tables.
        for j, kind in enumerate(KINDS):
            if kinds[i, j]:
                values[f"AT_RISK_BUSINESSES.{kind}"] = str(kinds[i, j])
        if not at_risk[i]:
            values["AT_RISK_BUSINESSES.other"] = "0"
        for j, group in enumerate(AUDIENCES):
            if audience[i, j] or j == len(AUDIENCES) - 1:
                values[f"AWARENESS_ACTIVITIES.{group}"] = str(audience[i, j])
        for j, agency in enumerate(AGENCIES):
            if by_agency[i, j] or j == 0:
                values[f"SANCTIONS_DECIDED.{agency}"] = str(by_agency[i, j])
        for j, service in enumerate(SERVICES):
            if service_needs[i, j]:
                values[f"SERVICE_NEEDS.{service}"] = str(service_needs[i, j])
                values[f"SERVICES_RECEIVED.{service}"] = str(service_got[i, j])
        narratives = {
            "results": RESULTS[int(ids[i]) % len(RESULTS)],
            "difficulties": DIFFICULTIES[int(ids[i]) % len(DIFFICULTIES)],
            "proposals": PROPOSALS[int(ids[i]) % len(PROPOSALS)],
        }
        yield int(ids[i]), values, narratives


def demo_reports_load(
    *, periods: list[Period] | None = None, in_progress_share: float = 0.4, reason: str = "demo"
) -> int:
    """Load approved reports for every ended period, and submitted ones for a share of
    the communes in the current period (so completeness and approvals have work).
    Returns the number of values loaded (0 when everything was there already)."""
    form = Form.objects.get(code=FORM_CODE)
    loaded = 0
    for period in periods if periods is not None else demo_periods():
        due = due_date(period, form.due_rule, CutOff(form.cutoff))
        units = communes_of(period)
        # Most reports arrive a few days before the due date; about one in twelve is late.
        late = [u for u in units if _spread(u[0], period) < LATE_SHARE]
        on_time = [u for u in units if _spread(u[0], period) >= LATE_SHARE]
        for group, day in (
            (on_time, due - dt.timedelta(days=3)),
            (late, due + dt.timedelta(days=6)),
        ):
            submitted = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
            loaded += reports_bulk_load(
                actor=None,
                form=form,
                period=period.code,
                reports=generate(period, group),
                state=ReportState.APPROVED,
                submitted_at=submitted,
                reason=reason,
            )
    if periods is None and in_progress_share > 0:
        current = demo_periods()[-1].next() if demo_periods() else None
        if current is not None and current.start <= dt.date.today():
            units = communes_of(current)
            # Not the communes of the demo accounts: their officers have this report to do.
            members = set(Membership.objects.values_list("unit_id", flat=True))
            chosen = [
                u
                for u in units
                if _spread(u[0], current) < in_progress_share and u[0] not in members
            ]
            loaded += reports_bulk_load(
                actor=None,
                form=form,
                period=current.code,
                reports=generate(current, chosen),
                state=ReportState.SUBMITTED,
                submitted_at=timezone.now(),
                reason=reason,
            )
    return loaded
