"""Reporting at national scale: bulk load, full roll-up, dashboards, freshness, memory.

Run:  uv run python benchmarks/rollup.py [--backend sqlite|postgresql|both] [--periods N]

For each backend the script makes a fresh temporary database (an SQLite file in a
temporary directory; a PostgreSQL database pcmd_bench_<random> on BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/, dropped afterwards), runs `pcmd migrate` (which seeds
the catalogue) and then a worker subprocess with DATABASE_URL set (DEBUG off, static files
collected into a temporary PCMD_DATA_DIR, as in production). The worker:

1. loads the administrative units (pcmd/geo/data);
2. for each six-monthly period 2021S1 .. the last ended one (pcmd.reporting.demo), generates
   every commune's report (untimed), then times `reports_bulk_load` alone;
3. times the roll-up engine: the cold load from the database (`refresh` after
   `invalidate`), and `rollup_all` over every active indicator (median of 3 runs, each on
   a freshly reloaded engine);
4. times the dashboard pages with Django's test client (engine warm): the first request,
   then the median of 20 after 2 warm-ups;
5. starts the app server (`pcmd runserver`) on a free port, and for 5 communes of Tỉnh Hà
   Tĩnh submits a report of the running period in this process (as the commune officer)
   while a second thread watches the province's figure through the API, then measures
   from the moment `report_submit` returns to the first API answer showing the new value;
6. reads the peak memory of the worker (ru_maxrss) and of the server (VmHWM).

Prints one JSON document: every figure with its target and `met`. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import datetime as dt
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")

# The targets, on a 2-core machine.
BULK_VALUES_PER_SECOND = 200_000
ROLLUP_SECONDS = 3.0
PAGE_MS = 300.0
VISIBLE_MS = 200.0
PEAK_MB = 2048.0

PROVINCE = "Tỉnh Hà Tĩnh"
INDICATOR = "IND_MEDIA_PER_MONTH"
PAGE_REPEAT, PAGE_WARMUPS = 20, 2
ROLLUP_RUNS = 3
SUBMISSIONS = 5
WORKER_TIMEOUT = 3 * 3600  # seconds, per backend


def _log(message: str) -> None:
    sys.stderr.write(f"[rollup {os.environ.get('BENCH_BACKEND', '')}] {message}\n")
    sys.stderr.flush()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


# --- worker: runs inside the subprocess, against the fresh database -------------------------


def _bulk_load(periods: list[Any]) -> dict[str, Any]:
    from django.utils import timezone

    from pcmd.reporting.demo import FORM_CODE, communes_of, generate
    from pcmd.reporting.models import Form, Report, ReportState, ReportVersion
    from pcmd.reporting.periods import CutOff, due_date
    from pcmd.reporting.services.bulk import reports_bulk_load

    form = Form.objects.get(code=FORM_CODE)
    rows = []
    for period in periods:
        reports = list(generate(period, communes_of(period)))  # untimed
        due = due_date(period, form.due_rule, CutOff(form.cutoff))
        submitted = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=3), dt.time(9)))
        started = time.perf_counter()
        values = reports_bulk_load(
            actor=None,
            form=form,
            period=period.code,
            reports=reports,
            state=ReportState.APPROVED,
            submitted_at=submitted,
            reason="benchmark",
        )
        seconds = time.perf_counter() - started
        rows.append(
            {
                "period": period.code,
                "reports": len(reports),
                "values": values,
                "seconds": round(seconds, 3),
                "values_per_second": round(values / seconds) if seconds else None,
            }
        )
        _log(f"bulk load {period.code}: {len(reports)} reports, {values} values, {seconds:.2f} s")
        del reports
    values = sum(r["values"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    rate = round(values / seconds) if seconds else 0
    return {
        "reports": Report.objects.count(),
        "report_versions": ReportVersion.objects.count(),
        "values": values,
        "seconds": round(seconds, 2),
        "values_per_second": rate,
        "target_values_per_second": BULK_VALUES_PER_SECOND,
        "met": rate >= BULK_VALUES_PER_SECOND,
        "periods": rows,
    }


def _rollup() -> dict[str, Any]:
    from pcmd.analytics.engine import engine
    from pcmd.reporting.models import Indicator

    indicators = list(Indicator.objects.filter(active=True).select_related("condition_element"))
    eng = engine()
    loads, computes, figures = [], [], 0
    for run in range(ROLLUP_RUNS):
        eng.invalidate()
        started = time.perf_counter()
        eng.refresh()  # timed on the first run only: the cold load from the database
        loads.append(time.perf_counter() - started)
        started = time.perf_counter()
        figures = eng.rollup_all(indicators)
        computes.append(time.perf_counter() - started)
        _log(f"roll-up run {run + 1}: load {loads[-1]:.2f} s, compute {computes[-1]:.2f} s")
    load, compute = loads[0], statistics.median(computes)
    total = load + compute
    return {
        "indicators": len(indicators),
        "units": len(eng.unit_ids),
        "value_keys": len(eng.key_names),
        "periods": len(eng._facts),
        "figures": figures,
        "load_seconds": round(load, 3),
        "compute_seconds": round(compute, 3),
        "compute_runs_seconds": [round(c, 3) for c in computes],
        "reload_runs_seconds": [round(x, 3) for x in loads[1:]],
        "total_seconds": round(total, 3),
        "target_seconds": ROLLUP_SECONDS,
        "met": total <= ROLLUP_SECONDS,
        "compute_met": compute <= ROLLUP_SECONDS,
    }


def _page(client: Any, url: str) -> dict[str, Any]:
    times, statuses, first_ms, size = [], [], 0.0, 0
    try:
        for i in range(PAGE_WARMUPS + PAGE_REPEAT):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            statuses.append(response.status_code)
            if i == 0:
                first_ms, size = _ms(elapsed), len(response.content)
            elif i >= PAGE_WARMUPS:
                times.append(elapsed)
    except Exception as exc:  # a page that fails is a result, not the end of the run
        return {"url": url, "error": f"{type(exc).__name__}: {exc}", "met": False}
    median = _median([t * 1000 for t in times])
    ok = set(statuses) == {200}
    return {
        "url": url,
        "status": sorted(set(statuses)),
        "bytes": size,
        "first_ms": first_ms,
        "median_ms": median,
        "max_ms": round(max(times) * 1000, 1),
        "target_ms": PAGE_MS,
        "met": ok and median <= PAGE_MS,
    }


def _pages(period: str, province_id: int) -> dict[str, Any]:
    from django.test import Client

    from pcmd.accounts.models import User
    from pcmd.analytics.engine import engine

    admin = User.objects.create_superuser(
        "bench.admin", "bench.admin@pcmd.local", secrets.token_urlsafe(16)
    )
    client = Client()
    client.force_login(admin)
    engine().refresh()  # warm: the roll-up above left the period totals cached
    pages = {
        "national": f"/dashboard/?unit=&period={period}",
        "province": f"/dashboard/?unit={province_id}&period={period}",
        "completeness": f"/dashboard/completeness/?unit=&period={period}",
    }
    out = {}
    for name, url in pages.items():
        out[name] = _page(client, url)
        _log(f"page {name}: {out[name].get('median_ms')} ms (first {out[name].get('first_ms')})")
    # Informational: the national page right after the engine is dropped (a restart).
    engine().invalidate()
    started = time.perf_counter()
    status = client.get(pages["national"]).status_code
    out["national_after_engine_reload"] = {
        "url": pages["national"],
        "status": status,
        "ms": _ms(time.perf_counter() - started),
    }
    return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the server child: be killed if the worker dies, so no server outlives a run."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class _Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def get(self, path: str, timeout: float = 120) -> Any:
        request = urllib.request.Request(
            self.base + path, headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())


def _wait_for_server(api: _Api, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            api.get("/api/me", timeout=5)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the server did not start ({exc}): {tail}") from exc
            time.sleep(0.1)


def _prepared_report(officer: Any, form: Any, commune: Any, period: str, media: int) -> Any:
    """The commune's report of the period, saved with complete values, ready to submit."""
    from pcmd.reporting.models import Report
    from pcmd.reporting.selectors import report_current_version
    from pcmd.reporting.services import reports as services
    from pcmd.reporting.tests.factories import BASE_VALUES, NARRATIVES

    if Report.objects.filter(form=form, unit=commune, period=period).exists():
        raise RuntimeError(f"{commune.name} already has a report for {period}")
    report = services.report_open(actor=officer, form=form, unit=commune, period=period)
    result = services.report_save(
        actor=officer,
        report=report,
        revision=report_current_version(report).revision,
        values={**BASE_VALUES, "MEDIA_ITEMS": str(media)},
        narratives=NARRATIVES,
    )
    if result.check.warnings:  # explain any outlier warning, as a user must before submitting
        result = services.report_save(
            actor=officer,
            report=report,
            revision=result.version.revision,
            comments=dict.fromkeys(result.check.warnings, "Số liệu kiểm thử hiệu năng."),
        )
    if result.check.errors:
        raise RuntimeError(f"the report of {commune.name} does not validate: {result.check.errors}")
    return report


