import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.models import (
    Inspection,
    InspectionTeam,
    PaymentStatus,
    Sanction,
    SanctionDecree,
    TeamMember,
)
from pcmd.registries.services import inspections as services
from pcmd.registries.tests.factories_businesses import make_business
from pcmd.registries.tests.factories_inspections import (
    DAY,
    make_inspection,
    make_member,
    make_plan,
    make_sanction,
    make_team,
    make_violation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


@pytest.fixture
def setup(tree):
    team = make_team(tree["kh"])
    return {
        "team": team,
        "member": make_member(team, "Lê Thị Lan"),
        "business": make_business(tree["kh"], "Karaoke Ánh Dương"),
    }


def _changes(obj, action=None):
    qs = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    )
    return qs.filter(action=action) if action else qs


# ---- teams and members -------------------------------------------------------------------


def test_province_and_commune_teams_are_created_and_audited(tree, officer):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    province = services.team_create(
        actor=coordinator, unit=tree["ht"], name="Đội 178 tỉnh", valid_from=dt.date(2025, 7, 1)
    )
    commune = services.team_create(
        actor=officer, unit=tree["kh"], name=" Đội 178 xã ", valid_from=dt.date(2025, 8, 1)
    )
    assert commune.name == "Đội 178 xã"
    for team in (province, commune):
        assert _changes(team, Action.CREATE).count() == 1


def test_a_district_team_is_for_past_years_and_ends_with_its_district(tree):
    team = make_team(tree["old_ka"], valid_from=dt.date(2021, 1, 1))
    assert team.valid_to == dt.date(2025, 6, 30)
    with pytest.raises(ServiceError, match="không còn cấp huyện"):
        make_team(tree["old_ka"], valid_from=dt.date(2021, 1, 1), valid_to=dt.date(2026, 1, 1))


def test_a_team_cannot_start_before_its_unit_exists(tree):
    with pytest.raises(ServiceError, match="Xã Kỳ Hoa"):
        make_team(tree["kh"], valid_from=dt.date(2024, 1, 1))


def test_a_team_of_a_unit_outside_the_users_rights_is_refused(tree, officer):
    with pytest.raises(PermissionDenied, match="quyền"):
        services.team_create(
            actor=officer, unit=tree["hp"], name="Đội 178", valid_from=dt.date(2025, 7, 1)
        )
    assert not InspectionTeam.objects.exists()


def test_closing_a_team_ends_it_and_its_members_and_is_audited(setup, officer):
    team, person = setup["team"], setup["member"]
    services.member_update(actor=officer, member=person, valid_to=dt.date(2026, 12, 31))
    services.team_close(actor=officer, team=team, on=dt.date(2025, 12, 31))
    team.refresh_from_db()
    person.refresh_from_db()
    assert team.valid_to == dt.date(2025, 12, 31) and person.valid_to == dt.date(2025, 12, 31)
    assert _changes(team, Action.UPDATE).count() == 1
    assert _changes(person, Action.UPDATE).count() == 2


def test_a_team_cannot_close_before_its_own_inspections(setup, officer):
    make_inspection(setup["business"], team=setup["team"], date=DAY)
    with pytest.raises(ServiceError, match="15/09/2025"):
        services.team_close(actor=officer, team=setup["team"], on=dt.date(2025, 9, 1))


def test_a_team_with_records_is_not_deleted_but_an_empty_one_is(setup, officer, tree):
    make_inspection(setup["business"], team=setup["team"])
    with pytest.raises(ServiceError, match="ngày kết thúc"):
        services.team_delete(actor=officer, team=setup["team"])
    empty = make_team(tree["kh"], "Đội lập nhầm")
    services.team_delete(actor=officer, team=empty)
    assert ObjectChange.objects.filter(action=Action.DELETE, object_repr="Đội lập nhầm").exists()


