import datetime as dt
import unicodedata
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.registries.models import Business, BusinessKind, BusinessStatus
from pcmd.registries.selectors.businesses import (
    business_duplicates,
    business_list,
    business_status_history,
    registration_key,
    search_key,
)
from pcmd.registries.services.businesses import (
    DuplicateBusiness,
    business_create,
    business_delete,
    business_set_status,
    business_update,
)
from pcmd.registries.tests.factories_businesses import (
    add_inspection,
    add_sanction,
    add_tip,
    make_business,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


def _log_of(pk: int) -> list[ObjectChange]:
    entries = ObjectChange.objects.filter(content_type__model="business", object_id=str(pk))
    return list(entries.order_by("id"))


def _log(business: Business) -> list[ObjectChange]:
    return _log_of(business.pk)


def _create(officer, tree, **fields):
    values = {"name": "Nhà nghỉ Hoa Sen", "kind": BusinessKind.GUEST_HOUSE, "address": "Số 1"}
    return business_create(actor=officer, unit=tree["kh"], **{**values, **fields})


def test_create_stores_nfc_text_and_folded_keys_and_is_audited(officer, tree):
    decomposed = unicodedata.normalize("NFD", "  Nhà nghỉ  Hoa Sen ")
    business = _create(officer, tree, name=decomposed, address="Số 12, đường Trần Phú")
    business.refresh_from_db()
    assert business.name == "Nhà nghỉ  Hoa Sen" and unicodedata.is_normalized("NFC", business.name)
    assert business.name_folded == "nha nghi hoa sen"
    assert business.address_folded == "so 12 duong tran phu"
    assert business.status == BusinessStatus.OPEN and business.closed_on is None
    [entry] = _log(business)
    assert entry.action == Action.CREATE and entry.user_id == officer.pk
    assert (entry.after or {})["name"] == "Nhà nghỉ  Hoa Sen"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"workers_total": 3, "workers_female": 5}, "workers_female", "lớn hơn tổng số"),
        ({"workers_total": -1}, "workers_total", "không được âm"),
        ({"registration_date": TODAY + dt.timedelta(days=1)}, "registration_date", "hôm nay"),
        ({"commitment_date": TODAY + dt.timedelta(days=3)}, "commitment_date", "hôm nay"),
        (
            {
                "opened_on": dt.date(2024, 5, 1),
                "status": BusinessStatus.CLOSED,
                "closed_on": dt.date(2024, 1, 1),
            },
            "closed_on",
            "sau ngày bắt đầu",
        ),
        ({"closed_on": dt.date(2024, 1, 1)}, "closed_on", "Chỉ cơ sở đã ngừng"),
        ({"name": "   "}, "name", "Cần nhập tên cơ sở"),
        ({"address": ""}, "address", "Cần nhập địa chỉ"),
        ({"kind": "casino"}, "kind", "casino"),
        ({"kind": ""}, "kind", "Cần chọn loại hình"),
        ({"status": "gone"}, "status", "gone"),
        ({"name": "x" * 301}, "name", "300"),
        # The field's name starts the sentence with its abbreviation kept upper case.
        ({"licence_number": "1" * 51}, "licence_number", "Số giấy chứng nhận đủ điều kiện về ANTT"),
    ],
)
def test_create_refuses_bad_values_by_field(officer, tree, fields, field, words):
    with pytest.raises(ServiceError) as refused:
        _create(officer, tree, **fields)
    assert words in " ".join(refused.value.message_dict[field])
    assert (
        not Business.objects.exists()
        and not ObjectChange.objects.filter(content_type__model="business").exists()
    )


def test_closing_at_creation_sets_the_closing_date(officer, tree):
    closed = _create(officer, tree, status=BusinessStatus.CLOSED, status_since=dt.date(2024, 3, 1))
    assert closed.closed_on == dt.date(2024, 3, 1) == closed.status_since
    today = _create(officer, tree, name="Karaoke Sao", status=BusinessStatus.CLOSED)
    assert today.closed_on == TODAY


def test_a_business_in_a_unit_outside_the_users_scope_is_refused(officer, tree):
    with pytest.raises(PermissionDenied, match="Xã Hải Phú nằm ngoài phạm vi quản lý"):
        business_create(
            actor=officer, unit=tree["hp"], name="Karaoke X", kind="karaoke", address="Thôn 1"
        )
    viewer = member(tree["kh"], Role.VIEWER)
    with pytest.raises(PermissionDenied, match="không có quyền quản lý"):
        _create(viewer, tree)
    assert not Business.objects.exists()


