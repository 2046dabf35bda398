"""Loading many reports at once (demo data, benchmarks, migration of past years).

Reports are written in batches with one audit entry and one DataEpoch for the whole
load, not one per report: the engines of every process then reload.
"""

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pcmd.analytics.engine import engine
from pcmd.analytics.models import DataEpoch
from pcmd.audit.models import Action
from pcmd.audit.services import change_record
from pcmd.reporting.models import Form, Report, ReportState, ReportVersion
from pcmd.reporting.periods import CutOff, due_date, parse_period
from pcmd.reporting.services.reports import _ensure_value_keys
from pcmd.reporting.values import pack_many

BATCH = 2000
REPORT_COLUMNS = (
    "id, form_id, unit_id, period, period_start, period_end, due_date, state, "
    "current_version_id, effective_version_id, first_submitted_at, on_time, created, updated"
)


def _allocate_ids(table: str, count: int) -> list[int]:
    """Primary keys for rows about to be inserted (the write lock is already held: on
    SQLite transactions begin IMMEDIATE; on PostgreSQL the sequence hands them out)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def reports_bulk_load(
    *,
    actor: Any,
    form: Form,
    period: str,
    reports: Iterable[tuple[int, Mapping[str, str], Mapping[str, str]]],
    state: str = ReportState.APPROVED,
    submitted_at: dt.datetime | None = None,
    reason: str,
) -> int:
    """Create counted reports for (unit id, values, narratives) of one form and period;
    units that already have a report are skipped. Returns the number of values loaded.

    Values must be canonical strings (the caller generated or validated them). Rows go
    in with plain multi-row INSERTs: the ORM's per-object work would dominate here.
    """
    parsed = parse_period(period)
    due = due_date(parsed, form.due_rule, CutOff(form.cutoff))
    submitted_at = submitted_at or timezone.now()
    ops = connection.ops
    at = ops.adapt_datetimefield_value(submitted_at)
    now = ops.adapt_datetimefield_value(timezone.now())
    decided = at if state == ReportState.APPROVED else None
    on_time = timezone.localtime(submitted_at).date() <= due
    json_field = ReportVersion._meta.get_field("values")
    report_table, version_table = Report._meta.db_table, ReportVersion._meta.db_table
    report_sql = (
        f"INSERT INTO {report_table} ({REPORT_COLUMNS}) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    values_column = ops.quote_name("values")  # a reserved word in SQL
    version_columns = (
        f"id, report_id, number, state, {values_column}, narratives, comments, packed, "
        "revision, created, updated, submitted_at, decided_at, decision_comment"
    )
    version_sql = (
        f"INSERT INTO {version_table} ({version_columns}) "  # noqa: S608
        "VALUES (%s, %s, 1, %s, %s, %s, %s, %s, 1, %s, %s, %s, %s, '')"
    )
    empty = json_field.get_db_prep_save({}, connection)
    loaded = 0
    key_ids: dict[str, int] = {}
    batch: list[tuple[int, Mapping[str, str], Mapping[str, str]]] = []

    def flush() -> None:
        nonlocal loaded, key_ids
        if not batch:
            return
        missing = sorted({k for _u, v, _n in batch for k in v} - key_ids.keys())
        if missing:
            key_ids = _ensure_value_keys([*key_ids, *missing])
        report_ids = _allocate_ids(report_table, len(batch))
        version_ids = _allocate_ids(version_table, len(batch))
        start, end = ops.adapt_datefield_value(parsed.start), ops.adapt_datefield_value(parsed.end)
        due_at = ops.adapt_datefield_value(due)
        report_rows = [
            (
                rid,
                form.pk,
                unit_id,
                parsed.code,
                start,
                end,
                due_at,
                state,
                vid,
                vid,
                at,
                on_time,
                now,
                now,
            )
            for rid, vid, (unit_id, _v, _n) in zip(report_ids, version_ids, batch, strict=True)
        ]
        packed = pack_many([values for _u, values, _n in batch], key_ids)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: several times faster than INSERTs for a national load.
                version_rows = [
                    (
                        vid,
                        rid,
                        1,
                        state,
                        json.dumps(values, ensure_ascii=False),
                        json.dumps(narratives, ensure_ascii=False),
                        "{}",
                        blob,
                        1,
                        now,
                        now,
                        at,
                        decided,
                        "",
                    )
                    for rid, vid, blob, (_u, values, narratives) in zip(
                        report_ids, version_ids, packed, batch, strict=True
                    )
                ]
                raw = cursor.cursor
                with raw.copy(f"COPY {report_table} ({REPORT_COLUMNS}) FROM STDIN") as copy:
                    for row in report_rows:
                        copy.write_row(row)
                with raw.copy(f"COPY {version_table} ({version_columns}) FROM STDIN") as copy:
                    for version_row in version_rows:
                        copy.write_row(version_row)
            else:
                cursor.executemany(report_sql, report_rows)
                cursor.executemany(
                    version_sql,
                    [
                        (
                            vid,
                            rid,
                            state,
                            json_field.get_db_prep_save(dict(values), connection),
                            json_field.get_db_prep_save(dict(narratives), connection),
                            empty,
                            blob,
                            now,
                            now,
                            at,
                            decided,
                        )
                        for rid, vid, blob, (_u, values, narratives) in zip(
                            report_ids, version_ids, packed, batch, strict=True
                        )
                    ],
                )
        loaded += sum(len(values) for _u, values, _n in batch)
        batch.clear()

    with transaction.atomic():
        # Written first: on SQLite it takes the write lock before ids are counted.
        epoch = DataEpoch.objects.create(reason=f"{reason}: {form.code} {parsed.code}"[:200])
        existing = set(
            Report.objects.filter(form=form, period=parsed.code, agency__isnull=True).values_list(
                "unit_id", flat=True
            )
        )
        for item in reports:
            if item[0] in existing:
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                flush()
        flush()
        if loaded:
            change_record(actor=actor, action=Action.CREATE, obj=epoch)
            # Now (for this transaction's own reads) and after commit (for every later one).
            engine().changed()
            transaction.on_commit(engine().changed)
        else:
            epoch.delete()
    return loaded
