"""Plausible budget entries and commendations for the demo province (Hà Tĩnh) and its
current communes, from 2021 to today, so the allocation-versus-spending page and the
programme's sources have figures.

Made in bulk (a demo, not users' work) with one change-log entry for the whole load.
Running it again adds nothing.
"""

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.geo.models import LAST_PRE_REFORM_DAY, AdministrativeUnit, UnitLevel, valid_at
from pcmd.plans.models import Area, Plan
from pcmd.programme.models import (
    BudgetEntry,
    BudgetKind,
    Commendation,
    CommendationForm,
    CommendationLevel,
    FundingSource,
    RecipientKind,
)

PROVINCE = "Tỉnh Hà Tĩnh"
FIRST_YEAR = 2021
MILLION = 1_000_000
# What a province and a commune spend on, with each activity's share of the money.
PROVINCE_ACTIVITIES = [
    (Area.COMMUNICATION, "Tuyên truyền trên báo, đài phát thanh – truyền hình tỉnh", 0.3),
    (Area.INSPECTION_ENFORCEMENT, "Hoạt động của Đội kiểm tra liên ngành 178 tỉnh", 0.3),
    (Area.CAPACITY_BUILDING, "Tập huấn nghiệp vụ cho cán bộ cấp xã", 0.2),
    (Area.HARM_REDUCTION_SUPPORT, "Hỗ trợ hòa nhập cộng đồng, khám sàng lọc HIV/STI", 0.2),
]
COMMUNE_ACTIVITIES = [
    (Area.COMMUNICATION, "Tuyên truyền trên loa truyền thanh, hội nghị ở thôn, tổ dân phố", 0.5),
    (Area.INSPECTION_ENFORCEMENT, "Kiểm tra cơ sở kinh doanh dịch vụ trên địa bàn", 0.3),
    (Area.HEALTHY_COMMUNES, "Xây dựng xã, phường lành mạnh không có tệ nạn", 0.2),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phan", "Hoàng", "Võ", "Đặng", "Bùi", "Hồ", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đình", "Hữu", "Thanh", "Minh", "Quốc", "Thu"]
GIVEN = ["Hà", "Hùng", "Lan", "Nam", "Phương", "Sơn", "Thảo", "Tuấn", "Vinh", "Yến"]
COLLECTIVES = [
    "Công an {unit}",
    "Ủy ban nhân dân {unit}",
    "Hội Liên hiệp Phụ nữ {unit}",
    "Đoàn Thanh niên {unit}",
    "Trạm Y tế {unit}",
]


def _day(
    rng: random.Random, year: int, first_month: int, last_month: int, today: dt.date
) -> dt.date:
    day = dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))
    return min(day, today)


def _plan_of(unit: AdministrativeUnit, year: int) -> Plan | None:
    return (
        Plan.objects.filter(unit=unit, period_start__lte=year)
        .filter(period_end__gte=year)
        .order_by("-period_start", "-id")
        .first()
    ) or Plan.objects.filter(unit=unit, period_start=year).first()


