import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.geo.models import UnitKind
from pcmd.geo.tests.factories import make_unit
from pcmd.orgs import selectors
from pcmd.orgs.models import Agency
from pcmd.orgs.services import (
    agencies_ensure_standard,
    agency_create,
    agency_deactivate,
    agency_update,
)
from pcmd.orgs.tests.factories import agency_type, make_agency

pytestmark = pytest.mark.django_db


def _names(agencies: list[Agency]) -> set[str]:
    return {a.name for a in agencies}


def _changes(agency: Agency) -> list[str]:
    return list(
        ObjectChange.objects.filter(content_type__model="agency", object_id=str(agency.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# ---- the standard set ------------------------------------------------------------------


def test_a_new_commune_gets_its_standard_agencies_named_after_it(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    created = agencies_ensure_standard(actor=officer, unit=tree["kh"])
    names = _names(created)
    assert {
        "Ủy ban nhân dân xã Kỳ Hoa",
        "Công an xã Kỳ Hoa",
        "Trạm Y tế xã Kỳ Hoa",
        "Phòng Văn hóa - Xã hội xã Kỳ Hoa",
        "Phòng Kinh tế xã Kỳ Hoa",
        "Đoàn Thanh niên xã Kỳ Hoa",
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã Kỳ Hoa",
    } <= names
    assert not any("Lao động" in n or "huyện" in n for n in names)
    assert all(
        a.is_standard and a.valid_from == dt.date(2025, 7, 1) and a.valid_to is None
        for a in created
    )
    ward = {a.name for a in agencies_ensure_standard(actor=None, unit=tree["ka"])}
    assert "Phòng Kinh tế, Hạ tầng và Đô thị phường Kỳ Anh" in ward
    assert "Công an phường Kỳ Anh" in ward


def test_a_province_gets_its_departments_and_mass_organisations(tree):
    created = {a.name: a for a in agencies_ensure_standard(actor=None, unit=tree["ht"])}
    assert {
        "Sở Y tế tỉnh Hà Tĩnh",
        "Công an tỉnh Hà Tĩnh",
        "Tỉnh đoàn Hà Tĩnh",
        "Viện kiểm sát nhân dân tỉnh Hà Tĩnh",
        "Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Tĩnh",
        "Báo và Phát thanh, Truyền hình Hà Tĩnh",
    } <= set(created)
    assert "Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh" not in created
    assert created["Tỉnh đoàn Hà Tĩnh"].agency_type == agency_type("youth_union")


def test_an_old_district_gets_the_agencies_it_had_until_the_reform(tree):
    created = {a.name: a for a in agencies_ensure_standard(actor=None, unit=tree["old_ka"])}
    social = created["Phòng Lao động - Thương binh và Xã hội thị xã Kỳ Anh"]
    assert (social.valid_from, social.valid_to) == (None, dt.date(2025, 2, 28))
    assert created["Công an thị xã Kỳ Anh"].valid_to == dt.date(2025, 2, 28)
    # Health was one agency before and after it took over social affairs.
    assert created["Phòng Y tế thị xã Kỳ Anh"].valid_to == dt.date(2025, 6, 30)
    assert "Thị đoàn Kỳ Anh" in created
    assert created["Phòng Văn hóa và Thông tin thị xã Kỳ Anh"].valid_to == dt.date(2025, 2, 28)
    renamed = created["Phòng Văn hóa, Khoa học và Thông tin thị xã Kỳ Anh"]
    assert (renamed.valid_from, renamed.valid_to) == (dt.date(2025, 3, 1), dt.date(2025, 6, 30))


def test_the_standard_set_is_created_once_and_audited(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    created = agencies_ensure_standard(actor=officer, unit=tree["kh"])
    assert agencies_ensure_standard(actor=officer, unit=tree["kh"]) == []
    assert Agency.objects.filter(unit=tree["kh"]).count() == len(created)
    logged = ObjectChange.objects.filter(content_type__model="agency", action=Action.CREATE)
    assert logged.count() == len(created)
    assert set(logged.values_list("user_id", flat=True)) == {officer.pk}


def test_the_standard_set_keeps_an_agency_the_unit_already_has_under_another_name(tree):
    make_agency(tree["kh"], "CA xã Kỳ Hoa", type_code="police")
    make_agency(tree["kh"], "Trạm Y tế xã Kỳ Hoa")
    created = _names(agencies_ensure_standard(actor=None, unit=tree["kh"]))
    assert "Công an xã Kỳ Hoa" not in created and "Trạm Y tế xã Kỳ Hoa" not in created
    assert Agency.objects.filter(unit=tree["kh"], agency_type__code="police").count() == 1


def test_only_a_manager_of_the_unit_creates_its_standard_set(tree):
    with pytest.raises(PermissionDenied):
        agencies_ensure_standard(actor=member(tree["hp"], Role.COMMUNE_OFFICER), unit=tree["kh"])
    with pytest.raises(PermissionDenied):
        agencies_ensure_standard(actor=member(tree["kh"], Role.VIEWER), unit=tree["kh"])
    province = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    assert agencies_ensure_standard(actor=province, unit=tree["kh"])
    assert agencies_ensure_standard(actor=province, unit=tree["old_kh"])
    assert not Agency.objects.filter(unit=tree["hp"]).exists()


def test_villages_have_no_agencies(tree):
    village = make_unit(
        "Thôn Hòa Bình", UnitKind.VILLAGE, tree["kh"], valid_from=dt.date(2025, 7, 1)
    )
    with pytest.raises(ServiceError):
        agencies_ensure_standard(actor=None, unit=village)
    with pytest.raises(ServiceError):
        agency_create(actor=None, unit=village, name="Tổ an ninh thôn")


# ---- create, update, deactivate --------------------------------------------------------


def test_create_stores_nfc_and_audits(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    name = unicodedata.normalize("NFD", "  Ban Chỉ đạo 138 xã Kỳ Hoa ")
    agency = agency_create(
        actor=officer,
        unit=tree["kh"],
        name=name,
        phone=" 0239 3856 123 ",
        agency_type=agency_type("steering_committee"),
    )
    agency.refresh_from_db()
    assert agency.name == "Ban Chỉ đạo 138 xã Kỳ Hoa"
    assert agency.name_folded == "ban chi dao 138 xa ky hoa"
    assert agency.phone == "0239 3856 123"
    entry = ObjectChange.objects.get(content_type__model="agency", object_id=str(agency.pk))
    assert (entry.action, entry.user_id) == (Action.CREATE, officer.pk)
    assert (entry.after or {})["name"] == agency.name


def test_create_refuses_a_name_the_unit_has_whatever_the_typing(tree):
    make_agency(tree["kh"], "Công an xã Kỳ Hoa")
    with pytest.raises(ServiceError, match="đã có cơ quan “Công an xã Kỳ Hoa”"):
        agency_create(actor=None, unit=tree["kh"], name="cong an  XA ky hoa")
    # Another unit may have the same name.
    assert agency_create(actor=None, unit=tree["old_kh"], name="Công an xã Kỳ Hoa")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Cần nhập tên"),
        ({"name": "x" * 301}, "dài quá 300 ký tự"),
        ({"name": "A", "email": "not-an-email"}, "thư điện tử không hợp lệ"),
        (
            {"name": "A", "valid_from": dt.date(2026, 1, 2), "valid_to": dt.date(2026, 1, 1)},
            "trước ngày kết thúc",
        ),
        ({"name": "A", "valid_from": dt.date(2025, 1, 1)}, "thời gian hiệu lực của Xã Kỳ Hoa"),
    ],
)
def test_create_refuses_bad_input_with_a_clear_message(tree, fields, message):
    with pytest.raises(ServiceError, match=message):
        agency_create(actor=None, unit=tree["kh"], **fields)


def test_update_changes_what_is_given_and_audits_the_before(tree):
    agency = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police", phone="1")
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    agency_update(actor=officer, agency=agency, phone="0912 345 678", agency_type=None)
    agency.refresh_from_db()
    assert (agency.phone, agency.agency_type) == ("0912 345 678", None)
    entry = ObjectChange.objects.filter(object_id=str(agency.pk), action=Action.UPDATE).get()
    assert (entry.before or {})["phone"] == "1" and (entry.after or {})["phone"] == "0912 345 678"
    assert entry.user_id == officer.pk


def test_update_without_a_change_writes_nothing(tree):
    agency = make_agency(tree["kh"], "Công an xã Kỳ Hoa")
    agency_update(actor=None, agency=agency, name="Công an xã Kỳ Hoa", phone="")
    assert _changes(agency) == [Action.CREATE]


def test_update_refuses_the_name_of_another_agency_of_the_unit(tree):
    make_agency(tree["kh"], "Công an xã Kỳ Hoa")
    other = make_agency(tree["kh"], "Trạm Y tế xã Kỳ Hoa")
    with pytest.raises(ServiceError, match="đã có cơ quan"):
        agency_update(actor=None, agency=other, name="CÔNG AN XÃ KỲ HOA")


def test_update_needs_the_permission_on_the_agencys_unit(tree):
    agency = make_agency(tree["kh"], "Công an xã Kỳ Hoa")
    with pytest.raises(PermissionDenied):
        agency_update(actor=member(tree["ka"], Role.COMMUNE_OFFICER), agency=agency, phone="1")


def test_deactivate_ends_the_agency_today_and_keeps_it(tree):
    agency = make_agency(tree["kh"], "Đội kiểm tra liên ngành xã Kỳ Hoa")
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    agency_deactivate(actor=officer, agency=agency)
    agency.refresh_from_db()
    assert not agency.active and agency.valid_to == dt.date.today() and not agency.is_current
    assert _changes(agency) == [Action.CREATE, Action.UPDATE]
    agency_deactivate(actor=officer, agency=agency)  # again: nothing more to record
    assert _changes(agency) == [Action.CREATE, Action.UPDATE]


def test_deactivate_before_the_agency_started_is_refused(tree):
    agency = make_agency(tree["kh"], "Tổ công tác", valid_from=dt.date(2025, 9, 1))
    with pytest.raises(ServiceError):
        agency_deactivate(actor=None, agency=agency, on=dt.date(2025, 8, 1))


# ---- reading ---------------------------------------------------------------------------


def test_a_commune_officer_sees_only_the_agencies_of_their_commune(tree):
    mine = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    theirs = make_agency(tree["hp"], "Công an xã Hải Phú", type_code="police")
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    assert list(selectors.agency_list(user=officer)) == [mine]
    assert selectors.agency_get(user=officer, pk=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.agency_get(user=officer, pk=theirs.pk)


def test_a_province_coordinator_sees_the_province_and_the_old_units_it_took_over(tree):
    old = make_agency(tree["old_kh"], "Công an xã Kỳ Hoa")
    new = make_agency(tree["kh"], "Công an xã Kỳ Hoa")
    province = make_agency(tree["ht"], "Sở Y tế tỉnh Hà Tĩnh")
    elsewhere = make_agency(tree["hp"], "Công an xã Hải Phú")
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    visible = set(selectors.agency_list(user=coordinator))
    assert {old, new, province} <= visible and elsewhere not in visible


def test_the_list_filters_by_words_type_unit_and_activity(tree):
    police = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    health = make_agency(tree["kh"], "Trạm Y tế xã Kỳ Hoa", type_code="health")
    ended = make_agency(tree["kh"], "Công an xã cũ", type_code="police")
    agency_deactivate(actor=None, agency=ended)
    admin = member(tree["ht"], Role.SYSTEM_ADMIN)
    assert list(selectors.agency_list(user=admin, q="cong an KY")) == [police]
    assert list(selectors.agency_list(user=admin, agency_type=agency_type("health"))) == [health]
    assert set(selectors.agency_list(user=admin, unit=tree["kh"], include_inactive=True)) == {
        police,
        health,
        ended,
    }
    assert ended not in selectors.agency_list(user=admin, unit=tree["kh"])


def test_units_a_user_may_manage_agencies_of(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    assert list(selectors.agency_units_manageable(user=officer)) == [tree["kh"]]
    assert not selectors.agency_units_manageable(user=member(tree["kh"], Role.VIEWER)).exists()
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    assert set(selectors.agency_units_manageable(user=coordinator)) == {
        tree["ht"],
        tree["ka"],
        tree["kh"],
    }
