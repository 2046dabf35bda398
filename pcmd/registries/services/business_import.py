"""Businesses from a spreadsheet (.xlsx or .csv): the template to fill, the preview of a
file (each row new, a duplicate, or wrong, naming row and column; nothing saved) and the
import of every new row in one transaction (a file with any error imports nothing).

The columns are the business's fields plus its commune by code or by name; headings are
recognised in Vietnamese or English, in any order. The list export uses the same columns,
so an exported list can be edited and read back.
"""

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.core.errors import ServiceError
from pcmd.core.records import day_text
from pcmd.core.text import fold, nfc
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.registries.models import Business, BusinessKind, BusinessStatus
from pcmd.registries.selectors.businesses import (
    DuplicateKeys,
    business_duplicates_many,
    business_unit_eligible,
    business_units_manageable,
    business_visible,
    registration_key,
)
from pcmd.registries.services.businesses import (
    business_clean,
    business_insert,
    require_business_manage,
    unit_label,
)
from pcmd.reporting.exchange import ExchangeFileError, decode_text, open_workbook, table_csv
from pcmd.reporting.values import TRUE_WORDS, InvalidValue, parse_number

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
ACCEPTED_EXTENSIONS = (".xlsx", ".csv")
IMPORT_DIR = "imports/businesses"
# An upload not confirmed within this many days is removed by the next upload.
KEEP_DAYS = 7


@dataclass(frozen=True)
class Column:
    key: str  # a Business field, or unit_code / unit_name
    heading: str  # Vietnamese, translated when shown
    english: str
    parse: str  # text, date, count, kind, status, yes_no
    width: int = 16
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        N_("Tên cơ sở"),
        "Name",
        "text",
        30,
        ("Tên", "Tên cơ sở kinh doanh", "Business name"),
        required=True,
    ),
    Column(
        "kind",
        N_("Loại hình"),
        "Kind",
        "kind",
        22,
        ("Loại hình kinh doanh", "Loại", "Type"),
        required=True,
        help=N_("Chọn trong danh sách (trang Danh mục)."),
    ),
    Column("address", N_("Địa chỉ"), "Address", "text", 34, required=True),
    Column(
        "unit_code",
        N_("Mã xã"),
        "Commune code",
        "text",
        10,
        ("Mã đơn vị", "Mã xã, phường", "Unit code", "Code"),
        help=N_("Mã đơn vị hành chính của xã, phường; ghi mã hoặc tên xã."),
    ),
    Column(
        "unit_name",
        N_("Xã, phường"),
        "Commune",
        "text",
        22,
        ("Xã", "Phường", "Đơn vị", "Đơn vị hành chính", "Ward", "Commune or ward"),
        help=N_("Tên xã, phường, ví dụ Xã Kỳ Hoa; không cần khi đã ghi mã xã."),
    ),
    Column(
        "registration_number",
        N_("Số đăng ký kinh doanh"),
        "Registration number",
        "text",
        18,
        ("Số ĐKKD", "Business registration number"),
    ),
    Column(
        "registration_date",
        N_("Ngày đăng ký kinh doanh"),
        "Registration date",
        "date",
        14,
        ("Ngày ĐKKD",),
    ),
    Column(
        "licence_number",
        N_("Số giấy chứng nhận đủ điều kiện về ANTT"),
        "Licence number",
        "text",
        18,
        ("Số giấy chứng nhận ANTT", "Số GCN ANTT", "License number"),
    ),
    Column(
        "licence_date",
        N_("Ngày cấp giấy chứng nhận"),
        "Licence date",
        "date",
        14,
        ("Ngày cấp GCN ANTT", "License date"),
    ),
    Column(
        "owner_name",
        N_("Chủ cơ sở hoặc người quản lý"),
        "Owner or manager",
        "text",
        24,
        ("Chủ cơ sở", "Người quản lý", "Owner", "Manager"),
    ),
    Column("owner_phone", N_("Điện thoại"), "Phone", "text", 14, ("Số điện thoại", "Telephone")),
    Column(
        "workers_total",
        N_("Số lao động"),
        "Workers",
        "count",
        10,
        ("Tổng số lao động", "Total workers", "Number of workers"),
    ),
    Column(
        "workers_female",
        N_("Trong đó nữ"),
        "Female workers",
        "count",
        10,
        ("Số lao động nữ", "Lao động nữ", "Of which female"),
    ),
    Column(
        "status",
        N_("Tình trạng"),
        "Status",
        "status",
        18,
        ("Trạng thái", "Tình trạng hoạt động"),
        help=N_("Bỏ trống là đang hoạt động."),
    ),
    Column(
        "status_since",
        N_("Tình trạng từ ngày"),
        "Status since",
        "date",
        14,
    ),
    Column(
        "opened_on",
        N_("Bắt đầu hoạt động"),
        "Opened on",
        "date",
        14,
        ("Ngày bắt đầu hoạt động", "Opened"),
    ),
    Column(
        "closed_on",
        N_("Ngừng hoạt động từ"),
        "Closed on",
        "date",
        14,
        ("Ngày ngừng hoạt động", "Closed"),
    ),
    Column(
        "commitment_signed",
        N_("Đã ký cam kết"),
        "Commitment signed",
        "yes_no",
        10,
        ("Ký cam kết", "Cam kết"),
        help=N_("Có hoặc Không."),
    ),
    Column("commitment_date", N_("Ngày ký cam kết"), "Commitment date", "date", 14),
    Column("notes", N_("Ghi chú"), "Notes", "text", 30, ("Note",)),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
