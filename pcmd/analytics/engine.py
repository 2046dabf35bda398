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
import functools
import itertools
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Max, Q
from django.utils import timezone

from pcmd.analytics import sources
from pcmd.geo.models import REFORM_DATE, AdministrativeUnit, UnitLevel
from pcmd.reporting.models import (
    Aggregation,
    DataElement,
    Indicator,
    IndicatorKind,
    Report,
    ReportEvent,
    ReportVersion,
    ValueKey,
)
from pcmd.reporting.periods import Period, PeriodType, parse_period, sub_periods
from pcmd.reporting.values import PACK_DTYPE, Term, parse_expression

LEVELS = 3  # province, district, commune: the columns of the ancestor matrices
# Transactions can commit out of event-id order; events this recent are re-read.
REREAD_WINDOW = dt.timedelta(seconds=30)
MAX_CUBES = 32  # cached period totals (≈ 13 MB each at national scale)
MAX_VECTORS = 500  # cached indicator results (≈ 0.35 MB each)
FRESH_FOR = 0.1  # seconds: well inside "visible within 200 ms" of another process's change
OWN, CURRENT = 0, 1
_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_L = np.zeros(0, dtype=np.int64)
PACK_DTYPE_SIZE = np.dtype(PACK_DTYPE).itemsize
_EMPTY_F = np.zeros(0, dtype=np.float64)
_ONE = np.int32(1)


@dataclass
class Cube:
    """Totals of one period in one hierarchy: rows are units (+1 for the whole country)."""

    sums: np.ndarray  # float64 [units + 1, keys]
    counts: np.ndarray  # int32 [units + 1, keys]: how many reports gave a value
    # Per data element (all its cells together), filled on first use.
    elements: np.ndarray | None = None  # float64 [units + 1, elements]
    element_seen: np.ndarray | None = None  # bool [units + 1, elements]


@dataclass(frozen=True)
class _Step:
    """One level of a bottom-up aggregation: rows grouped by the parent they add into."""

    rows: np.ndarray  # child rows, sorted by parent
    starts: np.ndarray  # where each parent's group begins in `rows`
    parents: np.ndarray  # the parent of each group


def _step(rows: np.ndarray, parents: np.ndarray) -> _Step:
    keep = parents >= 0
    rows, parents = rows[keep], parents[keep]
    order = np.argsort(parents, kind="stable")
    rows, parents = rows[order], parents[order]
    starts = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]]) if len(rows) else rows
    return _Step(rows, starts, parents[starts] if len(rows) else parents)


def _parent_of(step: _Step, rows: int) -> np.ndarray:
    parent = np.full(rows, -1, dtype=np.int64)
    sizes = np.diff(np.r_[step.starts, len(step.rows)]) if len(step.rows) else step.rows
    parent[step.rows] = np.repeat(step.parents, sizes)
    return parent


