"""File formats of periodic reports: DHIS2 JSON and CSV, the offline form workbook, tables.

Pure functions on bytes and strings; no models, no database. Values stay strings here:
another module converts and validates them by data-element type. Every reader collects all
the problems of a file and raises them together as one ExchangeFileError.
"""

import csv
import datetime as dt
import io
import json
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from pcmd.core.errors import ServiceError
from pcmd.core.text import fold, nfc

INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
TEXT = "text"
NUMERIC_TYPES = (INTEGER, DECIMAL)

# DHIS2's "no disaggregation" combo, by UID and by code; both mean "" here.
DEFAULT_COMBOS = frozenset({"HllvX50cXC0", "default"})
MAX_MESSAGES = 50

CSV_COLUMNS = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
)
_CSV_REQUIRED = ("dataelement", "period", "orgunit", "value")
# Names older DHIS2 versions (and hand-made files) use for the same columns.
_CSV_ALIASES = {
    "catoptcombo": "categoryoptioncombo",
    "attroptcombo": "attributeoptioncombo",
    "timestamp": "lastupdated",
}
# A headerless DHIS2 row has at least dataelement..value (6 columns), at most 10.
_CSV_MIN_FIELDS = CSV_COLUMNS.index("value") + 1

META_SHEET = "_pcmd"
META_VERSION = "1"
_INPUT_COLUMN = 4  # D: Giá trị
_KEY_COLUMN = 6  # F, hidden: the key of the row, to notice rows inserted or deleted
_HEADER_ROW = 6
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_TRUE_WORDS = frozenset({"co", "true", "1", "yes"})
_FALSE_WORDS = frozenset({"khong", "false", "0", "no"})


@dataclass(frozen=True)
class ValueRow:
    """One data value as DHIS2 exchanges it; every field is text at this layer."""

    data_element: str
    period: str
    org_unit: str
    category_option_combo: str = ""  # "" = no disaggregation
    value: str = ""
    comment: str = ""
    # Where the row came from ("dòng 5", "dataValues[3]"), only for messages: not compared.
    location: str = field(default="", compare=False)


@dataclass(frozen=True)
class LayoutRow:
    """One input cell of a report form, in display order."""

    key: str  # "AT_RISK_BUSINESSES" or "STAFF_TRAINED.province-female"
    element_code: str
    combo_code: str
    label: str
    section: str
    value_type: str  # integer / decimal / boolean / text


class ExchangeFileError(ServiceError):
    """A file refused, with every problem found; each message names where it is."""

    def __init__(self, messages: str | Sequence[str]) -> None:
        items = [messages] if isinstance(messages, str) else list(messages)
        if len(items) > MAX_MESSAGES:
            rest = len(items) - MAX_MESSAGES
            more = ngettext("… và %(count)d lỗi khác", "… và %(count)d lỗi khác", rest)
            items = [*items[:MAX_MESSAGES], more % {"count": rest}]
        super().__init__(items)


class _CellProblem(Exception):
    """What is wrong with one cell's content; the caller adds where."""


def _at(location: str, problem: str) -> str:
    return f"{location}: {problem}"