def test_members_come_from_agencies_of_the_unit_its_parent_or_below(setup, officer, tree):
    team = setup["team"]
    own = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    parent = make_agency(tree["ht"], "Sở Y tế tỉnh Hà Tĩnh", type_code="health")
    elsewhere = make_agency(tree["hp"], "Công an xã Hải Phú", type_code="police")
    a = services.member_add(actor=officer, team=team, full_name="Phan Văn A", agency=own)
    b = services.member_add(actor=officer, team=team, full_name="Hồ Thị B", agency=parent)
    assert {a.agency, b.agency} == {own, parent}
    with pytest.raises(ServiceError, match="Công an xã Hải Phú không thuộc Xã Kỳ Hoa"):
        services.member_add(actor=officer, team=team, full_name="Võ C", agency=elsewhere)
    assert _changes(a, Action.CREATE).exists() and _changes(b, Action.CREATE).exists()


def test_member_dates_stay_within_the_team(setup, officer):
    with pytest.raises(ServiceError, match="thời gian hoạt động của đội"):
        services.member_add(
            actor=officer,
            team=setup["team"],
            full_name="Đặng D",
            valid_from=dt.date(2025, 1, 1),
        )


def test_a_member_who_took_part_is_ended_not_removed(setup, officer):
    person = setup["member"]
    make_inspection(setup["business"], team=setup["team"], members_present=[person])
    with pytest.raises(ServiceError, match="đã tham gia 1 cuộc kiểm tra"):
        services.member_remove(actor=officer, member=person)
    spare = make_member(setup["team"], "Người thêm nhầm")
    services.member_remove(actor=officer, member=spare)
    assert not TeamMember.objects.filter(pk=spare.pk).exists()
    assert ObjectChange.objects.filter(action=Action.DELETE, object_repr="Người thêm nhầm")


# ---- plans ------------------------------------------------------------------------------


def test_a_plan_lists_businesses_of_the_teams_area_only(setup, officer, tree):
    other = make_business(tree["hp"], "Massage Hải Phú")
    with pytest.raises(ServiceError, match=r"Massage Hải Phú .* không thuộc địa bàn"):
        make_plan(setup["team"], businesses=[setup["business"], other])
    plan = services.plan_create(
        actor=officer,
        team=setup["team"],
        title="Kiểm tra đột xuất tháng 9",
        start=dt.date(2025, 9, 1),
        end=dt.date(2025, 9, 30),
        businesses=[setup["business"]],
    )
    assert list(plan.businesses.all()) == [setup["business"]]
    assert _changes(plan, Action.CREATE).exists()
    # The list of businesses is audited link by link.
    link = plan.businesses.through.objects.get(inspectionplan=plan)
    assert _changes(link, Action.CREATE).exists()
    services.plan_update(actor=officer, plan=plan, businesses=[], announced=True)
    assert _changes(link, Action.DELETE).exists() and _changes(plan, Action.UPDATE).exists()


def test_a_province_team_plans_for_its_communes(tree):
    team = make_team(tree["ht"])
    plan = make_plan(team, businesses=[make_business(tree["kh"]), make_business(tree["ka"])])
    assert plan.businesses.count() == 2


def test_plan_dates_must_be_ordered_and_within_the_team(setup):
    with pytest.raises(ServiceError, match="trước ngày kết thúc"):
        make_plan(setup["team"], start=dt.date(2025, 9, 30), end=dt.date(2025, 9, 1))
    with pytest.raises(ServiceError, match="thời gian hoạt động"):
        make_plan(setup["team"], start=dt.date(2025, 6, 1), end=dt.date(2025, 9, 1))


# ---- inspections ------------------------------------------------------------------------