def _visibility(period: str, province: Any) -> dict[str, Any]:
    from pcmd.accounts.models import Membership, User
    from pcmd.accounts.roles import Role
    from pcmd.accounts.services import api_token_create
    from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
    from pcmd.reporting.demo import FORM_CODE
    from pcmd.reporting.models import Form
    from pcmd.reporting.services import reports as services

    form = Form.objects.get(code=FORM_CODE)
    admin = User.objects.get(username="bench.admin")
    _token, raw = api_token_create(actor=admin, name="benchmark")
    communes = list(
        AdministrativeUnit.objects.filter(
            valid_at(dt.date.today()), level=UnitLevel.COMMUNE, path__startswith=province.path
        ).order_by("path")[:SUBMISSIONS]
    )
    officer = User.objects.create_user(
        "bench.officer", "bench.officer@pcmd.local", secrets.token_urlsafe(16)
    )
    for commune in communes:
        Membership.objects.create(
            user=officer, unit=commune, role=Role.COMMUNE_OFFICER, valid_from=dt.date(2021, 1, 1)
        )

    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="pcmd_bench_server_") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pcmd.cli",
                    "runserver",
                    "--noreload",
                    "--skip-checks",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=sink,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        stop = threading.Event()
        watcher: threading.Thread | None = None
        try:
            api = _Api(f"http://127.0.0.1:{port}", raw)
            _wait_for_server(api, server, log)
            query = f"/api/analytics?indicator={INDICATOR}&period={period}&unit_id={province.pk}"
            started = time.perf_counter()
            api.get(query)  # the server's engine loads everything here
            cold_ms = _ms(time.perf_counter() - started)
            for _ in range(5):
                api.get(query)
            _log(f"server ready on port {port}; first analytics request {cold_ms} ms")

            # Someone keeps the province's dashboard open: the server checks for changes on
            # their requests too, so a submission can land anywhere in its freshness window.
            watcher_ms: list[float] = []

            def watch() -> None:
                while not stop.is_set():
                    began = time.perf_counter()
                    api.get(query)
                    watcher_ms.append((time.perf_counter() - began) * 1000)
                    stop.wait(0.02)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()

            samples = []
            for i, commune in enumerate(communes):
                media = 987_000 + i
                report = _prepared_report(officer, form, commune, period, media)
                before = api.get(query)[0]["numerator"]
                time.sleep(0.2 + 0.07 * i)  # a different phase of the window each time
                began = time.perf_counter()
                services.report_submit(actor=officer, report=report)
                submitted = time.perf_counter()
                polls, seen = 0, before
                while seen == before:
                    if time.perf_counter() - submitted > 30:
                        raise RuntimeError(f"{commune.name}'s submission not visible after 30 s")
                    seen = api.get(query)[0]["numerator"]
                    polls += 1
                visible = time.perf_counter() - submitted
                samples.append(
                    {
                        "commune": commune.name,
                        "submit_ms": _ms(submitted - began),
                        "visible_ms": _ms(visible),
                        "polls": polls,
                        "numerator_before": before,
                        "numerator_after": seen,
                        "added_up": seen == (before or 0) + media,
                    }
                )
                _log(
                    f"{commune.name}: visible {visible * 1000:.0f} ms after submit ({polls} polls)"
                )
            stop.set()
            watcher.join(10)
            peak_kb = _peak_kb(server.pid)
        finally:
            stop.set()
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    median = _median([s["visible_ms"] for s in samples])
    return {
        "province": province.name,
        "period": period,
        "indicator": INDICATOR,
        "server": "pcmd runserver --noreload (threaded)",
        "server_first_analytics_ms": cold_ms,
        "watcher_request_median_ms": _median(watcher_ms) if watcher_ms else None,
        "submissions": samples,
        "median_ms": median,
        "max_ms": max(s["visible_ms"] for s in samples),
        "target_ms": VISIBLE_MS,
        "met": median <= VISIBLE_MS and all(s["added_up"] for s in samples),
        "server_peak_kb": peak_kb,
    }


