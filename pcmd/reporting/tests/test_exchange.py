import csv
import datetime as dt
import io
import json
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcmd.core.text import nfc
from pcmd.reporting.exchange import (
    CSV_COLUMNS,
    META_SHEET,
    ExchangeFileError,
    LayoutRow,
    ValueRow,
    form_workbook,
    read_dhis2_csv,
    read_dhis2_json,
    read_form_workbook,
    table_csv,
    table_xlsx,
    write_dhis2_csv,
    write_dhis2_json,
)

ROWS = [
    ValueRow("AT_RISK_BUSINESSES", "2025Q1", "VN-HN-001", "", "12", ""),
    ValueRow("STAFF_TRAINED", "2025Q1", "VN-HN-001", "province-female", "3", "Tập huấn tại xã"),
    ValueRow(
        "STAFF_TRAINED", "2025Q1", "VN-HN-001", "province-male", "4.5", "Có “ngoặc”, dấu phẩy"
    ),
    ValueRow("HAS_PLAN", "2025Q1", "VN-HN-001", "", "true", "Kỳ Anh; Hà Tĩnh"),
]


def _layout_row(key: str, label: str, section: str, value_type: str) -> LayoutRow:
    element, _, combo = key.partition(".")
    return LayoutRow(key, element, combo, label, section, value_type)


LAYOUT = [
    _layout_row(
        "AT_RISK_BUSINESSES", "Số cơ sở kinh doanh dịch vụ nhạy cảm", "I. Cơ sở", "integer"
    ),
    _layout_row(
        "STAFF_TRAINED.province-female", "Cán bộ được tập huấn (nữ)", "I. Cơ sở", "integer"
    ),
    _layout_row("AVG_HOURS", "Số giờ tập huấn bình quân", "I. Cơ sở", "decimal"),
    _layout_row("HAS_PLAN", "Có kế hoạch năm?", "II. Kế hoạch", "boolean"),
    _layout_row("NOTE", "Đơn vị phối hợp", "II. Kế hoạch", "text"),
]


def messages(excinfo: pytest.ExceptionInfo[ExchangeFileError]) -> str:
    return "\n".join(excinfo.value.messages)


# --- DHIS2 JSON ----------------------------------------------------------------------------


def test_json_round_trip_keeps_rows_and_header():
    data = write_dhis2_json(
        ROWS,
        data_set="pcmdQuarter",
        period="2025Q1",
        org_unit="VN-HN-001",
        complete_date="2025-04-05",
    )
    header, rows = read_dhis2_json(data)
    assert header == {
        "dataSet": "pcmdQuarter",
        "period": "2025Q1",
        "orgUnit": "VN-HN-001",
        "completeDate": "2025-04-05",
    }
    assert rows == ROWS
    assert [row.location for row in rows] == [f"dataValues[{i}]" for i in range(len(ROWS))]


def test_write_json_is_utf8_and_leaves_out_empty_combo_and_comment():
    data = write_dhis2_json(ROWS)
    assert "Tập huấn tại xã".encode() in data
    document = json.loads(data)
    assert set(document) == {"dataValues"}
    first, second = document["dataValues"][:2]
    assert first == {
        "dataElement": "AT_RISK_BUSINESSES",
        "period": "2025Q1",
        "orgUnit": "VN-HN-001",
        "value": "12",
    }
    assert second["categoryOptionCombo"] == "province-female"
    assert second["comment"] == "Tập huấn tại xã"


