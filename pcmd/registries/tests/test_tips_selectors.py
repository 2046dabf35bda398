"""Reading tips: scoped lists and filters, and overdue tips (the counts behind the
indicators are the registry sources, test_sources)."""

import datetime as dt

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.orgs.tests.factories import make_agency
from pcmd.registries.models import Holiday, TipChannel
from pcmd.registries.selectors.tips import overdue_tips, tip_list
from pcmd.registries.services import tips as services
from pcmd.registries.tests.factories_tips import make_tip

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 4, 24)  # "business" tips: 10 working days → 13/05 (three holidays)


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


def test_overdue_follows_the_working_day_deadline_with_holidays(tree, officer):
    tip = make_tip(tree["kh"], received=FRIDAY, actor=officer)
    # Without the holidays the deadline would be 08/05; on 11/05 the tip is still in time.
    assert not tip_list(user=officer, overdue=True, today=dt.date(2026, 5, 11)).exists()
    on_deadline = dt.date(2026, 5, 13)
    assert not tip_list(user=officer, overdue=True, today=on_deadline).exists()
    day_after = dt.date(2026, 5, 14)
    assert list(tip_list(user=officer, overdue=True, today=day_after)) == [tip]
    assert overdue_tips(user=officer, today=day_after)["count"] == 1
    # A holiday added later does not move a deadline already set.
    Holiday.objects.create(date=dt.date(2026, 5, 12), name="Nghỉ bù")
    assert overdue_tips(user=officer, today=day_after)["tips"] == [tip]


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
