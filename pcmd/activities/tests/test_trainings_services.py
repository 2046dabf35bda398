import datetime as dt
import unicodedata
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.activities.models import Level, ParticipantCount, StaffCount, Training
from pcmd.activities.services import trainings as services
from pcmd.activities.tests.factories import (
    DAY,
    GRID,
    make_participant,
    make_staff_count,
    make_training,
)
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.orgs.tests.factories import make_agency

pytestmark = pytest.mark.django_db


def _changes(model, action=None):
    qs = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return qs.filter(action=action) if action else qs


def _grid(training):
    return {(c.level, c.agency_type, c.sex): c.count for c in training.counts.all()}


def _cell(level="commune", agency_type="police", sex="male", count=2):
    return {"level": level, "agency_type": agency_type, "sex": sex, "count": count}


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


# ---- courses ----------------------------------------------------------------------------


def test_a_course_is_recorded_with_its_grid_and_every_row_is_audited(tree, officer):
    agency = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    training = services.training_create(
        actor=officer,
        unit=tree["kh"],
        title=unicodedata.normalize("NFD", "  Tập huấn kỹ năng  "),
        start=DAY,
        end=DAY + dt.timedelta(days=1),
        organiser_agency=agency,
        counts=[*GRID, {"level": "province", "agency_type": "other", "sex": "male", "count": "0"}],
    )
    assert training.title == "Tập huấn kỹ năng"  # NFC, trimmed
    assert training.level == Level.COMMUNE  # the unit's own level by default
    assert training.organiser == "Công an xã Kỳ Hoa"
    assert _grid(training) == {
        ("commune", "police", "female"): 3,
        ("commune", "police", "male"): 2,
        ("commune", "health", "female"): 4,
    }  # zero cells are not kept
    created = _changes(Training, Action.CREATE).get()
    assert created.user == officer and created.after["title"] == training.title
    assert _changes(ParticipantCount, Action.CREATE).count() == 3


def test_replacing_the_grid_records_rows_added_changed_and_removed(tree, officer):
    training = make_training(tree["kh"])
    services.training_update(
        actor=officer,
        training=training,
        counts=[
            {"level": "commune", "agency_type": "police", "sex": "female", "count": "5"},
            {"level": "province", "agency_type": "culture", "sex": "male", "count": 1},
        ],
    )
    assert _grid(training) == {
        ("commune", "police", "female"): 5,
        ("province", "culture", "male"): 1,
    }
    assert _changes(ParticipantCount, Action.UPDATE).count() == 1
    assert _changes(ParticipantCount, Action.DELETE).count() == 2
    assert _changes(ParticipantCount, Action.CREATE).count() == 4  # 3 made, 1 added
    # Fields changed without `counts` keep the grid.
    services.training_update(actor=officer, training=training, title="Lớp mới")
    assert sum(_grid(training).values()) == 6
    assert _changes(Training, Action.UPDATE).get().before["title"] != "Lớp mới"


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([_cell(count=-2)], "không được âm"),
        ([_cell(count="-2")], "không được âm"),
        ([_cell(count="2,5")], "số nguyên"),
        ([_cell(agency_type="army")], "army"),
        ([_cell(level="village")], "village"),
        ([_cell(sex="x")], "Giới tính"),
        ([_cell(), _cell(count=3)], "hai lần"),
        ([_cell(level="district")], "cấp huyện"),
    ],
)
def test_bad_counts_are_refused_with_a_message_naming_the_cell(tree, officer, counts, message):
    with pytest.raises(ServiceError) as caught:
        services.training_create(
            actor=officer,
            unit=tree["kh"],
            title="Lớp",
            start=DAY,
            end=DAY,
            organiser_name="UBND xã",
            counts=counts,
        )
    assert message in " ".join(caught.value.messages)
    assert not Training.objects.exists() and not ParticipantCount.objects.exists()


