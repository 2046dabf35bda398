"""Plausible activity records for the demo province (Hà Tĩnh): training courses with their
participant grids, staff counts, communication activities and pilot models from 2021 to
today, so the training and communication indicators have figures.

Made in bulk (a demo, not users' work) with one change-log entry per kind of record. Each
kind is made only while the province has none of it, so running it again adds nothing.
"""

import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Model

from pcmd.activities.models import (
    ActivityFormat,
    AgencyGroup,
    Audience,
    CommunicationActivity,
    Level,
    ParticipantCount,
    PilotKind,
    PilotModel,
    PilotStatus,
    Sex,
    StaffCount,
    Training,
)
from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at

PROVINCE = "Tỉnh Hà Tĩnh"
FIRST_YEAR = 2021
# The social-affairs function moved to health on 2025-03-01 (orgs.catalogue).
HEALTH_TAKES_OVER = dt.date(2025, 3, 1)
COURSE_TITLES = [
    "Tập huấn nâng cao năng lực cho cán bộ làm công tác phòng, chống mại dâm",
    "Bồi dưỡng kỹ năng kiểm tra cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm",
    "Tập huấn kỹ năng truyền thông phòng, chống mại dâm",
    "Tập huấn về hỗ trợ, can thiệp giảm hại và phòng, chống bạo lực trên cơ sở giới",
]
TOPICS = (
    "Chính sách, pháp luật về phòng, chống mại dâm; kỹ năng kiểm tra, phát hiện vi phạm; "
    "kỹ năng tư vấn, hỗ trợ người bán dâm hòa nhập cộng đồng."
)
# Form, share of activities, (media items range), title.
FORMS = [
    (ActivityFormat.EVENT, 0.3, (0, 1), "Nói chuyện chuyên đề về phòng, chống mại dâm"),
    (ActivityFormat.LOUDSPEAKER, 0.25, (2, 9), "Phát thanh trên hệ thống loa truyền thanh cơ sở"),
    (ActivityFormat.ARTICLE, 0.1, (1, 3), "Tin, bài trên trang thông tin điện tử"),
    (ActivityFormat.SOCIAL_MEDIA, 0.15, (1, 5), "Bài đăng trên trang mạng xã hội của xã"),
    (ActivityFormat.SCHOOL_SESSION, 0.15, (0, 1), "Tuyên truyền tại trường học"),
    (ActivityFormat.BROADCAST, 0.05, (1, 4), "Phóng sự trên Đài Phát thanh - Truyền hình"),
]
AUDIENCE_OF_FORM = {
    ActivityFormat.SCHOOL_SESSION: [Audience.STUDENTS],
    ActivityFormat.EVENT: [
        Audience.RESIDENTS,
        Audience.BUSINESS_WORKERS,
        Audience.INDUSTRIAL_ZONE_WORKERS,
    ],
}
PILOTS = [
    (PilotKind.CLUBS, "Câu lạc bộ “Gia đình hạnh phúc, không tệ nạn xã hội”"),
    (PilotKind.PEER_GROUPS, "Nhóm đồng đẳng hỗ trợ phụ nữ yếu thế"),
    (PilotKind.SUPPORT_SERVICES, "Điểm tư vấn, hỗ trợ hòa nhập cộng đồng"),
    (PilotKind.WORKERS_RIGHTS, "Mô hình bảo vệ quyền của người lao động tại cơ sở dịch vụ"),
]


def _day(rng: np.random.Generator, year: int, today: dt.date) -> dt.date:
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _organiser(unit: AdministrativeUnit, on: dt.date) -> str:
    """ "Sở Y tế tỉnh Hà Tĩnh", "Ủy ban nhân dân xã Kỳ Hoa"."""
    place = unit.name[:1].lower() + unit.name[1:]
    if unit.level == UnitLevel.PROVINCE:
        name = "Sở Y tế" if on >= HEALTH_TAKES_OVER else "Sở Lao động - Thương binh và Xã hội"
        return f"{name} {place}"
    return f"Ủy ban nhân dân {place}"


def _grid(
    rng: np.random.Generator, training: Training, levels: list[str], size: tuple[int, int]
) -> list[ParticipantCount]:
    rows = []
    for level in levels:
        for agency_type in AgencyGroup.values:
            for sex in Sex.values:
                if rng.random() < 0.3:
                    continue
                rows.append(
                    ParticipantCount(
                        training=training,
                        level=level,
                        agency_type=agency_type,
                        sex=sex,
                        count=int(rng.integers(*size)),
                    )
                )
    return rows


