import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.activities.models import CommunicationActivity, PilotModel, PilotStatus
from pcmd.activities.services import communication as services
from pcmd.activities.tests.factories import DAY, make_activity, make_pilot_model
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.geo.models import REFORM_DATE, UnitKind
from pcmd.geo.tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


def _log(obj):
    content_type = ContentType.objects.get_for_model(obj.__class__)
    entries = ObjectChange.objects.filter(content_type=content_type, object_id=str(obj.pk))
    return list(entries.order_by("id").values_list("action", flat=True))


# ---- communication activities -------------------------------------------------------------


def test_an_activity_is_recorded_with_numbers_typed_the_vietnamese_way_and_audited(tree, officer):
    activity = services.communication_create(
        actor=officer,
        unit=tree["kh"],
        date=DAY,
        form="loudspeaker",
        title="Phát thanh về phòng, chống mại dâm",
        audience="residents",
        reach="1.500",
        media_items="4",
    )
    assert (activity.reach, activity.media_items) == (1500, 4)
    services.communication_update(actor=officer, activity=activity, reach=1600)
    update = ObjectChange.objects.get(action=Action.UPDATE)
    assert update.user == officer
    assert update.before and update.after
    assert update.before["reach"] == 1500 and update.after["reach"] == 1600
    pk = activity.pk
    services.communication_delete(actor=officer, activity=activity)
    assert not CommunicationActivity.objects.exists()
    activity.pk = pk
    assert _log(activity) == [Action.CREATE, Action.UPDATE, Action.DELETE]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reach": -5}, "không được âm"),
        ({"reach": "-5"}, "không được âm"),
        ({"media_items": "ba"}, "không phải là số"),
        ({"audience": "tourists"}, "Nhóm đối tượng không hợp lệ: “tourists”"),
        ({"audience": ""}, "Nhóm đối tượng không hợp lệ"),
        ({"form": "poster"}, "Hình thức không hợp lệ"),
        ({"title": ""}, "Cần nhập"),
        ({"date": None}, "Cần nhập ngày"),
        ({"date": dt.date(2099, 1, 1)}, "đã diễn ra"),
    ],
)
def test_bad_activities_are_refused_with_a_clear_message(tree, officer, change, message):
    data = {
        "date": DAY,
        "form": "event",
        "title": "Nói chuyện chuyên đề",
        "audience": "students",
        "reach": 100,
    } | change
    with pytest.raises(ServiceError) as caught:
        services.communication_create(actor=officer, unit=tree["kh"], **data)
    assert message in " ".join(caught.value.messages)
    assert not CommunicationActivity.objects.exists()


def test_activities_belong_to_provinces_communes_or_past_districts(tree, officer):
    village = make_unit("Thôn 1", UnitKind.VILLAGE, tree["kh"], valid_from=REFORM_DATE)
    with pytest.raises(ServiceError, match="thôn, tổ dân phố"):
        make_activity(village)
    with pytest.raises(ServiceError, match="không còn cấp huyện"):
        make_activity(tree["old_ka"], date=DAY)
    assert make_activity(tree["old_ka"], date=dt.date(2024, 3, 8)).unit == tree["old_ka"]


def test_others_may_not_write_a_communes_activities(tree, officer):
    activity = make_activity(tree["kh"])
    for outsider in (member(tree["ka"], Role.COMMUNE_OFFICER), member(tree["kh"], Role.VIEWER)):
        with pytest.raises(PermissionDenied):
            services.communication_update(actor=outsider, activity=activity, reach=1)
        with pytest.raises(PermissionDenied):
            services.communication_delete(actor=outsider, activity=activity)
    with pytest.raises(PermissionDenied):
        services.communication_update(actor=officer, activity=activity, unit=tree["ka"])


# ---- pilot models -------------------------------------------------------------------------


def test_a_pilot_model_ends_with_a_date_and_only_then_has_one(tree, officer):
    model = services.pilot_model_create(
        actor=officer,
        unit=tree["kh"],
        name="Nhóm đồng đẳng Hoa Sen",
        kind="peer_groups",
        start=DAY,
        members="25",
        activities="Sinh hoạt hằng tháng",
    )
    assert model.status == PilotStatus.ACTIVE and model.members == 25
    with pytest.raises(ServiceError, match="cần nhập ngày kết thúc"):
        services.pilot_model_update(actor=officer, pilot_model=model, status="ended")
    with pytest.raises(ServiceError, match="Chỉ ghi ngày kết thúc"):
        services.pilot_model_update(actor=officer, pilot_model=model, end=DAY)
    with pytest.raises(ServiceError, match="phải từ ngày bắt đầu"):
        services.pilot_model_update(
            actor=officer, pilot_model=model, status="ended", end=DAY - dt.timedelta(days=3)
        )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ServiceError, match="ở tương lai"):
        services.pilot_model_update(actor=officer, pilot_model=model, status="ended", end=tomorrow)
    ended = dt.date(2026, 3, 31)
    services.pilot_model_update(actor=officer, pilot_model=model, status="ended", end=ended)
    model.refresh_from_db()
    assert (model.status, model.end) == (PilotStatus.ENDED, ended)
    # Set going again: the end date goes.
    services.pilot_model_update(actor=officer, pilot_model=model, status="active")
    model.refresh_from_db()
    assert model.end is None
    assert _log(model) == [Action.CREATE, Action.UPDATE, Action.UPDATE]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "sports"}, "Loại mô hình không hợp lệ"),
        ({"status": "closed"}, "Tình trạng không hợp lệ"),
        ({"members": -1}, "không được âm"),
        ({"name": ""}, "Cần nhập"),
        ({"start": None}, "Cần nhập ngày mô hình bắt đầu"),
        ({"start": dt.date(2099, 1, 1)}, "đã bắt đầu"),
    ],
)
def test_bad_pilot_models_are_refused(tree, officer, change, message):
    data = {"name": "Câu lạc bộ", "kind": "clubs", "start": DAY} | change
    with pytest.raises(ServiceError, match=message):
        services.pilot_model_create(actor=officer, unit=tree["kh"], **data)
    assert not PilotModel.objects.exists()


def test_others_may_not_write_a_communes_pilot_models(tree):
    model = make_pilot_model(tree["kh"])
    with pytest.raises(PermissionDenied):
        services.pilot_model_update(
            actor=member(tree["hp"], Role.COMMUNE_OFFICER), pilot_model=model, members=3
        )
    with pytest.raises(PermissionDenied):
        services.pilot_model_delete(actor=member(tree["kh"], Role.VIEWER), pilot_model=model)
    services.pilot_model_delete(
        actor=member(tree["ht"], Role.PROVINCE_COORDINATOR), pilot_model=model
    )
    assert not PilotModel.objects.exists()