def test_dates_are_checked_end_after_start_and_not_in_the_future(tree, officer):
    base: dict[str, Any] = {
        "actor": officer,
        "unit": tree["kh"],
        "title": "Lớp",
        "organiser_name": "UBND xã",
    }
    with pytest.raises(ServiceError, match="phải từ ngày bắt đầu"):
        services.training_create(**base, start=DAY, end=DAY - dt.timedelta(days=1))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ServiceError, match="đã tổ chức"):
        services.training_create(**base, start=DAY, end=tomorrow)
    with pytest.raises(ServiceError, match="thời gian tổ chức"):
        services.training_create(**base, start=None, end=DAY)


def test_level_unit_and_organiser_are_checked(tree, officer):
    coordinator = member(tree["old_ht"], Role.PROVINCE_COORDINATOR)
    base: dict[str, Any] = {"title": "Lớp", "start": DAY, "end": DAY, "organiser_name": "UBND"}
    with pytest.raises(ServiceError, match="không tổ chức lớp cấp tỉnh"):
        services.training_create(actor=officer, unit=tree["kh"], level="province", **base)
    with pytest.raises(ServiceError, match="không còn cấp huyện"):
        services.training_create(actor=coordinator, unit=tree["old_ka"], **base)
    old = dt.date(2024, 5, 10)
    district = services.training_create(
        actor=coordinator,
        unit=tree["old_ka"],
        **(base | {"start": old, "end": old}),
        counts=[{"level": "district", "agency_type": "police", "sex": "male", "count": 4}],
    )
    assert district.level == Level.DISTRICT and _grid(district)
    foreign_agency = make_agency(tree["ka"], "Công an phường Kỳ Anh", type_code="police")
    with pytest.raises(ServiceError, match="không phải là cơ quan của Xã Kỳ Hoa"):
        services.training_create(
            actor=officer, unit=tree["kh"], organiser_agency=foreign_agency, **base
        )
    with pytest.raises(ServiceError, match="cơ quan tổ chức"):
        services.training_create(actor=officer, unit=tree["kh"], **(base | {"organiser_name": ""}))


def test_only_those_with_the_right_on_the_unit_may_write(tree, officer):
    neighbour = member(tree["ka"], Role.COMMUNE_OFFICER)
    viewer = member(tree["kh"], Role.VIEWER)
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    base: dict[str, Any] = {"title": "Lớp", "start": DAY, "end": DAY, "organiser_name": "UBND"}
    for outsider in (neighbour, viewer):
        with pytest.raises(PermissionDenied):
            services.training_create(actor=outsider, unit=tree["kh"], **base)
    training = services.training_create(actor=coordinator, unit=tree["kh"], **base)
    with pytest.raises(PermissionDenied):
        services.training_update(actor=neighbour, training=training, title="X")
    with pytest.raises(PermissionDenied):
        services.training_delete(actor=viewer, training=training)
    # Moving a course to a unit the actor does not manage is refused too.
    with pytest.raises(PermissionDenied):
        services.training_update(actor=officer, training=training, unit=tree["ka"])


def test_deleting_a_course_records_it_with_its_rows_and_people(tree, officer):
    training = make_training(tree["kh"])
    make_participant(training)
    services.training_delete(actor=officer, training=training)
    assert not Training.objects.exists() and not ParticipantCount.objects.exists()
    assert _changes(Training, Action.DELETE).get().before["title"] == training.title
    assert _changes(ParticipantCount, Action.DELETE).count() == 3


def test_a_course_moved_after_the_reform_may_not_keep_district_counts(tree):
    coordinator = member(tree["old_ht"], Role.PROVINCE_COORDINATOR)
    old = dt.date(2024, 5, 10)
    training = make_training(
        tree["old_ht"],
        start=old,
        counts=[{"level": "district", "agency_type": "police", "sex": "male", "count": 4}],
    )
    with pytest.raises(ServiceError, match="cấp huyện"):
        services.training_update(actor=coordinator, training=training, start=DAY, end=DAY)


