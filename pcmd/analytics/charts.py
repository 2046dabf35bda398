"""The one chart renderer: server-side SVG for dashboards and Word reports.

Every chart is a standalone SVG 1.1 document: explicit width, height and viewBox, presentation
attributes only (no CSS, scripts or external references) and every text escaped, so the same
markup can be inlined in a page or converted for a .docx. Each `Chart` also carries a text
alternative and the same data as a table, so nothing is conveyed by the picture alone, and
colour never alone: statuses get a shape, line series a marker shape, stacked segments keep the
legend's order.

The server has no font renderer, so text widths are estimated from Helvetica metrics (which
Liberation Sans and Arial share) with a margin for DejaVu Sans; labels are truncated with "…"
against that estimate and the full text kept in a <title> tooltip.
"""

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import SupportsFloat

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

FONT_FAMILY = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
FONT_SIZE = 12
SMALL_SIZE = 11
INK = "#1A1A1A"
MUTED = "#595959"  # 7:1 on white: secondary text stays readable
GRID = "#DDDDDD"
BACKGROUND = "#FFFFFF"
# Okabe-Ito: stays distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#999999", "#F0E442")
STATUSES = ("on_track", "at_risk", "off_track")
# Fill and a darker edge: the orange and grey alone are under 3:1 against white.
_STATUS_FILL: dict[str | None, str] = {
    "on_track": "#0072B2",
    "at_risk": "#E69F00",
    "off_track": "#D55E00",
    None: "#999999",
}
_STATUS_EDGE: dict[str | None, str] = {
    "on_track": "#00598A",
    "at_risk": "#8F6300",
    "off_track": "#9E4500",
    None: "#6B6B6B",
}
_PLAIN_FILL, _PLAIN_EDGE = "#0072B2", "#00598A"  # bars of a chart without statuses

_PAD = 8
_MIN_WIDTH = 320
_BAR_PITCH = 26  # one bar row: 16 px bar plus the gap
_BAR_HEIGHT = 16
_LEGEND_ROW = 20


@dataclass(frozen=True)
class Series:
    """One named run of values, aligned with the chart's labels; None where there is no data."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the SVG plus the same content as text and as a table."""

    svg: str
    title: str
    description: str
    headers: list[str]
    rows: list[list[str]]

    def __html__(self) -> str:
        # Lets `{{ chart }}` and conditional_escape embed the markup unescaped.
        return self.svg

    def __str__(self) -> str:
        # Django templates call str() on non-str values before escaping; keep it safe.
        return self.svg


# --- text ---------------------------------------------------------------------------------

# Characters XML 1.0 forbids (and lone surrogates, which cannot be encoded): dropped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Helvetica advance widths (1/1000 em) for ASCII 32..126, the same metrics as Liberation Sans.
_ASCII_WIDTHS = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584"
)
_EM: dict[str, float] = {
    chr(32 + i): int(w) / 1000 for i, w in enumerate(_ASCII_WIDTHS.split())
} | {"Đ": 0.722, "đ": 0.556, "…": 1.0, "–": 0.556, "—": 1.0}
# DejaVu Sans, the fallback, runs about 8% wider than Liberation Sans.
_WIDTH_MARGIN = 1.08
# Enough digits for any float at any of the allowed decimals.
_ROUNDING = Context(prec=400, rounding=ROUND_HALF_UP)
_MAX_DECIMALS = 6
_MAX_COUNT = 1e15  # stacked segments are counts; beyond this sums lose whole numbers


def _clean(text: object) -> str:
    """NFC, one line, only characters XML allows: what every label becomes before use."""
    value = _INVALID_XML.sub("", str(text))
    return " ".join(unicodedata.normalize("NFC", value).split())


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _char_em(ch: str) -> float:
    width = _EM.get(ch)
    if width is None:
        if unicodedata.combining(ch):
            width = 0.0
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            width = 1.0
        else:
            # Vietnamese letters are a Latin base plus marks: measure the base.
            base = unicodedata.normalize("NFD", ch)[0]
            width = _EM.get(base, 0.6)
        _EM[ch] = width
    return width


def _text_width(text: str, size: float) -> float:
    try:
        # The fast path (one C-level pass) once every character has been seen.
        ems = sum(map(_EM.__getitem__, text))
    except KeyError:
        ems = sum(map(_char_em, text))
    return ems * size * _WIDTH_MARGIN