UNIT_COLUMNS = ("unit_code", "unit_name")
EXAMPLE_NAME = N_("Nhà nghỉ Ví Dụ (dòng mẫu, hãy xóa)")
DATE_HELP = N_("Ngày ghi theo dạng dd/mm/yyyy.")


def heading_key(text: str) -> str:
    """A heading as compared: folded, without notes in brackets, marks or spaces."""
    return re.sub(r"[^a-z0-9]", "", fold(re.sub(r"\(.*?\)", "", str(text))))


def _heading_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS:
        for text in (column.heading, column.english, column.key, *column.aliases):
            table.setdefault(heading_key(text), column.key)
        table.setdefault(heading_key(_(column.heading)), column.key)
    return table


def _choice_table(choices: Iterable[Any], extra: dict[str, str]) -> dict[str, str]:
    """Codes, Vietnamese and English labels (and their parts) → the code."""
    table: dict[str, str] = {heading_key(k): v for k, v in extra.items()}
    for choice in choices:
        table[heading_key(choice.value)] = choice.value
        for language in ("vi", "en"):
            with translation.override(language):
                label = str(choice.label)
            table[heading_key(label)] = choice.value
            for part in re.split(r"[,()]", label):
                if heading_key(part):
                    table.setdefault(heading_key(part), choice.value)
    return table


def _kind_table() -> dict[str, str]:
    return _choice_table(BusinessKind, {})


def _status_table() -> dict[str, str]:
    extra: dict[str, str] = {
        "Hoạt động": BusinessStatus.OPEN,
        "Tạm ngừng hoạt động": BusinessStatus.SUSPENDED,
        "Tạm dừng": BusinessStatus.SUSPENDED,
        "Ngừng hoạt động": BusinessStatus.CLOSED,
        "Đã ngừng": BusinessStatus.CLOSED,
        "Đóng cửa": BusinessStatus.CLOSED,
    }
    return _choice_table(BusinessStatus, extra)


# ---- the template -------------------------------------------------------------------------


def _example() -> dict[str, Any]:
    return {
        "name": _(EXAMPLE_NAME),
        "kind": str(BusinessKind.GUEST_HOUSE.label),
        "address": _("Số 1 đường Trần Phú, thôn Hòa Bình"),
        "unit_code": "",
        "unit_name": _("Xã Kỳ Hoa"),
        "registration_number": "28A8000123",
        "registration_date": dt.date(2019, 3, 15),
        "licence_number": "123/GCN-ANTT",
        "licence_date": dt.date(2019, 4, 2),
        "owner_name": _("Nguyễn Văn An"),
        "owner_phone": "0912345678",
        "workers_total": 6,
        "workers_female": 4,
        "status": str(BusinessStatus.OPEN.label),
        "status_since": None,
        "opened_on": dt.date(2019, 4, 10),
        "closed_on": None,
        "commitment_signed": _("Có"),
        "commitment_date": dt.date(2024, 1, 8),
        "notes": "",
    }