@dataclass
class Facts:
    """The counted values of one period, one entry per value."""

    report: np.ndarray  # int64 report id
    unit: np.ndarray  # int32 unit position
    key: np.ndarray  # int32 key position
    value: np.ndarray  # float64

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.report, self.unit, self.key, self.value


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
        self._seen_events: dict[int, dt.datetime] = {}
        self.load_seconds = 0.0
        self._registry_memo: dict[tuple[str, dt.date, dt.date], dict[int, float]] | None = None

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
            now = timezone.now()
            events = ReportEvent.objects.filter(
                Q(pk__gt=self._max_event) | Q(at__gte=since)
            ).values_list("pk", "report_id", "at")
            changed = set()
            for pk, report_id, at in events:
                if pk not in self._seen_events:
                    self._seen_events[pk] = at
                    changed.add(report_id)
                    self._max_event = max(self._max_event, pk)
            # Events older than the window will not be read again: forget them.
            self._seen_events = {k: v for k, v in self._seen_events.items() if v >= since}
            self._checked_at = now
            if changed:
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
        # One row per counted report (for completeness), reused when the report changes;
        # a report that stops counting keeps its row with unit -1.
        self._meta_row: dict[int, int] = {}
        self._meta = {
            name: np.zeros(0, dtype=np.int32) for name in ("unit", "form", "on_time", "period")
        }
        self._period_index: dict[str, int] = {}
        self._populations: dict[tuple[int, str, int], tuple[np.ndarray, np.ndarray]] = {}
        # By id of a population's members (kept alive here, so the id stays theirs).
        self._spreads: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]] = {}
        # Recent events are already in what is loaded below (a later commit of an older id
        # will still show up as unseen).
        self._seen_events = dict(
            ReportEvent.objects.filter(at__gte=self._checked_at - REREAD_WINDOW).values_list(
                "pk", "at"
            )
        )
        self._add_reports()
        self._loaded = True
        self.load_seconds = time.perf_counter() - started

    def _add_reports(self, report_ids: list[int] | None = None) -> set[str]:
        """Read reports' counted values into the period facts (all reports, or these);
        returns the periods touched."""
        parts = _counted_reports(report_ids)
        if not parts:
            return set()
        for part in parts:
            self._period_index.setdefault(part.period, len(self._period_index))
        index = self._period_index
        pks = np.concatenate([part.report for part in parts])
        units = self._unit_rows(np.concatenate([part.unit for part in parts]))
        columns = {
            "unit": units,
            "form": np.concatenate([part.form for part in parts]).astype(np.int32),
            "on_time": np.concatenate([part.on_time for part in parts]).astype(np.int32),
            "period": np.repeat(
                np.array([index[part.period] for part in parts], dtype=np.int32),
                [len(part.report) for part in parts],
            ),
        }
        pk_list = pks.tolist()
        if self._meta_row:
            meta_rows = np.array([self._meta_row.get(pk, -1) for pk in pk_list], dtype=np.int64)
        else:
            meta_rows = np.full(len(pk_list), -1, dtype=np.int64)
        fresh = np.flatnonzero(meta_rows < 0)
        meta_rows[fresh] = len(self._meta["unit"]) + np.arange(len(fresh))
        for name, column in columns.items():
            grown = np.concatenate([self._meta[name], np.zeros(len(fresh), dtype=np.int32)])
            grown[meta_rows] = column
            self._meta[name] = grown
        self._meta_row.update(zip(pk_list, meta_rows.tolist(), strict=True))

        if max((int(part.key.max()) for part in parts if len(part.key)), default=-1) >= len(
            self._key_pos
        ):
            self._load_keys()  # keys created after the engine loaded
        by_period: dict[str, list[Facts]] = {}
        start = 0
        for part in parts:
            rows = units[start : start + len(part.report)]
            start += len(part.report)
            by_period.setdefault(part.period, []).append(
                Facts(
                    np.repeat(part.report, part.count),
                    np.repeat(rows, part.count),
                    self._key_pos[part.key],
                    part.value,
                )
            )
        for code, new in by_period.items():
            old = self._facts.get(code)
            if old is not None and len(old.report):
                new.insert(0, old)
            facts = Facts(
                np.concatenate([f.report for f in new]),
                np.concatenate([f.unit for f in new]),
                np.concatenate([f.key for f in new]),
                np.concatenate([f.value for f in new]),
            )
            valid = (facts.unit >= 0) & (facts.key >= 0)
            if not valid.all():
                facts = Facts(*(column[valid] for column in facts.columns()))
            self._facts[code] = facts
        return set(by_period)

    def _unit_rows(self, unit_ids: np.ndarray) -> np.ndarray:
        """Positions of these unit ids (-1 for units not loaded, e.g. villages)."""
        at = np.searchsorted(self._sorted_unit_ids, unit_ids)
        at = np.minimum(at, len(self._sorted_unit_ids) - 1)
        if not len(at):
            return at.astype(np.int32)
        found = self._sorted_unit_ids[at] == unit_ids
        return np.where(found, self._sorted_unit_rows[at], -1).astype(np.int32)

    def _reload_reports(self, report_ids: Iterable[int]) -> None:
        ids = list(report_ids)
        touched: set[str] = set()
        codes = list(self._period_index)
        for pk in ids:
            row = self._meta_row.get(pk)
            if row is not None and self._meta["unit"][row] >= 0:
                self._meta["unit"][row] = -1
                touched.add(codes[self._meta["period"][row]])
        for code in touched:
            facts = self._facts[code]
            keep = ~np.isin(facts.report, ids)
            self._facts[code] = Facts(
                facts.report[keep], facts.unit[keep], facts.key[keep], facts.value[keep]
            )
        touched |= self._add_reports(ids)
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
        # For turning many unit ids into positions at once.
        self._sorted_unit_rows = np.argsort(self.unit_ids, kind="stable").astype(np.int32)
        self._sorted_unit_ids = self.unit_ids[self._sorted_unit_rows]
        self.unit_level = np.array([u[1] for u in units], dtype=np.int8)
        lo, hi = dt.date.min.toordinal(), dt.date.max.toordinal()
        self.unit_from = np.array([u[3].toordinal() if u[3] else lo for u in units])
        self.unit_to = np.array([u[4].toordinal() if u[4] else hi for u in units])
        self.unit_parent = np.array(
            [self._unit_pos.get(u[5], -1) if u[5] else -1 for u in units], dtype=np.int32
        )
        # Plain lists first, one array at the end: element-wise numpy writes are slow.
        levels_of = [u[1] for u in units]
        ancestors = []
        for _pk, _level, path, *_rest in units:
            row = [-1] * LEVELS
            for part in path.strip("/").split("/"):
                j = self._unit_pos.get(int(part))
                if j is not None:
                    row[levels_of[j] - 1] = j
            ancestors.append(row)
        own = np.array(ancestors, dtype=np.int32).reshape(n, LEVELS)
        today = dt.date.today().toordinal()
        ended = self.unit_ids[self.unit_to < today].tolist()
        current = own.copy()
        successor = np.full(n, -1, dtype=np.int64)
        for origin, successors in units_successor_map(ended).items():
            default = next((s for s, is_default in successors if is_default), None)
            pos = self._unit_pos.get(default) if default is not None else None
            current[self._unit_pos[origin]] = own[pos] if pos is not None else -1
            if pos is not None:
                successor[self._unit_pos[origin]] = pos
        self._anc = (own, current)
        # The parent each row adds into: its nearest ancestor; provinces add into the country.
        parent = np.full(n, n, dtype=np.int64)
        for level in (UnitLevel.DISTRICT, UnitLevel.COMMUNE):
            at_level = np.flatnonzero(self.unit_level == level)
            for column in range(level - 2, -1, -1):
                above = own[at_level, column]
                unset = parent[at_level] == n
                parent[at_level[unset & (above >= 0)]] = above[unset & (above >= 0)]
        is_current = self.unit_to >= today
        levels = (UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE)
        everyone = np.arange(n)
        own_steps = [
            _step(everyone[self.unit_level == lv], parent[self.unit_level == lv]) for lv in levels
        ]
        # Current hierarchy: a ceased unit first adds into the unit that took it over.
        current_steps = [_step(everyone[~is_current], successor[~is_current])]
        current_steps += [
            _step(
                everyone[(self.unit_level == lv) & is_current],
                parent[(self.unit_level == lv) & is_current],
            )
            for lv in levels
        ]
        self._steps = (own_steps, current_steps)
        # Per row, the row its first step adds it into (-1: none); the country's row too.
        self._first_parent = tuple(
            _parent_of(steps[0], n + 1) for steps in (own_steps, current_steps)
        )

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
        self._element_index = {code: i for i, code in enumerate(sorted(self._element_keys))}
        # An element's total adds up its keys: elements of one key are copied all at once,
        # the others summed one by one. (Not a matrix product: BLAS threads would spin on a
        # busy machine for products this small.)
        single = [
            (self._element_index[c], k[0]) for c, k in self._element_keys.items() if len(k) == 1
        ]
        self._single_element = np.array([e for e, _k in single], dtype=np.int64)
        self._single_key = np.array([k for _e, k in single], dtype=np.int64)
        self._multi_keys = [
            (self._element_index[code], np.array(positions))
            for code, positions in self._element_keys.items()
            if len(positions) > 1
        ]
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
        finer = self._finer_periods(parsed)
        has_direct = period in self._facts and len(self._facts[period].report) > 0
        if finer:
            derived = self._combine([self.cube(p.code, hierarchy) for p in finer])
            if has_direct:
                direct = self._direct_cube(period, hierarchy)
                has = direct.counts > 0
                cube = Cube(
                    sums=np.where(has, direct.sums, derived.sums),
                    counts=np.where(has, direct.counts, derived.counts),
                )
            else:
                cube = derived
        else:
            cube = self._direct_cube(period, hierarchy)
        self._cubes[key] = cube
        while len(self._cubes) > MAX_CUBES:  # oldest first: dicts keep insertion order
            self._cubes.pop(next(iter(self._cubes)))
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
        """The period's values at their own units, then added up level by level."""
        n_rows, n_keys = len(self.unit_ids) + 1, len(self.key_names)
        facts = self._period_facts(period)
        # Key-major memory (the arrays are [rows, keys] in Fortran order): indicators and
        # element totals read whole keys, which are then contiguous.
        index = facts.key.astype(np.int64) * n_rows + facts.unit
        flat_sums = np.zeros(n_rows * n_keys)
        flat_counts = np.zeros(n_rows * n_keys, dtype=np.int32)
        # Unbuffered adds into the totals: faster than bincount, and no second array (numpy's
        # fast path wants the added value of the array's own type: _ONE, not 1).
        np.add.at(flat_sums, index, facts.value)
        np.add.at(flat_counts, index, _ONE)
        sums, counts = flat_sums.reshape(n_keys, n_rows).T, flat_counts.reshape(n_keys, n_rows).T
        maxed = np.flatnonzero(np.array(self._key_aggregation) == Aggregation.MAX)
        first, *rest = self._steps[hierarchy]
        # The first step (communes into their parents, or ceased units into their
        # successors) moves rows that hold only their own values: adding each value to
        # its unit's parent straight away is the same sum, and far cheaper than gathering
        # and reducing ten thousand rows.
        parent = self._first_parent[hierarchy][facts.unit]
        moved = parent >= 0
        if moved.any():
            direct = sums[:, maxed].copy() if len(maxed) else None
            key, value = facts.key, facts.value
            if not moved.all():
                parent, key, value = parent[moved], key[moved], value[moved]
            index = key.astype(np.int64) * n_rows + parent
            np.add.at(flat_sums, index, value)
            np.add.at(flat_counts, index, _ONE)
            if direct is not None:  # "max" keys: the largest of the parent and its children
                top = np.maximum.reduceat(direct[first.rows], first.starts, axis=0)
                sums[np.ix_(first.parents, maxed)] = np.maximum(direct[first.parents], top)
        for step in rest:
            if not len(step.rows):
                continue
            block = sums[step.rows]
            if len(maxed):
                before = sums[step.parents][:, maxed]
            # Parents are distinct within a step, so the fancy-indexed += is safe.
            sums[step.parents] += np.add.reduceat(block, step.starts, axis=0)
            if len(maxed):
                top = np.maximum.reduceat(block[:, maxed], step.starts, axis=0)
                sums[np.ix_(step.parents, maxed)] = np.maximum(before, top)
            counts[step.parents] += np.add.reduceat(counts[step.rows], step.starts, axis=0)
        return Cube(sums, counts)

    def _combine(self, cubes: list[Cube]) -> Cube:
        """A longer period from its parts, each value key by its element's aggregation:
        sums add up, "last" takes the latest part that has it, "max" the largest; averages
        keep sums and counts of all parts, so sums / counts stays the mean."""
        agg = np.array(self._key_aggregation)
        total = cubes[0].sums.copy(order="K")
        counts = cubes[0].counts.copy(order="K")
        for cube in cubes[1:]:
            total += cube.sums
            counts += cube.counts
        last = np.flatnonzero(agg == Aggregation.LAST)
        if len(last):
            total[:, last] = cubes[0].sums[:, last]
            for cube in cubes[1:]:
                part = cube.sums[:, last]
                total[:, last] = np.where(cube.counts[:, last] > 0, part, total[:, last])
        maxed = np.flatnonzero(agg == Aggregation.MAX)
        if len(maxed):
            total[:, maxed] = np.maximum.reduce([c.sums[:, maxed] for c in cubes])
        return Cube(total, counts)

    def _elements(self, cube: Cube) -> tuple[np.ndarray, np.ndarray]:
        """Each data element's total per row (all its cells), and whether any was given."""
        if cube.elements is None or cube.element_seen is None:
            values, given = self._values(cube), cube.counts > 0
            # Column-major: indicators read one element (a column) at a time.
            shape = (len(values), len(self._element_index))
            elements = np.zeros(shape, order="F")
            seen = np.zeros(shape, dtype=bool, order="F")
            elements[:, self._single_element] = values[:, self._single_key]
            seen[:, self._single_element] = given[:, self._single_key]
            for element, keys in self._multi_keys:
                elements[:, element] = values[:, keys].sum(axis=1)
                seen[:, element] = given[:, keys].any(axis=1)
            cube.elements, cube.element_seen = elements, seen
        return cube.elements, cube.element_seen

    def _values(self, cube: Cube) -> np.ndarray:
        """What each row's key stands for: the total, or for averaged keys the mean."""
        average = np.array(self._key_aggregation) == Aggregation.AVERAGE
        if not average.any():
            return cube.sums
        out = cube.sums.copy(order="K")
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
        self.refresh()
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
        key = (level, period.code, hierarchy)
        if key not in self._populations:
            members = self.units_of_level(level, period)
            # Kept with the members: every count over this population reuses it.
            self._spreads[id(members)] = (members, *self._spread(members, hierarchy))
            self._populations[key] = (
                members,
                self._count_up(members, np.ones(len(members)), hierarchy),
            )
        return self._populations[key]

    def _spread(
        self, members: np.ndarray, hierarchy: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(member, ancestor row) pairs, and the members the country counts (None: all)."""
        anc = self._anc[hierarchy][members]
        found = anc >= 0
        member, level = np.nonzero(found)
        country = None if hierarchy == OWN else found.any(axis=1)
        return member, anc[member, level], country

    def _count_up(self, members: np.ndarray, weights: np.ndarray, hierarchy: int) -> np.ndarray:
        """Per cube row, the weights of the members below it (the country: all of them, or
        in the current hierarchy those that map onto a current unit)."""
        cached = self._spreads.get(id(members))
        if cached is not None and cached[0] is members:
            member, rows, country = cached[1:]
        else:
            member, rows, country = self._spread(members, hierarchy)
        # One bincount over the pairs: a row is an ancestor at one level only.
        n_units = len(self.unit_ids) + 1
        out = np.bincount(rows, weights=weights[member], minlength=n_units)
        out = out.astype(np.float64, copy=False)
        out[-1] = weights.sum() if country is None else weights[country].sum()
        return out

    # --- indicators --------------------------------------------------------------------

    def _terms(self, cube: Cube, expression: str, period: Period) -> np.ndarray | None:
        """An expression's value for every row; NaN where none of its terms has a value."""
        if not expression:
            return None
        terms = _parsed(expression)
        if len(terms) == 1 and terms[0].sign > 0:  # most indicators: one pass, no sums
            column, given = self._term(cube, terms[0].ref, period)
            if column is None:
                return np.full(cube.sums.shape[0], np.nan)
            return np.where(given, column, np.nan)
        total = np.zeros(cube.sums.shape[0])
        seen = np.zeros(cube.sums.shape[0], dtype=bool)
        for term in terms:
            column, given = self._term(cube, term.ref, period)
            if column is None:
                continue
            if term.sign > 0:
                total += column
            else:
                total -= column
            seen |= given
        return np.where(seen, total, np.nan)

    def _term(
        self, cube: Cube, ref: str, period: Period
    ) -> tuple[np.ndarray | None, np.ndarray | bool]:
        """A term's value for every row and where it was given (None: an unknown name)."""
        if ref == "@months":
            return np.full(cube.sums.shape[0], float(period.months())), True
        if "." in ref:
            key = self._key_index.get(ref)
            if key is None:
                return None, False
            return self._values(cube)[:, key], cube.counts[:, key] > 0
        if ref in self._element_index:
            elements, element_seen = self._elements(cube)
            index = self._element_index[ref]
            return elements[:, index], element_seen[:, index]
        return None, False

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
            if element in self._element_index:
                elements, seen = self._elements(own)
                values = elements[members, self._element_index[element]]
                reported = seen[members, self._element_index[element]]
            else:
                values, reported = np.zeros(len(members)), np.zeros(len(members), dtype=bool)
            threshold = float(indicator.condition_value or 0)
            meets = reported & _compare(values, indicator.condition_op or ">=", threshold)
            num = self._count_up(members, meets.astype(float), hierarchy)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(population > 0, num / population * factor, np.nan)
            return np.stack([num, population, value])
        if indicator.kind == IndicatorKind.REGISTRY:
            num = self._registry_vector(indicator.registry_source, period, hierarchy)
            if not indicator.denominator:
                return np.stack([num, np.full(rows, np.nan), num * factor])
            den = self._registry_vector(indicator.denominator, period, hierarchy)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(den > 0, num / den * factor, np.nan)
            return np.stack([num, den, value])
        nan = np.full(rows, np.nan)
        return np.stack([nan, nan, nan])

    def _registry_vector(self, source: str, period: Period, hierarchy: int) -> np.ndarray:
        """A registry source's figures added up the hierarchy (NaN when the source is not
        kept yet). Asked afresh on every read: registries have no event feed."""
        rows = len(self.unit_ids) + 1
        if not sources.known(source):
            return np.full(rows, np.nan)
        memo = self._registry_memo
        span = (source, period.start, period.end)
        figures = memo.get(span) if memo is not None else None
        if figures is None:
            figures = sources.figures(source, period.start, period.end)
            if memo is not None:
                memo[span] = figures
        known = [(self._unit_pos[u], v) for u, v in figures.items() if u in self._unit_pos]
        if not known:
            return np.zeros(rows)
        members = np.array([pos for pos, _ in known], dtype=np.int64)
        weights = np.array([v for _, v in known], dtype=float)
        return self._count_up(members, weights, hierarchy)

    def values(
        self, indicator: Indicator, period: Period, unit_ids: list[int | None]
    ) -> list[IndicatorValue]:
        """The indicator for each unit (None = the country), from fresh data."""
        self.refresh()
        with self._lock:
            out = []
            # Registry figures are never kept: a record saved a moment ago must count. They
            # are read once per call all the same, not once per unit asked about.
            registry: dict[int, np.ndarray] = {}
            for unit_id in unit_ids:
                hierarchy = self.hierarchy_for(unit_id, period)
                if hierarchy is None:
                    out.append(IndicatorValue(None, None, None))
                    continue
                key = (indicator.code, period.code, hierarchy)
                if indicator.kind == IndicatorKind.REGISTRY:
                    vec = registry.get(hierarchy)
                    if vec is None:
                        vec = registry[hierarchy] = self.indicator_vector(
                            indicator, period, hierarchy
                        )
                else:
                    vec = self._vectors.get(key)
                if vec is None:
                    vec = self._vectors[key] = self.indicator_vector(indicator, period, hierarchy)
                    while len(self._vectors) > MAX_VECTORS:
                        self._vectors.pop(next(iter(self._vectors)))
                num, den, value = (
                    None if np.isnan(x) else float(x) for x in vec[:, self.position(unit_id)]
                )
                out.append(IndicatorValue(value=value, numerator=num, denominator=den))
            return out

    def rollup_all(self, indicators: list[Indicator]) -> int:
        """Every indicator at every unit for every reported period and its year, in both
        hierarchies where they differ (what a full recomputation costs); returns how many
        figures were computed. The period totals stay cached for the pages that follow."""
        self.refresh()
        with self._lock:
            periods = {parse_period(code) for code in self._facts}
            periods |= {parse_period(str(p.year)) for p in periods}
            count = 0
            # Each registry source is asked once per span, not once per hierarchy and
            # indicator: within one pass the registries are one snapshot.
            self._registry_memo = {}
            try:
                for period in sorted(periods):
                    for hierarchy in (OWN, CURRENT) if period.start < REFORM_DATE else (OWN,):
                        for indicator in indicators:
                            count += self.indicator_vector(indicator, period, hierarchy).shape[1]
            finally:
                self._registry_memo = None
            return count

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
        self,
        form_id: int,
        level: int,
        period: Period,
        rows: list[int | None],
        among: Iterable[int] | None = None,
    ) -> list[dict[str, int]]:
        """Expected, received, on time, late and missing reports below each given unit;
        `among` narrows the units expected to report (those having a reporting agency)."""
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
            if among is not None:
                eligible = np.array([self._unit_pos[u] for u in among if u in self._unit_pos])
                members = members[np.isin(members, eligible)]
                expected = self._count_up(members, np.ones(len(members)), hierarchy)
            received = np.zeros(len(self.unit_ids), dtype=float)
            on_time = np.zeros(len(self.unit_ids), dtype=float)
            index = self._period_index.get(period.code, -1)
            rows_of = np.flatnonzero(self._meta["period"] == index)
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