def test_the_unit_is_a_commune_or_a_district_of_the_past(officer, tree):
    coordinator = member(tree["old_ht"], Role.PROVINCE_COORDINATOR)
    with pytest.raises(ServiceError, match="phải thuộc một xã"):
        business_create(actor=coordinator, unit=tree["old_ht"], name="A", kind="bar", address="B")
    old_district = business_create(
        actor=coordinator, unit=tree["old_ka"], name="Bar Cũ", kind="bar", address="Khu 2"
    )
    assert old_district.unit == tree["old_ka"]
    # The commune's officer records the old commune's businesses too (it took it over).
    old = business_create(
        actor=officer,
        unit=tree["old_kh"],
        name="Nhà nghỉ Cũ",
        kind="guest_house",
        address="Thôn 3",
        opened_on=dt.date(2020, 1, 1),
    )
    assert old.unit == tree["old_kh"]


def test_a_business_opened_after_its_unit_ended_is_refused(officer, tree):
    with pytest.raises(ServiceError, match="chỉ tồn tại đến 30/06/2025"):
        business_create(
            actor=officer,
            unit=tree["old_kh"],
            name="Spa Mới",
            kind="spa",
            address="Thôn 1",
            opened_on=dt.date(2025, 8, 1),
        )


def test_keys_ignore_case_spaces_punctuation_and_diacritics():
    assert registration_key(" 28a-800.0123 ") == "28A8000123"
    assert search_key("SỐ 12,  Đường Trần-Phú!") == "so 12 duong tran phu"


def test_a_duplicate_registration_number_is_refused_naming_the_record(officer, tree):
    first = _create(officer, tree, registration_number="28A8000123")
    with pytest.raises(DuplicateBusiness) as refused:
        _create(
            officer,
            tree,
            name="Tên khác",
            address="Địa chỉ khác",
            registration_number="28a-800 0123",
        )
    assert refused.value.existing == first
    assert (
        "28A8000123" in refused.value.messages[0]
        and "Nhà nghỉ Hoa Sen" in refused.value.messages[0]
    )
    assert Business.objects.count() == 1


def test_same_name_and_address_in_the_same_unit_is_a_duplicate(officer, tree):
    first = _create(officer, tree, name="Nhà nghỉ Hoa Sen", address="Số 12, Trần Phú")
    with pytest.raises(DuplicateBusiness, match="cùng tên và địa chỉ"):
        _create(officer, tree, name="NHÀ NGHỈ HOA SEN", address="số 12 trần phú")
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    elsewhere = business_create(
        actor=coordinator,
        unit=tree["ka"],
        name="Nhà nghỉ Hoa Sen",
        kind="guest_house",
        address="Số 12, Trần Phú",
    )
    assert elsewhere.pk != first.pk
    assert business_duplicates(
        unit=tree["kh"], name="nha nghi hoa sen", address="So 12 Tran Phu"
    ) == [first]


def test_a_duplicate_outside_the_users_scope_is_refused_without_details(officer, tree):
    make_business(tree["hp"], "Karaoke Bí Mật", registration_number="29B1234")
    with pytest.raises(DuplicateBusiness) as refused:
        _create(officer, tree, registration_number="29b-1234")
    message = refused.value.messages[0]
    assert "ngoài phạm vi" in message and "Bí Mật" not in message


def test_update_changes_fields_logs_before_and_after_and_skips_no_change(officer, tree):
    business = _create(officer, tree)
    business_update(actor=officer, business=business, owner_name="Trần Thị Bình", workers_total=4)
    business.refresh_from_db()
    assert business.owner_name == "Trần Thị Bình" and business.workers_total == 4
    business_update(actor=officer, business=business, owner_name="Trần Thị Bình")
    log = _log(business)
    assert [e.action for e in log] == [Action.CREATE, Action.UPDATE]
    assert (log[1].before or {})["owner_name"] == ""
    assert (log[1].after or {})["owner_name"] == "Trần Thị Bình"


def test_update_refuses_becoming_a_duplicate_and_bad_values(officer, tree):
    _create(officer, tree, name="Karaoke Sao", address="Thôn 2")
    other = _create(officer, tree, name="Karaoke Trăng", address="Thôn 2")
    with pytest.raises(DuplicateBusiness):
        business_update(actor=officer, business=other, name="karaoke sao")
    with pytest.raises(ServiceError, match="lớn hơn"):
        business_update(actor=officer, business=other, workers_total=1, workers_female=2)
    other.refresh_from_db()
    assert other.name == "Karaoke Trăng" and other.workers_total is None