def _trainings(
    rng: np.random.Generator, province: AdministrativeUnit, communes: list[Any], today: dt.date
) -> tuple[list[Training], list[ParticipantCount]]:
    courses: list[tuple[Training, list[str], tuple[int, int]]] = []
    for year in range(FIRST_YEAR, today.year + 1):
        for _ in range(int(rng.integers(2, 5))):
            start = _day(rng, year, today)
            end = min(start + dt.timedelta(days=int(rng.integers(0, 3))), today)
            training = Training(
                unit=province,
                title=COURSE_TITLES[int(rng.integers(len(COURSE_TITLES)))] + f" năm {year}",
                organiser_name=_organiser(province, start),
                start=start,
                end=end,
                level=Level.PROVINCE,
                topics=TOPICS,
                trainers="Báo cáo viên Sở Y tế, Công an tỉnh, Sở Văn hóa, Thể thao và Du lịch",
            )
            courses.append((training, [Level.PROVINCE, Level.COMMUNE], (1, 12)))
        for commune in communes:
            if rng.random() > 0.35:
                continue
            start = _day(rng, year, today)
            training = Training(
                unit=commune,
                title=f"Tập huấn cho cán bộ, cộng tác viên {commune.name} năm {year}",
                organiser_name=_organiser(commune, start),
                start=start,
                end=start,
                level=Level.COMMUNE,
                topics=TOPICS,
                trainers="Cán bộ Phòng Văn hóa - Xã hội",
            )
            courses.append((training, [Level.COMMUNE], (1, 6)))
    made = Training.objects.bulk_create([c[0] for c in courses], batch_size=1000)
    rows: list[ParticipantCount] = []
    for training, (_, levels, size) in zip(made, courses, strict=True):
        rows.extend(_grid(rng, training, levels, size))
    ParticipantCount.objects.bulk_create(rows, batch_size=2000)
    return made, rows


def _staff(
    rng: np.random.Generator, province: AdministrativeUnit, communes: list[Any], today: dt.date
) -> list[StaffCount]:
    rows = []
    base = {commune.pk: int(rng.integers(8, 25)) for commune in communes}
    for year in range(FIRST_YEAR, today.year + 1):
        rows.append(
            StaffCount(
                unit=province, year=year, level=Level.PROVINCE, count=int(rng.integers(30, 45))
            )
        )
        for commune in communes:
            count = max(3, base[commune.pk] + int(rng.integers(-2, 3)))
            rows.append(StaffCount(unit=commune, year=year, level=Level.COMMUNE, count=count))
    return StaffCount.objects.bulk_create(rows, batch_size=2000)


def _activities(
    rng: np.random.Generator, communes: list[Any], today: dt.date
) -> list[CommunicationActivity]:
    forms, weights, ranges, titles = zip(*FORMS, strict=True)
    p = np.array(weights) / sum(weights)
    rows = []
    for commune in communes:
        for year in range(FIRST_YEAR, today.year + 1):
            for _ in range(int(rng.integers(0, 9))):
                k = int(rng.choice(len(forms), p=p))
                form = forms[k]
                audiences = AUDIENCE_OF_FORM.get(form, [Audience.RESIDENTS])
                audience = audiences[int(rng.integers(len(audiences)))]
                low, high = ranges[k]
                rows.append(
                    CommunicationActivity(
                        unit=commune,
                        date=_day(rng, year, today),
                        form=form,
                        title=f"{titles[k]} ({commune.name})",
                        audience=audience,
                        reach=int(rng.integers(30, 400)),
                        media_items=int(rng.integers(low, high + 1)),
                    )
                )
    return CommunicationActivity.objects.bulk_create(rows, batch_size=2000)


def _pilots(rng: np.random.Generator, communes: list[Any], today: dt.date) -> list[PilotModel]:
    rows = []
    # About one commune in five runs a model, and at least one does.
    chosen = [c for c in communes if rng.random() < 0.2] or communes[:1]
    for commune in chosen:
        kind, name = PILOTS[int(rng.integers(len(PILOTS)))]
        start = _day(rng, int(rng.integers(FIRST_YEAR, today.year + 1)), today)
        end = None
        if rng.random() < 0.25:
            end = min(start + dt.timedelta(days=int(rng.integers(180, 900))), today)
        rows.append(
            PilotModel(
                unit=commune,
                name=f"{name} {commune.name}",
                kind=kind,
                start=start,
                end=end,
                status=PilotStatus.ENDED if end else PilotStatus.ACTIVE,
                members=int(rng.integers(10, 60)),
                activities="Sinh hoạt định kỳ hằng tháng; tư vấn, giới thiệu dịch vụ hỗ trợ.",
            )
        )
    return PilotModel.objects.bulk_create(rows, batch_size=1000)


def _logged(rows: list[Any]) -> int:
    """One change-log entry for a kind of demo record (its first), not one per row."""
    if rows:
        first: Model = rows[0]
        change_record(actor=None, action=Action.CREATE, obj=first)
    return len(rows)


@transaction.atomic
def demo_activities_load(seed: int = 2026) -> dict[str, int]:
    """Create the demo activities of Hà Tĩnh's current communes once; returns how many
    records of each kind were made (nothing when each kind exists already)."""
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
    area = {"unit__path__startswith": province.path}
    made: dict[str, int] = {}
    if not Training.objects.filter(**area).exists():
        trainings, counts = _trainings(rng, province, communes, today)
        made["trainings"] = _logged(trainings)
        made["participant_counts"] = len(counts)
    if not StaffCount.objects.filter(**area).exists():
        made["staff_counts"] = _logged(_staff(rng, province, communes, today))
    if not CommunicationActivity.objects.filter(**area).exists():
        made["communication_activities"] = _logged(_activities(rng, communes, today))
    if not PilotModel.objects.filter(**area).exists():
        made["pilot_models"] = _logged(_pilots(rng, communes, today))
    return {kind: n for kind, n in made.items() if n}
