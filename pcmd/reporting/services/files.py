"""Reports in and out of files: the form's Excel workbook, DHIS2 dataValueSets JSON and CSV.

An import is all or nothing: every row is checked first, and any error (named by row and
cell) leaves every report as it was.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import user_can
from pcmd.core.errors import ServiceError
from pcmd.geo.models import AdministrativeUnit, UnitLevel
from pcmd.geo.selectors import unit_by_code
from pcmd.reporting import exchange, selectors
from pcmd.reporting.models import Form, FormElement, Report
from pcmd.reporting.periods import PeriodError, parse_period
from pcmd.reporting.services.reports import report_open, report_save
from pcmd.reporting.values import InvalidValue, canonical

IMPORT_MAX_BYTES = 10 * 1024 * 1024
REPORT_FORMATS = {**exchange.TABLE_TYPES, "json": "application/json"}


def _rows_of(report: Report, values: dict[str, str]) -> list[exchange.ValueRow]:
    out = []
    for key, value in values.items():
        code, _sep, combo = key.partition(".")
        out.append(
            exchange.ValueRow(
                data_element=code,
                period=report.period,
                org_unit=report.unit.code,
                category_option_combo=combo,
                value=value,
            )
        )
    return out


def report_file(report: Report, fmt: str) -> tuple[bytes, str, str]:
    """The report's current version as a file: (content, content type, file name)."""
    version = report.current_version
    values = dict(version.values) if version else {}
    stem = f"{report.form.code}_{report.unit.code}_{report.period}"
    if fmt == "xlsx":
        previous = selectors.report_previous(report)
        content = exchange.form_workbook(
            title=report.form.name,
            layout=selectors.form_layout(report.form),
            form_code=report.form.code,
            unit_code=report.unit.code,
            unit_name=report.unit.name,
            period_code=report.period,
            period_label=parse_period(report.period).label(),
            values=values,
            previous=previous.effective_version.values
            if previous and previous.effective_version
            else None,
        )
    elif fmt == "json":
        content = exchange.write_dhis2_json(
            _rows_of(report, values),
            data_set=report.form.code,
            period=report.period,
            org_unit=report.unit.code,
        )
    else:
        content = exchange.write_dhis2_csv(_rows_of(report, values))
    return content, REPORT_FORMATS[fmt], f"{stem}.{fmt}"


def _read_upload(upload: UploadedFile) -> tuple[str, bytes]:
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".json", ".csv"):
        raise ServiceError(
            _("Chỉ nhận tệp Excel (.xlsx) tạo từ biểu mẫu, hoặc tệp DHIS2 .json/.csv (%(n)s).")
            % {"n": name}
        )
    if (upload.size or 0) > IMPORT_MAX_BYTES:
        raise ServiceError(_("Tệp lớn hơn 10 MB (%(n)s).") % {"n": name})
    return suffix, upload.read()


def _check_value(
    types: dict[str, str], key: str, raw: str, location: str, errors: list[str]
) -> str | None:
    if key not in types:
        errors.append(_("%(at)s: biểu mẫu không có chỉ số “%(k)s”.") % {"at": location, "k": key})
        return None
    try:
        return canonical(raw, types[key])
    except InvalidValue as exc:
        errors.append(f"{location}: {exc}")
        return None


def _raise(errors: list[str]) -> None:
    if errors:
        raise exchange.ExchangeFileError(errors)


def report_fill_from_file(*, actor: Any, report: Report, upload: UploadedFile) -> int:
    """Put a file's values into the report's draft; returns how many values were read."""
    suffix, data = _read_upload(upload)
    types = {row.key: row.value_type for row in selectors.form_layout(report.form)}
    errors: list[str] = []
    values: dict[str, str] = {}
    comments: dict[str, str] = {}
    if suffix == ".xlsx":
        header, cells = exchange.read_form_workbook(data, layout=selectors.form_layout(report.form))
        if header.get("unit") != report.unit.code or header.get("period") != report.period:
            errors.append(
                _("Tệp là báo cáo của đơn vị mã %(u)s, kỳ %(p)s, không phải của báo cáo này.")
                % {"u": header.get("unit", "?"), "p": header.get("period", "?")}
            )
        for key, raw in cells.items():
            value = _check_value(types, key, raw, key, errors)
            if value is not None:
                values[key] = value
    else:
        rows = (
            exchange.read_dhis2_json(data)[1]
            if suffix == ".json"
            else exchange.read_dhis2_csv(data)
        )
        for row in rows:
            if row.org_unit != report.unit.code or row.period != report.period:
                errors.append(
                    _("%(at)s: giá trị của đơn vị %(u)s, kỳ %(p)s, không thuộc báo cáo này.")
                    % {"at": row.location, "u": row.org_unit, "p": row.period}
                )
                continue
            key = _key(row)
            value = _check_value(types, key, row.value, row.location, errors)
            if value is not None:
                values[key] = value
                if row.comment:
                    comments[key] = row.comment
    _raise(errors)
    version = report.current_version
    report_save(
        actor=actor,
        report=report,
        revision=version.revision if version else 0,
        values=values,
        comments=comments,
    )
    return len(values)


