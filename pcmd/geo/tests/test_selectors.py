"""Selectors over the small reform tree (conftest `tree`): each answers in ONE query."""

import datetime as dt

import pytest

from pcmd.geo import selectors
from pcmd.geo.models import LAST_PRE_REFORM_DAY, REFORM_DATE, SuccessionKind, UnitKind, UnitLevel
from pcmd.geo.services import unit_change, unit_create
from pcmd.geo.tests.factories import make_unit

BEFORE = dt.date(2024, 12, 31)
AFTER = dt.date(2026, 1, 15)


def names(units) -> set[str]:
    return {u.name for u in units}


def pks(units) -> set[int]:
    return {u.pk for u in units}


def test_descendants_at_a_date_follow_the_period(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        old = names(selectors.unit_descendants(tree["old_ht"], BEFORE))
    with django_assert_num_queries(1):
        gone = list(selectors.unit_descendants(tree["old_ht"], AFTER))
    with django_assert_num_queries(1):
        new = names(selectors.unit_descendants(tree["ht"], AFTER, include_self=True))

    assert old == {"Thị xã Kỳ Anh", "Phường Kỳ Trinh", "Xã Kỳ Hoa"}
    assert gone == []
    assert new == {"Tỉnh Hà Tĩnh", "Phường Kỳ Anh", "Xã Kỳ Hoa"}


def test_descendants_reach_villages_below_communes(tree, django_assert_num_queries):
    village = unit_create(
        actor=None,
        code="KA-01",
        name="Tổ dân phố 1",
        kind=UnitKind.RESIDENTIAL_GROUP,
        parent=tree["ka"],
        valid_from=REFORM_DATE,
    )
    with django_assert_num_queries(1):
        found = pks(selectors.unit_descendants(tree["ht"], AFTER))
    assert found == {tree["ka"].pk, tree["kh"].pk, village.pk}


def test_ancestors_run_from_the_root_down(
    tree, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_num_queries(1):
        chain = [u.name for u in selectors.unit_ancestors(tree["old_kt"])]
    with django_assert_num_queries(1):
        with_self = [u.pk for u in selectors.unit_ancestors(tree["old_kt"], include_self=True)]
    with django_assert_max_num_queries(1):  # a root needs none
        none = list(selectors.unit_ancestors(tree["old_ht"]))

    assert chain == ["Tỉnh Hà Tĩnh", "Thị xã Kỳ Anh"]
    assert with_self == [tree["old_ht"].pk, tree["old_ka"].pk, tree["old_kt"].pk]
    assert none == []


def test_ancestors_of_many_units_in_one_query(tree, django_assert_num_queries):
    units = [tree["old_kt"], tree["old_hp"], tree["ka"], tree["old_ht"]]
    with django_assert_num_queries(1):
        chains = selectors.units_ancestors_map(units)

    assert [u.pk for u in chains[tree["old_kt"].pk]] == [tree["old_ht"].pk, tree["old_ka"].pk]
    assert [u.pk for u in chains[tree["old_hp"].pk]] == [tree["old_qb"].pk, tree["old_bt"].pk]
    assert [u.pk for u in chains[tree["ka"].pk]] == [tree["ht"].pk]
    assert chains[tree["old_ht"].pk] == []


def test_children_at_a_date_leave_out_units_not_yet_or_no_longer_valid(
    tree, django_assert_num_queries
):
    short = unit_create(
        actor=None,
        code="KH-01",
        name="Thôn Cũ",
        kind=UnitKind.VILLAGE,
        parent=tree["kh"],
        valid_from=REFORM_DATE,
        valid_to=dt.date(2025, 12, 31),
    )
    later = unit_create(
        actor=None,
        code="KH-02",
        name="Thôn Mới",
        kind=UnitKind.VILLAGE,
        parent=tree["kh"],
        valid_from=dt.date(2026, 1, 1),
    )

    with django_assert_num_queries(1):
        in_2025 = pks(selectors.unit_children(tree["kh"], dt.date(2025, 8, 1)))
    with django_assert_num_queries(1):
        in_2026 = pks(selectors.unit_children(tree["kh"], AFTER))
    with django_assert_num_queries(1):
        every = pks(selectors.unit_children(tree["kh"]))
    with django_assert_num_queries(1):
        old_children = names(selectors.unit_children(tree["old_ka"], BEFORE))

    assert (in_2025, in_2026, every) == ({short.pk}, {later.pk}, {short.pk, later.pk})
    assert old_children == {"Phường Kỳ Trinh", "Xã Kỳ Hoa"}


def test_successors_follow_merges_and_divisions(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        of_divided = pks(selectors.unit_successors(tree["old_kh"], AFTER))
    with django_assert_num_queries(1):
        of_merged = pks(selectors.unit_successors(tree["old_kt"], AFTER))
    with django_assert_num_queries(1):
        of_province = pks(selectors.unit_successors(tree["old_qb"], AFTER))
    with django_assert_num_queries(1):
        of_current = pks(selectors.unit_successors(tree["ka"], AFTER))

    assert of_divided == {tree["ka"].pk, tree["kh"].pk}
    assert of_merged == {tree["ka"].pk}
    assert of_province == {tree["qt"].pk}
    assert of_current == {tree["ka"].pk}


def test_successor_map_marks_the_default_successor_of_a_divided_unit(
    tree, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = selectors.units_successor_map(
            [tree["old_kh"].pk, tree["old_kt"].pk, tree["dc"].pk], AFTER
        )

    assert sorted(found[tree["old_kh"].pk]) == sorted(
        [(tree["ka"].pk, False), (tree["kh"].pk, True)]
    )
    assert found[tree["old_kt"].pk] == [(tree["ka"].pk, True)]
    assert tree["dc"].pk not in found  # no successions out of a current unit


def test_successors_span_several_changes(tree, django_assert_num_queries):
    first = unit_create(
        actor=None,
        code="KH-01",
        name="Thôn Một",
        kind=UnitKind.VILLAGE,
        parent=tree["kh"],
        valid_from=REFORM_DATE,
    )
    second = unit_create(
        actor=None,
        code="KH-02",
        name="Thôn Hai",
        kind=UnitKind.VILLAGE,
        parent=tree["kh"],
        valid_from=REFORM_DATE,
    )
    merged = unit_change(
        actor=None,
        predecessors=[first, second],
        kind=SuccessionKind.MERGE,
        effective_date=dt.date(2026, 1, 1),
        new_name="Thôn Một Hai",
        new_code="KH-03",
    )
    renamed = unit_change(
        actor=None,
        predecessors=[merged],
        kind=SuccessionKind.RENAME,
        effective_date=dt.date(2026, 6, 1),
        new_name="Thôn Đoàn Kết",
    )

    with django_assert_num_queries(1):
        now = pks(selectors.unit_successors(first, dt.date(2026, 7, 1)))
    with django_assert_num_queries(1):
        mid = pks(selectors.unit_successors(first, dt.date(2026, 2, 1)))
    with django_assert_num_queries(1):
        mapped = selectors.units_successor_map([first.pk, second.pk], dt.date(2026, 7, 1))

    assert now == {renamed.pk}
    assert mid == {merged.pk}
    assert mapped == {first.pk: [(renamed.pk, True)], second.pk: [(renamed.pk, True)]}


def test_predecessors_of_a_merged_unit_and_at_a_date(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        every = pks(selectors.unit_predecessors(tree["ka"]))
    with django_assert_num_queries(1):
        old = pks(selectors.unit_predecessors(tree["ka"], LAST_PRE_REFORM_DAY))
    with django_assert_num_queries(1):
        of_new_province = pks(selectors.unit_predecessors(tree["ht"], BEFORE))
    with django_assert_num_queries(1):
        nothing = list(selectors.unit_predecessors(tree["dc"]))

    assert every == old == {tree["old_kt"].pk, tree["old_kh"].pk}
    assert of_new_province == {tree["old_ht"].pk}
    assert nothing == []


@pytest.mark.parametrize("query", ["ky anh", "Kỳ Anh", "KỲ  ANH", "kỳ anh", "anh ky"])
def test_search_finds_names_with_or_without_diacritics(tree, query, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = [u.name for u in selectors.unit_search(query)]

    assert found == ["Thị xã Kỳ Anh", "Phường Kỳ Anh"]  # higher level first


def test_search_matches_the_start_of_words_not_their_middle(tree):
    make_unit("Xã Thanh Kỳ", UnitKind.COMMUNE, tree["ht"], valid_from=REFORM_DATE)

    assert names(selectors.unit_search("ky an", at=AFTER)) == {"Phường Kỳ Anh"}
    assert names(selectors.unit_search("anh", at=AFTER)) == {"Phường Kỳ Anh"}
    assert names(selectors.unit_search("thanh ky", at=AFTER)) == {"Xã Thanh Kỳ"}


def test_search_narrows_by_date_level_and_subtree(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        current = names(selectors.unit_search("ky", at=AFTER))
    with django_assert_num_queries(1):
        communes = names(selectors.unit_search("ky", level=UnitLevel.COMMUNE, at=BEFORE))
    with django_assert_num_queries(1):
        within = names(selectors.unit_search("xa", within=tree["qt"]))
    with django_assert_num_queries(1):
        by_code = [u.pk for u in selectors.unit_search("42", level=UnitLevel.PROVINCE, at=AFTER)]

    assert current == {"Phường Kỳ Anh", "Xã Kỳ Hoa"}
    assert communes == {"Phường Kỳ Trinh", "Xã Kỳ Hoa"}
    assert within == {"Xã Hải Phú"}
    assert by_code == [tree["ht"].pk]
    assert list(selectors.unit_search("   ")) == []
