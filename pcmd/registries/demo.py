"""Plausible registry records for the demo province (Hà Tĩnh): businesses, teams,
inspections, sanctions and tips from 2021 to today, so registry indicators have figures.

Made in bulk (a demo, not users' work) with one change-log entry per kind of record.
Running it again adds nothing.
"""

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils import timezone

from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.core.text import fold
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.registries.models import (
    Business,
    BusinessKind,
    BusinessStatus,
    Finding,
    Inspection,
    InspectionTeam,
    PaymentStatus,
    Sanction,
    SanctionDecree,
    TeamMember,
    Tip,
    TipCategory,
    TipChannel,
    TipConclusion,
    TipStatus,
)
from pcmd.registries.services.deadlines import deadline_for

PROVINCE = "Tỉnh Hà Tĩnh"
KINDS = [
    (BusinessKind.GUEST_HOUSE, "Nhà nghỉ", 0.28),
    (BusinessKind.HOTEL, "Khách sạn", 0.12),
    (BusinessKind.KARAOKE, "Karaoke", 0.25),
    (BusinessKind.MASSAGE, "Massage", 0.1),
    (BusinessKind.BARBER, "Cắt tóc gội đầu", 0.1),
    (BusinessKind.CAFE, "Cà phê", 0.1),
    (BusinessKind.BAR, "Bar", 0.05),
]
NAMES = ["Hoa Sen", "Bình Minh", "Sao Mai", "Phương Nam", "Hồng Lam", "Thiên Cầm", "Biển Xanh"]
STREETS = ["Trần Phú", "Lê Lợi", "Nguyễn Du", "Hà Huy Tập", "Phan Đình Phùng", "Quốc lộ 1A"]


def _decree_on(decrees: list[SanctionDecree], day: dt.date) -> SanctionDecree | None:
    return next((d for d in decrees if d.in_force_on(day)), None)