def test_read_json_dhis2_sample():
    sample = """{
      "dataSet": "pBOMPrpg1QX",
      "completeDate": "2025-04-02",
      "period": "202503",
      "orgUnit": "DiszpKrYNg8",
      "attributeOptionCombo": "HllvX50cXC0",
      "dataValues": [
        {"dataElement": "f7n9E0hX8qk", "categoryOptionCombo": "HllvX50cXC0", "value": "5",
         "storedBy": "admin", "created": "2025-04-01T10:00:00.000", "followup": false},
        {"dataElement": "Ix2HsbDMLea", "period": "202502", "categoryOptionCombo": "default",
         "attributeOptionCombo": "HllvX50cXC0", "value": 12},
        {"dataElement": "eY5ehpbEsB7", "categoryOptionCombo": "Prlt0C1RF0s", "value": 3.50},
        {"dataElement": "vq2qO3eTrNi", "orgUnit": "Rp268JB6Ne4", "value": true,
         "comment": "Đã xác minh"},
        {"dataElement": "GieVkTxp4HH", "value": 1e2},
        {"dataElement": "YtbsuPPo010", "value": null, "comment": "Chưa có số liệu"}
      ]
    }"""
    header, rows = read_dhis2_json(sample.encode())
    assert header == {
        "dataSet": "pBOMPrpg1QX",
        "period": "202503",
        "orgUnit": "DiszpKrYNg8",
        "completeDate": "2025-04-02",
    }
    assert rows == [
        ValueRow("f7n9E0hX8qk", "202503", "DiszpKrYNg8", "", "5"),
        ValueRow("Ix2HsbDMLea", "202502", "DiszpKrYNg8", "", "12"),
        ValueRow("eY5ehpbEsB7", "202503", "DiszpKrYNg8", "Prlt0C1RF0s", "3.5"),
        ValueRow("vq2qO3eTrNi", "202503", "Rp268JB6Ne4", "", "true", "Đã xác minh"),
        ValueRow("GieVkTxp4HH", "202503", "DiszpKrYNg8", "", "100"),
        ValueRow("YtbsuPPo010", "202503", "DiszpKrYNg8", "", "", "Chưa có số liệu"),
    ]


def test_read_json_normalises_text_to_nfc():
    decomposed = unicodedata.normalize("NFD", " Kỳ Anh ")
    row = {"dataElement": "A", "period": "2025", "orgUnit": "X", "comment": decomposed}
    data = json.dumps({"dataValues": [row]}).encode()
    _, rows = read_dhis2_json(data)
    assert rows[0].comment == "Kỳ Anh"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"dataValues": [', "dòng 1"),
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"dataValues": [{"dataElement": "A", "value": NaN}]}', "JSON"),
        (b"[1, 2]", "dataValues"),
        (b'{"dataSet": "x"}', "dataValues"),
        (b'{"dataValues": {"a": 1}}', "dataValues"),
    ],
)
def test_read_json_refuses_a_broken_file(data, expected):
    with pytest.raises(ExchangeFileError) as excinfo:
        read_dhis2_json(data)
    assert expected in messages(excinfo)


def test_read_json_names_every_bad_row_by_index():
    document = {
        "period": "2025Q1",
        "dataValues": [
            {"dataElement": "A", "orgUnit": "X", "value": "1"},
            {"period": "2025Q1", "orgUnit": "X", "value": "1"},
            {"dataElement": "B", "value": "2"},
            {"dataElement": "C", "orgUnit": "X", "value": {"n": 1}},
            {"dataElement": "D", "orgUnit": "X", "value": [1]},
            "not an object",
            {"dataElement": 7, "orgUnit": "X"},
            {"dataElement": "E", "orgUnit": "X", "attributeOptionCombo": "FUNDING_A"},
        ],
    }
    with pytest.raises(ExchangeFileError) as excinfo:
        read_dhis2_json(json.dumps(document).encode())
    found = excinfo.value.messages
    assert len(found) == 7
    assert found[0].startswith("dataValues[1]:") and "dataElement" in found[0]
    assert found[1].startswith("dataValues[2]:") and "orgUnit" in found[1]
    assert found[2].startswith("dataValues[3].value:")
    assert found[3].startswith("dataValues[4].value:")
    assert found[4].startswith("dataValues[5]:")
    assert found[5].startswith("dataValues[6].dataElement:")
    assert found[6].startswith("dataValues[7]:") and "FUNDING_A" in found[6]


def test_at_most_fifty_messages_and_a_count_of_the_rest():
    document = {"dataValues": [{"value": "1"} for _ in range(60)]}
    with pytest.raises(ExchangeFileError) as excinfo:
        read_dhis2_json(json.dumps(document).encode())
    found = excinfo.value.messages
    assert len(found) == 51
    assert found[49].startswith("dataValues[49]:")
    assert found[50] == "… và 10 lỗi khác"


