import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.core.errors import ServiceError
from pcmd.registries.models import Business, BusinessKind, BusinessStatus
from pcmd.registries.services.business_import import (
    COLUMNS,
    business_import_confirm,
    business_import_read,
    business_import_template,
    heading_key,
    import_file_discard,
    import_file_load,
    import_file_store,
)
from pcmd.registries.tests.factories_businesses import csv_bytes, make_business, xlsx_bytes
from pcmd.reporting.exchange import ExchangeFileError

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    """A commune officer of the new Xã Kỳ Hoa (which also took over the old Xã Kỳ Hoa)."""
    return member(tree["kh"], Role.COMMUNE_OFFICER)


@pytest.fixture
def coordinator(tree):
    return member(tree["ht"], Role.PROVINCE_COORDINATOR)


def _read(actor, data: bytes, name: str = "ds.xlsx"):
    return business_import_read(actor=actor, data=data, filename=name)


def _audit_count() -> int:
    return ObjectChange.objects.filter(content_type__model="business").count()


GOOD = [
    ["Nhà nghỉ Hoa Sen", "Nhà nghỉ", "Số 1, Trần Phú", "Xã Kỳ Hoa", "28A-8000123"],
    ["Karaoke Ánh Dương", "karaoke", "Thôn 2", "Kỳ Hoa", ""],
    ["Xoa bóp Thu Hà", "massage", "Thôn 3", "xa ky hoa", "28A8000999"],
]


def test_every_column_has_its_own_heading_key():
    keys = [heading_key(t) for c in COLUMNS for t in (c.heading, c.english, *c.aliases)]
    owners: dict[str, str] = {}
    for column in COLUMNS:
        for text in (column.heading, column.english, *column.aliases):
            assert owners.setdefault(heading_key(text), column.key) == column.key, text
    assert len(keys) >= len(COLUMNS) * 2


def test_the_xlsx_template_has_headings_lists_and_an_example_row():
    wb = load_workbook(io.BytesIO(business_import_template("xlsx")))
    ws = wb.worksheets[0]
    headings = [c.value for c in ws[1]]
    assert headings[:3] == ["Tên cơ sở", "Loại hình", "Địa chỉ"] and "Mã xã" in headings
    assert "dòng mẫu" in ws["A2"].value
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    assert "B2" in lists and "Danh mục" in lists["B2"]  # kind
    status_letter = ws.cell(row=1, column=headings.index("Tình trạng") + 1).column_letter
    assert f"{status_letter}2" in lists
    kinds = [c.value for c in wb["Danh mục"]["A"][1:] if c.value]
    assert kinds == [str(k.label) for k in BusinessKind]
    assert "Hướng dẫn" in wb.sheetnames


def test_the_templates_read_back_as_empty_with_the_example_skipped(officer):
    for fmt in ("xlsx", "csv"):
        preview = _read(officer, business_import_template(fmt), f"mau.{fmt}")
        assert preview.example_skipped and preview.rows == [] and not preview.can_import
    csv_text = business_import_template("csv").decode("utf-8-sig")
    assert csv_text.startswith("Tên cơ sở,Loại hình,Địa chỉ,Mã xã") and "15/03/2019" in csv_text


def test_the_preview_saves_nothing(officer):
    preview = _read(officer, xlsx_bytes(GOOD))
    assert [r.state for r in preview.rows] == ["new", "new", "new"]
    assert preview.can_import and preview.counts["new"] == 3
    assert [r.data["kind"] for r in preview.rows] == ["guest_house", "karaoke", "massage"]
    assert not Business.objects.exists() and _audit_count() == 0


def test_confirm_imports_every_new_row_with_an_audit_entry_each(officer, tree):
    result = business_import_confirm(actor=officer, data=xlsx_bytes(GOOD), filename="ds.xlsx")
    assert len(result.created) == 3 and result.skipped == []
    stored = Business.objects.get(name="Nhà nghỉ Hoa Sen")
    assert stored.unit == tree["kh"] and stored.registration_number == "28A-8000123"
    assert stored.address_folded == "so 1 tran phu" and stored.status == BusinessStatus.OPEN
    entries = ObjectChange.objects.filter(content_type__model="business")
    assert entries.count() == 3 and {e.action for e in entries} == {Action.CREATE}
    assert {e.user_id for e in entries} == {officer.pk}


def test_a_file_with_any_error_imports_nothing(officer):
    rows = [*GOOD, ["Bar Đêm", "casino", "Thôn 5", "Xã Kỳ Hoa", ""]]
    preview = _read(officer, xlsx_bytes(rows))
    assert preview.counts == {"new": 3, "duplicate": 0, "duplicate_in_file": 0, "error": 1}
    assert not preview.can_import
    with pytest.raises(ExchangeFileError) as refused:
        business_import_confirm(actor=officer, data=xlsx_bytes(rows), filename="ds.xlsx")
    assert refused.value.messages[0].startswith("Dòng 5, cột Loại hình: “casino”")
    assert not Business.objects.exists() and _audit_count() == 0


