"""Tips: intake, handling and closure through the services, with their refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.models import TipChannel, TipMessage, TipStatus
from pcmd.registries.services import tips as services
from pcmd.registries.tests.factories_businesses import make_business
from pcmd.registries.tests.factories_tips import category, make_tip, moment

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 4, 24)  # before the 27/04, 30/04 and 01/05 holidays


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


def test_an_officer_logs_a_tip_and_its_deadline_skips_holidays(tree, officer):
    tip = services.tip_create(
        actor=officer,
        unit=tree["kh"],
        channel=TipChannel.HOTLINE,
        category="business",
        received_at=moment(FRIDAY, 20),
        subject="  Nhà nghỉ có biểu hiện mại dâm ",
        content="Phản ánh qua đường dây nóng.",
    )
    # 10 working days: 27/04, 30/04 and 01/05 are holidays, weekends skipped.
    assert tip.deadline == dt.date(2026, 5, 13)
    assert tip.status == TipStatus.RECEIVED and tip.anonymous and tip.created_by == officer
    assert tip.subject == "Nhà nghỉ có biểu hiện mại dâm"
    assert ObjectChange.objects.filter(object_id=str(tip.pk), action="create").exists()


def test_a_receipt_just_after_midnight_counts_on_its_local_day(tree, officer):
    # 00:30 on Monday 04/05 in Vietnam is still Sunday 03/05 in UTC.
    early = timezone.make_aware(dt.datetime(2026, 5, 4, 0, 30))
    tip = make_tip(tree["kh"], received=early, actor=officer, code="online")
    # 7 working days counted from Monday (from Sunday it would end on 12/05).
    assert tip.deadline == dt.date(2026, 5, 13)


def test_online_monitoring_keeps_platform_link_and_time_seen(tree, officer):
    tip = make_tip(
        tree["kh"],
        actor=officer,
        code="online",
        channel=TipChannel.ONLINE_MONITORING,
        platform="Zalo",
        link="https://example.org/bai-dang/1",
        seen_at=moment(FRIDAY, 8),
        received=moment(FRIDAY, 9),
    )
    assert tip.platform == "Zalo" and tip.seen_at == moment(FRIDAY, 8)


def test_refused_intake(tree, officer):
    def create(**changes):
        values = {
            "actor": officer,
            "unit": tree["kh"],
            "channel": TipChannel.HOTLINE,
            "category": "business",
            "received_at": moment(FRIDAY),
            "subject": "Tóm tắt",
            "content": "Nội dung",
            **changes,
        }
        return services.tip_create(**values)

    future = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ServiceError, match="tương lai"):
        create(received_at=future)
    with pytest.raises(ServiceError, match="không có trong danh mục"):
        create(category="khong-co")
    with pytest.raises(ServiceError, match="Kênh"):
        create(channel="fax")
    with pytest.raises(ServiceError, match="Cần nhập tóm tắt"):
        create(subject="  ")
    with pytest.raises(ServiceError, match="Đường dẫn"):
        create(link="javascript:alert(1)")
    with pytest.raises(ServiceError, match="phát hiện"):
        create(seen_at=moment(FRIDAY + dt.timedelta(days=1)))
    with pytest.raises(ServiceError, match="ẩn danh"):
        create(anonymous=True, reporter_name="Nguyễn Văn A")
    with pytest.raises(ServiceError, match="họ tên"):
        create(anonymous=False)
    with pytest.raises(ServiceError, match="không tồn tại"):
        create(received_at=moment(dt.date(2025, 3, 1)))  # the new commune began 01/07/2025
    retired = category("other")
    retired.active = False
    retired.save()
    with pytest.raises(ServiceError, match="không còn được dùng"):
        create(category="other")


def test_a_tip_in_a_unit_outside_scope_is_refused(tree, officer):
    with pytest.raises(PermissionDenied):
        make_tip(tree["hp"], actor=officer)
    viewer = member(tree["kh"], Role.VIEWER)
    with pytest.raises(PermissionDenied):
        make_tip(tree["kh"], actor=viewer)


def test_a_business_of_another_commune_is_refused(tree, officer):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    elsewhere = make_business(tree["ka"])
    with pytest.raises(ServiceError, match="không thuộc địa bàn"):
        make_tip(tree["kh"], actor=coordinator, business=elsewhere)
    with pytest.raises(PermissionDenied):
        make_tip(tree["kh"], actor=officer, business=make_business(tree["hp"], "Karaoke X"))


def test_changing_category_or_receipt_recomputes_the_deadline(tree, officer):
    tip = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    assert tip.deadline == dt.date(2026, 5, 13)
    services.tip_update(actor=officer, tip=tip, category="crime")  # 20 calendar days
    assert tip.deadline == dt.date(2026, 5, 14)
    services.tip_update(actor=officer, tip=tip, received_at=moment(dt.date(2026, 5, 4)))
    assert tip.deadline == dt.date(2026, 5, 24)
    tip.refresh_from_db()
    assert tip.deadline == dt.date(2026, 5, 24)


def test_assign_verify_close_and_reopen(tree, officer):
    tip = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    police = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    services.tip_assign(actor=officer, tip=tip, agency=police, assigned_on=dt.date(2026, 4, 28))
    assert tip.status == TipStatus.ASSIGNED and tip.assigned_agency == police
    services.tip_verify(actor=officer, tip=tip, verification="Đã xác minh tại chỗ.")
    assert tip.status == TipStatus.VERIFYING
    services.tip_close(
        actor=officer,
        tip=tip,
        conclusion="founded",
        outcome="Lập biên bản, xử phạt.",
        closed_on=dt.date(2026, 5, 12),
        reason="Đã xử lý xong.",
    )
    assert tip.status == TipStatus.CLOSED and tip.processed_on_time is True
    with pytest.raises(ServiceError, match="đã kết thúc"):
        services.tip_verify(actor=officer, tip=tip, verification="Thêm")
    services.tip_reopen(actor=officer, tip=tip, reason="Người dân phản ánh tiếp.")
    assert tip.status == TipStatus.ASSIGNED and tip.closed_on is None
    assert TipMessage.objects.get(tip=tip).text.endswith("Người dân phản ánh tiếp.")


def test_closing_dates_and_reason_are_checked(tree, officer):
    tip = make_tip(tree["kh"], received=FRIDAY, actor=officer)

    def close(**changes):
        values = {
            "conclusion": "unfounded",
            "closed_on": dt.date(2026, 5, 1),
            "reason": "Không có cơ sở.",
            **changes,
        }
        return services.tip_close(actor=officer, tip=tip, **values)

    with pytest.raises(ServiceError, match="trước ngày tiếp nhận"):
        close(closed_on=dt.date(2026, 4, 23))
    with pytest.raises(ServiceError, match="tương lai"):
        close(closed_on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ServiceError, match="lý do"):
        close(reason=" ")
    with pytest.raises(ServiceError, match="kết luận"):
        close(conclusion="")
    with pytest.raises(ServiceError, match="không hợp lệ"):
        close(conclusion="maybe")
    close()
    with pytest.raises(ServiceError, match="sau ngày kết thúc"):
        services.tip_update(actor=officer, tip=tip, received_at=moment(dt.date(2026, 5, 4)))


def test_an_agency_must_belong_to_the_tips_unit_or_a_unit_above_or_below(tree, officer):
    tip = make_tip(tree["kh"], actor=officer)
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    province_police = make_agency(tree["ht"], "Công an tỉnh Hà Tĩnh", type_code="police")
    services.tip_assign(actor=coordinator, tip=tip, agency=province_police)
    assert tip.assigned_agency == province_police and tip.assigned_on == timezone.localdate()
    neighbour = make_agency(tree["ka"], "Công an phường Kỳ Anh", type_code="police")
    with pytest.raises(ServiceError, match="không thuộc"):
        services.tip_assign(actor=coordinator, tip=tip, agency=neighbour)
    far = make_agency(tree["hp"], "Công an xã Hải Phú", type_code="police")
    with pytest.raises(PermissionDenied):
        services.tip_assign(actor=officer, tip=tip, agency=far)


def test_a_public_note_is_what_the_tip_giver_reads(tree, officer):
    tip = make_tip(tree["kh"], actor=officer)
    services.tip_note(actor=officer, tip=tip, text="Nội bộ: đã liên hệ công an.")
    assert tip.public_status_note == ""
    services.tip_note(actor=officer, tip=tip, text="Tin của bạn đang được xác minh.", public=True)
    tip.refresh_from_db()
    assert tip.public_status_note == "Tin của bạn đang được xác minh."
    assert list(tip.messages.values_list("from_public", flat=True)) == [False, False]
    with pytest.raises(ServiceError):
        services.tip_note(actor=officer, tip=tip, text="")


def test_link_a_business(tree, officer):
    tip = make_tip(tree["kh"], actor=officer)
    business = make_business(tree["kh"])
    services.tip_link_business(actor=officer, tip=tip, business=business)
    tip.refresh_from_db()
    assert tip.business == business
    services.tip_link_business(actor=officer, tip=tip, business=None)
    assert tip.business is None


def test_every_write_needs_the_right_on_the_tips_unit(tree, officer):
    tip = make_tip(tree["kh"], actor=officer)
    other = member(tree["ka"], Role.COMMUNE_OFFICER)
    inspector = member(tree["kh"], Role.INSPECTOR)
    for actor in (other, inspector):
        with pytest.raises(PermissionDenied):
            services.tip_update(actor=actor, tip=tip, subject="Khác")
        with pytest.raises(PermissionDenied):
            services.tip_note(actor=actor, tip=tip, text="x")
        with pytest.raises(PermissionDenied):
            services.tip_close(
                actor=actor, tip=tip, conclusion="unfounded", closed_on=None, reason="x"
            )
