import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pcmd.geo.loader import DataFileError, load_units
from pcmd.geo.models import AdministrativeUnit, UnitKind, UnitSuccession
from pcmd.geo.services import unit_create

UNITS_HEADER = "key,parent_key,kind,code,name,valid_from,valid_to"
SUCCESSIONS_HEADER = "predecessor_key,successor_key,kind,effective_date,is_default,note"

UNITS = [
    "P:42@old,,tinh,42,Tỉnh Hà Tĩnh,,2025-06-30",
    "D:449@old,P:42@old,thi_xa,449,Thị xã Kỳ Anh,,2025-06-30",
    "C:18754@old,D:449@old,phuong,18754,Phường Sông Trí,,2025-06-30",
    "C:18775@old,D:449@old,xa,18775,Xã Kỳ Hoa,,2025-06-30",
    "P:42@new,,tinh,42,Tỉnh Hà Tĩnh,2025-07-01,",
    "C:18754@new,P:42@new,phuong,18754,Phường Sông Trí,2025-07-01,",
    "C:18775@new,P:42@new,xa,18775,Xã Kỳ Hoa,2025-07-01,",
]
SUCCESSIONS = [
    "P:42@old,P:42@new,reform,2025-07-01,1,",
    "C:18754@old,C:18754@new,reform,2025-07-01,1,",
    "C:18775@old,C:18754@new,reform,2025-07-01,0,",
    "C:18775@old,C:18775@new,reform,2025-07-01,1,",
]


def write(directory: Path, units: list[str] = UNITS, successions: list[str] = SUCCESSIONS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "units.csv").write_text("\n".join([UNITS_HEADER, *units]) + "\n", encoding="utf-8")
    (directory / "successions.csv").write_text(
        "\n".join([SUCCESSIONS_HEADER, *successions]) + "\n", encoding="utf-8"
    )
    return directory