def worker(periods_limit: int | None) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from pcmd.geo.loader import load_units
    from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
    from pcmd.reporting.demo import demo_periods

    out: dict[str, Any] = {"vendor": connection.vendor, "debug": settings.DEBUG}
    started = time.perf_counter()
    units = load_units()
    out["units"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "created": units.units_created,
        "communes_pre_reform": AdministrativeUnit.objects.filter(
            valid_at(dt.date(2025, 6, 30)), level=UnitLevel.COMMUNE
        ).count(),
        "communes_current": AdministrativeUnit.objects.filter(
            valid_at(dt.date.today()), level=UnitLevel.COMMUNE
        ).count(),
    }
    _log(f"units loaded in {out['units']['seconds']} s")

    every = demo_periods()
    periods = every[:periods_limit] if periods_limit else every
    dashboard_period = every[-1].code  # the last ended half-year (whether loaded or not)
    running_period = every[-1].next().code  # the half-year under way: nobody reported yet
    province = AdministrativeUnit.objects.get(
        valid_at(dt.date.today()), level=UnitLevel.PROVINCE, name=PROVINCE
    )

    out["bulk_load"] = _bulk_load(periods)
    out["rollup"] = _rollup()
    out["dashboard"] = _pages(dashboard_period, province.pk)
    visibility = _visibility(running_period, province)
    server_kb = visibility.pop("server_peak_kb")
    out["submission_visibility"] = visibility
    worker_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    out["peak_memory"] = {
        "worker_mb": round(worker_kb / 1024, 1),
        "server_mb": round(server_kb / 1024, 1),
        "target_mb": PEAK_MB,
        "met": max(worker_kb, server_kb) / 1024 <= PEAK_MB,
    }
    pages = out["dashboard"]
    out["targets_met"] = {
        "bulk_load": out["bulk_load"]["met"],
        "rollup": out["rollup"]["met"],
        "dashboard_national": pages["national"]["met"],
        "dashboard_province": pages["province"]["met"],
        "dashboard_completeness": pages["completeness"]["met"],
        "submission_visibility": visibility["met"],
        "peak_memory": out["peak_memory"]["met"],
    }
    return out