def decode_text(data: bytes) -> str:
    """The text of an uploaded file in UTF-8 (a byte-order mark dropped); anything else is
    refused with the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ExchangeFileError(
            _(
                "Tệp không phải văn bản UTF-8 (lỗi mã hóa ở dòng %(line)d). "
                "Hãy lưu lại tệp với bảng mã UTF-8."
            )
            % {"line": line}
        ) from exc


def _number_text(value: Decimal | int | float, *, digits: int | None = None) -> str:
    """The canonical text of a number: "12", "3.5", "0.0000001"; no exponent, no grouping.

    `digits` rounds a float to that many significant digits (Excel keeps 15).
    """
    if isinstance(value, float):
        number = Decimal(format(value, f".{digits}g") if digits else repr(value))
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise _CellProblem(_("không phải là một số hữu hạn"))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _default_combo(value: str) -> str:
    return "" if value in DEFAULT_COMBOS else value


# --- DHIS2 JSON ----------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's parser takes them by default.
    raise ValueError(name)


def read_dhis2_json(data: bytes) -> tuple[dict[str, str], list[ValueRow]]:
    """Read a DHIS2 dataValueSets JSON: (header, rows).

    The header holds dataSet, period, orgUnit and completeDate where present; a row without
    period or orgUnit takes the top-level one.
    """
    text = decode_text(data)
    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ExchangeFileError(
            _("Tệp không phải JSON hợp lệ: lỗi cú pháp ở dòng %(line)d, cột %(column)d.")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise ExchangeFileError(_("Tệp không phải JSON hợp lệ.")) from exc
    if not isinstance(document, dict):
        raise ExchangeFileError(
            _("Tệp JSON phải là một đối tượng có danh sách dataValues (định dạng DHIS2).")
        )

    errors: list[str] = []
    header: dict[str, str] = {}
    for key in ("dataSet", "period", "orgUnit", "completeDate"):
        raw = document.get(key)
        if raw is None:
            continue
        if isinstance(raw, str):
            if nfc(raw):
                header[key] = nfc(raw)
        else:
            errors.append(_at(key, _("phải là một chuỗi")))
    attribute = document.get("attributeOptionCombo")
    if isinstance(attribute, str) and _default_combo(nfc(attribute)):
        errors.append(_at("attributeOptionCombo", _unsupported_attribute(nfc(attribute))))

    values = document.get("dataValues")
    if values is None:
        errors.append(_("Tệp không có danh sách dataValues (các số liệu)."))
        raise ExchangeFileError(errors)
    if not isinstance(values, list):
        errors.append(_at("dataValues", _("phải là một danh sách")))
        raise ExchangeFileError(errors)

    rows: list[ValueRow] = []
    for index, item in enumerate(values):
        location = f"dataValues[{index}]"
        if not isinstance(item, dict):
            errors.append(_at(location, _("phải là một đối tượng")))
            continue
        row = _json_row(item, location, header, errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise ExchangeFileError(errors)
    return header, rows


def _unsupported_attribute(value: str) -> str:
    # Refused rather than dropped: values of different attribute combos would merge.
    return _("không hỗ trợ phân tổ thuộc tính (attributeOptionCombo) “%(value)s”") % {
        "value": value
    }


def _json_text(
    item: dict[str, Any], name: str, location: str, errors: list[str], default: str = ""
) -> str:
    raw = item.get(name)
    if raw is None:
        return default
    if not isinstance(raw, str):
        errors.append(_at(f"{location}.{name}", _("phải là một chuỗi")))
        return default
    return nfc(raw) or default


def _json_row(
    item: dict[str, Any], location: str, header: dict[str, str], errors: list[str]
) -> ValueRow | None:
    before = len(errors)
    element = _json_text(item, "dataElement", location, errors)
    period = _json_text(item, "period", location, errors, header.get("period", ""))
    org_unit = _json_text(item, "orgUnit", location, errors, header.get("orgUnit", ""))
    missing = [
        name
        for name, text in (("dataElement", element), ("period", period), ("orgUnit", org_unit))
        # A value of the wrong type is already reported as such.
        if not text and isinstance(item.get(name), (str, type(None)))
    ]
    if missing:
        errors.append(_at(location, _("thiếu %(fields)s") % {"fields": ", ".join(missing)}))
    combo = _default_combo(_json_text(item, "categoryOptionCombo", location, errors))
    attribute = _default_combo(_json_text(item, "attributeOptionCombo", location, errors))
    if attribute:
        errors.append(_at(location, _unsupported_attribute(attribute)))
    comment = _json_text(item, "comment", location, errors)

    raw = item.get("value")
    value = ""
    if isinstance(raw, bool):  # before int: bool is an int
        value = "true" if raw else "false"
    elif isinstance(raw, (int, Decimal)):
        value = _number_text(raw)
    elif isinstance(raw, str):
        value = nfc(raw)
    elif raw is not None:  # null is "no value", as when the key is absent
        errors.append(_at(f"{location}.value", _("phải là chuỗi, số hoặc true/false")))
    if len(errors) > before:
        return None
    return ValueRow(element, period, org_unit, combo, value, comment, location)


def write_dhis2_json(
    rows: Sequence[ValueRow],
    *,
    data_set: str = "",
    period: str = "",
    org_unit: str = "",
    complete_date: str = "",
) -> bytes:
    """A DHIS2 dataValueSets JSON; an empty combo or comment is left out (DHIS2's default)."""
    document: dict[str, Any] = {}
    for key, text in (
        ("dataSet", data_set),
        ("completeDate", complete_date),
        ("period", period),
        ("orgUnit", org_unit),
    ):
        if text:
            document[key] = text
    values = []
    for row in rows:
        value: dict[str, str] = {
            "dataElement": row.data_element,
            "period": row.period,
            "orgUnit": row.org_unit,
        }
        if row.category_option_combo:
            value["categoryOptionCombo"] = row.category_option_combo
        value["value"] = row.value
        if row.comment:
            value["comment"] = row.comment
        values.append(value)
    document["dataValues"] = values
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- DHIS2 CSV -----------------------------------------------------------------------------


def _column_name(text: str) -> str:
    # "Data element", "data_element" and "dataElement" all name the same column.
    name = re.sub(r"[^a-z]", "", fold(text))
    return _CSV_ALIASES.get(name, name)


def _is_header(fields: Sequence[str]) -> bool:
    names = {_column_name(text) for text in fields}
    return "dataelement" in names and "period" in names


def _first_records(text: str, delimiter: str, count: int) -> list[list[str]]:
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for fields in reader:
            if any(part.strip() for part in fields):
                records.append(fields)
            if len(records) >= count:
                break
    except csv.Error:
        pass  # the full read reports it, with the line
    return records


def _sniff(text: str) -> tuple[str, bool]:
    """(delimiter, has header): a recognised header decides; else the plausible column count."""
    scores: dict[str, int] = {}
    for delimiter in (",", ";"):
        sample = _first_records(text, delimiter, 5)
        if sample and _is_header(sample[0]):
            return delimiter, True
        counts = [len(fields) for fields in sample]
        plausible = counts and all(_CSV_MIN_FIELDS <= n <= len(CSV_COLUMNS) for n in counts)
        scores[delimiter] = min(counts) if plausible else -1
    return (";" if scores[";"] > scores[","] else ","), False


def read_dhis2_csv(data: bytes) -> list[ValueRow]:
    """Read a DHIS2 CSV, with a header row (any order, any case) or in DHIS2's column order.

    UTF-8 with or without BOM; ',' or ';' between fields. Errors name the line (1-based,
    the header counted).
    """
    text = decode_text(data)
    if not text.strip():
        raise ExchangeFileError(_("Tệp CSV trống."))
    delimiter, has_header = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[str] = []
    broken: list[str] = []  # reported after the rows before it, in line order
    records: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # The reader's state after a quoting error is not reliable: stop here.
            broken.append(
                _at(
                    _("dòng %(line)d") % {"line": start},
                    _("dấu ngoặc kép không khớp hoặc ký tự không hợp lệ"),
                )
            )
            break
        if any(part.strip() for part in fields):
            records.append((start, fields))
        start = reader.line_num + 1

    columns = {name: index for index, name in enumerate(CSV_COLUMNS)}
    if has_header and records:
        line, names = records.pop(0)
        columns = {}
        for index, name in enumerate(names):
            columns.setdefault(_column_name(name), index)
        missing = [name for name in _CSV_REQUIRED if name not in columns]
        if missing:
            problem = _("dòng tiêu đề thiếu cột %(columns)s") % {"columns": ", ".join(missing)}
            raise ExchangeFileError([_at(_("dòng %(line)d") % {"line": line}, problem), *broken])
    needed = max(columns[name] for name in _CSV_REQUIRED) + 1

    rows: list[ValueRow] = []
    for line, fields in records:
        location = _("dòng %(line)d") % {"line": line}
        if len(fields) < needed:
            errors.append(
                _at(
                    location,
                    _("chỉ có %(count)d cột, cần ít nhất %(needed)d")
                    % {"count": len(fields), "needed": needed},
                )
            )
            continue

        def get(name: str, fields: list[str] = fields) -> str:
            index = columns.get(name)
            return nfc(fields[index]) if index is not None and index < len(fields) else ""

        row = ValueRow(
            data_element=get("dataelement"),
            period=get("period"),
            org_unit=get("orgunit"),
            category_option_combo=_default_combo(get("categoryoptioncombo")),
            value=get("value"),
            comment=get("comment"),
            location=location,
        )
        missing = [
            name
            for name, text in (
                ("dataelement", row.data_element),
                ("period", row.period),
                ("orgunit", row.org_unit),
            )
            if not text
        ]
        if missing:
            errors.append(_at(location, _("thiếu %(fields)s") % {"fields": ", ".join(missing)}))
        attribute = _default_combo(get("attributeoptioncombo"))
        if attribute:
            errors.append(_at(location, _unsupported_attribute(attribute)))
        if not missing and not attribute:
            rows.append(row)
    errors.extend(broken)
    if errors:
        raise ExchangeFileError(errors)
    return rows


def write_dhis2_csv(rows: Sequence[ValueRow]) -> bytes:
    """A DHIS2 CSV with its header row; UTF-8 without BOM, an empty combo left empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.data_element,
                row.period,
                row.org_unit,
                row.category_option_combo,
                "",
                row.value,
                "",
                "",
                row.comment,
                "false",
            ]
        )
    return buffer.getvalue().encode("utf-8")


# --- Spreadsheet helpers -------------------------------------------------------------------

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_SECTION_FILL = PatternFill("solid", fgColor="EDEDED")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Set a cell; text is always text, never a formula (a label may start with '=')."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", nfc(title)))
    # Excel refuses a name that starts or ends with an apostrophe.
    cleaned = cleaned[:31].strip().strip("'").strip()
    return cleaned or _("Bảng")


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _yes() -> str:
    return _("Có")


def _no() -> str:
    return _("Không")


def _cell_of_value(value_type: str, text: str) -> Any:
    """What to put in a cell for a stored value: numbers as numbers, booleans as Có/Không."""
    text = nfc(text)
    if not text:
        return None
    if value_type in NUMERIC_TYPES and _PLAIN_NUMBER.fullmatch(text):
        return int(text) if "." not in text else Decimal(text)
    if value_type == BOOLEAN:
        folded = fold(text)
        if folded in _TRUE_WORDS or folded == fold(_yes()):
            return _yes()
        if folded in _FALSE_WORDS or folded == fold(_no()):
            return _no()
    return text  # left as it is: the reader reports what is wrong with it


# --- The offline form workbook -------------------------------------------------------------


def form_workbook(
    *,
    title: str,
    layout: Sequence[LayoutRow],
    form_code: str,
    unit_code: str,
    unit_name: str,
    period_code: str,
    period_label: str,
    values: Mapping[str, str],
    previous: Mapping[str, str] | None = None,
) -> bytes:
    """An .xlsx of the form for a unit to fill offline and send back.

    Sheet "Báo cáo": title block, then STT | Chỉ tiêu | Kỳ trước | Giá trị | Ghi chú, one row
    per layout row under its section heading; only the Giá trị cells are unlocked. The
    hidden sheet "_pcmd" records the form, unit, period and the row of each key, so the file
    reads back whatever happens to the labels.
    """
    previous = previous or {}
    wb = Workbook()
    wb.properties.creator = "PCMD"
    ws = wb.active
    ws.title = _sheet_title(_("Báo cáo"))

    block = (
        (title, Font(bold=True, size=14)),
        (_("Đơn vị: %(unit)s") % {"unit": unit_name}, _BOLD),
        (_("Kỳ báo cáo: %(period)s") % {"period": period_label}, _BOLD),
        (
            _(
                "Nhập số liệu vào các ô màu vàng ở cột “Giá trị” rồi gửi lại tệp này; "
                "không thêm, xóa hay đổi thứ tự các hàng."
            ),
            Font(italic=True),
        ),
    )
    for row, (text, font) in enumerate(block, start=1):
        cell = _put(ws, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    ws.row_dimensions[1].height = 36
    ws.row_dimensions[4].height = 30

    headers = (_("STT"), _("Chỉ tiêu"), _("Kỳ trước"), _("Giá trị"), _("Ghi chú"))
    for column, text in enumerate(headers, start=1):
        cell = _put(ws, _HEADER_ROW, column, text)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    validations = {
        INTEGER: DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Số liệu không hợp lệ"),
            error=_("Nhập một số nguyên không âm."),
        ),
        DECIMAL: DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Số liệu không hợp lệ"),
            error=_("Nhập một số không âm."),
        ),
        BOOLEAN: DataValidation(
            type="list",
            formula1=f'"{_yes()},{_no()}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Số liệu không hợp lệ"),
            error=_("Chọn Có hoặc Không."),
        ),
    }
    hints = {
        INTEGER: _("Số nguyên, không âm"),
        DECIMAL: _("Số, không âm"),
        BOOLEAN: _("Chọn Có hoặc Không"),
    }

    placed: list[tuple[str, int]] = []
    row = _HEADER_ROW + 1
    section: str | None = None
    for number, item in enumerate(layout, start=1):
        if item.section and item.section != section:
            cell = _put(ws, row, 1, item.section)
            cell.font = _BOLD
            for column in range(1, 6):
                ws.cell(row=row, column=column).fill = _SECTION_FILL
                ws.cell(row=row, column=column).border = _BORDER
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
            row += 1
        section = item.section

        _put(ws, row, 1, number).alignment = Alignment(horizontal="center", vertical="top")
        _put(ws, row, 2, item.label).alignment = Alignment(wrap_text=True, vertical="top")
        _put(ws, row, 3, _cell_of_value(item.value_type, previous.get(item.key, "")))
        target = _put(
            ws, row, _INPUT_COLUMN, _cell_of_value(item.value_type, values.get(item.key, ""))
        )
        target.protection = Protection(locked=False)
        target.fill = _INPUT_FILL
        if item.value_type == TEXT:
            target.number_format = "@"  # so "0912…" typed stays text
        if item.value_type in validations:
            validations[item.value_type].add(target.coordinate)
        _put(ws, row, 5, hints.get(item.value_type, "")).alignment = Alignment(wrap_text=True)
        _put(ws, row, _KEY_COLUMN, item.key)
        for column in range(1, 6):
            ws.cell(row=row, column=column).border = _BORDER
        placed.append((item.key, row))
        row += 1

    for validation in validations.values():
        if validation.sqref:  # an empty validation makes Excel repair the file
            ws.add_data_validation(validation)
    for letter, width in zip("ABCDE", (6, 60, 14, 16, 22), strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions[get_column_letter(_KEY_COLUMN)].hidden = True
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=1)
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # Protected without a password: a guard against slips, not a lock; columns stay resizable.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    meta = wb.create_sheet(META_SHEET)
    entries = [
        ("form", form_code),
        ("unit", unit_code),
        ("period", period_code),
        ("sheet", ws.title),
        ("version", META_VERSION),
        ("", ""),
        ("key", "row"),
    ]
    for meta_row, (name, text) in enumerate(entries, start=1):
        _put(meta, meta_row, 1, name)
        _put(meta, meta_row, 2, text)
    for meta_row, (key, form_row) in enumerate(placed, start=len(entries) + 1):
        _put(meta, meta_row, 1, key)
        _put(meta, meta_row, 2, form_row)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)  # no unhiding or renaming sheets
    return _save(wb)


def open_workbook(data: bytes) -> Any:
    """The uploaded .xlsx opened with cell values (not formulas); an old .xls, a
    password-protected or a broken file is refused with what to do about it."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExchangeFileError(
            _(
                "Tệp là bảng tính Excel 97–2003 (.xls) hoặc đã đặt mật khẩu mở tệp. "
                "Hãy mở bằng Excel, bỏ mật khẩu nếu có và lưu lại dưới dạng .xlsx."
            )
        )
    refusal = _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
    if not data.startswith(b"PK\x03\x04"):
        raise ExchangeFileError(refusal)
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # a damaged or foreign zip fails in many ways inside openpyxl
        raise ExchangeFileError(refusal) from exc


