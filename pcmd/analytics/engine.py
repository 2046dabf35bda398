"""The live roll-up engine: data element totals and indicators for any unit and period.

Each process keeps the counted values of every report in numpy arrays (loaded once from
`ReportVersion.packed`) and follows `ReportEvent` to pick up submissions, approvals and
returns before answering, so a submitted value counts at once, with no nightly job.

Totals are built per period as a matrix [unit, value key] by adding each report's values
to its unit and to every ancestor. Two hierarchies are kept:
- "as it stood": a pre-reform commune adds to its old district and old province;
- "current": a pre-reform unit adds to the current unit that took it over (for a divided
  commune, the default successor takes all of it; see docs/reporting.md), so a current
  province shows trends across the 2025 reform.
A query uses the first when the unit existed in the period, else the second.
"""

import datetime as dt
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from pcmd.geo.models import AdministrativeUnit, UnitLevel
from pcmd.reporting.models import (
    Aggregation,
    DataElement,
    Indicator,
    IndicatorKind,
    Report,
    ReportEvent,
    ValueKey,
)
from pcmd.reporting.periods import Period, PeriodType, parse_period, sub_periods
from pcmd.reporting.values import PACK_DTYPE, parse_expression

LEVELS = 3  # province, district, commune: the columns of the ancestor matrices
# Transactions can commit out of event-id order; events this recent are re-read.
REREAD_WINDOW = dt.timedelta(seconds=30)
FRESH_FOR = 0.1  # seconds: well inside "visible within 200 ms" of another process's change
OWN, CURRENT = 0, 1
_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_L = np.zeros(0, dtype=np.int64)
PACK_DTYPE_SIZE = np.dtype(PACK_DTYPE).itemsize
_EMPTY_F = np.zeros(0, dtype=np.float64)


@dataclass
class Cube:
    """Totals of one period in one hierarchy: rows are units (+1 for the whole country)."""

    sums: np.ndarray  # float64 [units + 1, keys]
    counts: np.ndarray  # int32 [units + 1, keys]: how many reports gave a value


@dataclass
class Facts:
    """The counted values of one period, one entry per value."""

    report: np.ndarray  # int64 report id
    unit: np.ndarray  # int32 unit position
    key: np.ndarray  # int32 key position
    value: np.ndarray  # float64


@dataclass(frozen=True)
class IndicatorValue:
    value: float | None
    numerator: float | None
    denominator: float | None