def business_import_template(fmt: str) -> bytes:
    """The file to fill: .xlsx (heading row, lists for kind, status and yes/no, an example
    row, a sheet of instructions) or .csv (heading row and the example row)."""
    headings = [_(c.heading) for c in COLUMNS]
    example = _example()
    if fmt == "csv":
        line = [
            day_text(v) if isinstance(v, dt.date) else v for v in (example[c.key] for c in COLUMNS)
        ]
        return table_csv(headings, [line])
    wb = Workbook()
    wb.properties.creator = "PCMD"
    ws = wb.active
    assert ws is not None
    ws.title = _("Cơ sở kinh doanh")[:31]
    lists = wb.create_sheet(_("Danh mục")[:31])
    guide = wb.create_sheet(_("Hướng dẫn")[:31])
    fill = PatternFill("solid", fgColor="D9E1F2")
    last_row = MAX_ROWS + 1
    for number, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(number)
        cell = ws.cell(row=1, column=number, value=headings[number - 1])
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = column.width
        value = example[column.key]
        sample = ws.cell(row=2, column=number, value=value)
        sample.font = Font(italic=True, color="808080")
        if column.parse == "date":
            sample.number_format = "DD/MM/YYYY"
            for row in range(3, 1001):
                ws.cell(row=row, column=number).number_format = "DD/MM/YYYY"
        elif column.parse == "text":
            # Codes and numbers typed here stay text ("0912…" keeps its leading zero).
            sample.number_format = "@"
            for row in range(3, 1001):
                ws.cell(row=row, column=number).number_format = "@"
    ws.freeze_panes = "A2"
    sources = {
        "kind": [str(k.label) for k in BusinessKind],
        "status": [str(s.label) for s in BusinessStatus],
        "yes_no": [_("Có"), _("Không")],
    }
    lists_title = lists.title.replace("'", "''")
    for number, (parse, labels) in enumerate(sources.items(), start=1):
        letter = get_column_letter(number)
        lists.cell(row=1, column=number, value=_(COLUMN_BY_KEY[_LIST_COLUMN[parse]].heading))
        lists.cell(row=1, column=number).font = Font(bold=True)
        lists.column_dimensions[letter].width = 28
        for row, label in enumerate(labels, start=2):
            lists.cell(row=row, column=number, value=label)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists_title}'!${letter}$2:${letter}${len(labels) + 1}",
            allow_blank=True,
            errorStyle="warning",
            error=_("Giá trị không có trong danh sách; hãy chọn trong danh sách."),
            errorTitle=_("Giá trị không hợp lệ"),
        )
        ws.add_data_validation(validation)
        target = get_column_letter(_column_number(_LIST_COLUMN[parse]))
        validation.add(f"{target}2:{target}{last_row}")
    guide.column_dimensions["A"].width = 36
    guide.column_dimensions["B"].width = 12
    guide.column_dimensions["C"].width = 70
    for number, text in enumerate((_("Cột"), _("Bắt buộc"), _("Ghi chú")), start=1):
        guide.cell(row=1, column=number, value=text).font = Font(bold=True)
    for row, column in enumerate(COLUMNS, start=2):
        notes = [_(column.help)] if column.help else []
        if column.parse == "date":
            notes.append(_(DATE_HELP))
        guide.cell(row=row, column=1, value=f"{_(column.heading)} ({column.english})")
        guide.cell(row=row, column=2, value=_("Có") if column.required else "")
        guide.cell(row=row, column=3, value=" ".join(notes))
    tail = len(COLUMNS) + 3
    for offset, text in enumerate(
        (
            _("Dòng 2 là dòng mẫu: hãy xóa hoặc ghi đè; dòng mẫu không được nhập."),
            _("Tiêu đề cột có thể ghi bằng tiếng Việt hoặc tiếng Anh, theo thứ tự bất kỳ."),
            _(
                "Cơ sở trùng số đăng ký kinh doanh, hoặc trùng tên và địa chỉ trong cùng xã, "
                "được bỏ qua và liệt kê khi xem trước."
            ),
        )
    ):
        guide.cell(row=tail + offset, column=1, value=text)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


_LIST_COLUMN = {"kind": "kind", "status": "status", "yes_no": "commitment_signed"}


def _column_number(key: str) -> int:
    return [c.key for c in COLUMNS].index(key) + 1


# ---- reading a file -----------------------------------------------------------------------


class _Bad(Exception):
    """What is wrong with one cell; the caller adds the row and column."""