def _plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value, digits=15)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return nfc(str(value))


def _numeric_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _CellProblem(_("ô chứa giá trị đúng/sai, cần một số"))
    if isinstance(value, (int, float)):
        return _number_text(value, digits=15)
    if isinstance(value, (dt.date, dt.time)):
        raise _CellProblem(_("ô chứa ngày giờ, cần một số; hãy định dạng ô là số rồi nhập lại"))
    text = nfc(str(value))
    if not text:
        return ""
    if _PLAIN_NUMBER.fullmatch(text):
        return _number_text(Decimal(text))
    raise _CellProblem(
        _(
            "“%(value)s” không phải là số (chỉ nhập chữ số, phần thập phân sau dấu chấm, "
            "không dùng dấu phân cách hàng nghìn)"
        )
        % {"value": text}
    )


def _boolean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and value in (0, 1):
        return "true" if value == 1 else "false"
    text = nfc(str(value))
    folded = fold(text)
    if not folded:
        return ""
    if folded in _TRUE_WORDS or folded == fold(_yes()):
        return "true"
    if folded in _FALSE_WORDS or folded == fold(_no()):
        return "false"
    raise _CellProblem(_("“%(value)s” không hợp lệ: chọn Có hoặc Không") % {"value": text})


def _cell_text(value: Any, value_type: str) -> str:
    if value_type in NUMERIC_TYPES:
        return _numeric_text(value)
    if value_type == BOOLEAN:
        return _boolean_text(value)
    return _plain_text(value)