# --- orchestration --------------------------------------------------------------------------


def _run_worker(env: dict[str, str], periods: int | None) -> dict[str, Any]:
    """The worker with its progress relayed to stderr; its stdout is the JSON result."""
    command = [sys.executable, __file__, "--worker"]
    if periods:
        command += ["--periods", str(periods)]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    tail: collections.deque[str] = collections.deque(maxlen=40)

    def relay() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            sys.stderr.write(line)
            tail.append(line)

    relay_thread = threading.Thread(target=relay, daemon=True)
    relay_thread.start()
    timer = threading.Timer(WORKER_TIMEOUT, proc.kill)
    timer.start()
    try:
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        code = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        relay_thread.join(5)
    if code != 0:
        raise RuntimeError(f"worker exited with {code}: {''.join(tail)[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def _run_backend(name: str, url: str, data_dir: str, periods: int | None) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PCMD_DATA_DIR": data_dir,
        "BENCH_BACKEND": name,
    }
    # --skip-checks: the benchmark needs the schema, not a clean bill of system checks.
    subprocess.run(
        [sys.executable, "-m", "pcmd.cli", "migrate", "--skip-checks", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = _run_worker(env, periods)
    result["worker_seconds"] = round(time.perf_counter() - started, 1)
    # Other work on the machine skews every figure: the 1-minute load average around the run.
    result["load_average"] = {
        "before": round(load_before, 2),
        "after": round(os.getloadavg()[0], 2),
    }
    return result


def _sqlite(data_dir: str, periods: int | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pcmd_bench_") as tmp:
        return _run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", data_dir, periods)


def _postgresql(data_dir: str, periods: int | None) -> dict[str, Any]:
    import psycopg

    name = f"pcmd_bench_{secrets.token_hex(4)}"
    admin_url = PG_URL.rstrip("/") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        result = _run_backend("postgresql", PG_URL.rstrip("/") + f"/{name}", data_dir, periods)
        with psycopg.connect(admin_url, autocommit=True) as con:
            row = con.execute("SHOW server_version").fetchone()
        result["server_version"] = row[0] if row else None
        return result
    finally:
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _machine() -> dict[str, Any]:
    import numpy

    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
    }


def _summary(backends: dict[str, Any]) -> dict[str, Any]:
    loads = [b["bulk_load"] for b in backends.values() if "bulk_load" in b]
    values = sum(b["values"] for b in loads)
    seconds = sum(b["seconds"] for b in loads)
    rate = round(values / seconds) if seconds else 0
    missed = [
        f"{name}.{target}"
        for name, b in backends.items()
        for target, met in b.get("targets_met", {"run": False}).items()
        if not met
    ]
    return {
        "bulk_load_values": values,
        "bulk_load_seconds": round(seconds, 2),
        "bulk_load_values_per_second": rate,
        "target_values_per_second": BULK_VALUES_PER_SECOND,
        "met": rate >= BULK_VALUES_PER_SECOND,
        "missed": missed,
    }


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so temporary databases are still dropped."""

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--periods", type=int, default=None, help="load only the first N periods")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _stop_on_sigterm()
    if args.worker:
        result = worker(args.periods)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    runners: dict[str, Callable[[str, int | None], dict[str, Any]]] = {
        "sqlite": _sqlite,
        "postgresql": _postgresql,
    }
    chosen = list(runners) if args.backend == "both" else [args.backend]
    report: dict[str, Any] = {"benchmark": "rollup", "machine": _machine(), "backends": {}}
    if args.periods:
        report["periods"] = args.periods
    with tempfile.TemporaryDirectory(prefix="pcmd_bench_data_") as data_dir:
        # DEBUG off serves hashed static names: collect them once, as a deployment does.
        subprocess.run(
            [sys.executable, "-m", "pcmd.cli", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, "PCMD_DATA_DIR": data_dir},
            check=True,
            capture_output=True,
        )
        for backend in chosen:
            try:
                report["backends"][backend] = runners[backend](data_dir, args.periods)
            except Exception as exc:  # report the failure of one backend, still run the other
                detail = getattr(exc, "stderr", None) or str(exc)
                report["backends"][backend] = {
                    "error": f"{type(exc).__name__}: {str(detail).strip()[-3000:]}"
                }
    report["summary"] = _summary(report["backends"])
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if all("error" not in b for b in report["backends"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