def test_an_inspection_copies_the_business_unit_and_is_audited(setup, officer):
    inspection = services.inspection_create(
        actor=officer,
        business=setup["business"],
        team=setup["team"],
        date=DAY,
        members_present=[setup["member"]],
        finding_prostitution="ok",
        finding_security="violation",
        violations_found="2",
        record_number="05/BB",
    )
    assert inspection.unit == setup["business"].unit and inspection.violations_found == 2
    assert list(inspection.members_present.all()) == [setup["member"]]
    assert _changes(inspection, Action.CREATE).count() == 1
    services.inspection_update(actor=officer, inspection=inspection, findings_note="Đã nhắc")
    assert _changes(inspection, Action.UPDATE).count() == 1


def test_a_future_inspection_date_is_refused(setup):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ServiceError, match="ở tương lai"):
        make_inspection(setup["business"], team=setup["team"], date=tomorrow)


def test_a_team_not_valid_on_the_date_is_refused(setup, tree):
    closed = make_team(tree["kh"], "Đội cũ", valid_to=dt.date(2025, 8, 31))
    with pytest.raises(ServiceError, match="Đội cũ không hoạt động vào ngày 15/09/2025"):
        make_inspection(setup["business"], team=closed, date=DAY)


def test_a_team_must_cover_the_business(setup, tree):
    elsewhere = make_team(tree["hp"], "Đội Hải Phú")
    with pytest.raises(ServiceError, match="không thuộc địa bàn của Đội Hải Phú"):
        make_inspection(setup["business"], team=elsewhere)
    # A province team covers its communes.
    assert make_inspection(setup["business"], team=make_team(tree["ht"])).pk


def test_an_old_district_team_inspected_a_business_now_in_a_new_commune(tree):
    district = make_team(tree["old_ka"], valid_from=dt.date(2021, 1, 1))
    business = make_business(tree["ka"])  # recorded under the new ward
    inspection = make_inspection(business, team=district, date=dt.date(2024, 5, 10))
    assert inspection.unit == tree["ka"]
    # Not a team of a different district.
    other = make_team(tree["old_bt"], valid_from=dt.date(2021, 1, 1))
    with pytest.raises(ServiceError, match="không thuộc địa bàn"):
        make_inspection(business, team=other, date=dt.date(2024, 5, 10))


def test_a_member_of_another_team_is_refused(setup, tree):
    other_team = make_team(tree["kh"], "Đội khác")
    stranger = make_member(other_team, "Người đội khác")
    with pytest.raises(ServiceError, match="Người đội khác không phải là thành viên"):
        make_inspection(setup["business"], team=setup["team"], members_present=[stranger])


def test_a_member_not_valid_on_the_date_is_refused(setup):
    late = make_member(setup["team"], "Vào sau", valid_from=dt.date(2025, 10, 1))
    with pytest.raises(ServiceError, match="Vào sau không còn là thành viên"):
        make_inspection(setup["business"], team=setup["team"], members_present=[late])


def test_findings_and_violation_count_must_agree(setup):
    with pytest.raises(ServiceError, match="số hành vi vi phạm phải từ 1"):
        make_inspection(setup["business"], finding_labour="violation", violations_found=0)
    with pytest.raises(ServiceError, match="không mục nào"):
        make_inspection(setup["business"], violations_found=3)
    with pytest.raises(ServiceError, match="không được âm"):
        make_inspection(setup["business"], finding_labour="violation", violations_found="-1")
    with pytest.raises(ServiceError, match="không hợp lệ"):
        make_inspection(setup["business"], finding_labour="maybe")


def test_a_follow_up_is_of_an_earlier_inspection_of_the_same_business(setup, tree):
    first = make_violation(setup["business"], follow_up_due=dt.date(2025, 10, 15))
    second = make_inspection(setup["business"], date=dt.date(2025, 10, 10), follow_up_of=first)
    assert list(first.follow_ups.all()) == [second]
    with pytest.raises(ServiceError, match="sau cuộc kiểm tra ngày 15/09/2025"):
        make_inspection(setup["business"], date=dt.date(2025, 9, 1), follow_up_of=first)
    with pytest.raises(ServiceError, match="cùng một cơ sở"):
        make_inspection(make_business(tree["kh"]), date=dt.date(2025, 10, 1), follow_up_of=first)
    with pytest.raises(ServiceError, match="Hạn hậu kiểm phải sau"):
        make_inspection(setup["business"], follow_up_due=dt.date(2025, 9, 1))