def _meta_where(cell: Any) -> str:
    return _("trang %(sheet)s, ô %(cell)s") % {"sheet": META_SHEET, "cell": cell.coordinate}


def _read_meta(ws: Any, errors: list[str]) -> tuple[dict[str, str], list[tuple[str, int, str]]]:
    """The hidden sheet: its header values, and (key, row, where) of each input row."""
    info: dict[str, str] = {}
    entries: list[tuple[str, int, str]] = []
    in_keys = False
    for name_cell, value_cell in ws.iter_rows(min_col=1, max_col=2):
        name = _plain_text(name_cell.value)
        if not in_keys:
            if name == "key":
                in_keys = True
            elif name:
                info[name] = _plain_text(value_cell.value)
            continue
        if not name:
            continue
        raw = value_cell.value
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw)
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool) or raw <= _HEADER_ROW:
            errors.append(_at(_meta_where(value_cell), _("số hàng không hợp lệ")))
            continue
        entries.append((name, raw, _meta_where(name_cell)))
    return info, entries


def read_form_workbook(
    data: bytes, *, layout: Sequence[LayoutRow]
) -> tuple[dict[str, str], dict[str, str]]:
    """Read a filled form workbook: ({"form", "unit", "period"}, {key: value}).

    Numbers come back canonical ("12", "3.5"), booleans "true"/"false"; empty cells are left
    out. Problems name the cell and its label.
    """
    wb = open_workbook(data)
    if META_SHEET not in wb.sheetnames:
        raise ExchangeFileError(
            _(
                "Tệp không được tạo từ biểu mẫu của PCMD (không có trang ẩn “%(sheet)s”). "
                "Hãy tải biểu mẫu Excel từ PCMD, nhập số liệu vào đó rồi gửi lại."
            )
            % {"sheet": META_SHEET}
        )
    errors: list[str] = []
    info, entries = _read_meta(wb[META_SHEET], errors)
    missing = [name for name in ("form", "unit", "period") if not info.get(name)]
    if missing:
        errors.append(
            _at(
                _("trang %(sheet)s") % {"sheet": META_SHEET},
                _("thiếu %(fields)s; tệp đã bị sửa ngoài biểu mẫu")
                % {"fields": ", ".join(missing)},
            )
        )
    sheet_name = info.get("sheet") or wb.sheetnames[0]
    if sheet_name not in wb.sheetnames:
        errors.append(
            _("Không tìm thấy trang “%(sheet)s” của biểu mẫu; đừng đổi tên trang.")
            % {"sheet": sheet_name}
        )
    if errors:
        raise ExchangeFileError(errors)
    ws = wb[sheet_name]

    by_key = {item.key: item for item in layout}
    seen: set[str] = set()
    values: dict[str, str] = {}
    # Checked only while the key column is there (someone may have cleared it).
    checked = any(ws.cell(row=row, column=_KEY_COLUMN).value for _, row, _ in entries)
    for key, row, where in entries:
        item = by_key.get(key)
        if item is None:
            errors.append(
                _at(
                    where,
                    _(
                        "chỉ tiêu “%(key)s” không có trong biểu mẫu hiện hành; tệp được tạo "
                        "từ một phiên bản khác của biểu mẫu"
                    )
                    % {"key": key},
                )
            )
            continue
        if key in seen:
            errors.append(_at(where, _("chỉ tiêu “%(key)s” lặp lại") % {"key": key}))
            continue
        seen.add(key)
        cell = ws.cell(row=row, column=_INPUT_COLUMN)
        location = _("ô %(cell)s (%(label)s)") % {"cell": cell.coordinate, "label": item.label}
        # The hidden key column moves with its row: a mismatch means rows were inserted or
        # deleted, and the value in this row belongs to another indicator.
        if checked and _plain_text(ws.cell(row=row, column=_KEY_COLUMN).value) != key:
            errors.append(
                _at(
                    location,
                    _("hàng đã bị chèn, xóa hoặc đổi chỗ nên không biết ô này thuộc chỉ tiêu nào"),
                )
            )
            continue
        try:
            text = _cell_text(cell.value, item.value_type)
        except _CellProblem as exc:
            errors.append(_at(location, str(exc)))
            continue
        if text:
            values[key] = text
    if errors:
        raise ExchangeFileError(errors)
    return {"form": info["form"], "unit": info["unit"], "period": info["period"]}, values


