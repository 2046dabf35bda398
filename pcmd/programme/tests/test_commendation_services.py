import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.programme import services
from pcmd.programme.models import (
    Commendation,
    CommendationForm,
    CommendationLevel,
    RecipientKind,
)
from pcmd.programme.tests.factories import DAY, make_commendation

pytestmark = pytest.mark.django_db


def _create(actor, unit, **fields):
    data: dict[str, Any] = {
        "recipient_kind": RecipientKind.INDIVIDUAL,
        "name": "Nguyễn Văn Hùng",
        "level": CommendationLevel.PROVINCE,
        "form": CommendationForm.CERTIFICATE_OF_MERIT,
        "decision_number": "2150/QĐ-UBND",
        "decision_date": DAY,
        "issuer": "Chủ tịch UBND tỉnh Hà Tĩnh",
    } | fields
    return services.commendation_create(actor=actor, unit=unit, **data)


def test_an_officer_records_a_commendation_and_it_is_audited(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    item = _create(officer, tree["kh"], reason="Tích cực tố giác tội phạm")
    assert item.name == "Nguyễn Văn Hùng" and item.unit == tree["kh"]
    log = ObjectChange.objects.get(object_id=str(item.pk), content_type__model="commendation")
    assert log.action == Action.CREATE and log.user == officer
    # A person's name is public information here: it is kept in the log as typed.
    assert log.after is not None and log.after["name"] == "Nguyễn Văn Hùng"


def test_a_decision_date_in_the_future_is_refused(tree):
    with pytest.raises(ServiceError, match="tương lai"):
        _create(None, tree["kh"], decision_date=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ServiceError, match="ngày quyết định"):
        _create(None, tree["kh"], decision_date=None)
    assert not Commendation.objects.exists()


def test_required_fields_and_choices_are_checked(tree):
    with pytest.raises(ServiceError, match="Cần nhập tên"):
        _create(None, tree["kh"], name="  ")
    with pytest.raises(ServiceError, match="Cần nhập số quyết định"):
        _create(None, tree["kh"], decision_number="")
    with pytest.raises(ServiceError, match="Hình thức"):
        _create(None, tree["kh"], form="medal")
    with pytest.raises(ServiceError, match="Tập thể hay cá nhân"):
        _create(None, tree["kh"], recipient_kind="family")


def test_the_level_must_be_able_to_award_the_form(tree):
    with pytest.raises(ServiceError, match="Bằng khen không do cấp xã khen tặng"):
        _create(None, tree["kh"], level=CommendationLevel.COMMUNE)
    with pytest.raises(ServiceError, match="Huân chương"):
        _create(None, tree["kh"], form=CommendationForm.ORDER)
    giay_khen = _create(
        None,
        tree["kh"],
        level=CommendationLevel.COMMUNE,
        form=CommendationForm.LETTER_OF_COMMENDATION,
    )
    assert giay_khen.pk


def test_a_district_commends_only_before_the_reform(tree):
    district = {
        "level": CommendationLevel.DISTRICT,
        "form": CommendationForm.LETTER_OF_COMMENDATION,
    }
    with pytest.raises(ServiceError, match="không còn cấp huyện"):
        _create(None, tree["kh"], decision_date=dt.date(2025, 7, 1), **district)
    assert _create(None, tree["old_kh"], decision_date=dt.date(2024, 12, 20), **district).pk


def test_the_same_decision_names_a_person_once(tree):
    _create(None, tree["kh"])
    with pytest.raises(ServiceError, match="đã được ghi nhận"):
        _create(None, tree["kh"], name="nguyễn  văn hùng", decision_number="2150/qđ-ubnd")
    assert _create(None, tree["kh"], name="Trần Thị Lan").pk


def test_a_viewer_and_an_officer_of_another_commune_may_not_write(tree):
    item = make_commendation(tree["kh"])
    for actor in (member(tree["kh"], Role.VIEWER), member(tree["ka"], Role.COMMUNE_OFFICER)):
        with pytest.raises(PermissionDenied):
            _create(actor, tree["kh"])
        with pytest.raises(PermissionDenied):
            services.commendation_update(actor=actor, item=item, name="X")
        with pytest.raises(PermissionDenied):
            services.commendation_delete(actor=actor, item=item)


def test_update_and_delete_are_audited(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    item = make_commendation(tree["kh"], "Đoàn Thanh niên xã Kỳ Hoa")
    services.commendation_update(actor=officer, item=item, reason="Xuất sắc năm 2025")
    update = ObjectChange.objects.get(object_id=str(item.pk), action=Action.UPDATE)
    assert update.before is not None and update.after is not None
    assert update.before["reason"] == "" and update.after["reason"] == "Xuất sắc năm 2025"
    pk = item.pk
    services.commendation_delete(actor=officer, item=item)
    assert ObjectChange.objects.get(object_id=str(pk), action=Action.DELETE).user == officer
