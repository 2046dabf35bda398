"""Loading the administrative-unit reference data (units.csv, successions.csv) into the database.

The files are validated whole before anything is written; any problem raises
DataFileError naming the file and line, and nothing is loaded. The load itself is one
transaction of bulk statements, and idempotent: each row carries a stable key (stored
in AdministrativeUnit.source_key), a second load of the same files changes nothing and
a changed row updates the unit it names. Units are never deleted by a load: reports
point at them. Bulk reference data is not audited row by row; the command prints a summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pcmd.core.text import fold, nfc
from pcmd.geo.models import (
    LEVEL_OF_KIND,
    AdministrativeUnit,
    SuccessionKind,
    UnitLevel,
    UnitSuccession,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_FILE = "units.csv"
SUCCESSIONS_FILE = "successions.csv"
UNIT_COLUMNS = ("key", "parent_key", "kind", "code", "name", "valid_from", "valid_to")
SUCCESSION_COLUMNS = (
    "predecessor_key",
    "successor_key",
    "kind",
    "effective_date",
    "is_default",
    "note",
)
_BOOLEANS = {"1": True, "true": True, "0": False, "false": False}
# Stop listing after this many problems: the first ones are enough to fix the file.
_MAX_ERRORS = 50
_BATCH = 1000
_UNIT_FIELDS = (
    "code",
    "name",
    "name_folded",
    "kind",
    "level",
    "parent_id",
    "valid_from",
    "valid_to",
    "source_key",
)
_SUCCESSION_FIELDS = ("kind", "effective_date", "is_default", "note")


class DataFileError(Exception):
    """The data files cannot be loaded; each message names the file and the line."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class UnitRow:
    line: int
    key: str
    parent_key: str
    kind: str
    level: int
    code: str
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class SuccessionRow:
    line: int
    predecessor_key: str
    successor_key: str
    kind: str
    effective_date: dt.date
    is_default: bool
    note: str


@dataclass
class LoadResult:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    # Units the database has from an earlier file but this file no longer lists (kept).
    units_not_in_file: int = 0
    paths_updated: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_unchanged: int = 0
    successions_deleted: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            or self.units_updated
            or self.paths_updated
            or self.successions_created
            or self.successions_updated
            or self.successions_deleted
        )


@dataclass
class _Errors:
    messages: list[str] = field(default_factory=list)

    def add(self, file: str, line: int | None, message: str) -> None:
        where = _("%(file)s, dòng %(line)s") % {"file": file, "line": line} if line else file
        self.messages.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.messages:
            shown = self.messages[:_MAX_ERRORS]
            if len(self.messages) > _MAX_ERRORS:
                shown.append(_("… và %(n)s lỗi khác.") % {"n": len(self.messages) - _MAX_ERRORS})
            raise DataFileError(shown)


# Reading and validating -------------------------------------------------------------------