def _fit(text: str, max_width: float, size: float) -> str:
    """The text, or its start plus "…", estimated to fit in max_width."""
    if _text_width(text, size) <= max_width:
        return text
    budget = max_width / (size * _WIDTH_MARGIN) - _char_em("…")
    used, cut = 0.0, 0
    for i, ch in enumerate(text):
        used += _char_em(ch)
        if used > budget:
            break
        cut = i + 1
    # Never leave a combining mark without its letter.
    while 0 < cut < len(text) and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + "…"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- numbers ------------------------------------------------------------------------------


def _number(value: SupportsFloat | None) -> float | None:
    """A finite float, or None: Decimal and int from the database are welcome, NaN is no data."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _formatter(decimals: int, unit: str = "") -> Callable[[float], str]:
    """A number formatter for one chart: the active language's separators, the unit appended.

    Cached per chart, as charts repeat values and number_format is the slowest step here.
    """
    exponent = Decimal(1).scaleb(-decimals)
    suffix = "" if not unit else unit if unit == "%" else f" {unit}"
    cache: dict[float, str] = {}

    def fmt(value: float) -> str:
        text = cache.get(value)
        if text is None:
            # number_format cuts extra decimals off; round half up first, as done by hand.
            rounded = _ROUNDING.quantize(Decimal(repr(value)), exponent)
            if rounded.is_zero():
                rounded = abs(rounded)  # no "-0"
            # A float is formatted faster and is exact up to 15 significant digits.
            exact = len(rounded.as_tuple().digits) <= 15
            number = number_format(
                float(rounded) if exact else rounded,
                decimal_pos=decimals,
                use_l10n=True,
                force_grouping=True,
            )
            text = cache[value] = number + suffix
        return text

    return fmt


def _cell(value: float | None, fmt: Callable[[float], str]) -> str:
    """A table cell: the formatted value or "Chưa có số liệu"."""
    return _("Chưa có số liệu") if value is None else fmt(value)


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    # repr of the rounded float is the shortest exact text; "+ 0.0" turns -0.0 into 0.0.
    text = repr(round(value, 2) + 0.0)
    return text[:-2] if text.endswith(".0") else text


def _scale(lo: float, hi: float, start: float, length: float) -> Callable[[float], float]:
    """Linear map of [lo, hi] onto [start, start + length]."""
    # Halves: hi - lo overflows for values near the float limit.
    half_span = hi / 2 - lo / 2
    if half_span <= 0:
        half_span = 0.5

    def position(value: float) -> float:
        return start + (value / 2 - lo / 2) / half_span * length

    return position


def _nice_ticks(lo: float, hi: float) -> tuple[list[float], int]:
    """Ticks on a 1/2/2.5/5 x 10^k step covering [lo, hi] (4-6 of them), and their decimals."""
    if hi <= lo:
        hi = lo + 1
    half_span = hi / 2 - lo / 2
    k = math.floor(math.log10(half_span) + math.log10(2 / 5))
    for exponent in (k, k + 1, k + 2):
        for mantissa in (1.0, 2.0, 2.5, 5.0):
            try:
                step = mantissa * 10.0**exponent
            except OverflowError:
                break
            first, last = math.floor(lo / step), math.ceil(hi / step)
            if last - first <= 5:
                decimals = max(0, -exponent + (1 if mantissa == 2.5 else 0))
                return [i * step for i in range(first, last + 1)], decimals
    return [lo, hi], 0  # only for spans near the float limit


# --- SVG pieces ---------------------------------------------------------------------------


def _chart_id(*parts: object) -> str:
    """Deterministic per input, so the same chart renders byte-identical markup."""
    key = repr((get_language(), *parts)).encode("utf-8", "surrogatepass")
    return "chart-" + hashlib.blake2s(key, digest_size=6).hexdigest()


def _open(chart_id: str, width: float, height: float, title: str, description: str) -> list[str]:
    w, h = _n(width), _n(height)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xml:lang="{_esc(get_language() or "vi")}" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{chart_id}-title">{_esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(description)}</desc>',
        # An opaque background: readable on dark pages and when pasted into documents.
        f'<rect width="{w}" height="{h}" fill="{BACKGROUND}"/>',
    ]


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = FONT_SIZE,
    fill: str = "",
    italic: bool = False,
    css_class: str = "",
) -> str:
    """One line of text centred vertically on y.

    A baseline offset rather than dominant-baseline, which converters to Word ignore.
    """
    attrs = f'x="{_n(x)}" y="{_n(y + size * 0.35)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size != FONT_SIZE:
        attrs += f' font-size="{size}"'
    if fill:
        attrs += f' fill="{fill}"'
    if italic:
        attrs += ' font-style="italic"'
    if css_class:
        attrs += f' class="{css_class}"'
    return f"<text {attrs}>{_esc(text)}</text>"


def _status_marker(status: str | None, x: float, y: float) -> str:
    """A shape with a glyph per status (circle ✓, triangle !, diamond ×, ring -), about 13 px."""
    fill, edge = _STATUS_FILL[status], _STATUS_EDGE[status]
    if status == "on_track":
        shape = f'<circle r="6.5" fill="{fill}" stroke="{edge}"/>'
        glyph = '<path d="M-3 0L-1 2.3L3.2-2.4" fill="none" stroke="#FFFFFF" stroke-width="1.6"/>'
    elif status == "at_risk":
        shape = f'<path d="M0-6.5L7 5.5L-7 5.5Z" fill="{fill}" stroke="{edge}"/>'
        glyph = (
            f'<path d="M0-2.5L0 1.2" stroke="{INK}" stroke-width="1.6"/>'
            f'<circle cy="3.3" r="0.9" fill="{INK}"/>'
        )
    elif status == "off_track":
        shape = f'<path d="M0-7L7 0L0 7L-7 0Z" fill="{fill}" stroke="{edge}"/>'
        glyph = '<path d="M-2.6-2.6L2.6 2.6M2.6-2.6L-2.6 2.6" stroke="#FFFFFF" stroke-width="1.6"/>'
    else:
        shape = f'<circle r="5.5" fill="{BACKGROUND}" stroke="{edge}" stroke-width="1.5"/>'
        glyph = f'<path d="M-2.5 0L2.5 0" stroke="{edge}" stroke-width="1.5"/>'
    return f'<g class="status" transform="translate({_n(x)} {_n(y)})">{shape}{glyph}</g>'


def _point_marker(shape: int, x: float, y: float, colour: str) -> str:
    """Series markers differ in shape as well as colour: circle, square, triangle, diamond."""
    common = f'fill="{colour}" stroke="{BACKGROUND}" stroke-width="1" class="point"'
    kind = shape % 4
    if kind == 0:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" {common}/>'
    if kind == 1:
        return f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7" {common}/>'
    if kind == 2:
        d = f"M{_n(x)} {_n(y - 4.5)}L{_n(x + 4.5)} {_n(y + 3.5)}L{_n(x - 4.5)} {_n(y + 3.5)}Z"
    else:
        d = f"M{_n(x)} {_n(y - 5)}L{_n(x + 5)} {_n(y)}L{_n(x)} {_n(y + 5)}L{_n(x - 5)} {_n(y)}Z"
    return f'<path d="{d}" {common}/>'


def _legend(
    items: Sequence[tuple[Callable[[float, float], str], float, str]],
    x: float,
    y: float,
    max_width: float,
) -> tuple[list[str], float]:
    """Legend entries (swatch drawer, swatch width, text) left to right, wrapped; and its height."""
    parts = ['<g class="legend">']
    cx, row = x, 0
    for draw, swatch_width, text in items:
        label = _fit(text, max_width - swatch_width - 6, SMALL_SIZE)
        item_width = swatch_width + 5 + _text_width(label, SMALL_SIZE)
        if cx > x and cx + item_width > x + max_width:
            cx, row = x, row + 1
        cy = y + row * _LEGEND_ROW + _LEGEND_ROW / 2
        parts.append(
            f'<g class="legend-item">{draw(cx, cy)}'
            f"{_text(cx + swatch_width + 5, cy, label, size=SMALL_SIZE)}</g>"
        )
        cx += item_width + 16
    parts.append("</g>")
    return parts, (row + 1) * _LEGEND_ROW


def _swatch(fill: str) -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        return f'<rect x="{_n(x)}" y="{_n(y - 5.5)}" width="11" height="11" fill="{fill}"/>'

    return draw


def _finish(
    parts: list[str], title: str, description: str, headers: list[str], rows: list[list[str]]
) -> Chart:
    parts.append("</svg>")
    # Safe: every text and attribute value above went through _esc or is a number.
    svg = mark_safe("".join(parts))  # noqa: S308
    return Chart(svg=svg, title=title, description=description, headers=headers, rows=rows)


def _empty(
    chart_id: str, title: str, width: int, headers: list[str], rows: list[list[str]]
) -> Chart:
    """The placeholder for no data: a small box with "Chưa có số liệu"."""
    w, h = max(int(width), _MIN_WIDTH), 64
    message = _("Chưa có số liệu")
    description = _("Chưa có số liệu.")
    parts = _open(chart_id, w, h, title, description)
    parts.append(
        f'<rect x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" fill="none" stroke="{GRID}"/>'
    )
    parts.append(_text(w / 2, h / 2, message, anchor="middle", fill=MUTED, css_class="no-data"))
    return _finish(parts, title, description, headers, rows)


def _status_labels() -> dict[str | None, str]:
    """Status names in the active language (looked up once per chart: gettext is not free)."""
    # The dashboard's own names (pcmd.analytics.attainment), so chart and table agree.
    from pcmd.analytics.attainment import Status

    return {
        "on_track": Status.ON_TRACK.label,
        "at_risk": Status.AT_RISK.label,
        "off_track": Status.OFF_TRACK.label,
        None: _("Chưa đánh giá"),
    }


def _target_label(target_text: str) -> str:
    return _("Chỉ tiêu: %(value)s") % {"value": target_text}


def _title(title: str) -> str:
    return _clean(title) or _("Biểu đồ")


def _check_length(name: str, values: Sequence[object], labels: Sequence[str]) -> None:
    if len(values) != len(labels):
        raise ValueError(f"{name} has {len(values)} values for {len(labels)} labels")


# --- bar chart ----------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    target: float | None = None,
    unit: str = "",
    decimals: int = 0,
    statuses: Sequence[str | None] | None = None,
    width: int = 640,
) -> Chart:
    """Horizontal bars, one row per label in the caller's order, the value at each bar's end.

    `target` draws a dashed vertical line labelled "Chỉ tiêu: …"; `statuses` ("on_track",
    "at_risk", "off_track" or None per bar) colours the bars and adds a shape per bar plus a
    legend. Height grows with the number of bars.
    """
    title = _title(title)
    names = [_clean(label) for label in labels]
    numbers = [_number(value) for value in values]
    _check_length("values", numbers, names)
    states: list[str | None] | None = None
    if statuses is not None:
        states = list(statuses)
        _check_length("statuses", states, names)
        unknown = {s for s in states if s is not None and s not in STATUSES}
        if unknown:
            raise ValueError(f"unknown statuses: {sorted(unknown)}")
    decimals = min(max(0, int(decimals)), _MAX_DECIMALS)
    unit = _clean(unit)
    goal = _number(target)
    chart_id = _chart_id("bar", title, names, numbers, goal, unit, decimals, states, width)

    fmt = _formatter(decimals, unit)
    texts = [_cell(v, fmt) for v in numbers]
    goal_text = None if goal is None else fmt(goal)
    headers = [_("Tên"), _("Giá trị")]
    rows = [[name, text] for name, text in zip(names, texts, strict=True)]
    status_names = _status_labels()
    if states is not None:
        headers.append(_("Tình trạng"))
        for row, state in zip(rows, states, strict=True):
            row.append(status_names[state])
    present = [v for v in numbers if v is not None]
    if not present:
        return _empty(chart_id, title, width, headers, rows)
    goal_pair = None if goal is None or goal_text is None else (goal, goal_text)
    description = _bar_description(names, numbers, texts, goal_pair, states, status_names)

    w = max(int(width), _MIN_WIDTH)
    parts: list[str] = []
    top: float = _PAD
    if states is not None:
        # Only the statuses that occur, in a fixed order.
        seen = [s for s in (*STATUSES, None) if s in states]
        items = [(_marker_drawer(s), 14.0, status_names[s]) for s in seen]
        legend, legend_height = _legend(items, _PAD, top, w - 2 * _PAD)
        parts += legend
        top += legend_height + 4
    if goal is not None:
        top += 18  # the target's label sits above the first bar
    label_width = min(max(_text_width(n, FONT_SIZE) for n in names), w * 0.36)
    marker_width = 18 if states is not None else 0
    label_end = _PAD + label_width
    plot_left = label_end + 8 + marker_width
    value_width = min(
        max(
            _text_width(t, FONT_SIZE) for t, v in zip(texts, numbers, strict=True) if v is not None
        ),
        w * 0.25,
    )
    plot_width = max(w - plot_left - value_width - 6 - _PAD, 40.0)
    lo = min(0.0, *present, *([goal] if goal is not None else []))
    hi = max(0.0, *present, *([goal] if goal is not None else []))
    x_of = _scale(lo, hi, plot_left, plot_width)
    zero = x_of(0.0)
    height = math.ceil(top + len(names) * _BAR_PITCH + _PAD)

    rows_top, rows_bottom = top - 2, height - _PAD + 2
    goal_x = None if goal is None else x_of(goal)
    if goal_x is not None and goal_text is not None:
        # Behind the bars, so it never hides where a bar ends; visible between the rows.
        label = _target_label(goal_text)
        half = _text_width(label, SMALL_SIZE) / 2
        label_x = min(max(goal_x, plot_left + half), w - _PAD - half)
        parts.append(
            f'<g class="target"><line x1="{_n(goal_x)}" y1="{_n(rows_top - 4)}" '
            f'x2="{_n(goal_x)}" y2="{_n(rows_bottom)}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="5 3"/>'
            f"{_text(label_x, top - 11, label, anchor='middle', size=SMALL_SIZE)}</g>"
        )

    def beside(x: float, mid: float, markup: str, text: str) -> str:
        """Text after a bar, on a background where it would cross the target line."""
        text_width = _text_width(text, FONT_SIZE)
        if goal_x is None or not x - 2 <= goal_x <= x + text_width + 2:
            return markup
        return (
            f'<rect x="{_n(x - 2)}" y="{_n(mid - 8)}" width="{_n(text_width + 4)}" height="16" '
            f'fill="{BACKGROUND}"/>{markup}'
        )

    for i, (name, value, text) in enumerate(zip(names, numbers, texts, strict=True)):
        state = states[i] if states is not None else None
        mid = top + i * _BAR_PITCH + _BAR_PITCH / 2
        tooltip = f"{name}: {text}" + (f" ({status_names[state]})" if states is not None else "")
        parts.append(f'<g class="row"><title>{_esc(tooltip)}</title>')
        parts.append(_text(label_end, mid, _fit(name, label_width, FONT_SIZE), anchor="end"))
        if states is not None:
            parts.append(_status_marker(state, label_end + 8 + marker_width / 2, mid))
        if value is None:
            markup = _text(zero + 4, mid, text, fill=MUTED, italic=True, css_class="no-data")
            parts.append(beside(zero + 4, mid, markup, text))
        else:
            end = x_of(value)
            fill, edge = (
                (_STATUS_FILL[state], _STATUS_EDGE[state])
                if states is not None
                else (_PLAIN_FILL, _PLAIN_EDGE)
            )
            parts.append(
                f'<rect class="bar" x="{_n(min(zero, end))}" y="{_n(mid - _BAR_HEIGHT / 2)}" '
                f'width="{_n(abs(end - zero))}" height="{_BAR_HEIGHT}" fill="{fill}" '
                f'stroke="{edge}" stroke-width="0.5"/>'
            )
            x = max(zero, end) + 4
            parts.append(beside(x, mid, _text(x, mid, text, css_class="value"), text))
        parts.append("</g>")

    parts.append(
        f'<line class="axis" x1="{_n(zero)}" y1="{_n(rows_top)}" x2="{_n(zero)}" '
        f'y2="{_n(rows_bottom)}" stroke="{MUTED}"/>'
    )
    return _finish(
        _open(chart_id, w, height, title, description) + parts, title, description, headers, rows
    )


def _marker_drawer(status: str | None) -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        return _status_marker(status, x + 7, y)

    return draw


def _bar_description(
    names: list[str],
    numbers: list[float | None],
    texts: list[str],
    goal: tuple[float, str] | None,
    states: list[str | None] | None,
    status_names: dict[str | None, str],
) -> str:
    """Highest and lowest; then how many are below target, have no data, have each status."""
    data = [(n, v, t) for n, v, t in zip(names, numbers, texts, strict=True) if v is not None]
    high = max(data, key=lambda item: item[1])
    low = min(data, key=lambda item: item[1])
    if len(data) == 1:
        first = _("%(label)s: %(value)s.") % {"label": high[0], "value": high[2]}
    else:
        first = _(
            "Cao nhất: %(high_label)s (%(high_value)s); thấp nhất: %(low_label)s (%(low_value)s)."
        ) % {
            "high_label": high[0],
            "high_value": high[2],
            "low_label": low[0],
            "low_value": low[2],
        }
    notes = []
    if goal is not None:
        below = sum(1 for _name, value, _text in data if value < goal[0])
        notes.append(
            ngettext(
                "%(below)d trên %(total)d mục dưới chỉ tiêu %(target)s",
                "%(below)d trên %(total)d mục dưới chỉ tiêu %(target)s",
                len(data),
            )
            % {"below": below, "total": len(data), "target": goal[1]}
        )
    missing = len(numbers) - len(data)
    if missing:
        notes.append(
            ngettext("%(count)d mục chưa có số liệu", "%(count)d mục chưa có số liệu", missing)
            % {"count": missing}
        )
    if states is not None:
        counts = [
            ngettext("%(count)d mục %(status)s", "%(count)d mục %(status)s", count)
            % {"count": count, "status": _lower_first(status_names[state])}
            for state in (*STATUSES, None)
            if (count := states.count(state))
        ]
        notes.append(", ".join(counts))
    if not notes:
        return first
    return f"{first} {_upper_first('; '.join(notes))}."


# --- line chart ---------------------------------------------------------------------------


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    target: float | None = None,
    unit: str = "",
    decimals: int = 0,
    width: int = 640,
    height: int = 280,
) -> Chart:
    """Periods along x, one line per series with point markers, broken where a value is None.

    The y axis starts at 0 (lower only for negative values) with 4-6 round ticks; `target`
    draws a dashed horizontal line, labelled "Chỉ tiêu: …" in the legend.
    """
    title = _title(title)
    periods = [_clean(label) for label in labels]
    names = [_clean(s.name) for s in series]
    columns = [[_number(v) for v in s.values] for s in series]
    for name, column in zip(names, columns, strict=True):
        _check_length(f"series {name!r}", column, periods)
    decimals = min(max(0, int(decimals)), _MAX_DECIMALS)
    unit = _clean(unit)
    goal = _number(target)
    chart_id = _chart_id(
        "line", title, periods, names, columns, goal, unit, decimals, width, height
    )

    fmt = _formatter(decimals, unit)
    headers = [_("Kỳ"), *names]
    rows = [
        [period, *(_cell(column[i], fmt) for column in columns)] for i, period in enumerate(periods)
    ]
    present = [v for column in columns for v in column if v is not None]
    if not present:
        return _empty(chart_id, title, width, headers, rows)
    goal_text = None if goal is None else fmt(goal)
    description = _line_description(periods, names, columns, fmt, goal_text)

    w = max(int(width), _MIN_WIDTH)
    parts: list[str] = []
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    items = [
        (_line_swatch(i, colour), 22.0, name)
        for i, (name, colour) in enumerate(zip(names, colours, strict=True))
    ]
    if goal_text is not None:
        # Labelled in the legend: inside the plot the label would collide with the lines.
        items.append((_target_swatch, 22.0, _target_label(goal_text)))
    legend, legend_height = _legend(items, _PAD, _PAD, w - 2 * _PAD)
    parts += legend
    plot_top = _PAD + legend_height + 12
    x_axis_room = 22
    h = max(int(height), math.ceil(plot_top + 80 + x_axis_room + _PAD))
    plot_bottom = h - _PAD - x_axis_room

    extremes = [*present, *([goal] if goal is not None else [])]
    ticks, tick_decimals = _nice_ticks(min(0.0, *extremes), max(0.0, *extremes))
    tick_texts = list(map(_formatter(tick_decimals, unit), ticks))
    plot_left = _PAD + min(max(_text_width(t, SMALL_SIZE) for t in tick_texts), w * 0.3) + 6
    plot_right = w - _PAD
    plot_width = plot_right - plot_left
    # Bottom tick at the plot's bottom: the scale runs upwards.
    y_of = _scale(ticks[0], ticks[-1], plot_bottom, plot_top - plot_bottom)

    parts.append('<g class="y-axis">')
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        stroke = MUTED if tick == 0 else GRID
        parts.append(
            f'<line x1="{_n(plot_left)}" y1="{_n(y)}" x2="{_n(plot_right)}" y2="{_n(y)}" '
            f'stroke="{stroke}"/>'
        )
        parts.append(_text(plot_left - 6, y, text, anchor="end", size=SMALL_SIZE, fill=MUTED))
    parts.append("</g>")

    # Periods are bands; each point sits in the middle of its band.
    band = plot_width / len(periods)
    x_of = [plot_left + (i + 0.5) * band for i in range(len(periods))]
    widest = max(_text_width(p, SMALL_SIZE) for p in periods) + 6
    every = max(1, math.ceil(widest / band))  # label every n-th period when they would collide
    parts.append('<g class="x-axis">')
    for i in range(0, len(periods), every):
        label = _fit(periods[i], band * every - 6, SMALL_SIZE)
        parts.append(
            _text(x_of[i], plot_bottom + 14, label, anchor="middle", size=SMALL_SIZE, fill=MUTED)
        )
    parts.append("</g>")

    if goal is not None and goal_text is not None:
        y = y_of(goal)
        parts.append(
            f'<line class="target" x1="{_n(plot_left)}" y1="{_n(y)}" x2="{_n(plot_right)}" '
            f'y2="{_n(y)}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )

    for index, (name, column, colour) in enumerate(zip(names, columns, colours, strict=True)):
        path: list[str] = []
        markers: list[str] = []
        pen_down = False
        for i, value in enumerate(column):
            if value is None:
                pen_down = False  # a gap: the next point starts a new stretch
                continue
            x, y = x_of[i], y_of(value)
            path.append(f"{'L' if pen_down else 'M'}{_n(x)} {_n(y)}")
            markers.append(_point_marker(index, x, y, colour))
            pen_down = True
        parts.append(f'<g class="line"><title>{_esc(name)}</title>')
        if path:
            parts.append(
                f'<path class="series" d="{"".join(path)}" fill="none" stroke="{colour}" '
                f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
            )
        parts += markers
        parts.append("</g>")
    return _finish(
        _open(chart_id, w, h, title, description) + parts, title, description, headers, rows
    )


def _line_swatch(index: int, colour: str) -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        return (
            f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 22)}" y2="{_n(y)}" stroke="{colour}" '
            f'stroke-width="2"/>{_point_marker(index, x + 11, y, colour)}'
        )

    return draw


def _target_swatch(x: float, y: float) -> str:
    return (
        f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 22)}" y2="{_n(y)}" stroke="{INK}" '
        f'stroke-width="1.5" stroke-dasharray="5 3"/>'
    )


def _line_description(
    periods: list[str],
    names: list[str],
    columns: list[list[float | None]],
    fmt: Callable[[float], str],
    goal_text: str | None,
) -> str:
    first = ngettext(
        "%(count)d kỳ, từ %(first)s đến %(last)s.",
        "%(count)d kỳ, từ %(first)s đến %(last)s.",
        len(periods),
    ) % {"count": len(periods), "first": periods[0], "last": periods[-1]}
    notes = []
    for name, column in zip(names, columns, strict=True):
        points = [(periods[i], v) for i, v in enumerate(column) if v is not None]
        if not points:
            notes.append(_("%(name)s: chưa có số liệu") % {"name": name})
            continue
        start, end = points[0], points[-1]
        peak = max(points, key=lambda point: point[1])
        if len(points) == 1:
            notes.append(
                _("%(name)s: %(value)s (%(label)s)")
                % {"name": name, "value": fmt(start[1]), "label": start[0]}
            )
            continue
        notes.append(
            _(
                "%(name)s từ %(first)s (%(first_label)s) đến %(last)s (%(last_label)s), "
                "cao nhất %(max)s (%(max_label)s)"
            )
            % {
                "name": name,
                "first": fmt(start[1]),
                "first_label": start[0],
                "last": fmt(end[1]),
                "last_label": end[0],
                "max": fmt(peak[1]),
                "max_label": peak[0],
            }
        )
    if goal_text is not None:
        notes.append(_lower_first(_target_label(goal_text)))
    return f"{first} {_upper_first('; '.join(notes))}."


# --- stacked bar chart --------------------------------------------------------------------


def stacked_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    segments: Sequence[Series],
    width: int = 640,
) -> Chart:
    """Horizontal stacked bars, one row per label, segments in the legend's order.

    Meant for counts (e.g. reports on time / late / missing per unit): segments must not be
    negative, None counts as 0 unless a row has no value at all. The total is written at each
    bar's end, a segment's count inside it when it fits. Bars share one scale.
    """
    title = _title(title)
    names = [_clean(label) for label in labels]
    segment_names = [_clean(s.name) for s in segments]
    columns = [[_number(v) for v in s.values] for s in segments]
    for segment_name, column in zip(segment_names, columns, strict=True):
        _check_length(f"segment {segment_name!r}", column, names)
        if any(v is not None and not 0 <= v <= _MAX_COUNT for v in column):
            raise ValueError(f"segment {segment_name!r}: values must be counts, 0 to 1e15")
    chart_id = _chart_id("stacked", title, names, segment_names, columns, width)
    # Counts are whole numbers; show a decimal only when the data has fractions.
    decimals = 0 if all(v is None or v.is_integer() for c in columns for v in c) else 1

    totals: list[float | None] = []
    for i in range(len(names)):
        cells = [v for column in columns if (v := column[i]) is not None]
        totals.append(math.fsum(cells) if cells else None)
    fmt = _formatter(decimals)
    headers = [_("Tên"), *segment_names, _("Tổng")]
    rows = [
        [name, *(_cell(column[i], fmt) for column in columns), _cell(totals[i], fmt)]
        for i, name in enumerate(names)
    ]
    present = [t for t in totals if t is not None]
    if not present:
        return _empty(chart_id, title, width, headers, rows)
    description = _stacked_description(names, segment_names, columns)

    w = max(int(width), _MIN_WIDTH)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(segment_names))]
    items = [
        (_swatch(colour), 11.0, name) for name, colour in zip(segment_names, colours, strict=True)
    ]
    parts, legend_height = _legend(items, _PAD, _PAD, w - 2 * _PAD)
    top = _PAD + legend_height + 6
    label_width = min(max(_text_width(n, FONT_SIZE) for n in names), w * 0.36)
    label_end = _PAD + label_width
    plot_left = label_end + 8
    total_texts = [_cell(t, fmt) for t in totals]
    total_width = min(max(_text_width(fmt(t), FONT_SIZE) for t in present), w * 0.25)
    plot_width = max(w - plot_left - total_width - 6 - _PAD, 40.0)
    x_of = _scale(0.0, max(present) or 1.0, plot_left, plot_width)
    height = math.ceil(top + len(names) * _BAR_PITCH + _PAD)

    for i, name in enumerate(names):
        mid = top + i * _BAR_PITCH + _BAR_PITCH / 2
        parts.append(f'<g class="row"><title>{_esc(name)}</title>')
        parts.append(_text(label_end, mid, _fit(name, label_width, FONT_SIZE), anchor="end"))
        total = totals[i]
        if total is None:
            parts.append(
                _text(
                    plot_left + 4, mid, total_texts[i], fill=MUTED, italic=True, css_class="no-data"
                )
            )
            parts.append("</g>")
            continue
        running = 0.0
        for segment_name, column, colour in zip(segment_names, columns, colours, strict=True):
            value = column[i]
            if not value:  # None or 0: nothing to draw
                continue
            x0, x1 = x_of(running), x_of(running + value)
            running += value
            text = fmt(value)
            # A white edge separates neighbours that are close in colour.
            parts.append(
                f'<rect class="segment" x="{_n(x0)}" y="{_n(mid - _BAR_HEIGHT / 2)}" '
                f'width="{_n(x1 - x0)}" height="{_BAR_HEIGHT}" fill="{colour}" '
                f'stroke="{BACKGROUND}" stroke-width="1"><title>{_esc(segment_name)}: '
                f"{_esc(text)}</title></rect>"
            )
            if _text_width(text, SMALL_SIZE) + 6 <= x1 - x0:
                parts.append(
                    _text(
                        (x0 + x1) / 2,
                        mid,
                        text,
                        anchor="middle",
                        size=SMALL_SIZE,
                        fill=_ink_on(colour),
                    )
                )
        parts.append(_text(x_of(total) + 4, mid, total_texts[i], css_class="value"))
        parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{_n(plot_left)}" y1="{_n(top - 2)}" x2="{_n(plot_left)}" '
        f'y2="{_n(height - _PAD + 2)}" stroke="{MUTED}"/>'
    )
    return _finish(
        _open(chart_id, w, height, title, description) + parts, title, description, headers, rows
    )


def _ink_on(colour: str) -> str:
    """Black or white text, whichever contrasts more with the fill (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return INK if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else BACKGROUND


def _stacked_description(
    names: list[str], segment_names: list[str], columns: list[list[float | None]]
) -> str:
    sums = [math.fsum(v for v in column if v is not None) for column in columns]
    grand = math.fsum(sums)
    fmt = _formatter(0 if all(s.is_integer() for s in sums) else 1)
    percent = _formatter(0, "%")
    shares = [
        _("%(name)s %(value)s (%(share)s)")
        % {
            "name": name,
            "value": fmt(total),
            "share": percent(100 * total / grand if grand else 0.0),
        }
        for name, total in zip(segment_names, sums, strict=True)
    ]
    return ngettext(
        "%(count)d mục; tổng cộng: %(shares)s.",
        "%(count)d mục; tổng cộng: %(shares)s.",
        len(names),
    ) % {"count": len(names), "shares": ", ".join(shares)}
