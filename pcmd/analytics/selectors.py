"""Reads for dashboards and the analytics API: every figure of a unit the user may see.

The engine computes for all units at once; these functions decide which unit the user
may ask about (`analytics_unit`) and shape the answers.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from pcmd.analytics import sources
from pcmd.analytics.attainment import Attainment, judge, targets_for
from pcmd.analytics.engine import CURRENT, IndicatorValue, engine
from pcmd.core.scoping import scope_for
from pcmd.geo.models import AdministrativeUnit, UnitLevel, valid_at
from pcmd.reporting.models import Form, Indicator, IndicatorKind
from pcmd.reporting.periods import Period


def analytics_unit(user: Any, unit_id: int | None) -> AdministrativeUnit | None:
    """The unit asked about if the user may see it (None = the whole country, for those
    whose scope is everything); 404 otherwise."""
    scope = scope_for(user)
    if unit_id is None:
        if scope.everything:
            return None
        raise Http404
    unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
    if unit is None or unit.level > UnitLevel.COMMUNE or not scope.contains_path(unit.path):
        raise Http404
    return unit


def home_unit(user: Any) -> AdministrativeUnit | None:
    """Where a user's dashboard opens: the country, or their highest current unit."""
    scope = scope_for(user)
    if scope.everything:
        return None
    units = AdministrativeUnit.objects.filter(
        valid_at(dt.date.today()), path__in=scope.paths, level__lte=UnitLevel.COMMUNE
    ).order_by("depth", "path")
    return units.first()


def children(unit: AdministrativeUnit | None, period: Period) -> list[AdministrativeUnit]:
    """The units one level down, as they stood in the period (or today's, for a current
    unit asked about a period before the reform)."""
    hierarchy = engine().hierarchy_for(unit.pk if unit else None, period)
    at = dt.date.today() if hierarchy == CURRENT else period.end
    qs = AdministrativeUnit.objects.filter(valid_at(at), level__lte=UnitLevel.COMMUNE)
    qs = qs.filter(parent=unit) if unit is not None else qs.filter(parent__isnull=True)
    return list(qs.order_by("name"))


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    figure: IndicatorValue
    attainment: Attainment


def indicators(*, area: str | None = None) -> list[Indicator]:
    """Active indicators; registry ones only once their registry is kept (its source known)."""
    qs = Indicator.objects.filter(active=True).select_related("condition_element")
    return [
        i
        for i in (qs.filter(area=area) if area else qs)
        if i.kind != IndicatorKind.REGISTRY or sources.known(i.registry_source)
    ]


def indicator_table(
    unit: AdministrativeUnit | None, period: Period, *, area: str | None = None
) -> list[IndicatorRow]:
    """Every indicator of the unit in the period, judged against the unit's targets."""
    chosen = indicators(area=area)
    targets = targets_for([unit], period.year, [i.code for i in chosen])[unit.pk if unit else None]
    rows = []
    eng = engine()
    for indicator in chosen:
        figure = eng.indicator(indicator, unit.pk if unit else None, period)
        target = targets.get(indicator.code)
        status, ratio = judge(figure.value, target, period)
        rows.append(IndicatorRow(indicator, figure, Attainment(status, ratio, target)))
    return rows


@dataclass(frozen=True)
class UnitFigure:
    unit: AdministrativeUnit
    figure: IndicatorValue
    attainment: Attainment


def ranking(
    unit: AdministrativeUnit | None, period: Period, indicator: Indicator
) -> list[UnitFigure]:
    """The child units ranked on the indicator (best first, by the indicator's direction);
    each judged against its own targets (or its nearest ancestor's)."""
    kids = children(unit, period)
    figures = engine().values(indicator, period, [c.pk for c in kids])
    targets = targets_for(list(kids), period.year, [indicator.code])
    out = []
    for child, figure in zip(kids, figures, strict=True):
        target = targets[child.pk].get(indicator.code)
        status, ratio = judge(figure.value, target, period)
        out.append(UnitFigure(child, figure, Attainment(status, ratio, target)))
    sign = -1 if indicator.direction == "higher" else 1
    out.sort(key=lambda f: (f.figure.value is None, sign * (f.figure.value or 0), f.unit.name))
    return out


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    figure: IndicatorValue
    target: float | None