def _records(
    path: Path, columns: tuple[str, ...], errors: _Errors
) -> Iterator[tuple[int, dict[str, str], bool]]:
    """(line number, row, complete) for each data row; problems with the file's shape go to
    errors (an incomplete row holds the columns it has)."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        errors.add(name, None, _("không đọc được tệp (%(reason)s).") % {"reason": exc.strerror})
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.add(name, line, _("tệp không ở mã UTF-8."))
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            errors.add(name, 1, _("tệp trống, thiếu dòng tiêu đề."))
            return
        header = [h.strip() for h in header]
        missing = [c for c in columns if c not in header]
        unknown = [h for h in header if h not in columns]
        if missing or unknown or len(set(header)) != len(header):
            errors.add(
                name,
                1,
                _("dòng tiêu đề phải gồm đúng các cột: %(cols)s.") % {"cols": ", ".join(columns)},
            )
            return
        for values in reader:
            if not values or values == [""]:
                continue
            complete = len(values) == len(header)
            if not complete:
                errors.add(
                    name,
                    reader.line_num,
                    _("có %(got)s cột, cần %(want)s.") % {"got": len(values), "want": len(header)},
                )
            row = {h: v.strip() for h, v in zip(header, values, strict=False)}
            yield reader.line_num, row, complete
    except csv.Error as exc:
        errors.add(name, reader.line_num, _("dòng hỏng (%(reason)s).") % {"reason": exc})


def _date(value: str, file: str, line: int, column: str, errors: _Errors) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.add(
            file,
            line,
            _("%(col)s “%(value)s” không phải ngày dạng YYYY-MM-DD.")
            % {"col": column, "value": value},
        )
        return None


def _too_long(value: str, model: type[models.Model], field_name: str) -> bool:
    max_length = getattr(model._meta.get_field(field_name), "max_length", None)
    return max_length is not None and len(value) > max_length


def _read_units(path: Path, errors: _Errors) -> tuple[list[UnitRow], set[str]]:
    """The valid rows, and every key named (rows with other errors included, so a wrong
    row is reported once rather than again by each row that refers to it)."""
    file = path.name
    rows: list[UnitRow] = []
    first_line: dict[str, int] = {}
    for line, r, complete in _records(path, UNIT_COLUMNS, errors):
        if not complete:
            first_line.setdefault(r.get("key", ""), line)
            continue
        n_before = len(errors.messages)
        key, kind, code, name = r["key"], r["kind"], nfc(r["code"]), nfc(r["name"])
        for column, value in (("key", key), ("kind", kind), ("code", code), ("name", name)):
            if not value:
                errors.add(file, line, _("thiếu giá trị ở cột %(col)s.") % {"col": column})
        for column, value, field_name in (
            ("key", key, "source_key"),
            ("code", code, "code"),
            ("name", name, "name"),
        ):
            if _too_long(value, AdministrativeUnit, field_name):
                errors.add(file, line, _("cột %(col)s quá dài.") % {"col": column})
        if kind and kind not in LEVEL_OF_KIND:
            errors.add(file, line, _("loại đơn vị “%(kind)s” không có.") % {"kind": kind})
        valid_from = _date(r["valid_from"], file, line, "valid_from", errors)
        valid_to = _date(r["valid_to"], file, line, "valid_to", errors)
        if valid_from and valid_to and valid_from > valid_to:
            errors.add(file, line, _("valid_from sau valid_to."))
        if key in first_line:
            errors.add(
                file,
                line,
                _("khóa “%(key)s” trùng với dòng %(first)s.")
                % {"key": key, "first": first_line[key]},
            )
        elif key:
            first_line[key] = line
        if len(errors.messages) == n_before:
            rows.append(
                UnitRow(
                    line,
                    key,
                    r["parent_key"],
                    kind,
                    LEVEL_OF_KIND[kind],
                    code,
                    name,
                    valid_from,
                    valid_to,
                )
            )
    return rows, set(first_line) - {""}


def _check_tree(rows: list[UnitRow], keys: set[str], file: str, errors: _Errors) -> None:
    """Parents exist, sit above their children and cover their validity; no code is valid twice."""
    by_key = {r.key: r for r in rows}
    for r in rows:
        if not r.parent_key:
            if r.level != UnitLevel.PROVINCE:
                errors.add(file, r.line, _("đơn vị cấp dưới phải có parent_key."))
            continue
        parent = by_key.get(r.parent_key)
        if parent is None:
            if r.parent_key in keys:
                continue  # the parent's own row is wrong and already reported
            errors.add(
                file,
                r.line,
                _("không có đơn vị cấp trên với khóa “%(key)s”.") % {"key": r.parent_key},
            )
            continue
        if parent.level >= r.level:
            errors.add(
                file,
                r.line,
                _("đơn vị cấp trên “%(key)s” không ở cấp cao hơn.") % {"key": r.parent_key},
            )
        starts_before = parent.valid_from and (
            r.valid_from is None or r.valid_from < parent.valid_from
        )
        ends_after = parent.valid_to and (r.valid_to is None or r.valid_to > parent.valid_to)
        if starts_before or ends_after:
            errors.add(
                file,
                r.line,
                _("thời gian hiệu lực vượt ra ngoài đơn vị cấp trên “%(key)s”.")
                % {"key": r.parent_key},
            )
    groups: dict[tuple[int, str], list[UnitRow]] = defaultdict(list)
    for r in rows:
        groups[(r.level, r.code)].append(r)
    for group in groups.values():
        for a, b in _overlaps(group):
            errors.add(
                file,
                b.line,
                _("mã %(code)s đã có hiệu lực cùng thời gian ở dòng %(line)s.")
                % {"code": b.code, "line": a.line},
            )


def _overlaps(group: list[UnitRow]) -> Iterator[tuple[UnitRow, UnitRow]]:
    """Pairs of rows (same level and code) valid on a shared day, by start date."""
    ordered = sorted(group, key=lambda r: (r.valid_from or dt.date.min, r.line))
    reach: UnitRow | None = None
    for r in ordered:
        if reach is not None and (
            reach.valid_to is None or reach.valid_to >= (r.valid_from or dt.date.min)
        ):
            yield reach, r
        if reach is None or (
            reach.valid_to is not None and (r.valid_to is None or r.valid_to > reach.valid_to)
        ):
            reach = r


def _read_successions(path: Path, unit_keys: set[str], errors: _Errors) -> list[SuccessionRow]:
    file = path.name
    rows: list[SuccessionRow] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, r, complete in _records(path, SUCCESSION_COLUMNS, errors):
        if not complete:
            continue
        n_before = len(errors.messages)
        pred, succ, kind = r["predecessor_key"], r["successor_key"], r["kind"]
        for column, value in (("predecessor_key", pred), ("successor_key", succ)):
            if value not in unit_keys:
                errors.add(
                    file,
                    line,
                    _("cột %(col)s: không có đơn vị với khóa “%(key)s” trong %(units)s.")
                    % {"col": column, "key": value, "units": UNITS_FILE},
                )
        if pred and pred == succ:
            errors.add(file, line, _("đơn vị không thể kế thừa chính nó."))
        if kind not in SuccessionKind.values:
            errors.add(file, line, _("loại kế thừa “%(kind)s” không có.") % {"kind": kind})
        effective = _date(r["effective_date"], file, line, "effective_date", errors)
        if effective is None and not r["effective_date"]:
            errors.add(file, line, _("thiếu giá trị ở cột %(col)s.") % {"col": "effective_date"})
        default = _BOOLEANS.get(r["is_default"].lower())
        if default is None:
            errors.add(file, line, _("is_default phải là 1 hoặc 0."))
        note = nfc(r["note"])
        if _too_long(note, UnitSuccession, "note"):
            errors.add(file, line, _("cột %(col)s quá dài.") % {"col": "note"})
        if (pred, succ) in first_line:
            errors.add(
                file,
                line,
                _("cặp kế thừa trùng với dòng %(first)s.") % {"first": first_line[(pred, succ)]},
            )
        else:
            first_line[(pred, succ)] = line
        if len(errors.messages) == n_before and effective is not None and default is not None:
            rows.append(SuccessionRow(line, pred, succ, kind, effective, default, note))
    return rows


def read_data_dir(data_dir: Path) -> tuple[list[UnitRow], list[SuccessionRow]]:
    """Parse and check both files; raises DataFileError listing every problem found."""
    errors = _Errors()
    units, keys = _read_units(data_dir / UNITS_FILE, errors)
    _check_tree(units, keys, UNITS_FILE, errors)
    successions = _read_successions(data_dir / SUCCESSIONS_FILE, keys, errors)
    errors.raise_if_any()
    return units, successions


# Writing ----------------------------------------------------------------------------------


def load_units(data_dir: Path = DEFAULT_DATA_DIR) -> LoadResult:
    """Validate the data files, then create or update units and successions in one transaction.

    Raises DataFileError (and writes nothing) when a file is broken or conflicts with
    units already in the database.
    """
    started = time.perf_counter()
    rows, succession_rows = read_data_dir(data_dir)
    result = LoadResult()
    with transaction.atomic():
        ids = _sync_units(rows, result)
        result.paths_updated = repair_paths()
        _sync_successions(succession_rows, ids, result)
    result.seconds = time.perf_counter() - started
    return result


def _sync_units(rows: list[UnitRow], result: LoadResult) -> dict[str, int]:
    """Create and update the file's units; returns key -> id for every row."""
    levels = {r.level for r in rows}
    existing = list(
        AdministrativeUnit.objects.filter(Q(level__in=levels) | Q(source_key__isnull=False))
    )
    by_key = {u.source_key: u for u in existing if u.source_key}
    # A unit made before keys existed is adopted when exactly one matches level, code, validity.
    unkeyed: dict[tuple[int, str, dt.date | None, dt.date | None], list[AdministrativeUnit]] = (
        defaultdict(list)
    )
    for u in existing:
        if not u.source_key:
            unkeyed[(u.level, u.code, u.valid_from, u.valid_to)].append(u)
    matched: dict[str, AdministrativeUnit] = {}
    for r in rows:
        if r.key in by_key:
            matched[r.key] = by_key[r.key]
        else:
            candidates = unkeyed.get((r.level, r.code, r.valid_from, r.valid_to), [])
            if len(candidates) == 1:
                matched[r.key] = candidates.pop()
    _check_database_conflicts(rows, existing, matched)
    file_keys = {r.key for r in rows}
    result.units_not_in_file = sum(1 for k in by_key if k not in file_keys)

    ids = {key: unit.pk for key, unit in matched.items()}
    to_update: list[AdministrativeUnit] = []
    # Parents first, so a child's parent id is known when it is created.
    for level in sorted(levels):
        to_create: list[tuple[str, AdministrativeUnit]] = []
        for r in rows:
            if r.level != level:
                continue
            values = {
                "code": r.code,
                "name": r.name,
                "name_folded": fold(r.name),
                "kind": r.kind,
                "level": r.level,
                "parent_id": ids[r.parent_key] if r.parent_key else None,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "source_key": r.key,
            }
            unit = matched.get(r.key)
            if unit is None:
                to_create.append((r.key, AdministrativeUnit(path="", source="official", **values)))
            elif any(getattr(unit, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                to_update.append(unit)
            else:
                result.units_unchanged += 1
        created = AdministrativeUnit.objects.bulk_create(
            [unit for _, unit in to_create], batch_size=_BATCH
        )
        for (key, _unit), unit in zip(to_create, created, strict=True):
            ids[key] = unit.pk
        result.units_created += len(created)
    _update_rows(AdministrativeUnit, _UNIT_FIELDS, to_update)
    result.units_updated = len(to_update)
    return ids


def _check_database_conflicts(
    rows: list[UnitRow], existing: list[AdministrativeUnit], matched: dict[str, AdministrativeUnit]
) -> None:
    """Refuse a row whose code is valid at the same time in a unit the file does not name."""
    matched_ids = {u.pk for u in matched.values()}
    others: dict[tuple[int, str], list[AdministrativeUnit]] = defaultdict(list)
    for u in existing:
        if u.pk not in matched_ids:
            others[(u.level, u.code)].append(u)
    errors = _Errors()
    for r in rows:
        for u in others.get((r.level, r.code), []):
            if (r.valid_to is None or u.valid_from is None or u.valid_from <= r.valid_to) and (
                r.valid_from is None or u.valid_to is None or u.valid_to >= r.valid_from
            ):
                errors.add(
                    UNITS_FILE,
                    r.line,
                    _(
                        "mã %(code)s trùng thời gian hiệu lực với đơn vị #%(id)s “%(name)s” đã có "
                        "trong cơ sở dữ liệu."
                    )
                    % {"code": r.code, "id": u.pk, "name": u.name},
                )
    errors.raise_if_any()


def repair_paths() -> int:
    """Recompute every unit's path and depth from the parent links; returns how many changed.

    One read of (id, parent, path, depth) for all units and bulk updates of the wrong ones;
    covers new units, moved parents and whatever lies below them.
    """
    rows = list(AdministrativeUnit.objects.values_list("id", "parent_id", "path", "depth"))
    children: dict[int | None, list[int]] = defaultdict(list)
    stored: dict[int, tuple[str, int]] = {}
    for pk, parent_id, path, depth in rows:
        children[parent_id].append(pk)
        stored[pk] = (path, depth)
    changed: list[AdministrativeUnit] = []
    stack: list[tuple[int, str, int]] = [(pk, f"/{pk}/", 0) for pk in children[None]]
    while stack:
        pk, path, depth = stack.pop()
        if stored[pk] != (path, depth):
            changed.append(AdministrativeUnit(pk=pk, path=path, depth=depth))
        stack.extend((child, f"{path}{child}/", depth + 1) for child in children[pk])
    _update_rows(AdministrativeUnit, ("path", "depth"), changed)
    return len(changed)


def _update_rows(model: type[models.Model], fields: tuple[str, ...], objs: list[Any]) -> None:
    """Write `fields` of each object with one UPDATE ... FROM (VALUES ...) per batch.

    QuerySet.bulk_update builds a CASE per row and took 15 s for 14k paths; this takes
    a fraction of a second on SQLite and PostgreSQL (both name VALUES columns column1..n).
    """
    if not objs:
        return
    meta = model._meta
    assert meta.pk is not None
    pk_field = meta.pk
    columns = [f for f in meta.concrete_fields if f.name in fields or f.attname in fields]
    quote = connection.ops.quote_name
    # PostgreSQL types VALUES columns from the literals; say what they are.
    cast = connection.vendor == "postgresql"

    def value(i: int, f: models.Field) -> str:
        return f"CAST(v.column{i} AS {f.db_type(connection)})" if cast else f"v.column{i}"

    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(str(f.column))} = {value(i + 2, f)}" for i, f in enumerate(columns)
    )
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), _BATCH):
            batch = objs[start : start + _BATCH]
            params: list[Any] = []
            for obj in batch:
                params.append(obj.pk)
                params.extend(
                    f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns
                )
            # Only quoted names and placeholders go into the text; values are parameters.
            values = ", ".join([row] * len(batch))
            where = f"{table}.{quote(str(pk_field.column))} = {value(1, pk_field)}"
            sql = f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v WHERE {where}"  # noqa: S608
            cursor.execute(sql, params)