# --- Plain tables --------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    # Excel has no time zones: aware times are shown in the project's zone.
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _safe_csv_text(text: str) -> str:
    # A text Excel would run as a formula ("=HYPERLINK(…)", "+cmd|…") gets a leading quote.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes() if value else _no()
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, (Decimal, numbers.Real)):
        try:
            return _number_text(value if isinstance(value, Decimal) else float(value))
        except (_CellProblem, InvalidOperation):
            return ""
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _safe_csv_text(str(value))


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A table as CSV for Excel: UTF-8 with BOM, numbers plain ('.' decimal), None empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(text) for text in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: object) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _yes() if value else _no()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if number == number and abs(number) != float("inf") else None
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, dt.date):
        return value
    return str(value)


def table_xlsx(*, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A table as one sheet named from the title: bold frozen header, numbers as numbers."""
    wb = Workbook()
    wb.properties.creator = "PCMD"
    ws = wb.active
    ws.title = _sheet_title(title)
    widths: dict[int, int] = {}

    def note_width(column: int, value: Any) -> None:
        text = value if isinstance(value, str) else _csv_cell(value)
        longest = max((len(line) for line in text.splitlines()), default=0)
        widths[column] = max(widths.get(column, 0), longest)

    for column, text in enumerate(headers, start=1):
        cell = _put(ws, 1, column, str(text))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        note_width(column, cell.value)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = _put(ws, row_number, column, _xlsx_cell(value))
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            note_width(column, cell.value)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 1)}"
    return _save(wb)


TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_download(
    fmt: str, *, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> HttpResponse:
    """A table as a CSV or XLSX download (every table of the pages downloads this way)."""
    content = (
        table_csv(headers, rows)
        if fmt == "csv"
        else table_xlsx(title=title, headers=headers, rows=rows)
    )
    response = HttpResponse(content, content_type=TABLE_TYPES[fmt])
    # ASCII file names: "Tình hình gửi báo cáo" → tinh-hinh-gui-bao-cao.
    slug = "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in fold(title))[:60]
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response