def trend(
    unit: AdministrativeUnit | None, indicator: Indicator, periods: list[Period]
) -> list[TrendPoint]:
    eng = engine()
    points = []
    by_year: dict[int, Any] = {}
    for period in periods:
        figure = eng.indicator(indicator, unit.pk if unit else None, period)
        if period.year not in by_year:
            by_year[period.year] = targets_for([unit], period.year, [indicator.code])[
                unit.pk if unit else None
            ].get(indicator.code)
        target = by_year[period.year]
        points.append(TrendPoint(period, figure, float(target.value) if target else None))
    return points


@dataclass(frozen=True)
class CompletenessRow:
    unit: AdministrativeUnit | None
    expected: int
    received: int
    on_time: int
    late: int
    missing: int

    @property
    def rate(self) -> float | None:
        return self.received / self.expected * 100 if self.expected else None

    @property
    def timely_rate(self) -> float | None:
        return self.on_time / self.expected * 100 if self.expected else None


def completeness(
    unit: AdministrativeUnit | None, form: Form, period: Period
) -> tuple[CompletenessRow, list[CompletenessRow]]:
    """The unit's total and one row per child unit: expected, received, on time, late,
    missing reports of the form for the period."""
    level = form.reporter_level or UnitLevel.COMMUNE
    kids = children(unit, period) if unit is None or unit.level < level else []
    rows = [unit, *kids]
    counts = engine().completeness(
        form.pk, level, period, [u.pk if u else None for u in rows], among=_reporting(form)
    )
    made = [CompletenessRow(u, **c) for u, c in zip(rows, counts, strict=True)]
    return made[0], made[1:]


def _reporting(form: Form) -> list[int] | None:
    """Units expected to send an agency form: those with an active agency of its type
    (None: a unit form, every unit of the level)."""
    if not form.reporter_agency_type_id:
        return None
    from pcmd.orgs.models import Agency

    return list(
        Agency.objects.filter(agency_type=form.reporter_agency_type_id, active=True)
        .values_list("unit_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class MissingUnit:
    unit: AdministrativeUnit
    state: str
    contacts: list[dict[str, str]]


def missing_units(
    unit: AdministrativeUnit | None, form: Form, period: Period, limit: int = 500
) -> list[MissingUnit]:
    """Units below `unit` that have not sent the report, with whom to call."""
    from pcmd.accounts.models import Membership, membership_valid_q
    from pcmd.accounts.roles import Role
    from pcmd.reporting.models import Report

    level = form.reporter_level or UnitLevel.COMMUNE
    hierarchy = engine().hierarchy_for(unit.pk if unit else None, period)
    at = dt.date.today() if hierarchy == CURRENT else period.end
    expected = AdministrativeUnit.objects.filter(valid_at(at), level=level)
    if unit is not None:
        expected = expected.filter(path__startswith=unit.path)
    among = _reporting(form)
    if among is not None:
        expected = expected.filter(pk__in=among)
    sent = Report.objects.filter(
        form=form, period=period.code, effective_version__isnull=False
    ).values("unit_id")
    drafts = dict(
        Report.objects.filter(
            form=form, period=period.code, effective_version__isnull=True
        ).values_list("unit_id", "state")
    )
    missing = list(expected.exclude(pk__in=sent).select_related("parent").order_by("path")[:limit])
    contacts: dict[int, list[dict[str, str]]] = {}
    memberships = Membership.objects.filter(
        membership_valid_q(dt.date.today()),
        unit_id__in=[u.pk for u in missing],
        role__in=[Role.COMMUNE_OFFICER, Role.PROVINCE_COORDINATOR, Role.AGENCY_FOCAL_POINT],
    ).select_related("user")
    for m in memberships:
        contacts.setdefault(m.unit_id, []).append(
            {"name": str(m.user), "email": m.user.email, "phone": m.user.phone}
        )
    return [MissingUnit(u, drafts.get(u.pk, ""), contacts.get(u.pk, [])) for u in missing]