@dataclass
class ImportRow:
    number: int
    shown: dict[str, str]
    data: dict[str, Any] = field(default_factory=dict)
    unit: AdministrativeUnit | None = None
    errors: list[str] = field(default_factory=list)
    existing: Business | None = None
    existing_visible: bool = False
    same_as_row: int | None = None

    @property
    def state(self) -> str:
        if self.errors:
            return "error"
        if self.existing is not None:
            return "duplicate"
        if self.same_as_row is not None:
            return "duplicate_in_file"
        return "new"

    @property
    def kind_label(self) -> str:
        kind = self.data.get("kind")
        return str(BusinessKind(kind).label) if kind in BusinessKind.values else ""


@dataclass
class ImportPreview:
    filename: str
    rows: list[ImportRow]
    ignored_columns: list[str] = field(default_factory=list)
    example_skipped: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "duplicate": 0, "duplicate_in_file": 0, "error": 0}
        for row in self.rows:
            counts[row.state] += 1
        return counts

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.errors]

    @property
    def new_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.state == "new"]

    @property
    def can_import(self) -> bool:
        counts = self.counts
        return counts["error"] == 0 and counts["new"] > 0


def _extension(filename: str) -> str:
    name = filename.lower()
    return next((ext for ext in ACCEPTED_EXTENSIONS if name.endswith(ext)), "")


def _records(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    """(row number as the spreadsheet shows it, cells) for every row of the first sheet
    (or the CSV); blank rows are left out."""
    extension = _extension(filename)
    if extension == ".xlsx" or (not extension and data.startswith(b"PK\x03\x04")):
        wb = open_workbook(data)
        headings = _heading_table()
        # The sheet with the headings: the first one, unless another holds them.
        sheet = wb.worksheets[0]
        for candidate in wb.worksheets:
            top = next(candidate.iter_rows(max_row=1, values_only=True), ())
            if sum(1 for v in top if v is not None and heading_key(v) in headings) >= 2:
                sheet = candidate
                break
        records: list[tuple[int, list[Any]]] = []
        filled = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if all(map(_blank, values)):
                continue  # formatted but empty rows: many, and of no interest
            filled += 1
            if filled > MAX_ROWS + 10:
                _too_many()
            records.append((number, list(values)))
        return records
    if extension == ".csv":
        text = decode_text(data)
        try:
            return _csv_records(text)
        except csv.Error as exc:
            raise ExchangeFileError(_("Tệp CSV bị lỗi: %(e)s") % {"e": exc}) from exc
    raise ExchangeFileError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))


def _too_many() -> None:
    raise ExchangeFileError(_("Tệp có quá %(n)d dòng; hãy chia thành nhiều tệp.") % {"n": MAX_ROWS})


def _csv_records(text: str) -> list[tuple[int, list[Any]]]:
    headings = _heading_table()
    first_line = text.split("\n", 1)[0]
    # Excel in Vietnamese saves ';' between fields (',' is the decimal mark there).
    delimiter = max(
        (",", ";", "\t"),
        key=lambda d: sum(1 for part in first_line.split(d) if heading_key(part) in headings),
    )
    records: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, values in enumerate(reader, start=1):
        if all(map(_blank, values)):
            continue
        if len(records) > MAX_ROWS + 10:
            _too_many()
        records.append((number, list(values)))
    return records


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return day_text(value)
    return nfc(str(value))


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def _parse_date(value: Any) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _as_text(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", text):
        text = text[:10]  # a date with midnight, as spreadsheets write them
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if day.year >= 1900:
            return day
    raise _Bad(
        _("“%(v)s” không phải ngày hợp lệ: ghi theo dạng dd/mm/yyyy, ví dụ 31/12/2024.")
        % {"v": text}
    )


def _parse_count(value: Any) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, (bool, dt.date, dt.time)):
        raise _Bad(_("“%(v)s” không phải là số.") % {"v": _as_text(value)})
    try:
        return int(parse_number(_as_text(value), integer=True))
    except InvalidValue as exc:
        raise _Bad(str(exc)) from exc