def _sync_successions(rows: list[SuccessionRow], ids: dict[str, int], result: LoadResult) -> None:
    file_ids = set(ids.values())
    existing = {
        (s.predecessor_id, s.successor_id): s
        for s in UnitSuccession.objects.filter(predecessor__source_key__isnull=False)
    }
    wanted: set[tuple[int, int]] = set()
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    for r in rows:
        pair = (ids[r.predecessor_key], ids[r.successor_key])
        wanted.add(pair)
        values = {
            "kind": r.kind,
            "effective_date": r.effective_date,
            "is_default": r.is_default,
            "note": r.note,
        }
        link = existing.get(pair)
        if link is None:
            to_create.append(UnitSuccession(predecessor_id=pair[0], successor_id=pair[1], **values))
        elif any(getattr(link, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(link, name, value)
            to_update.append(link)
        else:
            result.successions_unchanged += 1
    # The file is the whole truth about links between its own units.
    stale = [
        s.pk
        for pair, s in existing.items()
        if pair not in wanted and pair[0] in file_ids and pair[1] in file_ids
    ]
    UnitSuccession.objects.bulk_create(to_create, batch_size=_BATCH)
    _update_rows(UnitSuccession, _SUCCESSION_FIELDS, to_update)
    for start in range(0, len(stale), _BATCH):
        UnitSuccession.objects.filter(pk__in=stale[start : start + _BATCH]).delete()
    result.successions_created = len(to_create)
    result.successions_updated = len(to_update)
    result.successions_deleted = len(stale)
