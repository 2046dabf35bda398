"""Administrative units: load time and the main tree/succession queries, on SQLite and PostgreSQL.

Run:  uv run python benchmarks/units.py [--backend sqlite|postgresql] [--repeat N]

For each backend the script makes a fresh temporary database (an SQLite file in a
temporary directory; a PostgreSQL database pcmd_bench_<random> on BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/, dropped afterwards), runs `pcmd migrate` and then a
worker subprocess with DATABASE_URL set, which loads pcmd/geo/data and times the queries.
Prints one JSON document. Times are milliseconds (median of --repeat runs, after one warm-up)
except the load, which runs once on the empty database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median milliseconds over `repeat` runs after a warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2), result


def worker(repeat: int) -> dict[str, Any]:
    """Runs inside the subprocess, against the fresh database named by DATABASE_URL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from pcmd.geo import selectors
    from pcmd.geo.loader import load_units
    from pcmd.geo.models import LAST_PRE_REFORM_DAY, AdministrativeUnit, UnitLevel

    out: dict[str, Any] = {"vendor": connection.vendor}
    started = time.perf_counter()
    first = load_units()
    out["load"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "units_created": first.units_created,
        "successions_created": first.successions_created,
    }
    started = time.perf_counter()
    second = load_units()
    out["reload_unchanged"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "units_created": second.units_created,
        "changed": second.changed,
    }

    today = dt.date.today()

    def _descendants(unit: AdministrativeUnit, at: dt.date) -> list[AdministrativeUnit]:
        return list(selectors.unit_descendants(unit, at))

    periods = {"current": today, "pre_reform": LAST_PRE_REFORM_DAY}
    out["descendants_of_largest_province"] = {}
    for label, at in periods.items():
        provinces = selectors.units_at(at).filter(level=UnitLevel.PROVINCE)
        sizes = {p.pk: selectors.unit_descendants(p, at).count() for p in provinces}
        largest = AdministrativeUnit.objects.get(pk=max(sizes, key=lambda pk: sizes[pk]))
        ms, found = _timed(partial(_descendants, largest, at), repeat)
        out["descendants_of_largest_province"][label] = {
            "province": largest.name,
            "count": len(found),
            "ms": ms,
        }

    communes = list(selectors.units_at(today).filter(level=UnitLevel.COMMUNE))
    ms, chains = _timed(lambda: selectors.units_ancestors_map(communes), repeat)
    out["ancestors_of_current_communes"] = {
        "communes": len(communes),
        "with_province": sum(1 for c in chains.values() if c),
        "ms": ms,
    }

    old_ids = list(
        selectors.units_at(LAST_PRE_REFORM_DAY)
        .filter(level=UnitLevel.COMMUNE)
        .values_list("pk", flat=True)
    )
    ms, mapping = _timed(lambda: selectors.units_successor_map(old_ids, today), repeat)
    out["successor_map_of_pre_reform_communes"] = {
        "communes": len(old_ids),
        "mapped": len(mapping),
        "links": sum(len(v) for v in mapping.values()),
        "divided": sum(1 for v in mapping.values() if len(v) > 1),
        "with_one_default": sum(1 for v in mapping.values() if sum(d for _, d in v) == 1),
        "current_communes_reached": len({s for v in mapping.values() for s, _ in v}),
        "ms": ms,
    }

    ms, every = _timed(lambda: list(selectors.unit_search("ky anh")), repeat)
    ms_now, now = _timed(lambda: list(selectors.unit_search("ky anh", at=today)), repeat)
    out["search_ky_anh"] = {
        "all_periods": {"ms": ms, "count": len(every), "first": [u.name for u in every[:5]]},
        "current": {"ms": ms_now, "count": len(now), "first": [u.name for u in now[:5]]},
    }
    out["rows"] = {
        "units": AdministrativeUnit.objects.count(),
        "by_level": dict(
            AdministrativeUnit.objects.values_list("level").annotate(n=Count("id")).order_by()
        ),
    }
    return out


def _run_backend(name: str, url: str, repeat: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    # --skip-checks: the benchmark needs the schema, not a clean bill of system checks.
    subprocess.run(
        [sys.executable, "-m", "pcmd.cli", "migrate", "--skip-checks", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--worker", "--repeat", str(repeat)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout)
    result["worker_seconds"] = round(time.perf_counter() - started, 2)
    return result


def _sqlite(repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pcmd_bench_") as tmp:
        return _run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", repeat)


def _postgresql(repeat: int) -> dict[str, Any]:
    import psycopg

    name = f"pcmd_bench_{secrets.token_hex(4)}"
    admin_url = PG_URL.rstrip("/") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run_backend("postgresql", PG_URL.rstrip("/") + f"/{name}", repeat)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.repeat), ensure_ascii=False))
        return 0
    runners = {"sqlite": _sqlite, "postgresql": _postgresql}
    report: dict[str, Any] = {"benchmark": "units", "repeat": args.repeat}
    for backend in args.backend or list(runners):
        try:
            report[backend] = runners[backend](args.repeat)
        except Exception as exc:  # report the failure of one backend, still run the other
            detail = getattr(exc, "stderr", None) or str(exc)
            report[backend] = {"error": f"{type(exc).__name__}: {str(detail).strip()[-2000:]}"}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if all("error" not in report.get(b, {}) for b in args.backend or runners) else 1


if __name__ == "__main__":
    sys.exit(main())