@dataclass
class _Reports:
    """Counted reports of one period as read from the database: one entry per report,
    then their values (`count` of them per report, in the same order)."""

    period: str
    report: np.ndarray  # int64 report id
    unit: np.ndarray  # int64 unit id
    form: np.ndarray  # int64 form id
    on_time: np.ndarray  # bool
    count: np.ndarray  # int64 values per report
    key: np.ndarray  # int32 value key id
    value: np.ndarray  # float64


# On PostgreSQL each report's packed values come after four marker records (keys -1 to -4,
# never a value key id) holding its id, unit, form and whether it came on time, as big-endian
# int64 in place of the value: one byte string then describes a period's reports by itself,
# and one aggregate makes it (two would have to be trusted to see the rows in one order).
_MARKS = 4
_MARKED_DTYPE = np.dtype([("key", "<i4"), ("mark", ">i8")])
_COUNTED_SQL = (
    "SELECT r.period, string_agg("
    "'\\xffffffff'::bytea || int8send(r.id) || '\\xfeffffff'::bytea || int8send(r.unit_id)"
    " || '\\xfdffffff'::bytea || int8send(r.form_id)"
    " || '\\xfcffffff'::bytea || int8send(CASE WHEN r.on_time THEN 1 ELSE 0 END)"
    " || COALESCE(v.packed, ''::bytea), ''::bytea) "
    "FROM {report} r JOIN {version} v ON v.id = r.effective_version_id{where} "
    "GROUP BY r.period"
)


