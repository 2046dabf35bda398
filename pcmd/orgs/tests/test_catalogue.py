import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.audit.models import ObjectChange
from pcmd.geo.models import LEVEL_OF_KIND, UnitKind
from pcmd.orgs import catalogue
from pcmd.orgs.matching import agency_type_match
from pcmd.orgs.models import AgencyAlias, AgencyType, AgencyTypeName
from pcmd.orgs.selectors import agency_type_coordinator
from pcmd.orgs.services import agency_catalogue_sync

pytestmark = pytest.mark.django_db

REQUESTED = {
    "procuracy",
    "court",
    "fatherland_front",
    "mass_organisations",
    "womens_union",
    "youth_union",
    "farmers_union",
    "veterans",
    "labour_federation",
}


def test_migrate_loads_the_whole_catalogue():
    codes = set(AgencyType.objects.values_list("code", flat=True))
    assert codes >= {spec.code for spec in catalogue.CATALOGUE}
    assert AgencyTypeName.objects.count() == sum(len(s.names) for s in catalogue.CATALOGUE)
    assert AgencyAlias.objects.filter(from_catalogue=True).count() > 300


def test_sync_again_changes_nothing_and_logs_nothing():
    before = ObjectChange.objects.count()
    assert agency_catalogue_sync() == {"created": 0, "updated": 0, "deleted": 0}
    assert ObjectChange.objects.count() == before


def test_sync_repairs_the_catalogue_keeps_local_aliases_and_logs_the_repairs():
    police = AgencyType.objects.get(code="police")
    police.name = "Cảnh sát"
    police.save()
    AgencyAlias.objects.filter(agency_type=police, alias="Công an").delete()
    AgencyTypeName.objects.filter(agency_type=police, level=2).update(valid_to=None)
    AgencyAlias.objects.create(
        agency_type=police, alias="Old", alias_folded="old", from_catalogue=True
    )
    AgencyAlias.objects.create(agency_type=police, alias="CAH", alias_folded="cah", level=2)

    counts = agency_catalogue_sync()

    police.refresh_from_db()
    assert police.name == "Công an"
    assert AgencyAlias.objects.filter(agency_type=police, alias="Công an", level=None).exists()
    assert AgencyTypeName.objects.get(agency_type=police, level=2).valid_to == dt.date(2025, 2, 28)
    assert not AgencyAlias.objects.filter(alias="Old").exists()
    assert AgencyAlias.objects.filter(alias="CAH", from_catalogue=False).exists()
    assert counts == {"created": 2, "updated": 1, "deleted": 2}
    assert ObjectChange.objects.filter(user__isnull=True, user_name="system").count() == 5


def test_requested_bodies_are_the_procuracy_courts_front_and_mass_organisations():
    flagged = set(AgencyType.objects.filter(is_requested_body=True).values_list("code", flat=True))
    assert flagged == REQUESTED


@pytest.mark.parametrize(
    ("level", "at", "code"),
    [
        (1, dt.date(2024, 6, 1), "social_affairs"),
        (1, dt.date(2025, 2, 28), "social_affairs"),
        (1, dt.date(2025, 3, 1), "health"),
        (1, dt.date(2026, 1, 1), "health"),
        (2, dt.date(2021, 1, 1), "social_affairs"),
        (2, dt.date(2025, 4, 1), "health"),
        (2, dt.date(2025, 7, 1), None),
        (3, dt.date(2024, 6, 1), "people_committee"),
        (3, dt.date(2025, 7, 1), "culture_society"),
    ],
)
def test_the_coordinating_agency_moved_to_health_and_to_the_commune_department(level, at, code):
    coordinator = agency_type_coordinator(level=level, at=at)
    assert (coordinator.code if coordinator else None) == code


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(at=st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)), level=st.sampled_from([1, 2, 3]))
def test_each_level_has_one_coordinator_on_any_day_while_it_exists(at, level):
    names = [
        n
        for n in AgencyTypeName.objects.filter(level=level, is_coordinator=True)
        if n.is_valid_on(at)
    ]
    districts_exist = at <= dt.date(2025, 6, 30)
    assert len(names) == (1 if level != 2 or districts_exist else 0)


def test_information_and_planning_end_with_the_2025_mergers():
    for code in ("information", "planning_investment", "natural_resources", "social_affairs"):
        ends = {n.valid_to for n in AgencyTypeName.objects.filter(agency_type__code=code)}
        assert ends == {catalogue.LAST_PRE_MERGE_DAY}, code


def test_every_catalogue_name_is_well_formed_and_renders_for_a_unit_of_its_level():
    kinds_by_level: dict[int, list[str]] = {}
    for kind, level in LEVEL_OF_KIND.items():
        kinds_by_level.setdefault(level, []).append(kind)
    for spec in catalogue.CATALOGUE:
        for name in spec.names:
            assert name.start is None or name.end is None or name.start <= name.end
            assert set(name.kinds) <= set(kinds_by_level.get(name.level, [])), name
            for kind in kinds_by_level.get(name.level, []):
                unit = SimpleNamespace(name="Tỉnh Thử Nghiệm", kind=kind)
                rendered = catalogue.agency_name_for_unit(name.pattern, name.name, unit)
                assert "{" not in rendered and "Thử Nghiệm" in rendered


def test_every_alias_names_its_own_type_at_its_own_level():
    aliases = AgencyAlias.objects.exclude(alias__contains="{place}").select_related("agency_type")
    for alias in aliases:
        found = agency_type_match(alias.alias, level=alias.level)
        assert found is not None, alias.alias
        assert (found.agency_type.code, found.text) == (alias.agency_type.code, alias.alias)
        if alias.level is not None:
            assert found.level == alias.level, alias.alias


@pytest.mark.parametrize(
    ("name", "kind", "place"),
    [
        ("Tỉnh Hà Tĩnh", UnitKind.PROVINCE, "Hà Tĩnh"),
        ("Thành phố Hà Nội", UnitKind.CENTRAL_CITY, "Hà Nội"),
        ("Thị xã Kỳ Anh", UnitKind.DISTRICT_TOWN, "Kỳ Anh"),
        ("Xã Kỳ Hoa", UnitKind.COMMUNE, "Kỳ Hoa"),
        ("Kỳ Hoa", UnitKind.COMMUNE, "Kỳ Hoa"),
        ("Thị trấn Đồng Mỏ", UnitKind.TOWNSHIP, "Đồng Mỏ"),
    ],
)
def test_place_name_drops_the_kind_word(name, kind, place):
    assert catalogue.place_name(name, kind) == place


def test_agency_names_follow_vietnamese_usage():
    province = SimpleNamespace(name="Tỉnh Hà Tĩnh", kind=UnitKind.PROVINCE)
    commune = SimpleNamespace(name="Xã Kỳ Hoa", kind=UnitKind.COMMUNE)
    ward = SimpleNamespace(name="Phường Kỳ Anh", kind=UnitKind.WARD)
    name = catalogue.agency_name_for_unit
    assert name("{name} {unit}", "Sở Y tế", province) == "Sở Y tế tỉnh Hà Tĩnh"
    assert name("{name} {place}", "Tỉnh đoàn", province) == "Tỉnh đoàn Hà Tĩnh"
    assert name("Công an {unit}", "Công an xã", commune) == "Công an xã Kỳ Hoa"
    assert name("Công an {unit}", "Công an xã", ward) == "Công an phường Kỳ Anh"