def _budget(
    rng: random.Random,
    unit: AdministrativeUnit,
    year: int,
    today: dt.date,
    *,
    sources: Sequence[tuple[str, int]],
    activities: Sequence[tuple[str, str, float]],
    number: str,
) -> list[BudgetEntry]:
    """A unit's allocations for the year (one per source) and its spending by activity."""
    entries: list[BudgetEntry] = []
    plan = _plan_of(unit, year)
    allocated_on = _day(rng, year, 1, 3, today)
    # The current year is under way: only part of it is spent so far.
    progress = min(1.0, (today - dt.date(year, 1, 1)).days / 365)
    # Spending falls between the allocation and the year's end (or today).
    days = (min(dt.date(year, 12, 31), today) - allocated_on).days
    for source, amount in sources:
        entries.append(
            BudgetEntry(
                unit=unit,
                year=year,
                kind=BudgetKind.ALLOCATION,
                source=source,
                amount_vnd=amount,
                date=allocated_on,
                plan=plan,
                activity="Kinh phí thực hiện Chương trình phòng, chống mại dâm",
                document_number=f"{rng.randint(10, 400)}/{number}",
            )
        )
        # Most units spend 75–100% of what they got; one in eight a little more.
        rate = rng.uniform(1.02, 1.12) if rng.random() < 0.125 else rng.uniform(0.75, 1.0)
        to_spend = int(amount * rate * progress) // 100_000 * 100_000
        for area, activity, share in activities:
            spent = int(to_spend * share) // 100_000 * 100_000
            if spent <= 0:
                continue
            entries.append(
                BudgetEntry(
                    unit=unit,
                    year=year,
                    kind=BudgetKind.SPENDING,
                    source=source,
                    amount_vnd=spent,
                    date=allocated_on + dt.timedelta(days=rng.randint(0, days)),
                    plan=plan,
                    area=area,
                    activity=activity,
                    document_number=f"PC{rng.randint(1, 999):03d}",
                )
            )
    return entries


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _commendations(
    rng: random.Random,
    province: AdministrativeUnit,
    communes: list[AdministrativeUnit],
    year: int,
    today: dt.date,
) -> list[Commendation]:
    """The year-end commendations: the province's Bằng khen, and Giấy khen of districts
    (until 2025) or communes."""
    decided = dt.date(year, 12, rng.randint(15, 28))
    if decided > today:
        return []
    items: list[Commendation] = []
    number = f"{rng.randint(1000, 4000)}/QĐ-UBND"
    for commune in rng.sample(communes, k=min(len(communes), rng.randint(2, 4))):
        items.append(
            Commendation(
                unit=commune,
                recipient_kind=RecipientKind.COLLECTIVE,
                name=rng.choice(COLLECTIVES).format(
                    unit=commune.name[:1].lower() + commune.name[1:]
                ),
                level=CommendationLevel.PROVINCE,
                form=CommendationForm.CERTIFICATE_OF_MERIT,
                decision_number=number,
                decision_date=decided,
                issuer="Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh",
                reason=f"Có thành tích xuất sắc trong công tác phòng, chống mại dâm năm {year}",
            )
        )
    items.append(
        Commendation(
            unit=province,
            recipient_kind=RecipientKind.INDIVIDUAL,
            name=_person(rng),
            level=CommendationLevel.PROVINCE,
            form=CommendationForm.CERTIFICATE_OF_MERIT,
            decision_number=number,
            decision_date=decided,
            issuer="Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh",
            reason="Hoàn thành xuất sắc nhiệm vụ kiểm tra liên ngành phòng, chống mại dâm",
        )
    )
    level = (
        CommendationLevel.DISTRICT if decided <= LAST_PRE_REFORM_DAY else CommendationLevel.COMMUNE
    )
    for commune in rng.sample(communes, k=min(len(communes), rng.randint(1, 3))):
        items.append(
            Commendation(
                unit=commune,
                recipient_kind=RecipientKind.INDIVIDUAL,
                name=_person(rng),
                level=level,
                form=CommendationForm.LETTER_OF_COMMENDATION,
                decision_number=f"{rng.randint(100, 900)}/QĐ-UBND",
                decision_date=decided,
                issuer="Chủ tịch Ủy ban nhân dân huyện"
                if level == CommendationLevel.DISTRICT
                else f"Chủ tịch Ủy ban nhân dân {commune.name}",
                reason="Tích cực tham gia tuyên truyền, phát hiện và tố giác tệ nạn mại dâm",
            )
        )
    return items


@transaction.atomic
def demo_programme_load(seed: int = 2026) -> dict[str, int]:
    """Create the demo budget and commendations once; returns how many records were made
    ({} when the province is missing or already has them)."""
    today = timezone.localdate()
    province = AdministrativeUnit.objects.filter(
        valid_at(today), level=UnitLevel.PROVINCE, name=PROVINCE
    ).first()
    if province is None:
        return {}
    under = {"unit__path__startswith": province.path}
    if (
        BudgetEntry.objects.filter(**under).exists()
        or Commendation.objects.filter(**under).exists()
    ):
        return {}
    communes = list(
        AdministrativeUnit.objects.filter(
            valid_at(today), level=UnitLevel.COMMUNE, path__startswith=province.path
        ).order_by("path")
    )
    rng = random.Random(seed)
    entries: list[BudgetEntry] = []
    commendations: list[Commendation] = []
    for year in range(FIRST_YEAR, today.year + 1):
        province_sources = [
            (FundingSource.STATE_PROVINCE, rng.randint(4, 9) * 100 * MILLION),
            (FundingSource.INTEGRATED, rng.randint(1, 3) * 100 * MILLION),
        ]
        if rng.random() < 0.3:
            province_sources.append((FundingSource.AID, rng.randint(2, 6) * 50 * MILLION))
        entries += _budget(
            rng,
            province,
            year,
            today,
            sources=province_sources,
            activities=PROVINCE_ACTIVITIES,
            number="QĐ-UBND",
        )
        for commune in communes:
            sources = [(FundingSource.STATE_COMMUNE, rng.randint(5, 30) * MILLION)]
            if rng.random() < 0.4:
                sources.append((FundingSource.STATE_PROVINCE, rng.randint(5, 15) * MILLION))
            entries += _budget(
                rng,
                commune,
                year,
                today,
                sources=sources,
                activities=COMMUNE_ACTIVITIES,
                number="QĐ-UBND",
            )
        if communes:
            commendations += _commendations(rng, province, communes, year, today)
    BudgetEntry.objects.bulk_create(entries, batch_size=1000)
    Commendation.objects.bulk_create(commendations, batch_size=1000)
    # One entry for the whole demo load (its records are a demo, not users' work).
    first = BudgetEntry.objects.filter(**under).order_by("pk").first()
    if first is not None:
        change_record(actor=None, action=Action.CREATE, obj=first)
    return {"budget_entries": len(entries), "commendations": len(commendations)}