# --- DHIS2 CSV -----------------------------------------------------------------------------


def test_csv_round_trip():
    assert read_dhis2_csv(write_dhis2_csv(ROWS)) == ROWS


def test_write_csv_has_dhis2_header_and_empty_default_combo():
    text = write_dhis2_csv(ROWS).decode("utf-8")
    assert not text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == list(CSV_COLUMNS)
    assert lines[1][:6] == ["AT_RISK_BUSINESSES", "2025Q1", "VN-HN-001", "", "", "12"]
    assert lines[2][8] == "Tập huấn tại xã"


def test_read_csv_header_in_any_order_and_case_with_locations():
    data = (
        "Value,OrgUnit,DataElement,Period,CategoryOptionCombo,Comment,StoredBy\n"
        "5,DiszpKrYNg8,f7n9E0hX8qk,202503,HllvX50cXC0,,admin\n"
        "\n"
        '7,DiszpKrYNg8,eY5ehpbEsB7,202503,Prlt0C1RF0s,"Ghi chú, có dấu phẩy",admin\n'
    ).encode()
    rows = read_dhis2_csv(data)
    assert rows == [
        ValueRow("f7n9E0hX8qk", "202503", "DiszpKrYNg8", "", "5"),
        ValueRow(
            "eY5ehpbEsB7", "202503", "DiszpKrYNg8", "Prlt0C1RF0s", "7", "Ghi chú, có dấu phẩy"
        ),
    ]
    assert [row.location for row in rows] == ["dòng 2", "dòng 4"]


def test_read_csv_dhis2_export_sample():
    data = (
        '"dataelement","period","orgunit","categoryoptioncombo","attributeoptioncombo","value",'
        '"storedby","lastupdated","comment","followup"\n'
        '"f7n9E0hX8qk","202503","DiszpKrYNg8","HllvX50cXC0","HllvX50cXC0","5","admin",'
        '"2025-04-01T10:00:00.000+0000","","false"\n'
        '"eY5ehpbEsB7","202503","DiszpKrYNg8","Prlt0C1RF0s","HllvX50cXC0","3.5","admin",'
        '"2025-04-01T10:00:00.000+0000","Số liệu Công an","false"\n'
    ).encode()
    assert read_dhis2_csv(data) == [
        ValueRow("f7n9E0hX8qk", "202503", "DiszpKrYNg8", "", "5"),
        ValueRow("eY5ehpbEsB7", "202503", "DiszpKrYNg8", "Prlt0C1RF0s", "3.5", "Số liệu Công an"),
    ]


def test_read_csv_without_header_in_dhis2_column_order():
    data = (
        "f7n9E0hX8qk,202503,DiszpKrYNg8,HllvX50cXC0,HllvX50cXC0,5\n"
        "eY5ehpbEsB7,202503,DiszpKrYNg8,Prlt0C1RF0s,,3,admin,2025-04-01,Đã xác minh,false\n"
    ).encode()
    rows = read_dhis2_csv(data)
    assert rows == [
        ValueRow("f7n9E0hX8qk", "202503", "DiszpKrYNg8", "", "5"),
        ValueRow("eY5ehpbEsB7", "202503", "DiszpKrYNg8", "Prlt0C1RF0s", "3", "Đã xác minh"),
    ]
    assert rows[0].location == "dòng 1"


def test_read_csv_with_semicolons():
    data = (
        "dataelement;period;orgunit;categoryoptioncombo;value;comment\n"
        "A;2025Q1;X;;3,5;Hà Nội, Việt Nam\n"
    ).encode()
    assert read_dhis2_csv(data) == [ValueRow("A", "2025Q1", "X", "", "3,5", "Hà Nội, Việt Nam")]


