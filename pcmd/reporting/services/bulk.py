"""Loading many reports at once (demo data, benchmarks, migration of past years).

Reports are written in batches with one audit entry and one DataEpoch for the whole
load, not one per report: the engines of every process then reload.
"""

import datetime as dt
import json
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from pcmd.analytics.engine import engine
from pcmd.analytics.models import DataEpoch
from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.reporting.models import Form, Report, ReportState, ReportVersion
from pcmd.reporting.periods import CutOff, due_date, parse_period
from pcmd.reporting.services.reports import _ensure_value_keys
from pcmd.reporting.values import pack_many

BATCH = 5000
COPY_CHUNK = 500  # version rows per write to PostgreSQL
# Column order of the rows below: the fields that differ per report come first.
REPORT_FIELDS = (
    "id",
    "unit",
    "current_version",
    "effective_version",
    "form",
    "period",
    "period_start",
    "period_end",
    "due_date",
    "state",
    "first_submitted_at",
    "on_time",
    "created",
    "updated",
)
VERSION_FIELDS = (
    "id",
    "report",
    "values",
    "narratives",
    "packed",
    "number",
    "state",
    "comments",
    "revision",
    "created",
    "updated",
    "submitted_at",
    "decided_at",
    "decision_comment",
)
Item = tuple[int, Mapping[str, str], Mapping[str, str]]

# PostgreSQL's binary COPY format: a signature, flags and header extension (both 0), then
# per row the number of fields and each field as its length and its binary form.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = struct.pack(">h", -1)
_NULL = struct.pack(">i", -1)
_PG_DATE_EPOCH = dt.date(2000, 1, 1)
_PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_JSON = json.JSONEncoder(ensure_ascii=False)


def _binary(value: Any, db_type: str) -> bytes:
    """One field of a binary COPY row for a column of this type (as Django creates it)."""
    if value is None:
        return _NULL
    data: bytes
    match db_type.partition("(")[0]:
        case "bigint":
            data = struct.pack(">q", value)
        case "integer":
            data = struct.pack(">i", value)
        case "smallint":
            data = struct.pack(">h", value)
        case "boolean":
            data = b"\x01" if value else b"\x00"
        case "date":
            data = struct.pack(">i", (value - _PG_DATE_EPOCH).days)
        case "timestamp with time zone":
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            delta = value - _PG_EPOCH  # microseconds since 2000 in UTC
            micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
            data = struct.pack(">q", micros)
        case "jsonb":
            data = b"\x01" + _JSON.encode(value).encode()  # format version 1, then the text
        case "bytea":
            data = bytes(value)
        case "varchar" | "text":
            data = value.encode()
        case _:
            raise ValueError(f"no binary COPY form for a {db_type} column")
    return struct.pack(">i", len(data)) + data


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _columns(model: type[Model], names: Sequence[str]) -> tuple[str, list[str]]:
    """The quoted column list of these fields and their database types."""
    fields = [_field(model, name) for name in names]
    quoted = ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)
    return quoted, [f.db_type(connection) or "" for f in fields]


def _allocate_ids(table: str, count: int) -> list[int]:
    """Primary keys for rows about to be inserted (the write lock is already held: on
    SQLite transactions begin IMMEDIATE; on PostgreSQL the sequence hands them out)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once, not once per id.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def _postgresql_session() -> None:
    """Settings for the rest of the load's transaction."""
    with connection.cursor() as cursor:
        # The values and narratives are long enough to be compressed: lz4 takes a fraction
        # of the default pglz's time, to write and to read back (when the server has it).
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