def _key(row: exchange.ValueRow) -> str:
    combo = row.category_option_combo
    return f"{row.data_element}.{combo}" if combo else row.data_element


@dataclass(frozen=True)
class ImportResult:
    reports: int
    values: int


def _unit_for(code: str, at: Any) -> AdministrativeUnit | None:
    for level in (UnitLevel.COMMUNE, UnitLevel.PROVINCE, UnitLevel.DISTRICT):
        unit = unit_by_code(code, level=level, at=at)
        if unit is not None:
            return unit
    return None


def values_import(
    *,
    actor: Any,
    upload: UploadedFile | None = None,
    data: bytes | None = None,
    suffix: str = ".json",
) -> ImportResult:
    """DHIS2 dataValueSets (JSON or CSV) for many units and periods, into draft reports.

    Each (unit, period) goes to the form that holds the data element (the file's dataSet
    when given). Any error refuses the whole file.
    """
    if upload is not None:
        suffix, data = _read_upload(upload)
    if suffix == ".xlsx":
        raise ServiceError(_("Tệp Excel của biểu mẫu được nhập tại trang của từng báo cáo."))
    assert data is not None
    if suffix == ".json":
        header, rows = exchange.read_dhis2_json(data)
    else:
        header, rows = {}, exchange.read_dhis2_csv(data)
    form_of_element = dict(FormElement.objects.values_list("element__code", "form__code"))
    forms = {f.code: f for f in Form.objects.filter(active=True)}
    errors: list[str] = []
    groups: dict[tuple[str, int, str], dict[str, Any]] = {}
    units: dict[tuple[str, str], AdministrativeUnit | None] = {}
    for row in rows:
        form_code = header.get("dataSet") or form_of_element.get(row.data_element, "")
        form = forms.get(form_code)
        if form is None:
            errors.append(
                _("%(at)s: không có biểu mẫu nào chứa chỉ số “%(e)s”.")
                % {"at": row.location, "e": row.data_element}
            )
            continue
        try:
            period = parse_period(row.period)
        except PeriodError as exc:
            errors.append(f"{row.location}: {exc}")
            continue
        if (row.org_unit, period.code) not in units:
            units[(row.org_unit, period.code)] = _unit_for(row.org_unit, period.end)
        unit = units[(row.org_unit, period.code)]
        if unit is None:
            errors.append(
                _("%(at)s: không có đơn vị mã %(u)s trong kỳ %(p)s.")
                % {"at": row.location, "u": row.org_unit, "p": period.code}
            )
            continue
        if not user_can(actor, Perm.REPORT_ENTER, unit):
            errors.append(
                _("%(at)s: bạn không có quyền nhập báo cáo của %(u)s.")
                % {"at": row.location, "u": unit.name}
            )
            continue
        group = groups.setdefault(
            (form.code, unit.pk, period.code),
            {"form": form, "unit": unit, "values": {}, "comments": {}, "types": None},
        )
        if group["types"] is None:
            group["types"] = {r.key: r.value_type for r in selectors.form_layout(form)}
        key = _key(row)
        value = _check_value(group["types"], key, row.value, row.location, errors)
        if value is not None:
            group["values"][key] = value
            if row.comment:
                group["comments"][key] = row.comment
    for (form_code, _unit_pk, period_code), group in groups.items():
        existing = Report.objects.filter(
            form__code=form_code, unit=group["unit"], period=period_code, agency=None
        ).first()
        if existing is not None and existing.is_locked:
            errors.append(
                _("Báo cáo của %(u)s kỳ %(p)s đã gửi hoặc đã duyệt; hãy mở lại để đính chính.")
                % {"u": group["unit"].name, "p": period_code}
            )
    _raise(errors)
    if not groups:
        raise ServiceError(_("Tệp không có giá trị nào."))
    count = 0
    with transaction.atomic():
        for (_form_code, _unit_pk, period_code), group in groups.items():
            report = report_open(
                actor=actor, form=group["form"], unit=group["unit"], period=period_code
            )
            version = report.current_version
            report_save(
                actor=actor,
                report=report,
                revision=version.revision if version else 0,
                values=group["values"],
                comments=group["comments"],
            )
            count += len(group["values"])
    return ImportResult(reports=len(groups), values=count)
