"""Dashboards and completeness pages; every table also downloads as CSV and XLSX."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pcmd.analytics import charts, selectors
from pcmd.analytics.attainment import STATUS_LABELS
from pcmd.geo.models import AdministrativeUnit
from pcmd.plans.models import Area
from pcmd.reporting.exchange import table_download
from pcmd.reporting.models import Form
from pcmd.reporting.periods import Period, PeriodError, PeriodType, parse_period, period_of

FIRST_YEAR = 2021
EXPORTS = {"csv", "xlsx"}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError as exc:
        raise Http404 from exc


def _period(code: str | None) -> Period:
    if code:
        try:
            return parse_period(code)
        except PeriodError as exc:
            raise Http404 from exc
    # The last half-year that has ended: the freshest complete figures.
    return period_of(PeriodType.SIX_MONTHLY, dt.date.today()).previous()


def period_choices(today: dt.date | None = None) -> list[Period]:
    today = today or dt.date.today()
    out: list[Period] = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        out.append(parse_period(str(year)))
        out += [parse_period(f"{year}S2"), parse_period(f"{year}S1")]
    return [p for p in out if p.start <= today]


def _export(
    request: HttpRequest, title: str, headers: list[str], rows: list[list[Any]]
) -> HttpResponse:
    return table_download(request.GET["export"], title=title, headers=headers, rows=rows)


def _crumbs(unit: AdministrativeUnit | None) -> list[AdministrativeUnit]:
    if unit is None:
        return []
    ancestors = AdministrativeUnit.objects.filter(pk__in=unit.ancestor_ids)
    return sorted(ancestors, key=lambda u: u.depth)


def _asked_unit(request: HttpRequest) -> AdministrativeUnit | None:
    """The unit of ?unit= (empty: the country), or without it the user's own unit."""
    unit_id = _int(request.GET.get("unit"))
    if unit_id is None and "unit" not in request.GET:
        home = selectors.home_unit(request.user)
        unit_id = home.pk if home else None
    return selectors.analytics_unit(request.user, unit_id)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    unit = _asked_unit(request)
    period = _period(request.GET.get("period"))
    area = request.GET.get("area") or None
    if area and area not in Area.values:
        raise Http404
    rows = selectors.indicator_table(unit, period, area=area)
    unit_name = unit.name if unit else _("Toàn quốc")
    table = request.GET.get("table")

    if table == "indicators" and request.GET.get("export") in EXPORTS:
        return _export(
            request,
            f"{_('Chỉ tiêu')} {unit_name} {period.code}",
            [
                _("Mã"),
                _("Chỉ tiêu"),
                _("Giá trị"),
                _("Tử số"),
                _("Mẫu số"),
                _("Chỉ tiêu kế hoạch"),
                _("Đánh giá"),
            ],
            [
                [
                    r.indicator.code,
                    r.indicator.name,
                    r.figure.value,
                    r.figure.numerator,
                    r.figure.denominator,
                    r.attainment.target_value,
                    str(r.attainment.status.label),
                ]
                for r in rows
            ],
        )

    codes = [r.indicator.code for r in rows]
    chosen_code = request.GET.get("indicator") or next(
        (r.indicator.code for r in rows if r.attainment.target is not None),
        codes[0] if codes else "",
    )
    chosen = next((r.indicator for r in rows if r.indicator.code == chosen_code), None)
    context: dict[str, Any] = {
        "unit": unit,
        "unit_name": unit_name,
        "crumbs": _crumbs(unit),
        "period": period,
        "periods": period_choices(),
        "areas": Area.choices,
        "area": area,
        "rows": rows,
        "chosen": chosen,
        "status_labels": STATUS_LABELS,
    }
    if chosen is not None:
        ranking = selectors.ranking(unit, period, chosen)
        if table == "ranking" and request.GET.get("export") in EXPORTS:
            return _export(
                request,
                f"{chosen.name} {unit_name} {period.code}",
                [
                    _("Đơn vị"),
                    _("Giá trị"),
                    _("Tử số"),
                    _("Mẫu số"),
                    _("Chỉ tiêu kế hoạch"),
                    _("Đánh giá"),
                ],
                [
                    [
                        f.unit.name,
                        f.figure.value,
                        f.figure.numerator,
                        f.figure.denominator,
                        f.attainment.target_value,
                        str(f.attainment.status.label),
                    ]
                    for f in ranking
                ],
            )
        trend_periods = [
            p
            for p in (
                parse_period(f"{y}S{h}")
                for y in range(FIRST_YEAR, dt.date.today().year + 1)
                for h in (1, 2)
            )
            if p.end < dt.date.today()  # a period still running would look like a fall
        ]
        trend = selectors.trend(unit, chosen, trend_periods)
        if table == "trend" and request.GET.get("export") in EXPORTS:
            return _export(
                request,
                f"{chosen.name} {unit_name}",
                [_("Kỳ"), _("Giá trị"), _("Chỉ tiêu kế hoạch")],
                [[p.period.code, p.figure.value, p.target] for p in trend],
            )
        unit_label = "%" if chosen.unit == "percent" else ""
        context["ranking"] = ranking
        context["ranking_chart"] = charts.bar_chart(
            title=_("%(ind)s theo đơn vị, %(p)s") % {"ind": chosen.name, "p": period.label()},
            labels=[f.unit.name for f in ranking],
            values=[f.figure.value for f in ranking],
            target=float(ranking[0].attainment.target.value)
            if ranking
            and ranking[0].attainment.target
            and all(f.attainment.target == ranking[0].attainment.target for f in ranking)
            else None,
            unit=unit_label,
            decimals=chosen.decimals,
            statuses=[
                f.attainment.status if f.attainment.status in charts.STATUSES else None
                for f in ranking
            ],
        )
        targets = [p.target for p in trend]
        context["trend"] = trend
        context["trend_chart"] = charts.line_chart(
            title=_("%(ind)s, %(u)s, theo kỳ") % {"ind": chosen.name, "u": unit_name},
            labels=[p.period.code for p in trend],
            series=[charts.Series(unit_name, [p.figure.value for p in trend])],
            target=next((t for t in reversed(targets) if t is not None), None),
            unit=unit_label,
            decimals=chosen.decimals,
        )
    form = Form.objects.filter(active=True).order_by("pk").first()
    if form is not None and period.type == PeriodType.SIX_MONTHLY:
        total, _child_rows = selectors.completeness(unit, form, period)
        context["completeness"] = total
        context["completeness_form"] = form
    template = (
        "analytics/_dashboard_body.html"
        if getattr(request, "htmx", False)
        else "analytics/dashboard.html"
    )
    return render(request, template, context)


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    unit = _asked_unit(request)
    forms = list(Form.objects.filter(active=True))
    form_id = _int(request.GET.get("form"))
    form = next((f for f in forms if f.pk == form_id), forms[0] if forms else None)
    if form is None:
        raise Http404
    period = _period(request.GET.get("period"))
    if period.type != form.period_type:
        period = period_of(PeriodType(form.period_type), period.end)
    total, rows = selectors.completeness(unit, form, period)
    unit_name = unit.name if unit else _("Toàn quốc")
    headers = [
        _("Đơn vị"),
        _("Phải gửi"),
        _("Đã gửi"),
        _("Đúng hạn"),
        _("Muộn"),
        _("Chưa gửi"),
        _("Tỷ lệ đã gửi (%)"),
    ]
    table = request.GET.get("table", "units")
    if request.GET.get("export") in EXPORTS:
        if table == "missing":
            missing = selectors.missing_units(unit, form, period, limit=100000)
            return _export(
                request,
                f"{_('Chưa gửi')} {unit_name} {period.code}",
                [
                    _("Đơn vị"),
                    _("Trực thuộc"),
                    _("Trạng thái"),
                    _("Người liên hệ"),
                    _("Điện thoại"),
                    _("Thư điện tử"),
                ],
                [
                    [
                        m.unit.name,
                        m.unit.parent.name if m.unit.parent else "",
                        m.state,
                        "; ".join(c["name"] for c in m.contacts),
                        "; ".join(c["phone"] for c in m.contacts if c["phone"]),
                        "; ".join(c["email"] for c in m.contacts if c["email"]),
                    ]
                    for m in missing
                ],
            )
        return _export(
            request,
            f"{_('Tình hình gửi báo cáo')} {unit_name} {period.code}",
            headers,
            [
                [
                    r.unit.name if r.unit else unit_name,
                    r.expected,
                    r.received,
                    r.on_time,
                    r.late,
                    r.missing,
                    round(r.rate, 1) if r.rate is not None else None,
                ]
                for r in [total, *rows]
            ],
        )
    chart = charts.stacked_bar_chart(
        title=_("Tình hình gửi báo cáo %(p)s") % {"p": period.label()},
        labels=[r.unit.name if r.unit else "" for r in rows],
        segments=[
            charts.Series(_("Đúng hạn"), [r.on_time for r in rows]),
            charts.Series(_("Muộn"), [r.late for r in rows]),
            charts.Series(_("Chưa gửi"), [r.missing for r in rows]),
        ],
    )
    return render(
        request,
        "analytics/completeness.html",
        {
            "unit": unit,
            "unit_name": unit_name,
            "crumbs": _crumbs(unit),
            "form": form,
            "forms": forms,
            "period": period,
            "periods": [p for p in period_choices() if p.type == form.period_type],
            "total": total,
            "rows": rows,
            "chart": chart if rows else None,
            "missing": selectors.missing_units(unit, form, period, limit=200),
        },
    )