# ---- named participants -------------------------------------------------------------------


def test_participants_come_from_the_organiser_its_parent_or_units_below(tree, officer):
    training = make_training(tree["kh"])
    agency = make_agency(tree["kh"], "Trạm Y tế xã Kỳ Hoa", type_code="health")
    person = services.participant_add(
        actor=officer, training=training, full_name="Trần Thị Hoa", agency=agency
    )
    assert person.unit == tree["kh"] and person.agency_label == "Trạm Y tế xã Kỳ Hoa"
    province = services.participant_add(
        actor=officer, training=training, full_name="Lê Văn Tỉnh", unit=tree["ht"]
    )
    assert province.unit == tree["ht"]
    with pytest.raises(ServiceError, match="chỉ ghi học viên"):
        services.participant_add(
            actor=officer, training=training, full_name="Người ngoài", unit=tree["hp"]
        )
    with pytest.raises(ServiceError, match="Cần nhập họ và tên"):
        services.participant_add(actor=officer, training=training, full_name=" ")
    services.participant_update(actor=officer, participant=person, position="Trưởng trạm")
    services.participant_remove(actor=officer, participant=province)
    assert [p.full_name for p in training.participants.all()] == ["Trần Thị Hoa"]
    assert {c.action for c in ObjectChange.objects.filter(object_repr__contains="Tỉnh")} == {
        Action.CREATE,
        Action.DELETE,
    }


def test_the_participant_list_is_replaced_when_given(tree, officer):
    training = make_training(tree["kh"])
    make_participant(training, "Cũ")
    services.training_update(
        actor=officer,
        training=training,
        participants=[{"full_name": "Mới 1"}, {"full_name": "Mới 2", "position": "Cán bộ"}],
    )
    assert sorted(p.full_name for p in training.participants.all()) == ["Mới 1", "Mới 2"]


# ---- staff counts -------------------------------------------------------------------------


def test_a_staff_count_is_one_row_per_unit_year_and_level(tree, officer):
    row = services.staff_count_create(actor=officer, unit=tree["kh"], year="2025", count="1.200")
    assert (row.level, row.count, row.year) == ("commune", 1200, 2025)
    with pytest.raises(ServiceError, match="đã có số cán bộ cấp xã năm 2025"):
        services.staff_count_create(actor=officer, unit=tree["kh"], year=2025, count=3)
    services.staff_count_update(actor=officer, staff_count=row, count=15)
    assert StaffCount.objects.get().count == 15
    assert _changes(StaffCount, Action.UPDATE).get().before["count"] == 1200
    services.staff_count_delete(actor=officer, staff_count=row)
    assert _changes(StaffCount, Action.DELETE).count() == 1


def test_bad_staff_counts_are_refused(tree, officer):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    next_year = timezone.localdate().year + 1
    for kwargs, message in (
        ({"year": next_year, "count": 3}, "không hợp lệ"),
        ({"year": 2025, "count": -3}, "không được âm"),
        ({"year": 2025, "count": 3, "level": "province"}, "không ghi số cán bộ cấp tỉnh"),
        ({"year": 2025, "count": None}, "Cần nhập số cán bộ"),
    ):
        with pytest.raises(ServiceError, match=message):
            services.staff_count_create(actor=officer, unit=tree["kh"], **kwargs)
    # A province may enter the staff of its communes when they do not (a level below).
    row = make_staff_count(tree["ht"], level="commune", count=40)
    assert row.level == "commune"
    with pytest.raises(ServiceError, match="cấp huyện"):
        services.staff_count_create(
            actor=coordinator, unit=tree["ht"], year=2026, count=1, level="district"
        )
    with pytest.raises(PermissionDenied):
        services.staff_count_create(actor=officer, unit=tree["ka"], year=2025, count=1)