def reports_bulk_load(
    *,
    actor: Any,
    form: Form,
    period: str,
    reports: Iterable[Item],
    state: str = ReportState.APPROVED,
    submitted_at: dt.datetime | None = None,
    reason: str,
) -> int:
    """Create counted reports for (unit id, values, narratives) of one form and period;
    units that already have a report are skipped. Returns the number of values loaded.

    Values must be canonical strings (the caller generated or validated them). Rows go
    in without the ORM, whose per-object work would dominate here: on PostgreSQL by
    binary COPY, elsewhere by multi-row INSERTs.
    """
    parsed = parse_period(period)
    due = due_date(parsed, form.due_rule, CutOff(form.cutoff))
    submitted_at = submitted_at or timezone.now()
    on_time = timezone.localtime(submitted_at).date() <= due
    report_table, version_table = Report._meta.db_table, ReportVersion._meta.db_table
    postgresql = connection.vendor == "postgresql"
    key_ids: dict[str, int] = {}
    loaded = 0

    # What every report and version of this load has in common.
    now = timezone.now()
    report_fixed = {
        "form": form.pk,
        "period": parsed.code,
        "period_start": parsed.start,
        "period_end": parsed.end,
        "due_date": due,
        "state": state,
        "first_submitted_at": submitted_at,
        "on_time": on_time,
        "created": now,
        "updated": now,
    }
    version_fixed = {
        "number": 1,
        "state": state,
        "comments": {},
        "revision": 1,
        "created": now,
        "updated": now,
        "submitted_at": submitted_at,
        "decided_at": submitted_at if state == ReportState.APPROVED else None,
        "decision_comment": "",
    }
    write = _write_postgresql if postgresql else _write_other

    def flush(batch: list[Item]) -> None:
        nonlocal loaded, key_ids
        missing = sorted({k for _u, v, _n in batch for k in v} - key_ids.keys())
        if missing:
            key_ids = _ensure_value_keys([*key_ids, *missing])
        report_ids = _allocate_ids(report_table, len(batch))
        version_ids = _allocate_ids(version_table, len(batch))
        write(batch, report_ids, version_ids, key_ids, report_fixed, version_fixed)
        loaded += sum(len(values) for _u, values, _n in batch)

    with transaction.atomic():
        # Written first: on SQLite it takes the write lock before ids are counted.
        epoch = DataEpoch.objects.create(reason=f"{reason}: {form.code} {parsed.code}"[:200])
        if postgresql:
            _postgresql_session()
        existing = set(
            Report.objects.filter(form=form, period=parsed.code, agency__isnull=True).values_list(
                "unit_id", flat=True
            )
        )
        batch: list[Item] = []
        for item in reports:
            if item[0] in existing:
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
        if loaded:
            change_record(actor=actor, action=Action.CREATE, obj=epoch)
            # Now (for this transaction's own reads) and after commit (for every later one).
            engine().changed()
            transaction.on_commit(engine().changed)
        else:
            epoch.delete()
    return loaded


def _write_postgresql(
    batch: list[Item],
    report_ids: list[int],
    version_ids: list[int],
    key_ids: Mapping[str, int],
    report_fixed: Mapping[str, Any],
    version_fixed: Mapping[str, Any],
) -> None:
    """The batch by binary COPY: no text to parse on the server (dates, numbers, hex),
    and the fields every row shares are encoded once."""
    report_columns, report_types = _columns(Report, REPORT_FIELDS)
    version_columns, version_types = _columns(ReportVersion, VERSION_FIELDS)
    report_head = struct.pack(">h", len(REPORT_FIELDS))
    report_tail = b"".join(
        _binary(report_fixed[name], db_type)
        for name, db_type in zip(REPORT_FIELDS[4:], report_types[4:], strict=True)
    )
    version_head = struct.pack(">h", len(VERSION_FIELDS))
    version_tail = b"".join(
        _binary(version_fixed[name], db_type)
        for name, db_type in zip(VERSION_FIELDS[5:], version_types[5:], strict=True)
    )
    unit_type = report_types[1]
    values_type, narratives_type, packed_type = version_types[2:5]
    encoded: dict[tuple[str, str], list[bytes]] = {}

    def ids(which: str, pks: list[int], db_type: str) -> list[bytes]:
        """The ids as fields of this type (encoded once when the columns agree)."""
        if (which, db_type) not in encoded:
            encoded[which, db_type] = [_binary(pk, db_type) for pk in pks]
        return encoded[which, db_type]

    report_rids = ids("report", report_ids, report_types[0])
    report_vids = ids("version", version_ids, report_types[2])  # current = effective
    version_vids = ids("version", version_ids, version_types[0])
    version_rids = ids("report", report_ids, version_types[1])
    report_rows = (
        report_head + rid + _binary(unit_id, unit_type) + vid + vid + report_tail
        for rid, vid, (unit_id, _v, _n) in zip(report_rids, report_vids, batch, strict=True)
    )

    def version_rows() -> Iterator[bytes]:
        for start in range(0, len(batch), COPY_CHUNK):
            end = start + COPY_CHUNK
            part = batch[start:end]
            packed = pack_many([values for _u, values, _n in part], key_ids)
            yield b"".join(
                version_head
                + vid
                + rid
                + _binary(dict(values), values_type)
                + _binary(dict(narratives), narratives_type)
                + _binary(blob, packed_type)
                + version_tail
                for vid, rid, blob, (_u, values, narratives) in zip(
                    version_vids[start:end], version_rids[start:end], packed, part, strict=True
                )
            )

    # psycopg's own cursor (COPY is not in the DB-API), with Django's error classes.
    with connection.wrap_database_errors, connection.connection.cursor() as raw:
        sql = f"COPY {Report._meta.db_table} ({report_columns}) FROM STDIN (FORMAT BINARY)"
        with raw.copy(sql) as copy:
            copy.write(b"".join([_COPY_HEADER, *report_rows, _COPY_TRAILER]))
        sql = f"COPY {ReportVersion._meta.db_table} ({version_columns}) FROM STDIN (FORMAT BINARY)"
        with raw.copy(sql) as copy:
            # Chunk by chunk: the server stores one while the next is encoded here.
            copy.write(_COPY_HEADER)
            for chunk in version_rows():
                copy.write(chunk)
            copy.write(_COPY_TRAILER)