def test_an_inspection_follows_its_plan(setup):
    plan = make_plan(setup["team"])
    inspection = make_inspection(setup["business"], plan=plan)
    assert inspection.team == setup["team"]  # taken from the plan
    with pytest.raises(ServiceError, match="thời gian của kế hoạch"):
        make_inspection(setup["business"], plan=plan, date=dt.date(2025, 10, 5))


def test_an_inspection_with_sanctions_is_not_deleted(setup, officer):
    inspection = make_violation(setup["business"], members_present=[], team=setup["team"])
    sanction = make_sanction(inspection=inspection)
    with pytest.raises(ServiceError, match="xóa các quyết định trước"):
        services.inspection_delete(actor=officer, inspection=inspection)
    services.sanction_delete(actor=officer, sanction=sanction)
    services.inspection_delete(actor=officer, inspection=inspection)
    assert not Inspection.objects.exists()
    assert ObjectChange.objects.filter(action=Action.DELETE).count() == 2


def test_an_inspection_of_a_business_outside_the_users_rights_is_refused(tree, officer):
    other = make_business(tree["hp"])
    with pytest.raises(PermissionDenied, match="quyền"):
        services.inspection_create(actor=officer, business=other, date=DAY)


# ---- sanctions --------------------------------------------------------------------------


@pytest.fixture
def inspection(setup):
    return make_violation(setup["business"], team=setup["team"])


def test_a_sanction_takes_the_decree_in_force_when_none_is_chosen(inspection, officer):
    sanction = services.sanction_create(
        actor=officer,
        inspection=inspection,
        decision_number="12/QĐ-XPHC",
        decision_date=dt.date(2025, 9, 20),
        offender_name="Nguyễn Văn Chủ",
        act="Không thông báo lưu trú",
        fine_vnd="1.500.000",
    )
    assert str(sanction.decree) == "144/2021/NĐ-CP" and sanction.fine_vnd == 1_500_000
    assert sanction.business == inspection.business and sanction.unit == inspection.unit
    assert _changes(sanction, Action.CREATE).count() == 1
    # After 15/12/2025 the new decree applies.
    later = make_sanction(inspection=inspection, decision_date=dt.date(2025, 12, 20))
    assert str(later.decree) == "282/2025/NĐ-CP"


def test_a_decree_not_in_force_is_refused_naming_the_one_in_force(inspection):
    new_decree = SanctionDecree.objects.get(code="282/2025/NĐ-CP")
    with pytest.raises(ServiceError) as refused:
        make_sanction(inspection=inspection, decree=new_decree)
    message = " ".join(refused.value.messages)
    assert "282/2025/NĐ-CP không có hiệu lực vào ngày 20/09/2025" in message
    assert "144/2021/NĐ-CP" in message


def test_a_negative_fine_is_refused(inspection):
    with pytest.raises(ServiceError, match="Số tiền phạt không được âm"):
        make_sanction(inspection=inspection, fine_vnd="-500.000")
    with pytest.raises(ServiceError, match="Số tiền phạt không được âm"):
        make_sanction(inspection=inspection, fine_vnd=-1)
    with pytest.raises(ServiceError, match="Số tiền phạt"):
        make_sanction(inspection=inspection, fine_vnd="năm triệu")
    assert not Sanction.objects.exists()


def test_payment_date_is_required_when_paid_and_not_before_the_decision(inspection):
    with pytest.raises(ServiceError, match="cần nhập ngày nộp"):
        make_sanction(inspection=inspection, payment_status=PaymentStatus.PAID)
    with pytest.raises(ServiceError, match="trước ngày quyết định 20/09/2025"):
        make_sanction(
            inspection=inspection,
            payment_status=PaymentStatus.PAID,
            paid_on=dt.date(2025, 9, 19),
        )
    paid = make_sanction(
        inspection=inspection, payment_status=PaymentStatus.PAID, paid_on=dt.date(2025, 9, 25)
    )
    assert paid.paid_on == dt.date(2025, 9, 25)