def test_a_business_with_inspections_stays_in_its_unit(officer, tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    business = make_business(tree["kh"])
    moved = business_update(actor=coordinator, business=business, unit=tree["ka"])
    assert moved.unit == tree["ka"]
    add_inspection(business)
    with pytest.raises(ServiceError, match="không chuyển sang đơn vị khác"):
        business_update(actor=coordinator, business=business, unit=tree["kh"])
    with pytest.raises(PermissionDenied):
        business_update(actor=officer, business=make_business(tree["kh"]), unit=tree["hp"])


def test_status_changes_set_and_clear_the_closing_date_and_are_logged(officer, tree):
    business = _create(officer, tree, opened_on=dt.date(2020, 1, 1))
    business_set_status(
        actor=officer, business=business, status=BusinessStatus.SUSPENDED, on=dt.date(2025, 9, 1)
    )
    business_set_status(
        actor=officer, business=business, status=BusinessStatus.CLOSED, on=dt.date(2025, 10, 1)
    )
    business.refresh_from_db()
    assert business.status == BusinessStatus.CLOSED
    assert business.closed_on == dt.date(2025, 10, 1) == business.status_since
    business_set_status(actor=officer, business=business, status=BusinessStatus.OPEN)
    business.refresh_from_db()
    assert business.closed_on is None and business.status_since == TODAY
    history = business_status_history(business)
    assert [h.status for h in history] == ["open", "closed", "suspended", "open"]
    assert history[1].since == dt.date(2025, 10, 1)
    assert [e.action for e in _log(business)].count(Action.UPDATE) == 3


def test_status_changes_refuse_future_and_early_dates_and_outsiders(officer, tree):
    business = _create(officer, tree, opened_on=dt.date(2024, 6, 1))
    with pytest.raises(ServiceError, match="không được sau ngày hôm nay"):
        business_set_status(
            actor=officer, business=business, status="closed", on=TODAY + dt.timedelta(days=2)
        )
    with pytest.raises(ServiceError, match="sau ngày bắt đầu hoạt động"):
        business_set_status(
            actor=officer, business=business, status="closed", on=dt.date(2024, 1, 1)
        )
    outsider = member(tree["hp"], Role.COMMUNE_OFFICER)
    with pytest.raises(PermissionDenied):
        business_set_status(actor=outsider, business=business, status="closed")
    business.refresh_from_db()
    assert business.status == BusinessStatus.OPEN


@pytest.mark.parametrize("add", [add_inspection, add_sanction, add_tip])
def test_a_business_with_records_is_not_deleted(officer, tree, add):
    business = _create(officer, tree)
    add(business)
    with pytest.raises(ServiceError, match="Không xóa được"):
        business_delete(actor=officer, business=business)
    assert Business.objects.filter(pk=business.pk).exists()


def test_delete_removes_the_business_and_logs_it(officer, tree):
    business = _create(officer, tree)
    pk = business.pk
    business_delete(actor=officer, business=business)
    assert not Business.objects.filter(pk=pk).exists()
    entry = _log_of(pk)[-1]
    assert entry.action == Action.DELETE
    assert (entry.before or {})["name"] == "Nhà nghỉ Hoa Sen"


def test_the_list_filters_by_inspections_and_violations(officer, tree):
    never = make_business(tree["kh"], "Nhà nghỉ A")
    this_year = make_business(tree["kh"], "Karaoke B", kind="karaoke")
    add_inspection(this_year, date=TODAY)
    last_year = make_business(tree["kh"], "Massage C", kind="massage")
    add_inspection(last_year, date=TODAY.replace(year=TODAY.year - 1), violations=2)
    sanctioned = make_business(tree["kh"], "Bar D", kind="bar", registration_number="28-A 99")
    add_sanction(sanctioned)
    make_business(tree["hp"], "Karaoke Ngoài")

    def names(**filters):
        return sorted(b.name for b in business_list(user=officer, **filters))

    assert names() == ["Bar D", "Karaoke B", "Massage C", "Nhà nghỉ A"]
    assert names(never_inspected=True) == ["Bar D", "Nhà nghỉ A"]
    assert names(inspected_this_year=True) == ["Karaoke B"]
    assert names(with_violations=True) == ["Bar D", "Massage C"]
    assert names(q="nha nghi") == ["Nhà nghỉ A"] and names(q="28a99") == ["Bar D"]
    assert names(kind="karaoke") == ["Karaoke B"]
    first: Any = business_list(user=officer, q="karaoke").get()
    assert first.last_inspected == TODAY and first.pk != never.pk