def test_duplicates_in_the_registry_and_in_the_file_are_skipped_and_named(officer, tree):
    existing = make_business(tree["kh"], "Nhà nghỉ Cũ", registration_number="28A 8000123")
    same_place = make_business(tree["kh"], "Karaoke Ánh Dương", address="Thôn 2")
    rows = [
        *GOOD,
        ["Massage Thu Hà 2", "massage", "Thôn 9", "Xã Kỳ Hoa", "28a8000999"],  # as row 4
        ["KARAOKE ÁNH DƯƠNG", "karaoke", "thôn 2", "Xã Kỳ Hoa", ""],  # as the registry
        ["Cà phê Gió", "cafe", "Thôn 7", "Xã Kỳ Hoa", ""],
        ["Ca phe Gio", "cafe", "Thon 7", "Xã Kỳ Hoa", ""],  # as row 8, typed without marks
    ]
    preview = _read(officer, xlsx_bytes(rows))
    states = [(r.number, r.state) for r in preview.rows]
    assert states == [
        (2, "duplicate"),
        (3, "duplicate"),
        (4, "new"),
        (5, "duplicate_in_file"),
        (6, "duplicate"),
        (7, "new"),
        (8, "duplicate_in_file"),
    ]
    assert preview.rows[0].existing == existing and preview.rows[0].existing_visible
    assert preview.rows[1].existing == same_place
    assert preview.rows[3].same_as_row == 4 and preview.rows[6].same_as_row == 7
    result = business_import_confirm(actor=officer, data=xlsx_bytes(rows), filename="ds.xlsx")
    assert sorted(b.name for b in result.created) == ["Cà phê Gió", "Xoa bóp Thu Hà"]
    assert len(result.skipped) == 5 and Business.objects.count() == 4


def test_bad_dates_negative_numbers_and_unknown_communes_are_named_by_row_and_column(officer):
    headings = [
        "Tên cơ sở",
        "Loại hình",
        "Địa chỉ",
        "Xã, phường",
        "Ngày đăng ký kinh doanh",
        "Số lao động",
        "Trong đó nữ",
    ]
    rows = [
        ["A", "bar", "Thôn 1", "Xã Kỳ Hoa", "31/02/2024", "", ""],
        ["B", "bar", "Thôn 1", "Xã Kỳ Hoa", "", "-3", ""],
        ["C", "bar", "Thôn 1", "Xã Không Có", "", "", ""],
        ["D", "bar", "Thôn 1", "Xã Kỳ Hoa", "", "2", "5"],
        ["E", "bar", "Thôn 1", "Xã Kỳ Hoa", "01/01/2099", "ba", ""],
        ["", "bar", "Thôn 1", "Xã Kỳ Hoa", "", "", ""],
    ]
    preview = _read(officer, csv_bytes(rows, headings), "ds.csv")
    errors = preview.errors
    assert errors[0] == (
        "Dòng 2, cột Ngày đăng ký kinh doanh: “31/02/2024” không phải ngày hợp lệ: "
        "ghi theo dạng dd/mm/yyyy, ví dụ 31/12/2024."
    )
    assert errors[1] == "Dòng 3, cột Số lao động: Số liệu không được âm (-3)."
    assert errors[2] == "Dòng 4, cột Xã, phường: Không tìm thấy xã, phường “Xã Không Có”."
    assert errors[3].startswith("Dòng 5, cột Trong đó nữ: Số lao động nữ (5) lớn hơn")
    assert any(
        e.startswith("Dòng 6, cột Ngày đăng ký kinh doanh:") and "hôm nay" in e for e in errors
    )
    assert "Dòng 6, cột Số lao động: “ba” không phải là số." in errors
    assert "Dòng 7, cột Tên cơ sở: Cần nhập tên cơ sở." in errors
    assert preview.counts["error"] == 6 and not Business.objects.exists()


def test_a_commune_outside_the_users_scope_is_refused_per_row(officer, tree):
    rows = [["Karaoke X", "karaoke", "Thôn 1", "Xã Hải Phú", ""]]
    [row] = _read(officer, xlsx_bytes(rows)).rows
    assert row.errors == ["Dòng 2, cột Xã, phường: Xã Hải Phú nằm ngoài phạm vi quản lý của bạn."]


def test_communes_are_found_by_code_or_name_preferring_todays_unit(officer, tree):
    headings = ["Tên cơ sở", "Loại hình", "Địa chỉ", "Mã xã", "Xã, phường"]
    rows = [
        ["A", "bar", "Thôn 1", tree["old_kh"].code, ""],  # the old commune, by its code
        ["B", "bar", "Thôn 1", "", "Xã Kỳ Hoa"],  # old and new share the name: today's
        ["C", "bar", "Thôn 1", tree["kh"].code, "Xã Hải Phú"],  # code and name disagree
    ]
    preview = _read(officer, xlsx_bytes(rows, headings))
    assert preview.rows[0].unit == tree["old_kh"] and preview.rows[1].unit == tree["kh"]
    assert preview.rows[2].errors == [
        f"Dòng 4, cột Xã, phường: Mã xã {tree['kh'].code} là Xã Kỳ Hoa, không phải “Xã Hải Phú”."
    ]