def _write_other(
    batch: list[Item],
    report_ids: list[int],
    version_ids: list[int],
    key_ids: Mapping[str, int],
    report_fixed: Mapping[str, Any],
    version_fixed: Mapping[str, Any],
) -> None:
    """The batch by multi-row INSERTs (SQLite).

    SQLite checks deferred foreign keys row by row: while a report points at a version not
    yet inserted, every version inserted makes it search the reports by their version
    columns, which have no index (quadratic at national scale). So the reports go in without
    their versions, the versions follow, and then the reports are pointed at them.
    """
    report_columns, _types = _columns(Report, REPORT_FIELDS)
    version_columns, _types = _columns(ReportVersion, VERSION_FIELDS)
    report_tail = tuple(_adapt(Report, name, report_fixed[name]) for name in REPORT_FIELDS[4:])
    version_tail = tuple(
        _adapt(ReportVersion, name, version_fixed[name]) for name in VERSION_FIELDS[5:]
    )
    report_table, version_table = Report._meta.db_table, ReportVersion._meta.db_table
    marks = ", ".join(["%s"] * len(REPORT_FIELDS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {report_table} ({report_columns}) VALUES ({marks})",  # noqa: S608
            [
                (rid, unit_id, None, None, *report_tail)
                for rid, (unit_id, _v, _n) in zip(report_ids, batch, strict=True)
            ],
        )
        packed = pack_many([values for _u, values, _n in batch], key_ids)
        json_field = _field(ReportVersion, "values")
        marks = ", ".join(["%s"] * len(VERSION_FIELDS))
        cursor.executemany(
            f"INSERT INTO {version_table} ({version_columns}) VALUES ({marks})",  # noqa: S608
            [
                (
                    vid,
                    rid,
                    json_field.get_db_prep_save(dict(values), connection),
                    json_field.get_db_prep_save(dict(narratives), connection),
                    blob,
                    *version_tail,
                )
                for rid, vid, blob, (_u, values, narratives) in zip(
                    report_ids, version_ids, packed, batch, strict=True
                )
            ],
        )
        current, effective = (
            connection.ops.quote_name(_field(Report, name).column or name)
            for name in ("current_version", "effective_version")
        )
        cursor.executemany(
            f"UPDATE {report_table} SET {current} = %s, {effective} = %s WHERE id = %s",  # noqa: S608
            list(zip(version_ids, version_ids, report_ids, strict=True)),
        )


def _adapt(model: type[Model], name: str, value: Any) -> Any:
    """A value as the database takes it in a raw query."""
    return _field(model, name).get_db_prep_save(value, connection)