def test_read_csv_with_semicolons_and_no_header():
    # The comment's commas must not make the ',' reading look plausible.
    data = "A;2025Q1;X;;;12;;;Hà Nội, Hải Phòng, Đà Nẵng, Huế, Cần Thơ;false\n".encode()
    assert read_dhis2_csv(data) == [
        ValueRow("A", "2025Q1", "X", "", "12", "Hà Nội, Hải Phòng, Đà Nẵng, Huế, Cần Thơ")
    ]


def test_read_csv_with_bom_and_crlf():
    data = "\ufeffdataelement,period,orgunit,value,comment\r\nA,2025Q1,X,1,Kỳ Anh\r\n".encode()
    assert read_dhis2_csv(data) == [ValueRow("A", "2025Q1", "X", "", "1", "Kỳ Anh")]


def test_read_csv_refuses_a_header_without_required_columns():
    data = b"dataelement,period,comment\nA,2025Q1,x\n"
    with pytest.raises(ExchangeFileError) as excinfo:
        read_dhis2_csv(data)
    assert excinfo.value.messages == [
        "dòng 1: dòng tiêu đề thiếu cột orgunit, value",
    ]


def test_read_csv_names_the_line_of_every_bad_row():
    data = (
        b"dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
        b"A,2025Q1,X,,,1\n"
        b",2025Q1,X,,,1\n"
        b"B,,,,,1\n"
        b"C,2025Q1\n"
        b"D,2025Q1,X,,FUNDING_A,1\n"
        b'E,2025Q1,X,,,"unterminated\n'
    )
    with pytest.raises(ExchangeFileError) as excinfo:
        read_dhis2_csv(data)
    found = excinfo.value.messages
    assert len(found) == 5
    assert found[0] == "dòng 3: thiếu dataelement"
    assert found[1] == "dòng 4: thiếu period, orgunit"
    assert found[2] == "dòng 5: chỉ có 2 cột, cần ít nhất 6"
    assert found[3].startswith("dòng 6:") and "FUNDING_A" in found[3]
    assert found[4] == "dòng 7: dấu ngoặc kép không khớp hoặc ký tự không hợp lệ"


def test_read_csv_counts_lines_of_a_quoted_multiline_field():
    data = b'dataelement,period,orgunit,value,comment\nA,2025,X,1,"two\nlines"\n,2025,X,1,\n'
    with pytest.raises(ExchangeFileError) as excinfo:
        read_dhis2_csv(data)
    assert excinfo.value.messages == ["dòng 4: thiếu dataelement"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("dataelement,period,orgunit,value\nA,2025,Đông Hà,1\n".encode("cp1258"), "dòng 2"),
        (b"", "trống"),
        (b"\r\n \r\n", "trống"),
    ],
)
def test_read_csv_refuses_an_unreadable_file(data, expected):
    with pytest.raises(ExchangeFileError) as excinfo:
        read_dhis2_csv(data)
    assert expected in messages(excinfo)


# --- Round trips for any rows --------------------------------------------------------------