class Engine:
    """One per process (`engine()`); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._loaded = False
        self._epoch = 0
        self._max_event = 0
        self._checked_at = timezone.now()
        self._checked_mono = 0.0
        self.load_seconds = 0.0

    # --- loading and freshness -------------------------------------------------------

    def refresh(self, max_age: float = FRESH_FOR) -> None:
        """Catch up with reports changed since the last check (or load everything).

        Checks made less than `max_age` seconds ago are trusted, so one page asking for
        thirty figures costs one check, while a change made elsewhere shows within it.
        """
        with self._lock:
            if self._loaded and time.monotonic() - self._checked_mono < max_age:
                return
            self._checked_mono = time.monotonic()
            if not self._loaded or self._epoch_changed():
                self._load_all()
                return
            since = self._checked_at - REREAD_WINDOW
            changed = set(
                ReportEvent.objects.filter(Q(pk__gt=self._max_event) | Q(at__gte=since))
                .values_list("report_id", flat=True)
                .distinct()
            )
            self._checked_at = timezone.now()
            if changed:
                self._max_event = max(
                    self._max_event, ReportEvent.objects.aggregate(m=Max("pk"))["m"] or 0
                )
                self._reload_reports(changed)

    def invalidate(self) -> None:
        with self._lock:
            self._loaded = False

    def changed(self) -> None:
        """Called after a change commits in this process: the next read checks at once."""
        self._checked_mono = 0.0

    def _epoch_changed(self) -> bool:
        from pcmd.analytics.models import DataEpoch

        epoch = DataEpoch.objects.aggregate(m=Max("pk"))["m"] or 0
        return epoch != self._epoch

    def _load_all(self) -> None:
        from pcmd.analytics.models import DataEpoch

        started = time.perf_counter()
        self._epoch = DataEpoch.objects.aggregate(m=Max("pk"))["m"] or 0
        self._max_event = ReportEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        self._checked_at = timezone.now()
        self._load_units()
        self._load_keys()
        self._facts: dict[str, Facts] = {}
        self._cubes: dict[tuple[str, int], Cube] = {}
        self._vectors: dict[tuple[str, str, int], np.ndarray] = {}
        # One row per counted report (for completeness); removed reports get unit -1.
        self._meta_row: dict[int, int] = {}
        self._meta = {name: np.zeros(0, dtype=np.int32) for name in ("unit", "form", "on_time")}
        self._meta_period: list[str] = []
        self._add_reports(Report.objects.filter(effective_version__isnull=False))
        self._loaded = True
        self.load_seconds = time.perf_counter() - started

    def _add_reports(self, queryset: Any) -> set[str]:
        """Read reports' counted values into the period facts; returns the periods touched."""
        # Raw rows: the ORM's per-value converters would cost seconds on a national load.
        sql, params = queryset.values_list(
            "pk", "unit_id", "period", "form_id", "on_time", "effective_version__packed"
        ).query.sql_with_params()
        rows: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(10000):
                rows += chunk
        if not rows:
            return set()
        pks_t, unit_ids, periods_t, forms_t, on_time_t, packed = zip(*rows, strict=True)
        pks, periods, forms = list(pks_t), list(periods_t), list(forms_t)
        units = [self._unit_pos.get(u, -1) for u in unit_ids]
        blobs = [bytes(b or b"") for b in packed]
        on_times = [bool(x) for x in on_time_t]
        base = len(self._meta_period)
        for i, pk in enumerate(pks):
            self._meta_row[pk] = base + i
        self._meta_period += periods
        for name, column in (("unit", units), ("form", forms), ("on_time", on_times)):
            self._meta[name] = np.concatenate([self._meta[name], np.array(column, dtype=np.int32)])
        records = np.frombuffer(b"".join(blobs), dtype=PACK_DTYPE)
        if len(records) and records["key"].max() >= len(self._key_pos):
            self._load_keys()  # keys created after the engine loaded
        counts = np.array([len(b) // PACK_DTYPE_SIZE for b in blobs])
        report = np.repeat(np.array(pks, dtype=np.int64), counts)
        unit = np.repeat(np.array(units, dtype=np.int32), counts)
        key = self._key_pos[records["key"]]
        value = records["value"].astype(np.float64)
        period_codes = sorted(set(periods))
        period_index = {code: i for i, code in enumerate(period_codes)}
        period_of_value = np.repeat(np.array([period_index[p] for p in periods]), counts)
        for i, code in enumerate(period_codes):
            chosen = period_of_value == i
            chosen &= (unit >= 0) & (key >= 0)
            old = self._facts.get(code) or Facts(_EMPTY_L, _EMPTY_I, _EMPTY_I, _EMPTY_F)
            self._facts[code] = Facts(
                np.concatenate([old.report, report[chosen]]),
                np.concatenate([old.unit, unit[chosen]]),
                np.concatenate([old.key, key[chosen].astype(np.int32)]),
                np.concatenate([old.value, value[chosen]]),
            )
        return set(period_codes)

    def _reload_reports(self, report_ids: Iterable[int]) -> None:
        ids = list(report_ids)
        touched: set[str] = set()
        for pk in ids:
            row = self._meta_row.pop(pk, None)
            if row is not None:
                self._meta["unit"][row] = -1
                touched.add(self._meta_period[row])
        for code in touched:
            facts = self._facts[code]
            keep = ~np.isin(facts.report, ids)
            self._facts[code] = Facts(
                facts.report[keep], facts.unit[keep], facts.key[keep], facts.value[keep]
            )
        touched |= self._add_reports(
            Report.objects.filter(pk__in=ids, effective_version__isnull=False)
        )
        self._cubes = {k: v for k, v in self._cubes.items() if not _overlaps(k[0], touched)}
        self._vectors = {k: v for k, v in self._vectors.items() if not _overlaps(k[1], touched)}

    def _load_units(self) -> None:
        from pcmd.geo.selectors import units_successor_map

        units = list(
            AdministrativeUnit.objects.filter(level__lte=UnitLevel.COMMUNE).values_list(
                "pk", "level", "path", "valid_from", "valid_to", "parent_id"
            )
        )
        n = len(units)
        self.unit_ids = np.array([u[0] for u in units], dtype=np.int64)
        self._unit_pos = {u[0]: i for i, u in enumerate(units)}
        self.unit_level = np.array([u[1] for u in units], dtype=np.int8)
        lo, hi = dt.date.min.toordinal(), dt.date.max.toordinal()
        self.unit_from = np.array([u[3].toordinal() if u[3] else lo for u in units])
        self.unit_to = np.array([u[4].toordinal() if u[4] else hi for u in units])
        self.unit_parent = np.array(
            [self._unit_pos.get(u[5], -1) if u[5] else -1 for u in units], dtype=np.int32
        )
        own = np.full((n, LEVELS), -1, dtype=np.int32)
        for i, (_pk, _level, path, *_rest) in enumerate(units):
            for part in path.strip("/").split("/"):
                j = self._unit_pos.get(int(part))
                if j is not None:
                    own[i, self.unit_level[j] - 1] = j
        today = dt.date.today().toordinal()
        ended = [int(self.unit_ids[i]) for i in range(n) if self.unit_to[i] < today]
        current = own.copy()
        for origin, successors in units_successor_map(ended).items():
            default = next((s for s, is_default in successors if is_default), None)
            pos = self._unit_pos.get(default) if default is not None else None
            current[self._unit_pos[origin]] = own[pos] if pos is not None else -1
        self._anc = (own, current)

    def _load_keys(self) -> None:
        # Ordered by id: keys created later go to the end, so known positions never move.
        keys = list(ValueKey.objects.order_by("pk").values_list("pk", "element__code", "combo"))
        top = max((k[0] for k in keys), default=0)
        self._key_pos = np.full(top + 1, -1, dtype=np.int32)
        for i, (pk, _code, _combo) in enumerate(keys):
            self._key_pos[pk] = i
        self.key_names = [f"{code}.{combo}" if combo else code for _pk, code, combo in keys]
        self._element_keys: dict[str, list[int]] = {}
        self._key_index = {name: i for i, name in enumerate(self.key_names)}
        for i, (_pk, code, _combo) in enumerate(keys):
            self._element_keys.setdefault(code, []).append(i)
        aggregation = dict(DataElement.objects.values_list("code", "aggregation"))
        self._key_aggregation = [aggregation.get(code, Aggregation.SUM) for _pk, code, _c in keys]
        # Totals are sized by the number of keys: rebuild them; facts keep their positions.
        self._cubes = {}
        self._vectors = {}

    # --- totals ----------------------------------------------------------------------

    def _period_facts(self, period: str) -> Facts:
        return self._facts.get(period) or Facts(_EMPTY_L, _EMPTY_I, _EMPTY_I, _EMPTY_F)

    def cube(self, period: str, hierarchy: int) -> Cube:
        """Totals for every unit of the period, in one hierarchy."""
        key = (period, hierarchy)
        cached = self._cubes.get(key)
        if cached is not None:
            return cached
        parsed = parse_period(period)
        direct = self._direct_cube(period, hierarchy)
        finer = self._finer_periods(parsed)
        if finer:
            derived = self._combine([self.cube(p.code, hierarchy) for p in finer])
            has = direct.counts > 0
            cube = Cube(
                sums=np.where(has, direct.sums, derived.sums),
                counts=np.where(has, direct.counts, derived.counts),
            )
        else:
            cube = direct
        self._cubes[key] = cube
        return cube

    def _finer_periods(self, period: Period) -> list[Period]:
        """The reported periods inside this one (six-monthly reports make up a year)."""
        present = {code for code, facts in self._facts.items() if len(facts.report)}
        finer_types = [PeriodType.SIX_MONTHLY, PeriodType.QUARTERLY, PeriodType.MONTHLY]
        for kind in finer_types:
            if kind == period.type or period.type == PeriodType.AD_HOC:
                break
            try:
                subs = sub_periods(period, kind)
            except ValueError:
                continue
            if any(p.code in present for p in subs):
                return subs
        return []

    def _direct_cube(self, period: str, hierarchy: int) -> Cube:
        n_units, n_keys = len(self.unit_ids) + 1, len(self.key_names)
        facts = self._period_facts(period)
        size = n_units * n_keys
        sums = np.zeros(size, dtype=np.float64)
        counts = np.zeros(size, dtype=np.int64)
        if len(facts.unit):
            anc = self._anc[hierarchy][facts.unit]
            targets = [anc[:, c] for c in range(LEVELS)]
            targets.append(np.full(len(facts.unit), n_units - 1, dtype=np.int32))
            for target in targets:
                mask = target >= 0
                index = target[mask].astype(np.int64) * n_keys + facts.key[mask]
                sums += np.bincount(index, weights=facts.value[mask], minlength=size)
                counts += np.bincount(index, minlength=size)
            maxed = [i for i, a in enumerate(self._key_aggregation) if a == Aggregation.MAX]
            if maxed:
                self._apply_max(sums, facts, anc, maxed, n_units, n_keys)
        return Cube(sums.reshape(n_units, n_keys), counts.reshape(n_units, n_keys).astype(np.int32))

    def _apply_max(
        self,
        sums: np.ndarray,
        facts: Facts,
        anc: np.ndarray,
        keys: list[int],
        n_units: int,
        n_keys: int,
    ) -> None:
        is_max = np.isin(facts.key, keys)
        flat = sums.reshape(n_units, n_keys)
        flat[:, keys] = 0.0
        for c in range(LEVELS + 1):
            target = anc[:, c] if c < LEVELS else np.full(len(facts.unit), n_units - 1)
            mask = is_max & (target >= 0)
            np.maximum.at(flat, (target[mask], facts.key[mask]), facts.value[mask])

    def _combine(self, cubes: list[Cube]) -> Cube:
        """A longer period from its parts, each value key by its element's aggregation."""
        agg = np.array(self._key_aggregation)
        sums = np.zeros_like(cubes[0].sums)
        counts = np.zeros_like(cubes[0].counts)
        last = np.zeros_like(cubes[0].sums)
        maxima = np.zeros_like(cubes[0].sums)
        for cube in cubes:
            sums += cube.sums
            counts += cube.counts
            last = np.where(cube.counts > 0, cube.sums, last)
            maxima = np.maximum(maxima, cube.sums)
        # Averages keep sums and counts of all parts, so sums / counts is the mean.
        total = sums
        total[:, agg == Aggregation.LAST] = last[:, agg == Aggregation.LAST]
        total[:, agg == Aggregation.MAX] = maxima[:, agg == Aggregation.MAX]
        return Cube(total, counts)

    def _values(self, cube: Cube) -> np.ndarray:
        """What each row's key stands for: the total, or for averaged keys the mean."""
        average = np.array(self._key_aggregation) == Aggregation.AVERAGE
        if not average.any():
            return cube.sums
        out = cube.sums.copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, average] = np.where(
                cube.counts[:, average] > 0, cube.sums[:, average] / cube.counts[:, average], 0
            )
        return out

    # --- units -----------------------------------------------------------------------

    def position(self, unit_id: int | None) -> int:
        """Row of a unit in the cubes; None is the whole country."""
        if unit_id is None:
            return len(self.unit_ids)
        return self._unit_pos[unit_id]

    def hierarchy_for(self, unit_id: int | None, period: Period) -> int | None:
        """Which hierarchy answers for this unit in this period (None: the unit has no data)."""
        if unit_id is None:
            return OWN  # the country's total is the same in both
        i = self._unit_pos[unit_id]
        if (
            self.unit_from[i] <= period.end.toordinal()
            and self.unit_to[i] >= period.start.toordinal()
        ):
            return OWN
        if self.unit_to[i] >= dt.date.today().toordinal():
            return CURRENT
        return None

    def units_of_level(self, level: int, period: Period) -> np.ndarray:
        """Positions of the units of a level that existed at the end of the period."""
        end = period.end.toordinal()
        return np.nonzero(
            (self.unit_level == level) & (self.unit_from <= end) & (self.unit_to >= end)
        )[0]

    def _population(
        self, level: int, period: Period, hierarchy: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Units of `level` in the period and, per cube row, how many lie below it."""
        members = self.units_of_level(level, period)
        return members, self._count_up(members, np.ones(len(members)), hierarchy)

    def _count_up(self, members: np.ndarray, weights: np.ndarray, hierarchy: int) -> np.ndarray:
        n_units = len(self.unit_ids) + 1
        anc = self._anc[hierarchy][members]
        out = np.zeros(n_units)
        for c in range(LEVELS):
            mask = anc[:, c] >= 0
            out += np.bincount(anc[mask, c], weights=weights[mask], minlength=n_units)
        out[-1] = weights.sum() if hierarchy == OWN else weights[(anc >= 0).any(axis=1)].sum()
        return out

    # --- indicators --------------------------------------------------------------------

    def _terms(self, cube: Cube, expression: str, period: Period) -> np.ndarray | None:
        """An expression's value for every row; NaN where none of its terms has a value."""
        if not expression:
            return None
        total = np.zeros(cube.sums.shape[0])
        seen = np.zeros(cube.sums.shape[0], dtype=bool)
        for term in parse_expression(expression):
            if term.ref == "@months":
                total += term.sign * period.months()
                seen[:] = True
                continue
            keys = (
                [self._key_index[term.ref]]
                if term.ref in self._key_index
                else []
                if "." in term.ref
                else self._element_keys.get(term.ref, [])
            )
            if keys:
                total += term.sign * self._values(cube)[:, keys].sum(axis=1)
                seen |= (cube.counts[:, keys] > 0).any(axis=1)
        return np.where(seen, total, np.nan)

    def indicator_vector(self, indicator: Indicator, period: Period, hierarchy: int) -> np.ndarray:
        """Numerator, denominator and value of the indicator for every row: shape [3, rows]."""
        rows = len(self.unit_ids) + 1
        factor = float(indicator.factor)
        if indicator.kind == IndicatorKind.FORMULA:
            cube = self.cube(period.code, hierarchy)
            num = self._terms(cube, indicator.numerator, period)
            den = self._terms(cube, indicator.denominator, period)
            if num is None:
                num = np.full(rows, np.nan)
            if den is None:
                return np.stack([num, np.full(rows, np.nan), num * factor])
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(den > 0, num / den * factor, np.nan)
            return np.stack([num, den, value])
        if indicator.kind == IndicatorKind.UNIT_SHARE and indicator.condition_element_id:
            level = indicator.condition_level or UnitLevel.COMMUNE
            members, population = self._population(level, period, hierarchy)
            own = self.cube(period.code, OWN)
            element = indicator.condition_element.code if indicator.condition_element else ""
            keys = self._element_keys.get(element, [])
            if keys:
                values = own.sums[members][:, keys].sum(axis=1)
                reported = (own.counts[members][:, keys] > 0).any(axis=1)
            else:
                values, reported = np.zeros(len(members)), np.zeros(len(members), dtype=bool)
            threshold = float(indicator.condition_value or 0)
            meets = reported & _compare(values, indicator.condition_op or ">=", threshold)
            num = self._count_up(members, meets.astype(float), hierarchy)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(population > 0, num / population * factor, np.nan)
            return np.stack([num, population, value])
        # Registry indicators are counted from the registries (their own issues).
        nan = np.full(rows, np.nan)
        return np.stack([nan, nan, nan])

    def values(
        self, indicator: Indicator, period: Period, unit_ids: list[int | None]
    ) -> list[IndicatorValue]:
        """The indicator for each unit (None = the country), from fresh data."""
        self.refresh()
        with self._lock:
            out = []
            for unit_id in unit_ids:
                hierarchy = self.hierarchy_for(unit_id, period)
                if hierarchy is None:
                    out.append(IndicatorValue(None, None, None))
                    continue
                key = (indicator.code, period.code, hierarchy)
                vec = self._vectors.get(key)
                if vec is None:
                    vec = self._vectors[key] = self.indicator_vector(indicator, period, hierarchy)
                num, den, value = (
                    None if np.isnan(x) else float(x) for x in vec[:, self.position(unit_id)]
                )
                out.append(IndicatorValue(value=value, numerator=num, denominator=den))
            return out

    def indicator(
        self, indicator: Indicator, unit_id: int | None, period: Period
    ) -> IndicatorValue:
        return self.values(indicator, period, [unit_id])[0]

    def totals(self, unit_id: int | None, period: Period) -> dict[str, float]:
        """Every value key's total for the unit (keys without any value left out)."""
        self.refresh()
        with self._lock:
            hierarchy = self.hierarchy_for(unit_id, period)
            if hierarchy is None:
                return {}
            cube = self.cube(period.code, hierarchy)
            row = self.position(unit_id)
            values = self._values(cube)
            return {
                name: float(values[row, i])
                for i, name in enumerate(self.key_names)
                if cube.counts[row, i] > 0
            }

    def element_total(self, code: str, unit_id: int | None, period: Period) -> float | None:
        totals = self.totals(unit_id, period)
        present = [v for k, v in totals.items() if k == code or k.startswith(code + ".")]
        return sum(present) if present else None

    # --- completeness ------------------------------------------------------------------

    def completeness(
        self, form_id: int, level: int, period: Period, rows: list[int | None]
    ) -> list[dict[str, int]]:
        """Expected, received, on time, late and missing reports below each given unit."""
        self.refresh()
        with self._lock:
            # One hierarchy for the whole table: the one that answers for its first row.
            hierarchy = self.hierarchy_for(rows[0] if rows else None, period)
            if hierarchy is None:
                return [
                    dict.fromkeys(("expected", "received", "on_time", "late", "missing"), 0)
                    for _ in rows
                ]
            members, expected = self._population(level, period, hierarchy)
            received = np.zeros(len(self.unit_ids), dtype=float)
            on_time = np.zeros(len(self.unit_ids), dtype=float)
            rows_of = np.array(
                [i for i, code in enumerate(self._meta_period) if code == period.code],
                dtype=np.int64,
            )
            if len(rows_of):
                mine = rows_of[
                    (self._meta["form"][rows_of] == form_id) & (self._meta["unit"][rows_of] >= 0)
                ]
                received[self._meta["unit"][mine]] = 1.0
                on_time[self._meta["unit"][mine]] = self._meta["on_time"][mine]
            got = self._count_up(members, received[members], hierarchy)
            timely = self._count_up(members, on_time[members], hierarchy)
            out = []
            for unit_id in rows:
                pos = self.position(unit_id)
                e, g, t = int(expected[pos]), int(got[pos]), int(timely[pos])
                out.append(
                    {
                        "expected": e,
                        "received": g,
                        "on_time": t,
                        "late": g - t,
                        "missing": max(e - g, 0),
                    }
                )
            return out


def _compare(values: np.ndarray, op: str, threshold: float) -> np.ndarray:
    """Elementwise `values op threshold` (the condition of a unit-share indicator)."""
    eps = 1e-9
    match op:
        case ">=":
            return values >= threshold - eps
        case ">":
            return values > threshold + eps
        case "<=":
            return values <= threshold + eps
        case "<":
            return values < threshold - eps
        case _:
            return np.abs(values - threshold) <= eps


def _overlaps(code: str, periods: set[str]) -> bool:
    """True when the cached period is one of these or contains one of them."""
    if code in periods:
        return True
    outer = parse_period(code)
    return any(outer.start <= parse_period(p).start <= outer.end for p in periods)


_ENGINE = Engine()


def engine() -> Engine:
    """The process's engine (fresh on every call through `refresh`)."""
    return _ENGINE