def _parse_yes_no(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = heading_key(_as_text(value))
    yes = {heading_key(w) for w in (*TRUE_WORDS, _("Có"), "Đã ký", "Rồi", "Y")}
    no = {heading_key(w) for w in ("false", "0", "không", "no", _("Không"), "Chưa", "Chưa ký", "N")}
    if text in yes:
        return True
    if text in no:
        return False
    raise _Bad(_("“%(v)s” không hợp lệ: ghi Có hoặc Không.") % {"v": _as_text(value)})


def _parse_choice(value: Any, table: dict[str, str], labels: Sequence[str], what: str) -> str:
    if _blank(value):
        return ""
    found = table.get(heading_key(_as_text(value)))
    if found is None:
        raise _Bad(
            _("“%(v)s” không có trong danh mục %(what)s (%(labels)s).")
            % {"v": _as_text(value), "what": what, "labels": "; ".join(labels)}
        )
    return found


_UNIT_PREFIXES = ("xa", "phuong", "thi tran", "dac khu", "huyen", "quan", "thi xa", "thanh pho")


class _Units:
    """Finds the commune a row names, among those the user may record businesses in."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.cache: dict[tuple[str, str], AdministrativeUnit | _Bad] = {}
        # Someone who manages one commune (of today) may leave the commune columns blank.
        current = list(
            business_units_manageable(user=actor).filter(valid_at(timezone.localdate()))[:2]
        )
        self.default = current[0] if len(current) == 1 else None

    def _allowed(self, unit: AdministrativeUnit) -> bool:
        return self.actor is None or user_can(self.actor, Perm.BUSINESS_MANAGE, unit)

    def _choose(self, found: list[AdministrativeUnit], typed: str) -> AdministrativeUnit:
        # Today's units first: they are the ones named when the others cannot be chosen.
        eligible = sorted(
            (u for u in found if business_unit_eligible(u)), key=lambda u: (not u.is_current, u.pk)
        )
        if not eligible:
            raise _Bad(_("Không tìm thấy xã, phường “%(v)s”.") % {"v": typed})
        mine = [u for u in eligible if self._allowed(u)]
        if not mine:
            raise _Bad(
                _("%(unit)s nằm ngoài phạm vi quản lý của bạn.") % {"unit": unit_label(eligible[0])}
            )
        if len(mine) > 1:
            current = [u for u in mine if u.is_current]
            if len(current) == 1:
                return current[0]
            raise _Bad(
                _("“%(v)s” khớp với nhiều đơn vị (%(units)s): hãy ghi mã xã.")
                % {
                    "v": typed,
                    "units": "; ".join(f"{unit_label(u)}, {_('mã')} {u.code}" for u in mine),
                }
            )
        return mine[0]

    def _names(self, name: str) -> list[str]:
        folded = fold(name)
        return [folded, *(f"{prefix} {folded}" for prefix in _UNIT_PREFIXES)]

    def by_code(self, code: str) -> AdministrativeUnit:
        key = ("code", code)
        if key not in self.cache:
            codes = {code, code.zfill(5)} if code.isdigit() else {code}
            found = AdministrativeUnit.objects.filter(
                code__in=codes, level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]
            ).select_related("parent")
            try:
                self.cache[key] = self._choose(list(found), code)
            except _Bad as exc:
                self.cache[key] = exc
        return self._answer(key)

    def by_name(self, name: str) -> AdministrativeUnit:
        key = ("name", fold(name))
        if key not in self.cache:
            found = AdministrativeUnit.objects.filter(
                name_folded__in=self._names(name),
                level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE],
            ).select_related("parent")
            try:
                self.cache[key] = self._choose(list(found), name)
            except _Bad as exc:
                self.cache[key] = exc
        return self._answer(key)

    def _answer(self, key: tuple[str, str]) -> AdministrativeUnit:
        found = self.cache[key]
        if isinstance(found, _Bad):
            raise found
        return found

    def names_match(self, unit: AdministrativeUnit, name: str) -> bool:
        return unit.name_folded in self._names(name)


def _header(records: list[tuple[int, list[Any]]]) -> tuple[int, dict[int, str], list[str]]:
    """(index of the heading row, column position → key, headings not used)."""
    table = _heading_table()
    for index, (_number, cells) in enumerate(records[:10]):
        keys = {
            position: table[heading_key(v)]
            for position, v in enumerate(cells)
            if not _blank(v) and heading_key(v) in table
        }
        if len(keys) >= 2:
            seen: set[str] = set()
            used: dict[int, str] = {}
            ignored: list[str] = []
            for position, value in enumerate(cells):
                key = keys.get(position)
                if key is None or key in seen:
                    if not _blank(value):
                        ignored.append(_as_text(value))
                    continue
                seen.add(key)
                used[position] = key
            return index, used, ignored
    raise ExchangeFileError(
        _(
            "Không tìm thấy dòng tiêu đề cột. Hãy dùng tệp mẫu: dòng đầu ghi tên các cột "
            "(Tên cơ sở, Loại hình, Địa chỉ, Mã xã hoặc Xã, phường, …)."
        )
    )


def business_import_read(*, actor: Any, data: bytes, filename: str) -> ImportPreview:
    """What importing the file would do, row by row; nothing is saved.

    A file that cannot be read at all (not a spreadsheet, no heading row, required
    columns missing, too many rows) is refused with ExchangeFileError.
    """
    if len(data) > MAX_BYTES:
        raise ExchangeFileError(_("Tệp lớn quá %(n)d MB.") % {"n": MAX_BYTES // (1024 * 1024)})
    records = _records(data, filename)
    start, columns, ignored = _header(records)
    units = _Units(actor)
    present = set(columns.values())
    missing = [_(c.heading) for c in COLUMNS if c.required and c.key not in present]
    if not present & set(UNIT_COLUMNS) and units.default is None:
        missing.append(_("Mã xã hoặc Xã, phường"))
    if missing:
        raise ExchangeFileError(_("Tệp thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    headings = {key: _as_text(records[start][1][pos]) for pos, key in columns.items()}
    preview = ImportPreview(filename=filename, rows=[], ignored_columns=ignored)
    tables = {"kind": _kind_table(), "status": _status_table()}
    labels = {
        "kind": [str(k.label) for k in BusinessKind],
        "status": [str(s.label) for s in BusinessStatus],
    }
    what = {"kind": _("loại hình"), "status": _("tình trạng")}
    example = {fold(EXAMPLE_NAME), fold(_(EXAMPLE_NAME))}
    data_rows = records[start + 1 :]
    if len(data_rows) > MAX_ROWS:
        _too_many()
    for number, cells in data_rows:
        raw = {key: cells[pos] if pos < len(cells) else None for pos, key in columns.items()}
        if fold(_as_text(raw.get("name"))) in example:
            preview.example_skipped = True
            continue
        shown = {c.key: "" for c in COLUMNS} | {k: _as_text(v) for k, v in raw.items()}
        row = ImportRow(number=number, shown=shown)

        def at(key: str, message: str, row: ImportRow = row) -> None:
            heading = headings.get(key) or _(COLUMN_BY_KEY[key].heading)
            row.errors.append(
                _("Dòng %(row)d, cột %(column)s: %(problem)s")
                % {"row": row.number, "column": heading, "problem": message}
            )

        values: dict[str, Any] = {}
        failed: set[str] = set()
        for key, value in raw.items():
            column = COLUMN_BY_KEY[key]
            try:
                if column.parse == "date":
                    values[key] = _parse_date(value)
                elif column.parse == "count":
                    values[key] = _parse_count(value)
                elif column.parse == "yes_no":
                    values[key] = _parse_yes_no(value)
                elif column.parse in tables:
                    values[key] = _parse_choice(
                        value, tables[column.parse], labels[column.parse], what[column.parse]
                    )
                else:
                    values[key] = _as_text(value)
            except _Bad as exc:
                failed.add(key)
                at(key, str(exc))
        row.unit = _row_unit(units, values, at)
        fields = {k: v for k, v in values.items() if k not in UNIT_COLUMNS and k not in failed}
        cleaned, problems = business_clean(fields, unit=row.unit)
        row.data = cleaned
        for key, messages in problems.items():
            if key not in failed:
                for message in messages:
                    at(key if key in COLUMN_BY_KEY else "name", message)
        preview.rows.append(row)
    _mark_duplicates(actor, preview.rows)
    return preview


def _row_unit(units: _Units, values: dict[str, Any], at: Any) -> AdministrativeUnit | None:
    code, name = values.get("unit_code") or "", values.get("unit_name") or ""
    try:
        if code:
            unit = units.by_code(code)
            if name and not units.names_match(unit, name):
                at(
                    "unit_name",
                    _("Mã xã %(code)s là %(unit)s, không phải “%(name)s”.")
                    % {"code": code, "unit": unit_label(unit), "name": name},
                )
                return None
            return unit
        if name:
            return units.by_name(name)
    except _Bad as exc:
        at("unit_code" if code else "unit_name", str(exc))
        return None
    if units.default is not None:
        return units.default
    at("unit_name", _("Cần ghi mã xã hoặc tên xã, phường."))
    return None


def _mark_duplicates(actor: Any, rows: list[ImportRow]) -> None:
    """Each valid row: a duplicate of a business already recorded, of an earlier row of
    the file, or new."""
    candidates = [row for row in rows if not row.errors and row.unit is not None]

    def keys(row: ImportRow) -> tuple[str, tuple[int, str, str]]:
        assert row.unit is not None
        return registration_key(row.data["registration_number"]), (
            row.unit.pk,
            row.data["name_folded"],
            row.data["address_folded"],
        )

    all_keys = [keys(row) for row in candidates]
    by_number, by_place = business_duplicates_many(
        DuplicateKeys(
            registration_keys=frozenset(number for number, _place in all_keys if number),
            places=frozenset(place for _number, place in all_keys),
        )
    )
    seen_numbers: dict[str, int] = {}
    seen_places: dict[tuple[int, str, str], int] = {}
    for row, (number, place) in zip(candidates, all_keys, strict=True):
        existing = (by_number.get(number) if number else None) or by_place.get(place)
        if existing is not None:
            row.existing = existing
            row.existing_visible = business_visible(user=actor, business=existing)
            continue
        earlier = (seen_numbers.get(number) if number else None) or seen_places.get(place)
        if earlier is not None:
            row.same_as_row = earlier
            continue
        if number:
            seen_numbers[number] = row.number
        seen_places[place] = row.number


@dataclass
class ImportResult:
    created: list[Business]
    skipped: list[ImportRow]


@transaction.atomic
def business_import_confirm(*, actor: Any, data: bytes, filename: str) -> ImportResult:
    """Import every new row of the file, all or nothing: any error refuses the whole file
    (ExchangeFileError listing them); duplicates are skipped and returned."""
    preview = business_import_read(actor=actor, data=data, filename=filename)
    if preview.errors:
        raise ExchangeFileError(preview.errors)
    if not preview.new_rows:
        raise ServiceError(_("Tệp không có cơ sở mới nào để nhập."))
    created = []
    for row in preview.new_rows:
        assert row.unit is not None
        require_business_manage(actor, row.unit)
        created.append(business_insert(actor=actor, unit=row.unit, data=row.data))
    skipped = [row for row in preview.rows if row.state != "new"]
    return ImportResult(created=created, skipped=skipped)


# ---- keeping the upload between preview and confirmation ----------------------------------


def import_file_store(*, data: bytes, filename: str) -> str:
    """Keep an upload under MEDIA_ROOT/imports with a random name; returns its token."""
    _remove_stale()
    token = secrets.token_urlsafe(18)
    extension = _extension(filename) or ".xlsx"
    default_storage.save(f"{IMPORT_DIR}/{token}{extension}", ContentFile(data))
    return token


def _stored_name(token: str) -> str | None:
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token):
        return None
    for extension in ACCEPTED_EXTENSIONS:
        name = f"{IMPORT_DIR}/{token}{extension}"
        if default_storage.exists(name):
            return name
    return None


def import_file_load(token: str) -> bytes | None:
    """The stored upload, or None when it is gone (confirmed, or removed as stale)."""
    name = _stored_name(token)
    if name is None:
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def import_file_discard(token: str) -> None:
    name = _stored_name(token)
    if name is not None:
        default_storage.delete(name)


def _remove_stale() -> None:
    try:
        _dirs, files = default_storage.listdir(IMPORT_DIR)
    except FileNotFoundError:
        return
    limit = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    for name in files:
        path = f"{IMPORT_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except OSError:
            continue  # removed meanwhile by another request


# ---- the list export ----------------------------------------------------------------------


def business_table(businesses: Iterable[Business]) -> tuple[list[str], list[list[Any]]]:
    """Headings and rows of a business list for table_download: the import's columns (so
    the file can be read back) and the latest inspection's date."""
    headings = [_(c.heading) for c in COLUMNS] + [_("Lần kiểm tra gần nhất")]
    rows = []
    for b in businesses:
        values = {
            **{c.key: getattr(b, c.key, None) for c in COLUMNS},
            "kind": b.get_kind_display(),
            "status": b.get_status_display(),
            "unit_code": b.unit.code,
            "unit_name": b.unit.name,
        }
        rows.append([values[c.key] for c in COLUMNS] + [getattr(b, "last_inspected", None)])
    return headings, rows