@transaction.atomic
def demo_registries_load(seed: int = 2026) -> dict[str, int]:
    """Create the demo registries once; returns how many records of each kind were made."""
    if Business.objects.exists():
        return {}
    today = dt.date.today()
    province = AdministrativeUnit.objects.filter(
        valid_at(today), level=UnitLevel.PROVINCE, name=PROVINCE
    ).first()
    if province is None:
        return {}
    communes = list(
        AdministrativeUnit.objects.filter(
            valid_at(today), level=UnitLevel.COMMUNE, path__startswith=province.path
        ).order_by("path")
    )
    rng = np.random.default_rng(seed)
    kinds, labels, weights = zip(*KINDS, strict=True)
    businesses: list[Business] = []
    for commune in communes:
        for _ in range(int(rng.integers(2, 9))):
            k = int(rng.choice(len(kinds), p=np.array(weights) / sum(weights)))
            name = f"{labels[k]} {NAMES[int(rng.integers(len(NAMES)))]} {int(rng.integers(1, 99))}"
            street = STREETS[int(rng.integers(len(STREETS)))]
            address = f"Số {int(rng.integers(1, 300))} đường {street}, {commune.name}"
            opened = dt.date(int(rng.integers(2012, 2026)), int(rng.integers(1, 13)), 1)
            closed = None
            if rng.random() < 0.12:
                closed = min(opened + dt.timedelta(days=int(rng.integers(200, 2500))), today)
            total = int(rng.integers(2, 25))
            businesses.append(
                Business(
                    unit=commune,
                    name=name,
                    name_folded=fold(name),
                    kind=kinds[k],
                    address=address,
                    address_folded=fold(address),
                    registration_number=f"28{int(rng.integers(10**7, 10**8))}",
                    registration_date=opened,
                    owner_name=f"Chủ cơ sở {name}",
                    workers_total=total,
                    workers_female=int(rng.integers(0, total + 1)),
                    status=BusinessStatus.CLOSED if closed else BusinessStatus.OPEN,
                    status_since=closed or opened,
                    opened_on=opened,
                    closed_on=closed,
                    commitment_signed=bool(rng.random() < 0.8),
                )
            )
    Business.objects.bulk_create(businesses, batch_size=1000)
    team = InspectionTeam.objects.create(
        unit=province,
        name="Đội kiểm tra liên ngành phòng, chống mại dâm tỉnh Hà Tĩnh",
        decision_number="125/QĐ-UBND",
        decision_date=dt.date(2021, 2, 1),
        valid_from=dt.date(2021, 2, 1),
    )
    members = TeamMember.objects.bulk_create(
        [
            TeamMember(
                team=team,
                full_name="Phan Văn Thành",
                position="Phó Giám đốc Sở Y tế",
                role="leader",
            ),
            TeamMember(team=team, full_name="Nguyễn Thị Hà", position="Cán bộ Công an tỉnh"),
            TeamMember(team=team, full_name="Lê Quốc Việt", position="Thanh tra Sở VHTTDL"),
        ]
    )
    decrees = list(SanctionDecree.objects.order_by("valid_from"))
    inspections: list[Inspection] = []
    for business in Business.objects.filter(unit__in=communes):
        for year in range(2021, today.year + 1):
            if rng.random() > 0.55:
                continue
            start = max(dt.date(year, 1, 1), business.opened_on or dt.date(year, 1, 1))
            end = min(dt.date(year, 12, 31), business.closed_on or today, today)
            if start > end:
                continue
            day = start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))
            violation = rng.random() < 0.15
            inspections.append(
                Inspection(
                    business=business,
                    unit_id=business.unit_id,
                    team=team,
                    date=day,
                    announced=bool(rng.random() < 0.3),
                    finding_prostitution=Finding.COMPLIANT,
                    finding_security=Finding.VIOLATION if violation else Finding.COMPLIANT,
                    finding_culture=Finding.COMPLIANT,
                    finding_labour=Finding.COMPLIANT,
                    finding_health=Finding.NOT_CHECKED,
                    violations_found=1 if violation else 0,
                    record_number=f"{int(rng.integers(1, 400))}/BB-KTLN" if violation else "",
                )
            )
    Inspection.objects.bulk_create(inspections, batch_size=1000)
    sanctions = []
    for n, inspection in enumerate(Inspection.objects.filter(violations_found__gt=0)):
        decided = min(inspection.date + dt.timedelta(days=int(rng.integers(1, 10))), today)
        sanctions.append(
            Sanction(
                inspection=inspection,
                business_id=inspection.business_id,
                unit_id=inspection.unit_id,
                decision_number=f"{n + 1}/QĐ-XPHC",
                decision_date=decided,
                decree=_decree_on(decrees, decided),
                offender_kind="organisation",
                offender_name=f"Cơ sở #{inspection.business_id}",
                act="Không thực hiện đúng quy định về điều kiện an ninh, trật tự",
                fine_vnd=int(rng.choice([2, 3, 5, 7, 10, 15])) * 1_000_000,
                payment_status=PaymentStatus.PAID,
                paid_on=decided,
            )
        )
    Sanction.objects.bulk_create(sanctions, batch_size=1000)
    categories = list(TipCategory.objects.filter(active=True))
    tips = []
    channels = [TipChannel.HOTLINE, TipChannel.MAILBOX, TipChannel.IN_PERSON, TipChannel.WEB]
    for commune in communes:
        for _ in range(int(rng.integers(0, 6))):
            received = today - dt.timedelta(days=int(rng.integers(1, 5 * 365)))
            category = categories[int(rng.integers(len(categories)))]
            deadline = deadline_for(category, received)
            closed_on = None
            if deadline < today or rng.random() < 0.5:
                closed_on = received + dt.timedelta(
                    days=int(rng.integers(1, (deadline - received).days + 8))
                )
                if closed_on > today:
                    closed_on = None
            tips.append(
                Tip(
                    unit=commune,
                    channel=channels[int(rng.integers(len(channels)))],
                    received_at=timezone.make_aware(
                        dt.datetime.combine(received, dt.time(int(rng.integers(7, 18))))
                    ),
                    category=category,
                    subject=f"Phản ánh về cơ sở kinh doanh tại {commune.name}",
                    content="Người dân phản ánh có biểu hiện nghi vấn tại một cơ sở lưu trú.",
                    deadline=deadline,
                    status=TipStatus.CLOSED if closed_on else TipStatus.VERIFYING,
                    conclusion=TipConclusion.UNFOUNDED if closed_on else "",
                    closed_on=closed_on,
                    closure_reason="Đã xác minh, không phát hiện vi phạm." if closed_on else "",
                )
            )
    Tip.objects.bulk_create(tips, batch_size=1000)
    made = {
        "businesses": len(businesses),
        "inspections": len(inspections),
        "sanctions": len(sanctions),
        "tips": len(tips),
        "team_members": len(members),
    }
    # One entry for the whole demo load (its records are a demo, not users' work).
    change_record(actor=None, action=Action.CREATE, obj=team)
    return made