def test_a_decision_date_in_the_future_or_before_the_inspection_is_refused(inspection):
    with pytest.raises(ServiceError, match="ở tương lai"):
        make_sanction(
            inspection=inspection, decision_date=timezone.localdate() + dt.timedelta(days=2)
        )
    with pytest.raises(ServiceError, match="từ ngày kiểm tra"):
        make_sanction(inspection=inspection, decision_date=dt.date(2025, 9, 1))


def test_a_decision_number_is_unique_within_the_unit_and_year(inspection, tree):
    make_sanction(inspection=inspection, decision_number="07/QĐ-XPHC")
    with pytest.raises(ServiceError, match="07/qđ-xphc đã được dùng ở Xã Kỳ Hoa trong năm 2025"):
        make_sanction(inspection=inspection, decision_number="07/qđ-xphc")
    # Another year, or another unit, may use it.
    make_sanction(
        inspection=inspection, decision_number="07/QĐ-XPHC", decision_date=dt.date(2026, 1, 5)
    )
    make_sanction(business=make_business(tree["hp"]), decision_number="07/QĐ-XPHC")


def test_a_criminal_referral_needs_its_date_and_agency(inspection):
    with pytest.raises(ServiceError, match="ngày chuyển và cơ quan nhận"):
        make_sanction(inspection=inspection, decision_number="", criminal_referral=True)
    referral = make_sanction(
        inspection=inspection,
        decision_number="",
        fine_vnd=0,
        criminal_referral=True,
        referral_date=dt.date(2025, 9, 21),
        referral_to="Cơ quan CSĐT Công an tỉnh Hà Tĩnh",
    )
    assert referral.criminal_referral
    with pytest.raises(ServiceError, match="số quyết định"):
        make_sanction(inspection=inspection, decision_number="")


def test_a_standalone_sanction_needs_a_business_or_unit_in_the_users_rights(tree, officer):
    with pytest.raises(ServiceError, match="Cần chọn"):
        services.sanction_create(
            actor=officer, decision_date=dt.date(2025, 9, 20), offender_name="X", act="Y"
        )
    with pytest.raises(PermissionDenied):
        services.sanction_create(
            actor=officer,
            unit=tree["hp"],
            decision_number="1/QĐ",
            decision_date=dt.date(2025, 9, 20),
            offender_name="X",
            act="Y",
        )
    own = services.sanction_create(
        actor=officer,
        unit=tree["kh"],
        decision_number="1/QĐ",
        decision_date=dt.date(2025, 9, 20),
        offender_name="Trần Thị E",
        act="Mua dâm",
        fine_vnd="1.000.000",
    )
    assert own.unit == tree["kh"] and own.business is None


def test_updating_a_sanction_rechecks_it_and_is_audited(inspection, officer):
    sanction = make_sanction(inspection=inspection)
    services.sanction_update(
        actor=officer,
        sanction=sanction,
        payment_status=PaymentStatus.PAID,
        paid_on=dt.date(2025, 9, 30),
    )
    assert _changes(sanction, Action.UPDATE).count() == 1
    with pytest.raises(ServiceError, match="không được âm"):
        services.sanction_update(actor=officer, sanction=sanction, fine_vnd="-1")
    sanction.refresh_from_db()
    # A later decision date moves the automatic decree along.
    services.sanction_update(
        actor=officer,
        sanction=sanction,
        decision_date=dt.date(2025, 12, 16),
        paid_on=None,
        payment_status=PaymentStatus.UNPAID,
    )
    assert str(Sanction.objects.get(pk=sanction.pk).decree) == "282/2025/NĐ-CP"
