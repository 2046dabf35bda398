"""Registry sources: counts the registries keep, fed to the roll-up engine.

A registry indicator names a source for its numerator (`Indicator.registry_source`) and
optionally one for its denominator (`Indicator.denominator`). A source returns, for a date
span, one figure per base unit (the unit a record belongs to); the engine adds them up the
hierarchy as it stood in the period, like report values. Sources are queried on every
read, so a record saved a moment ago is already counted.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

SourceFn = Callable[[dt.date, dt.date], dict[int, float]]


@dataclass(frozen=True)
class Source:
    name: str
    fn: SourceFn


_SOURCES: dict[str, Source] = {}


def register(name: str, fn: SourceFn) -> None:
    """Make a source known (apps register theirs in AppConfig.ready)."""
    _SOURCES[name] = Source(name, fn)


def known(name: str) -> bool:
    return name in _SOURCES


def names() -> list[str]:
    return sorted(_SOURCES)


def figures(name: str, start: dt.date, end: dt.date) -> dict[int, float]:
    """The source's figure per base unit id for records of [start, end]."""
    return _SOURCES[name].fn(start, end)


def phase_start(day: dt.date) -> dt.date:
    """First day of the five-year programme phase containing `day` (2016–2020, 2021–2025,
    2026–2030, ...)."""
    return dt.date(2016 + 5 * ((day.year - 2016) // 5), 1, 1)