_text = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=20).map(nfc)
_required = _text.filter(bool)
_rows = st.lists(
    st.builds(
        ValueRow,
        data_element=_required,
        period=_required,
        org_unit=_required,
        category_option_combo=_text.filter(lambda text: text not in ("default", "HllvX50cXC0")),
        value=_text,
        comment=_text,
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(_rows)
def test_csv_write_then_read_is_identity(rows):
    assert read_dhis2_csv(write_dhis2_csv(rows)) == rows


@settings(max_examples=200, deadline=None)
@given(_rows, _text, _text, _text)
def test_json_write_then_read_is_identity(rows, data_set, period, org_unit):
    header, read = read_dhis2_json(
        write_dhis2_json(rows, data_set=data_set, period=period, org_unit=org_unit)
    )
    assert read == rows
    expected = {"dataSet": data_set, "period": period, "orgUnit": org_unit}
    assert header == {key: text for key, text in expected.items() if text}


# --- The form workbook ---------------------------------------------------------------------


def _form(**overrides) -> bytes:
    arguments = {
        "title": "BÁO CÁO CÔNG TÁC PHÒNG, CHỐNG MẠI DÂM",
        "layout": LAYOUT,
        "form_code": "PCMD-Q",
        "unit_code": "10123",
        "unit_name": "Xã Kỳ Anh",
        "period_code": "2025Q1",
        "period_label": "Quý I năm 2025",
        "values": {"AT_RISK_BUSINESSES": "12", "AVG_HOURS": "3.5", "HAS_PLAN": "true"},
        "previous": {"AT_RISK_BUSINESSES": "10", "HAS_PLAN": "false"},
    }
    return form_workbook(**(arguments | overrides))


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _save(wb: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _input_rows(wb: openpyxl.Workbook) -> dict[str, int]:
    meta = wb[META_SHEET]
    start = next(row for row in range(1, 20) if meta.cell(row, 1).value == "key") + 1
    return {
        meta.cell(row, 1).value: meta.cell(row, 2).value
        for row in range(start, meta.max_row + 1)
        if meta.cell(row, 1).value
    }


def test_form_workbook_title_block_sections_and_columns():
    wb = _open(_form())
    ws = wb["Báo cáo"]
    assert ws["A1"].value == "BÁO CÁO CÔNG TÁC PHÒNG, CHỐNG MẠI DÂM"
    assert ws["A1"].font.bold
    assert "Xã Kỳ Anh" in ws["A2"].value
    assert "Quý I năm 2025" in ws["A3"].value
    assert [ws.cell(6, column).value for column in range(1, 6)] == [
        "STT",
        "Chỉ tiêu",
        "Kỳ trước",
        "Giá trị",
        "Ghi chú",
    ]
    assert ws["A7"].value == "I. Cơ sở"
    assert [ws.cell(row, 2).value for row in (8, 9, 10)] == [item.label for item in LAYOUT[:3]]
    assert ws["A11"].value == "II. Kế hoạch"
    assert [ws.cell(row, 1).value for row in (8, 9, 10, 12, 13)] == [1, 2, 3, 4, 5]
    assert ws.column_dimensions["B"].width >= 40
    assert ws.column_dimensions["F"].hidden


def test_form_workbook_prefills_numbers_as_numbers_and_previous_values():
    ws = _open(_form())["Báo cáo"]
    assert (ws["D8"].value, ws["D8"].data_type) == (12, "n")
    assert ws["D9"].value is None
    assert (ws["D10"].value, ws["D10"].data_type) == (3.5, "n")
    assert ws["D12"].value == "Có"
    assert ws["D13"].value is None
    assert (ws["C8"].value, ws["C8"].data_type) == (10, "n")
    assert ws["C12"].value == "Không"


def test_form_workbook_hidden_sheet_maps_keys_to_rows():
    wb = _open(_form())
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    assert {meta.cell(row, 1).value: meta.cell(row, 2).value for row in range(1, 4)} == {
        "form": "PCMD-Q",
        "unit": "10123",
        "period": "2025Q1",
    }
    assert _input_rows(wb) == {
        "AT_RISK_BUSINESSES": 8,
        "STAFF_TRAINED.province-female": 9,
        "AVG_HOURS": 10,
        "HAS_PLAN": 12,
        "NOTE": 13,
    }


def test_form_workbook_is_protected_except_input_cells():
    wb = _open(_form())
    ws = wb["Báo cáo"]
    assert ws.protection.sheet
    assert not ws.protection.password
    assert wb.security.lockStructure
    for row in (8, 9, 10, 12, 13):
        assert not ws.cell(row, 4).protection.locked
        assert ws.cell(row, 2).protection.locked
        assert ws.cell(row, 3).protection.locked


def test_form_workbook_validates_numeric_and_boolean_cells():
    ws = _open(_form())["Báo cáo"]
    by_type = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert set(by_type) == {"whole", "decimal", "list"}
    assert str(by_type["whole"].sqref) == "D8 D9"
    assert (by_type["whole"].operator, by_type["whole"].formula1) == ("greaterThanOrEqual", "0")
    assert str(by_type["decimal"].sqref) == "D10"
    assert str(by_type["list"].sqref) == "D12"
    assert by_type["list"].formula1 == '"Có,Không"'
    assert ws["D13"].number_format == "@"


def test_form_workbook_reads_back_what_it_was_given():
    meta, values = read_form_workbook(_form(), layout=LAYOUT)
    assert meta == {"form": "PCMD-Q", "unit": "10123", "period": "2025Q1"}
    assert values == {"AT_RISK_BUSINESSES": "12", "AVG_HOURS": "3.5", "HAS_PLAN": "true"}


def test_form_workbook_filled_by_a_user_reads_back():
    wb = _open(_form(values={}))
    ws = wb["Báo cáo"]
    ws["D8"] = 12.0  # Excel stores whole numbers typed as floats
    ws["D9"] = " 7 "  # a cell formatted as text
    ws["D10"] = 0.30000000000000004
    ws["D12"] = "Không"
    ws["D13"] = unicodedata.normalize("NFD", "Công an xã Kỳ Anh")
    meta, values = read_form_workbook(_save(wb), layout=LAYOUT)
    assert meta["period"] == "2025Q1"
    assert values == {
        "AT_RISK_BUSINESSES": "12",
        "STAFF_TRAINED.province-female": "7",
        "AVG_HOURS": "0.3",
        "HAS_PLAN": "false",
        "NOTE": "Công an xã Kỳ Anh",
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Có", "true"),
        ("có", "true"),
        ("true", "true"),
        ("1", "true"),
        (True, "true"),
        (1, "true"),
        ("Không", "false"),
        ("khong", "false"),
        (False, "false"),
        (0, "false"),
    ],
)
def test_form_workbook_reads_booleans(typed, expected):
    wb = _open(_form(values={}))
    wb["Báo cáo"]["D12"] = typed
    assert read_form_workbook(_save(wb), layout=LAYOUT)[1] == {"HAS_PLAN": expected}


def test_form_workbook_with_edited_labels_still_reads():
    wb = _open(_form(values={}))
    ws = wb["Báo cáo"]
    ws["B8"] = "Cơ sở (đã sửa tên)"
    ws["B10"] = None
    ws["A7"] = "Phần một"
    ws["D8"] = 4
    ws["D10"] = 2.25
    _, values = read_form_workbook(_save(wb), layout=LAYOUT)
    assert values == {"AT_RISK_BUSINESSES": "4", "AVG_HOURS": "2.25"}


def test_form_workbook_names_cell_and_label_of_each_bad_value():
    wb = _open(_form(values={}))
    ws = wb["Báo cáo"]
    ws["D8"] = "mười hai"
    ws["D9"] = "1.234,5"
    ws["D10"] = dt.datetime(2025, 3, 12)
    ws["D12"] = "Chưa rõ"
    with pytest.raises(ExchangeFileError) as excinfo:
        read_form_workbook(_save(wb), layout=LAYOUT)
    found = excinfo.value.messages
    assert len(found) == 4
    assert found[0].startswith("ô D8 (Số cơ sở kinh doanh dịch vụ nhạy cảm): “mười hai”")
    assert found[1].startswith("ô D9 (Cán bộ được tập huấn (nữ)): “1.234,5”")
    assert found[2].startswith("ô D10 (Số giờ tập huấn bình quân):") and "ngày" in found[2]
    assert found[3].startswith("ô D12 (Có kế hoạch năm?): “Chưa rõ”")


def test_form_workbook_refuses_keys_the_form_no_longer_has():
    with pytest.raises(ExchangeFileError) as excinfo:
        read_form_workbook(_form(), layout=LAYOUT[1:])
    found = excinfo.value.messages
    assert len(found) == 1
    assert found[0].startswith(f"trang {META_SHEET}, ô A8:")
    assert "AT_RISK_BUSINESSES" in found[0]


def test_form_workbook_notices_inserted_rows():
    wb = _open(_form())
    ws = wb["Báo cáo"]
    ws.protection.sheet = False
    ws.insert_rows(9)
    with pytest.raises(ExchangeFileError) as excinfo:
        read_form_workbook(_save(wb), layout=LAYOUT)
    assert excinfo.value.messages[0].startswith("ô D9 (Cán bộ được tập huấn (nữ)):")


def test_a_workbook_not_made_from_the_form_is_refused():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Số liệu"
    with pytest.raises(ExchangeFileError) as excinfo:
        read_form_workbook(_save(wb), layout=LAYOUT)
    assert "không được tạo từ biểu mẫu của PCMD" in messages(excinfo)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("STT,Chỉ tiêu\n1,Cơ sở\n".encode(), "không phải bảng tính Excel (.xlsx)"),
        (b"%PDF-1.7\n", "không phải bảng tính Excel (.xlsx)"),
        (_zip({"word/document.xml": b"<w:document/>"}), "không phải bảng tính Excel (.xlsx)"),
        (_zip({"[Content_Types].xml": b"<Types/>"})[:40], "không phải bảng tính Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), ".xls"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(data, expected):
    with pytest.raises(ExchangeFileError) as excinfo:
        read_form_workbook(data, layout=LAYOUT)
    assert expected in messages(excinfo)


def test_form_workbook_keeps_text_that_looks_like_a_formula():
    layout = [LayoutRow("K", "K", "", "=1+1 chỉ tiêu", "", "text")]
    data = form_workbook(
        title="=HYPERLINK(1)",
        layout=layout,
        form_code="F",
        unit_code="U",
        unit_name="X",
        period_code="P",
        period_label="P",
        values={"K": "=SUM(A1)"},
    )
    ws = _open(data)["Báo cáo"]
    assert (ws["A1"].value, ws["A1"].data_type) == ("=HYPERLINK(1)", "s")
    assert ws["B7"].data_type == "s"
    assert read_form_workbook(data, layout=layout)[1] == {"K": "=SUM(A1)"}


# --- Plain tables --------------------------------------------------------------------------


def test_table_csv_has_bom_and_plain_numbers():
    data = table_csv(
        ["Đơn vị", "Số cơ sở", "Tỷ lệ", "Ghi chú"],
        [
            ["Xã Kỳ Anh", 1234567, 3.5, None],
            ["Phường Đông Hà", Decimal("0.0000001"), 1e20, "=2+3"],
            ["Tổng", 12.0, True, dt.date(2025, 3, 31)],
        ],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines == [
        ["Đơn vị", "Số cơ sở", "Tỷ lệ", "Ghi chú"],
        ["Xã Kỳ Anh", "1234567", "3.5", ""],
        ["Phường Đông Hà", "0.0000001", "100000000000000000000", "'=2+3"],
        ["Tổng", "12", "Có", "2025-03-31"],
    ]


def test_table_xlsx_numbers_are_numeric_cells():
    data = table_xlsx(
        title="Tổng hợp: quý I/2025 [tỉnh Hà Tĩnh] — bản chính thức",
        headers=["Đơn vị", "Số cơ sở", "Tỷ lệ", "Kinh phí"],
        rows=[
            ["Xã Kỳ Anh", 12, 3.5, Decimal("1500000.50")],
            ["=cmd|' /C calc'!A0", None, 0, Decimal(7)],
        ],
    )
    wb = _open(data)
    assert len(wb.sheetnames) == 1
    ws = wb.active
    assert ws.title == "Tổng hợp quý I2025 tỉnh Hà Tĩnh"
    assert len(ws.title) <= 31
    assert [cell.value for cell in ws[1]] == ["Đơn vị", "Số cơ sở", "Tỷ lệ", "Kinh phí"]
    assert all(cell.font.bold for cell in ws[1])
    assert ws.freeze_panes == "A2"
    for coordinate in ("B2", "C2", "D2", "C3", "D3"):
        assert ws[coordinate].data_type == "n", coordinate
    assert (ws["B2"].value, ws["C2"].value, ws["D2"].value) == (12, 3.5, 1500000.5)
    assert (ws["A3"].value, ws["A3"].data_type) == ("=cmd|' /C calc'!A0", "s")
    assert ws["A2"].value == "Xã Kỳ Anh"
    assert ws.column_dimensions["A"].width > 8


def test_table_xlsx_sheet_name_falls_back_when_nothing_is_left():
    assert _open(table_xlsx(title="[]:*?/\\", headers=["A"], rows=[])).active.title == "Bảng"
