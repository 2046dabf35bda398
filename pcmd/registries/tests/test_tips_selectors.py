"""Reading tips: scoped lists and filters, overdue tips, and the counts behind the
"processed on time" indicator."""

import datetime as dt

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.models import Holiday, TipChannel
from pcmd.registries.selectors.tips import overdue_tips, tip_counts, tip_list
from pcmd.registries.services import tips as services
from pcmd.registries.tests.factories_tips import make_tip, moment

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 4, 24)  # "business" tips: 10 working days → 13/05 (three holidays)


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


def _close(officer, tip, day):
    services.tip_close(
        actor=officer, tip=tip, conclusion="founded", closed_on=day, reason="Đã xử lý"
    )


def test_overdue_follows_the_working_day_deadline_with_holidays(tree, officer):
    tip = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    # Without the holidays the deadline would be 08/05; on 11/05 the tip is still in time.
    assert (
        tip_counts(unit_ids=None, start=FRIDAY, end=FRIDAY, today=dt.date(2026, 5, 11))[
            tree["kh"].pk
        ]["overdue"]
        == 0
    )
    on_deadline = dt.date(2026, 5, 13)
    assert not tip_list(user=officer, overdue=True, today=on_deadline).exists()
    day_after = dt.date(2026, 5, 14)
    assert list(tip_list(user=officer, overdue=True, today=day_after)) == [tip]
    assert overdue_tips(user=officer, today=day_after)["count"] == 1
    # A holiday added later does not move a deadline already set.
    Holiday.objects.create(date=dt.date(2026, 5, 12), name="Nghỉ bù")
    assert overdue_tips(user=officer, today=day_after)["tips"] == [tip]


def test_processed_on_time_counts_tips_closed_by_their_deadline(tree, officer):
    on_time = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    late = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    still_open = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    _close(officer, on_time, dt.date(2026, 5, 13))  # the deadline day itself counts
    _close(officer, late, dt.date(2026, 5, 14))
    make_tip(tree["ka"], received=FRIDAY, actor=member(tree["ka"], Role.COMMUNE_OFFICER))
    make_tip(tree["kh"], received=dt.date(2026, 7, 1), actor=officer)  # another half-year
    counts = tip_counts(
        unit_ids=[tree["kh"].pk, tree["ka"].pk],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 6, 30),
        today=dt.date(2026, 6, 30),
    )
    assert counts[tree["kh"].pk] == {
        "received": 3,
        "closed": 2,
        "processed_on_time": 1,
        "overdue": 1,
    }
    assert counts[tree["ka"].pk]["received"] == 1
    assert still_open.status == "received"
    only = tip_counts(unit_ids=[tree["ka"].pk], start=FRIDAY, end=FRIDAY)
    assert list(only) == [tree["ka"].pk]


def test_the_receipt_day_is_the_local_day_at_the_period_edges(tree, officer):
    # 23:30 on 30/06 in Vietnam (16:30 UTC) belongs to the first half-year.
    make_tip(tree["kh"], received=moment(dt.date(2026, 6, 30), 23), actor=officer)
    make_tip(tree["kh"], received=moment(dt.date(2026, 7, 1), 0), actor=officer)
    first = tip_counts(unit_ids=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    second = tip_counts(unit_ids=None, start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31))
    assert first[tree["kh"].pk]["received"] == 1 and second[tree["kh"].pk]["received"] == 1


def test_lists_are_scoped_and_filtered(tree, officer):
    police = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    hotline = make_tip(tree["kh"], received=FRIDAY, actor=officer, subject="Nhà nghỉ Hoa Sen")
    online = make_tip(
        tree["kh"],
        received=dt.date(2026, 6, 1),
        actor=officer,
        code="online",
        channel=TipChannel.ONLINE_MONITORING,
        subject="Quảng cáo trên Zalo",
    )
    services.tip_assign(actor=officer, tip=online, agency=police, assigned_on=dt.date(2026, 6, 2))
    elsewhere = make_tip(tree["ka"], actor=member(tree["ka"], Role.COMMUNE_OFFICER))
    assert set(tip_list(user=officer)) == {hotline, online}
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    assert set(tip_list(user=coordinator)) == {hotline, online, elsewhere}
    assert list(tip_list(user=coordinator, unit=tree["ka"].pk)) == [elsewhere]
    assert list(tip_list(user=officer, q="nha nghi")) == [hotline]
    assert list(tip_list(user=officer, channel="online")) == [online]
    assert list(tip_list(user=officer, category="business")) == [hotline]
    assert list(tip_list(user=officer, status="assigned")) == [online]
    assert list(tip_list(user=officer, agency=police)) == [online]
    assert list(tip_list(user=officer, received_from=dt.date(2026, 5, 1))) == [online]
    assert list(tip_list(user=officer, received_to=dt.date(2026, 4, 24))) == [hotline]
    # Overdue first: the April tip is past its deadline, the June one (due 10/06) is not.
    ordered = list(tip_list(user=officer, sort="overdue", today=dt.date(2026, 6, 5)))
    assert ordered == [hotline, online]
    assert [vars(t)["overdue_now"] for t in ordered] == [True, False]
