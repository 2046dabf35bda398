"""The lists: scoped by unit, filtered by unit, dates, year, kind, form and audience."""

import datetime as dt
from typing import Any

import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.activities import selectors
from pcmd.activities.tests.factories import (
    make_activity,
    make_pilot_model,
    make_staff_count,
    make_training,
)

pytestmark = pytest.mark.django_db


def _titles(qs):
    return sorted(str(obj) for obj in qs)


@pytest.fixture
def coordinator(tree):
    return member(tree["ht"], Role.PROVINCE_COORDINATOR)


def test_a_commune_officer_sees_the_communes_records_only(tree):
    officer = member(tree["kh"], Role.COMMUNE_OFFICER)
    own = make_training(tree["kh"], "Lớp Kỳ Hoa")
    make_training(tree["ka"], "Lớp Kỳ Anh")
    make_training(tree["ht"], "Lớp của tỉnh")
    assert list(selectors.training_list(user=officer)) == [own]
    assert own.pk == selectors.training_get(user=officer, pk=own.pk).pk
    make_activity(tree["hp"], "Quảng Trị")
    assert not selectors.communication_list(user=officer).exists()
    assert not selectors.pilot_model_list(user=member(tree["hp"], Role.VIEWER)).exists()


def test_the_training_list_filters_by_unit_year_dates_level_and_text(tree, coordinator):
    make_training(tree["kh"], "Lớp A", start=dt.date(2025, 8, 1))
    make_training(tree["ka"], "Lớp B", start=dt.date(2025, 9, 20), topics="Kỹ năng truyền thông")
    make_training(tree["ht"], "Lớp C", start=dt.date(2024, 12, 30), end=dt.date(2025, 1, 2))
    make_training(tree["ht"], "Lớp D", start=dt.date(2024, 6, 3))

    def titles(**filters):
        return _titles(selectors.training_list(user=coordinator, **filters))

    assert titles() == ["Lớp A", "Lớp B", "Lớp C", "Lớp D"]
    assert titles(unit=tree["kh"]) == ["Lớp A"]
    assert titles(unit=tree["ht"]) == ["Lớp A", "Lớp B", "Lớp C", "Lớp D"]  # and below
    assert titles(year=2025) == ["Lớp A", "Lớp B", "Lớp C"]  # C ends in 2025
    assert titles(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)) == ["Lớp B"]
    assert titles(level="province") == ["Lớp C", "Lớp D"]
    assert titles(q="truyền thông") == ["Lớp B"]
    row: Any = selectors.training_list(user=coordinator, unit=tree["kh"]).get()
    assert (row.participant_total, row.named_total) == (9, 0)
    assert selectors.training_totals(selectors.training_list(user=coordinator, year=2025)) == {
        "courses": 3,
        "participants": 27,
    }


def test_the_communication_list_filters_by_form_audience_year_and_dates(tree, coordinator):
    make_activity(tree["kh"], "Phát thanh", form="broadcast", date=dt.date(2025, 3, 1))
    make_activity(tree["kh"], "Tại trường", form="school_session", audience="students")
    make_activity(tree["ka"], "Khu công nghiệp", audience="industrial_zone_workers", reach=300)
    make_activity(tree["ka"], "Năm trước", date=dt.date(2024, 5, 1))

    def titles(**filters):
        return sorted(a.title for a in selectors.communication_list(user=coordinator, **filters))

    assert titles(form="broadcast") == ["Phát thanh"]
    assert titles(audience="students") == ["Tại trường"]
    assert titles(audience="industrial_zone_workers", unit=tree["ka"]) == ["Khu công nghiệp"]
    assert titles(year=2024) == ["Năm trước"]
    assert titles(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30)) == ["Phát thanh"]
    assert titles(q="trường") == ["Tại trường"]
    totals = selectors.communication_totals(selectors.communication_list(user=coordinator))
    assert totals == {"activities": 4, "reach": 450, "media_items": 0}


def test_the_pilot_model_list_filters_by_kind_status_and_year_of_operation(tree, coordinator):
    make_pilot_model(tree["kh"], "CLB", kind="clubs", start=dt.date(2022, 1, 1))
    make_pilot_model(
        tree["ka"],
        "Nhóm đã dừng",
        kind="peer_groups",
        start=dt.date(2021, 5, 1),
        status="ended",
        end=dt.date(2023, 12, 31),
    )
    make_pilot_model(tree["kh"], "Dịch vụ mới", kind="support_services", start=dt.date(2025, 9, 1))

    def names(**filters):
        return sorted(m.name for m in selectors.pilot_model_list(user=coordinator, **filters))

    assert names(year=2024) == ["CLB"]
    assert names(year=2023) == ["CLB", "Nhóm đã dừng"]
    assert names(kind="support_services") == ["Dịch vụ mới"]
    assert names(status="ended") == ["Nhóm đã dừng"]
    assert names(unit=tree["kh"]) == ["CLB", "Dịch vụ mới"]


def test_the_staff_count_list_filters_by_unit_year_and_level(tree, coordinator):
    make_staff_count(tree["kh"], year=2025)
    make_staff_count(tree["kh"], year=2024)
    make_staff_count(tree["ht"], year=2025)
    rows = selectors.staff_count_list(user=coordinator, year=2025)
    assert sorted(r.unit.name for r in rows) == ["Tỉnh Hà Tĩnh", "Xã Kỳ Hoa"]
    assert selectors.staff_count_list(user=coordinator, level="province").count() == 1
    assert selectors.staff_count_list(user=coordinator, unit=tree["kh"]).count() == 2