def _counted_reports(report_ids: list[int] | None) -> list[_Reports]:
    """The reports that have a counted version (every one, or those of `report_ids`) with
    their packed values, in batches of one period.

    Raw SQL without the model's ordering (sorting 100,000 rows by unit path is wasted
    work). PostgreSQL hands over each period's values as one binary string (see _MARKS):
    no Python object per report, and no hex text twice the size.
    """
    report, version = Report._meta.db_table, ReportVersion._meta.db_table
    if connection.vendor != "postgresql":
        return _counted_reports_by_row(report, version, report_ids)
    where, params = "", []
    if report_ids is not None:
        where = " WHERE r.id = ANY(%s)"
        params.append(list(report_ids))
    sql = _COUNTED_SQL.format(report=report, version=version, where=where)
    connection.ensure_connection()
    with transaction.atomic():
        # Django's cursors bind parameters on the client, which rules out binary results;
        # a plain psycopg cursor on the same connection (and transaction) allows them.
        raw = psycopg.Cursor(connection.connection)
        raw.format = psycopg.pq.Format.BINARY
        # Django's wrapper all the same: errors translated, queries logged when asked.
        wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
        with wrapper(raw, connection) as cursor:
            # Room to join and group the reports in memory: with the default 4 MB the work
            # spills to disk at national scale (until the transaction ends).
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute(sql, params)
            batches = cursor.fetchall()
    out = []
    for period, data in batches:
        records = np.frombuffer(data, dtype=PACK_DTYPE)
        marks = np.frombuffer(data, dtype=_MARKED_DTYPE)["mark"]
        starts = np.flatnonzero(records["key"] == -1)
        is_value = records["key"] >= 0
        out.append(
            _Reports(
                period=period,
                report=marks[starts].astype(np.int64),
                unit=marks[starts + 1].astype(np.int64),
                form=marks[starts + 2].astype(np.int64),
                on_time=marks[starts + 3] > 0,
                count=np.diff(np.r_[starts, len(records)]) - _MARKS,
                key=records["key"][is_value],
                value=records["value"][is_value],
            )
        )
    return out