def test_a_name_matching_several_units_asks_for_the_code(tree):
    old_coordinator = member(tree["old_ht"], Role.PROVINCE_COORDINATOR)
    new_coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    rows = [["A", "bar", "Thôn 1", "Xã Kỳ Hoa", ""]]
    # Only the old Kỳ Hoa is in the old province's scope: no ambiguity.
    assert _read(old_coordinator, xlsx_bytes(rows)).rows[0].unit == tree["old_kh"]
    assert _read(new_coordinator, xlsx_bytes(rows)).rows[0].unit == tree["kh"]


def test_english_headings_semicolons_and_excel_dates_are_read(officer, tree):
    headings = [
        "Name",
        "Kind",
        "Address",
        "Commune",
        "Registration number",
        "Opened on",
        "Workers",
        "Female workers",
        "Status",
        "Closed on",
        "Commitment signed",
        "Unknown column",
    ]
    rows = [
        ["Spa Lily", "Spa", "Khu 4", "Kỳ Hoa", "", "01/02/2023", "1.200", "7", "", "", "x", "?"]
    ]
    preview = _read(officer, csv_bytes(rows, headings, delimiter=";"), "list.csv")
    [row] = preview.rows
    assert row.state == "new", row.errors
    assert row.data["opened_on"] == dt.date(2023, 2, 1) and row.data["workers_total"] == 1200
    assert row.data["commitment_signed"] is True and preview.ignored_columns == ["Unknown column"]
    excel = [
        [
            "Spa Lily",
            "spa",
            "Khu 4",
            "Kỳ Hoa",
            "",
            dt.datetime(2023, 2, 1),
            12.0,
            7,
            "Đã ngừng hoạt động",
            dt.datetime(2024, 5, 6),
            "Không",
            "",
        ]
    ]
    [row] = _read(officer, xlsx_bytes(excel, headings)).rows
    assert row.state == "new", row.errors
    assert row.data["status"] == BusinessStatus.CLOSED and row.data["closed_on"] == dt.date(
        2024, 5, 6
    )
    assert row.data["workers_total"] == 12 and row.data["commitment_signed"] is False


def test_a_single_commune_officer_may_leave_out_the_commune(officer, tree, coordinator):
    headings = ["Tên cơ sở", "Loại hình", "Địa chỉ"]
    [row] = _read(officer, xlsx_bytes([["A", "bar", "Thôn 1"]], headings)).rows
    assert row.unit == tree["kh"] and row.state == "new"
    with pytest.raises(ExchangeFileError, match="thiếu cột: Mã xã hoặc Xã, phường"):
        _read(coordinator, xlsx_bytes([["A", "bar", "Thôn 1"]], headings))


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"not a spreadsheet", "ds.xlsx", "không phải bảng tính"),
        (b"\xd0\xcf\x11\xe0rest", "ds.xls", "Chỉ nhận tệp"),
        ("Cột A,Cột B\n1,2\n".encode(), "ds.csv", "Không tìm thấy dòng tiêu đề"),
        ("Tên cơ sở,Xã, phường\n".encode(), "ds.csv", "thiếu cột"),
        ("Tên cơ sở,Loại hình\nA,bar\n".encode("utf-16"), "ds.csv", "UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(officer, data, name, words):
    with pytest.raises(ServiceError) as refused:
        _read(officer, data, name)
    assert words.lower() in " ".join(refused.value.messages).lower()


def test_confirm_refuses_a_file_with_nothing_new(officer, tree):
    make_business(tree["kh"], "Nhà nghỉ Hoa Sen", address="Số 1, Trần Phú")
    with pytest.raises(ServiceError, match="không có cơ sở mới"):
        business_import_confirm(actor=officer, data=xlsx_bytes(GOOD[:1]), filename="ds.xlsx")


def test_an_upload_is_kept_under_a_random_name_until_discarded(settings):
    token = import_file_store(data=b"abc", filename="Danh sách.CSV")
    assert len(token) >= 20 and (settings.MEDIA_ROOT / "imports" / "businesses").is_dir()
    assert import_file_load(token) == b"abc"
    assert import_file_load("../../etc/passwd") is None
    import_file_discard(token)
    assert import_file_load(token) is None


def test_business_dates_in_the_future_are_refused_in_files(officer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    headings = ["Tên cơ sở", "Loại hình", "Địa chỉ", "Xã, phường", "Ngày ký cam kết"]
    rows = [["A", "bar", "Thôn 1", "Xã Kỳ Hoa", tomorrow.strftime("%d/%m/%Y")]]
    [row] = _read(officer, xlsx_bytes(rows, headings)).rows
    assert row.errors[0].startswith("Dòng 2, cột Ngày ký cam kết: Ngày ký cam kết (")
