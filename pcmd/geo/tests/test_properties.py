"""Invariants of the unit tree, of unit validity, and of the shipped reference data."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pcmd.core.errors import ServiceError
from pcmd.geo import selectors
from pcmd.geo.loader import DEFAULT_DATA_DIR, load_units, read_data_dir
from pcmd.geo.models import (
    LAST_PRE_REFORM_DAY,
    LEVEL_OF_KIND,
    REFORM_DATE,
    AdministrativeUnit,
    UnitKind,
    UnitLevel,
    UnitSuccession,
)
from pcmd.geo.services import unit_create, unit_move, unit_update

# Examples share the test's database transaction; each one rolls its own writes back.
DB_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


# (a) paths ---------------------------------------------------------------------------------

KINDS = sorted(LEVEL_OF_KIND)
operations = st.lists(
    st.one_of(
        # insert under the n-th most recent unit (a new province when n == 0), of the k-th kind
        # that fits; recent parents make deep trees, where moves have the most to rewrite
        st.tuples(st.just("insert"), st.integers(0, 3), st.integers(0, 20)),
        # move the n-th most recent unit under the m-th unit
        st.tuples(st.just("move"), st.integers(0, 8), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=25,
)


@DB_SETTINGS
@given(ops=operations)
# A district moves to another province, then a village is added under its commune and the
# commune moves back: both use objects whose paths went stale with the first move.
@example(
    ops=[
        ("insert", 0, 0),
        ("insert", 1, 2),
        ("insert", 1, 8),
        ("insert", 0, 0),
        ("move", 2, 3),
        ("insert", 2, 0),
        ("move", 2, 0),
    ]
)
def test_paths_stay_consistent_after_random_inserts_and_moves(db, ops):
    with rolled_back():
        # The objects below are never refreshed, as a caller's would not be: services must
        # not trust the (possibly stale) path of the objects they are given.
        units: list[AdministrativeUnit] = []
        parent_of: dict[int, int | None] = {}
        for number, (op, n, m) in enumerate(ops):
            if op == "insert":
                parent = units[-1 - (n - 1) % len(units)] if units and n else None
                if parent is not None and parent.level == UnitLevel.VILLAGE:
                    parent = None
                levels = [parent.level + 1, UnitLevel.VILLAGE] if parent else [UnitLevel.PROVINCE]
                kinds = [k for k in KINDS if LEVEL_OF_KIND[k] in levels]
                unit = unit_create(
                    actor=None,
                    code=f"HYP-{number}",
                    name=f"Đơn vị {number}",
                    kind=kinds[m % len(kinds)],
                    parent=parent,
                )
                units.append(unit)
                parent_of[unit.pk] = parent.pk if parent else None
            elif units:
                unit, new_parent = units[-1 - n % len(units)], units[m % len(units)]
                allowed = new_parent.level < unit.level
                try:
                    unit_move(actor=None, unit=unit, new_parent=new_parent)
                except ServiceError:
                    assert not allowed
                else:
                    assert allowed
                    parent_of[unit.pk] = new_parent.pk

        stored = AdministrativeUnit.objects.in_bulk([u.pk for u in units])
        for pk, unit in stored.items():
            assert unit.parent_id == parent_of[pk]
            parent = stored[unit.parent_id] if unit.parent_id else None
            assert unit.path == (parent.path if parent else "/") + f"{pk}/"
            assert unit.depth == (parent.depth + 1 if parent else 0)
            # The path also names exactly the chain of parents the operations produced.
            chain: list[int] = []
            at: int | None = pk
            while at is not None:
                chain.insert(0, at)
                at = parent_of[at]
            assert unit.path == "/" + "".join(f"{i}/" for i in chain)


# (c) validity ------------------------------------------------------------------------------

D0, D1 = dt.date(2020, 1, 1), dt.date(2020, 4, 30)
day = st.dates(D0, D1)
interval = st.tuples(st.none() | day, st.none() | day).filter(
    lambda t: t[0] is None or t[1] is None or t[0] <= t[1]
)
validity_actions = st.lists(
    st.one_of(
        st.tuples(st.just("create"), interval),
        st.tuples(st.just("end"), st.tuples(st.integers(0, 20), day)),
    ),
    min_size=1,
    max_size=12,
)


def _overlap(
    a: tuple[dt.date | None, dt.date | None], b: tuple[dt.date | None, dt.date | None]
) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return max(a[0] or lo, b[0] or lo) <= min(a[1] or hi, b[1] or hi)


@DB_SETTINGS
@given(actions=validity_actions)
def test_no_code_is_ever_valid_twice_on_the_same_day(db, actions):
    with rolled_back():
        accepted: dict[int, tuple[dt.date | None, dt.date | None]] = {}
        units: list[AdministrativeUnit] = []
        for action, arg in actions:
            if action == "create":
                expected_refusal = any(_overlap(arg, other) for other in accepted.values())
                try:
                    unit = unit_create(
                        actor=None,
                        code="HYP",
                        name="Tỉnh Thử",
                        kind=UnitKind.PROVINCE,
                        parent=None,
                        valid_from=arg[0],
                        valid_to=arg[1],
                    )
                except ServiceError:
                    assert expected_refusal
                else:
                    assert not expected_refusal
                    accepted[unit.pk] = arg
                    units.append(unit)
            elif units:
                index, new_end = arg
                unit = units[index % len(units)]
                start, end = accepted[unit.pk]
                proposed = (start, new_end)
                expected_refusal = new_end != end and (
                    (start is not None and new_end < start)
                    or any(
                        _overlap(proposed, other) for pk, other in accepted.items() if pk != unit.pk
                    )
                )
                try:
                    unit_update(actor=None, unit=unit, valid_to=new_end)
                except ServiceError:
                    assert expected_refusal
                    unit.refresh_from_db()
                else:
                    assert not expected_refusal
                    accepted[unit.pk] = proposed

        stored = list(AdministrativeUnit.objects.filter(code="HYP", level=UnitLevel.PROVINCE))
        assert {u.pk: (u.valid_from, u.valid_to) for u in stored} == accepted
        for i, a in enumerate(stored):
            for b in stored[i + 1 :]:
                assert not _overlap((a.valid_from, a.valid_to), (b.valid_from, b.valid_to))
        for probe in (D0, dt.date(2020, 2, 15), D1, dt.date(2019, 1, 1), dt.date(2030, 1, 1)):
            assert (
                selectors.units_at(probe).filter(code="HYP", level=UnitLevel.PROVINCE).count() <= 1
            )


# (b) the shipped reference data ------------------------------------------------------------


@pytest.fixture(scope="module")
def real_units(django_db_setup, django_db_blocker):
    """The shipped units.csv and successions.csv, loaded once for this module."""
    with django_db_blocker.unblock():
        load_units(DEFAULT_DATA_DIR)
        yield
        keyed = Q(predecessor__source_key__isnull=False) | Q(successor__source_key__isnull=False)
        UnitSuccession.objects.filter(keyed).delete()
        for depth in range(8, -1, -1):  # children before their parents
            AdministrativeUnit.objects.filter(source_key__isnull=False, depth=depth).delete()


NEW = dt.date(2026, 1, 1)


def _province_id(unit: AdministrativeUnit) -> int:
    return unit.ancestor_ids[0] if unit.ancestor_ids else unit.pk


def test_the_shipped_files_are_valid_without_a_database():
    units, successions = read_data_dir(DEFAULT_DATA_DIR)
    assert (len(units), len(successions)) == (14149, 10665)


@pytest.mark.django_db
def test_real_data_has_the_official_counts(real_units):
    count = Counter(
        AdministrativeUnit.objects.filter(source_key__isnull=False).values_list("level", "valid_to")
    )
    assert count[(UnitLevel.PROVINCE, LAST_PRE_REFORM_DAY)] == 63
    assert count[(UnitLevel.DISTRICT, LAST_PRE_REFORM_DAY)] == 696
    assert count[(UnitLevel.COMMUNE, LAST_PRE_REFORM_DAY)] == 10035
    assert count[(UnitLevel.PROVINCE, None)] == 34
    assert count[(UnitLevel.COMMUNE, None)] == 3321
    assert selectors.units_at(NEW).filter(level=UnitLevel.PROVINCE).count() == 34
    assert selectors.units_at(LAST_PRE_REFORM_DAY).filter(level=UnitLevel.COMMUNE).count() == 10035


@pytest.mark.django_db
def test_real_data_search_finds_ky_anh_with_or_without_diacritics(real_units):
    current = {u.name for u in selectors.unit_search("ky anh", at=NEW)}
    old = {
        (u.name, u.parent.name if u.parent else "")
        for u in selectors.unit_search("Kỳ Anh", at=LAST_PRE_REFORM_DAY)
    }

    assert "Xã Kỳ Anh" in current
    assert {("Huyện Kỳ Anh", "Tỉnh Hà Tĩnh"), ("Thị xã Kỳ Anh", "Tỉnh Hà Tĩnh")} <= old
    provinces = selectors.unit_search("ha tinh", level=UnitLevel.PROVINCE, at=NEW)
    assert provinces[0].name == "Tỉnh Hà Tĩnh"


@pytest.mark.django_db
def test_every_pre_reform_commune_maps_into_the_successor_of_its_province(real_units):
    old_communes = list(selectors.units_at(LAST_PRE_REFORM_DAY).filter(level=UnitLevel.COMMUNE))
    old_provinces = list(selectors.units_at(LAST_PRE_REFORM_DAY).filter(level=UnitLevel.PROVINCE))
    province_successors = selectors.units_successor_map([p.pk for p in old_provinces], NEW)
    commune_successors = selectors.units_successor_map([c.pk for c in old_communes], NEW)
    new = selectors.units_at(NEW).in_bulk()
    old_province_code = {p.pk: p.code for p in old_provinces}

    assert all(len(province_successors[p.pk]) == 1 for p in old_provinces)
    for commune in old_communes:
        successors = commune_successors.get(commune.pk, [])
        assert successors, commune.name
        assert sum(default for _, default in successors) == 1, commune.name
        old_province = _province_id(commune)
        allowed = {pk for pk, _ in province_successors[old_province]}
        for pk, _ in successors:
            target = new[pk]
            assert target.level == UnitLevel.COMMUNE
            province = new[_province_id(target)]
            assert province.pk in allowed or province.code == old_province_code[old_province], (
                commune.name,
                target.name,
            )


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_sampled_old_commune_and_its_successors_point_at_each_other(real_units, data):
    ids = _old_commune_ids()
    commune = AdministrativeUnit.objects.get(pk=data.draw(st.sampled_from(ids)))

    successors = list(selectors.unit_successors(commune, NEW))
    mapped = selectors.units_successor_map([commune.pk], NEW)[commune.pk]

    assert successors
    assert {u.pk for u in successors} == {pk for pk, _ in mapped}
    old_province = selectors.province_of(commune)
    new_provinces = {u.pk for u in selectors.unit_successors(old_province, NEW)}
    for successor in successors:
        assert successor.is_valid_on(NEW) and successor.level == UnitLevel.COMMUNE
        assert commune.pk in {
            u.pk for u in selectors.unit_predecessors(successor, LAST_PRE_REFORM_DAY)
        }
        assert _province_id(successor) in new_provinces


_ids_cache: dict[str, list[int]] = {}


def _old_commune_ids() -> list[int]:
    if "old" not in _ids_cache:
        _ids_cache["old"] = sorted(
            selectors.units_at(LAST_PRE_REFORM_DAY)
            .filter(level=UnitLevel.COMMUNE)
            .values_list("pk", flat=True)
        )
    return _ids_cache["old"]


@pytest.mark.django_db
def test_island_districts_without_communes_lead_to_their_special_zones(real_units):
    islands = selectors.units_at(LAST_PRE_REFORM_DAY).filter(
        level=UnitLevel.DISTRICT, children__isnull=True
    )
    found = {}
    for district in islands:
        (successor,) = selectors.unit_successors(district, NEW)
        found[district.name] = (successor.name, successor.kind)

    assert found == {
        f"Huyện {name}": (f"Đặc khu {name}", UnitKind.SPECIAL_ZONE)
        for name in ("Bạch Long Vĩ", "Cồn Cỏ", "Hoàng Sa", "Lý Sơn", "Côn Đảo")
    }


@pytest.mark.django_db
def test_descendants_of_every_current_province_are_its_communes(real_units):
    per_province: defaultdict[int, int] = defaultdict(int)
    for commune in selectors.units_at(NEW).filter(level=UnitLevel.COMMUNE):
        per_province[_province_id(commune)] += 1
    biggest = max(per_province, key=lambda pk: per_province[pk])
    province = AdministrativeUnit.objects.get(pk=biggest)

    assert selectors.unit_descendants(province, NEW).count() == per_province[biggest]
    assert sum(per_province.values()) == 3321
    assert province.valid_from == REFORM_DATE