def _counted_reports_by_row(
    report: str, version: str, report_ids: list[int] | None
) -> list[_Reports]:
    """_counted_reports, one row per report (SQLite)."""
    sql = (
        f"SELECT r.id, r.unit_id, r.period, r.form_id, r.on_time, v.packed FROM {report} r "  # noqa: S608
        f"JOIN {version} v ON v.id = r.effective_version_id"
    )
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if report_ids is None:
            cursor.execute(sql)
            rows = cursor.fetchall()
        for chunk in itertools.batched(report_ids or [], 500):  # SQLite's limit on parameters
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{sql} WHERE r.id IN ({placeholders})", chunk)
            rows += cursor.fetchall()
    by_period: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_period.setdefault(row[2], []).append(row)
    out = []
    for period, of_period in by_period.items():
        pks, unit_ids, _periods, forms, on_times, stored = zip(*of_period, strict=True)
        packed = [bytes(b or b"") for b in stored]
        records = np.frombuffer(b"".join(packed), dtype=PACK_DTYPE)
        out.append(
            _Reports(
                period=period,
                report=np.array(pks, dtype=np.int64),
                unit=np.array(unit_ids, dtype=np.int64),
                form=np.array(forms, dtype=np.int64),
                on_time=np.array(on_times, dtype=bool),  # NULL: not on time
                count=np.array([len(b) for b in packed], dtype=np.int64) // PACK_DTYPE_SIZE,
                key=records["key"],
                value=records["value"],
            )
        )
    return out


@functools.lru_cache(maxsize=1024)
def _parsed(expression: str) -> tuple[Term, ...]:
    """The terms of an indicator's expression (read once, not once per figure)."""
    return tuple(parse_expression(expression))


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