def unit(key: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(source_key=key)


def test_loads_units_with_paths_depths_folded_names_and_successions(db, tmp_path):
    result = load_units(write(tmp_path))

    assert (result.units_created, result.successions_created) == (7, 4)
    old_ht, old_ka, old_st = unit("P:42@old"), unit("D:449@old"), unit("C:18754@old")
    assert old_st.path == f"/{old_ht.pk}/{old_ka.pk}/{old_st.pk}/"
    assert (old_ht.depth, old_ka.depth, old_st.depth) == (0, 1, 2)
    assert old_ka.name_folded == "thi xa ky anh"
    assert (old_ka.kind, old_ka.level, old_ka.source) == (UnitKind.DISTRICT_TOWN, 2, "official")
    assert (old_ka.valid_from, old_ka.valid_to) == (None, dt.date(2025, 6, 30))
    new_kh = unit("C:18775@new")
    assert new_kh.path == f"/{unit('P:42@new').pk}/{new_kh.pk}/"
    assert new_kh.valid_from == dt.date(2025, 7, 1)
    split = UnitSuccession.objects.filter(predecessor=unit("C:18775@old"))
    assert {(s.successor.source_key, s.is_default) for s in split} == {
        ("C:18754@new", False),
        ("C:18775@new", True),
    }


def test_second_run_changes_nothing(db, tmp_path):
    data = write(tmp_path)
    load_units(data)
    before = list(AdministrativeUnit.objects.values_list("id", "path", "name", "valid_to"))

    result = load_units(data)

    assert not result.changed
    assert (result.units_created, result.units_unchanged, result.successions_unchanged) == (0, 7, 4)
    assert list(AdministrativeUnit.objects.values_list("id", "path", "name", "valid_to")) == before
    assert UnitSuccession.objects.count() == 4


def test_command_reports_zero_created_on_the_second_run(db, tmp_path, capsys):
    data = write(tmp_path)
    call_command("load-units", str(data))
    call_command("load-units", str(data))

    second = capsys.readouterr().out.strip().splitlines()[-3:]
    assert second[0].startswith(f"Đơn vị hành chính ({data}): 0 thêm mới, 0 cập nhật, 7 không đổi")
    assert "Quan hệ kế thừa: 0 thêm mới" in second[1]


def test_a_changed_name_updates_the_same_unit(db, tmp_path):
    load_units(write(tmp_path))
    kept = unit("C:18775@new")
    renamed = [row.replace("Xã Kỳ Hoa,2025-07-01", "Phường Kỳ Hoa,2025-07-01") for row in UNITS]

    result = load_units(write(tmp_path, renamed))

    assert (result.units_created, result.units_updated) == (0, 1)
    again = unit("C:18775@new")
    assert again.pk == kept.pk
    assert (again.name, again.name_folded) == ("Phường Kỳ Hoa", "phuong ky hoa")
    assert unit("C:18775@old").name == "Xã Kỳ Hoa"


def test_a_new_parent_rewrites_the_paths_below_including_local_villages(db, tmp_path):
    load_units(write(tmp_path))
    village = unit_create(
        actor=None,
        code="18754-01",
        name="Tổ dân phố 1",
        kind=UnitKind.RESIDENTIAL_GROUP,
        parent=unit("C:18754@old"),
        valid_to=dt.date(2025, 6, 30),
    )
    moved = [
        *UNITS[:2],
        "D:450@old,P:42@old,huyen,450,Huyện Kỳ Anh,,2025-06-30",
        UNITS[2].replace(",D:449@old,", ",D:450@old,"),
        *UNITS[3:],
    ]

    result = load_units(write(tmp_path, moved))

    # Paths: the new district, the moved commune and the village below it.
    assert (result.units_created, result.units_updated, result.paths_updated) == (1, 1, 3)
    commune, district = unit("C:18754@old"), unit("D:450@old")
    assert commune.path == f"{district.path}{commune.pk}/"
    village.refresh_from_db()
    assert (village.path, village.depth) == (f"{commune.path}{village.pk}/", 3)


def test_a_succession_dropped_from_the_file_is_removed_and_a_changed_one_updated(db, tmp_path):
    load_units(write(tmp_path))
    successions = [SUCCESSIONS[0], SUCCESSIONS[1], SUCCESSIONS[3].replace(",1,", ",1,chia tách")]

    result = load_units(write(tmp_path, UNITS, successions))

    assert (result.successions_deleted, result.successions_updated) == (1, 1)
    links = UnitSuccession.objects.filter(predecessor=unit("C:18775@old"))
    assert [(s.successor.source_key, s.note) for s in links] == [("C:18775@new", "chia tách")]


def test_a_unit_made_before_keys_existed_is_adopted_not_duplicated(db, tmp_path):
    province = unit_create(
        actor=None,
        code="42",
        name="Tỉnh Hà Tĩnh",
        kind=UnitKind.PROVINCE,
        parent=None,
        valid_from=dt.date(2025, 7, 1),
        source="official",
    )

    load_units(write(tmp_path))

    assert unit("P:42@new").pk == province.pk
    assert AdministrativeUnit.objects.count() == 7


@pytest.mark.parametrize(
    ("units", "successions", "where", "says"),
    [
        # A row with a missing column (line 4 counting the header).
        (
            [*UNITS[:2], "C:18754@old,D:449@old,phuong,18754,Phường Sông Trí", *UNITS[3:]],
            SUCCESSIONS,
            "units.csv, dòng 4",
            "có 5 cột, cần 7",
        ),
        (
            [*UNITS[:6], "C:18775@new,P:99@new,xa,18775,Xã Kỳ Hoa,2025-07-01,"],
            SUCCESSIONS,
            "units.csv, dòng 8",
            "không có đơn vị cấp trên với khóa “P:99@new”",
        ),
        (
            [*UNITS[:3], "C:18775@old,D:449@old,lang,18775,Làng Kỳ Hoa,,2025-06-30", *UNITS[4:]],
            SUCCESSIONS,
            "units.csv, dòng 5",
            "loại đơn vị “lang” không có",
        ),
        (
            [*UNITS, "C:18754@new,P:42@new,xa,99999,Xã Trùng,2025-07-01,"],
            SUCCESSIONS,
            "units.csv, dòng 9",
            "khóa “C:18754@new” trùng với dòng 7",
        ),
        (
            [*UNITS, "C:1@new,P:42@new,xa,1,Xã Một,01/07/2025,"],
            SUCCESSIONS,
            "units.csv, dòng 9",
            "không phải ngày dạng YYYY-MM-DD",
        ),
        (
            [*UNITS, "C:2@new,P:42@new,xa,18775,Xã Trùng Mã,2025-08-01,"],
            SUCCESSIONS,
            "units.csv, dòng 9",
            "mã 18775 đã có hiệu lực cùng thời gian ở dòng 8",
        ),
        (
            [*UNITS, "C:3@new,D:449@old,xa,3,Xã Ngoài Kỳ,2025-07-01,"],
            SUCCESSIONS,
            "units.csv, dòng 9",
            "vượt ra ngoài đơn vị cấp trên “D:449@old”",
        ),
        (
            UNITS,
            [*SUCCESSIONS, "C:18775@old,C:404@new,reform,2025-07-01,1,"],
            "successions.csv, dòng 6",
            "không có đơn vị với khóa “C:404@new”",
        ),
        (
            UNITS,
            [*SUCCESSIONS[:3], "C:18775@old,C:18775@new,reform,2025-07-01,maybe,"],
            "successions.csv, dòng 5",
            "is_default phải là 1 hoặc 0",
        ),
        (
            UNITS,
            [*SUCCESSIONS, SUCCESSIONS[0]],
            "successions.csv, dòng 6",
            "cặp kế thừa trùng với dòng 2",
        ),
    ],
    ids=[
        "broken-row",
        "unknown-parent",
        "unknown-kind",
        "duplicate-key",
        "bad-date",
        "code-valid-twice",
        "outside-parent",
        "unknown-succession-key",
        "bad-boolean",
        "duplicate-succession",
    ],
)
def test_a_bad_row_is_reported_with_file_and_line_and_nothing_is_loaded(
    db, tmp_path, units, successions, where, says
):
    with pytest.raises(DataFileError) as error:
        load_units(write(tmp_path, units, successions))

    assert any(m.startswith(where) and says in m for m in error.value.errors), error.value.errors
    assert AdministrativeUnit.objects.count() == 0
    assert UnitSuccession.objects.count() == 0


def test_a_bad_row_in_a_second_load_leaves_the_first_load_untouched(db, tmp_path):
    load_units(write(tmp_path))
    renamed_and_broken = [
        UNITS[0].replace("Tỉnh Hà Tĩnh", "Tỉnh Mới"),
        *UNITS[1:],
        "C:5@new,P:404@new,xa,5,Xã Năm,2025-07-01,",
    ]

    with pytest.raises(DataFileError):
        load_units(write(tmp_path, renamed_and_broken))

    assert unit("P:42@old").name == "Tỉnh Hà Tĩnh"
    assert AdministrativeUnit.objects.count() == 7


def test_a_code_already_valid_in_the_database_is_refused(db, tmp_path):
    province = unit_create(
        actor=None, code="T1", name="Tỉnh Thử", kind=UnitKind.PROVINCE, parent=None
    )
    unit_create(
        actor=None,
        code="18775",
        name="Xã Đã Có",
        kind=UnitKind.COMMUNE,
        parent=province,
        valid_from=dt.date(2025, 1, 1),
    )

    with pytest.raises(DataFileError) as error:
        load_units(write(tmp_path))

    assert any(m.startswith("units.csv, dòng 8") and "Xã Đã Có" in m for m in error.value.errors)
    assert AdministrativeUnit.objects.count() == 2


def test_the_command_fails_with_the_line_and_loads_nothing(db, tmp_path):
    data = write(tmp_path, [*UNITS[:6], "C:18775@new,P:99@new,xa,18775,Xã Kỳ Hoa,2025-07-01,"])

    with pytest.raises(CommandError, match=r"units\.csv, dòng 8"):
        call_command("load-units", str(data))
    assert AdministrativeUnit.objects.count() == 0


def test_a_missing_file_or_wrong_header_is_reported(db, tmp_path):
    write(tmp_path)
    (tmp_path / "successions.csv").unlink()
    (tmp_path / "units.csv").write_text("key,kind,name\n", encoding="utf-8")

    with pytest.raises(DataFileError) as error:
        load_units(tmp_path)

    assert error.value.errors[0].startswith("units.csv, dòng 1: dòng tiêu đề phải gồm")
    assert error.value.errors[1].startswith("successions.csv: không đọc được tệp")
