"""Trajectory charts as inline SVG: a pure renderer, standard library only (no Django, no I/O).

One chart shows one instrument's totals over time for one patient: the scores as a line with a
marker per result, therapy periods shaded (hatched, so that they survive black-and-white printing),
doses marked along the time axis, the meaningful-change band around each course's baseline
(clinical.md §C.4) and the expected untreated course from that baseline, dashed (clinical.md §C.2,
§C.5). Every word on the chart arrives already translated: the caller (``qadam.reports.figures``)
passes titles, axis labels, legend entries and the date and number formats of the user's language.

The SVG is accessible on its own (``role="img"``, a ``<title>`` and a ``<desc>`` referenced by
``aria-labelledby``/``aria-describedby``), carries its styles as presentation attributes (no
stylesheet, no script, no external reference), and is the same markup on screen and in the PDF.

>>> from datetime import date
>>> chart = Chart(id="c1", title="HFMSE", description="", x_label="Date", y_label="Total",
...               points=(Point(date(2024, 1, 1), 30.0), Point(date(2025, 1, 1), 34.0)))
>>> svg = render(chart)
>>> svg.startswith('<svg') and 'role="img"' in svg
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

WIDTH = 720
HEIGHT = 360  # with one therapy lane; each further lane adds LANE_HEIGHT
PLOT_HEIGHT = 224
LANE_HEIGHT = 22
MARGIN_LEFT = 64
MARGIN_RIGHT = 20
MARGIN_TOP = 18  # above the therapy lanes (one lane per course: its name, its bar, its doses)
MARGIN_BOTTOM = 96  # tick labels, axis label and the legend
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
FONT_SIZE = 12

INK = "#1b1f24"
SECONDARY = "#4a5560"
GRID = "#d5dbe0"
SCORE = "#17517e"
PERIOD_FILL = "#e3eef7"
PERIOD_HATCH = "#6f9cc4"
BAND_FILL = "#00703c"
BAND_EDGE = "#005a30"
EXPECTED = "#8a4b00"
DOSE = "#1b1f24"

MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)
MAX_X_TICKS = 8
TARGET_Y_TICKS = 5

_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Point:
    """One result: the day and the total; ``label`` is the marker's tooltip (e.g. the date and value)."""

    day: date
    value: float
    label: str = ""


@dataclass(frozen=True)
class Period:
    """A therapy course: shaded from ``start`` to ``end`` (``None``: still running, to the chart's end)."""

    start: date
    end: date | None
    label: str


@dataclass(frozen=True)
class Dose:
    """One administration: marked on its course's lane (``period``: index into ``Chart.periods``),
    or on the time axis when it belongs to no period drawn."""

    day: date
    label: str
    period: int | None = None


@dataclass(frozen=True)
class Band:
    """The meaningful-change band: values from ``low`` to ``high`` from ``start`` to ``end``."""

    start: date
    end: date
    low: float
    high: float
    label: str = ""


@dataclass(frozen=True)
class ExpectedCourse:
    """The expected untreated course: a straight line from the baseline at ``slope_per_year``."""

    start: date
    end: date
    start_value: float
    slope_per_year: float
    label: str = ""

    def value_on(self, day: date) -> float:
        return self.start_value + self.slope_per_year * (day - self.start).days / 365.25


@dataclass(frozen=True)
class Legend:
    """The legend's words, in the user's language (an entry shows only when its element is drawn)."""

    scores: str = "Score"
    therapy: str = "Therapy"
    dose: str = "Dose"
    band: str = "Meaningful-change band"
    expected: str = "Expected untreated course"


def _iso_month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class Chart:
    """Everything one chart shows. ``bounds`` is the instrument's range (the axis never leaves it);
    ``min_span`` keeps small changes from filling the whole height (e.g. two meaningful changes)."""

    id: str
    title: str
    description: str
    x_label: str
    y_label: str
    points: tuple[Point, ...]
    periods: tuple[Period, ...] = ()
    doses: tuple[Dose, ...] = ()
    bands: tuple[Band, ...] = ()
    expected: tuple[ExpectedCourse, ...] = ()
    bounds: tuple[float | None, float | None] = (None, None)
    min_span: float = 0.0
    today: date | None = None
    legend: Legend = field(default_factory=Legend)
    format_day: Callable[[date], str] = _iso_month
    format_number: Callable[[float], str] = _plain_number
    width: int = WIDTH


@dataclass(frozen=True)
class Frame:
    """Where things go: the plotting area in SVG units and the data ranges mapped onto it."""

    left: float
    right: float
    top: float
    bottom: float
    first: date
    last: date
    low: float
    high: float
    y_ticks: tuple[float, ...]
    x_ticks: tuple[date, ...]
    lanes: int = 0

    def lane_top(self, index: int) -> float:
        """The top of therapy lane ``index`` (above the plot: its name, then its bar)."""
        return MARGIN_TOP - 10 + index * LANE_HEIGHT

    def x(self, day: date) -> float:
        span = (self.last - self.first).days or 1
        return round(self.left + (day - self.first).days * (self.right - self.left) / span, 2)

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return round(self.bottom - (value - self.low) * (self.bottom - self.top) / span, 2)

    def clamp_x(self, day: date) -> float:
        return min(max(self.x(day), self.left), self.right)

    def clamp_y(self, value: float) -> float:
        return min(max(self.y(value), self.top), self.bottom)


def layout(chart: Chart) -> Frame:
    """The frame of ``chart``: time from the first to the last thing shown (with a little room),
    values over a rounded range that holds every score, band edge and expected value."""
    first, last = _time_range(chart)
    low, high, ticks = _value_range(chart)
    lanes = len(chart.periods)
    top = MARGIN_TOP + lanes * LANE_HEIGHT
    return Frame(
        left=MARGIN_LEFT,
        right=chart.width - MARGIN_RIGHT,
        top=top,
        bottom=top + PLOT_HEIGHT,
        lanes=lanes,
        first=first,
        last=last,
        low=low,
        high=high,
        y_ticks=ticks,
        x_ticks=_month_ticks(first, last),
    )


def _time_range(chart: Chart) -> tuple[date, date]:
    """From the first result (or baseline) to the last thing after it, with a little room.

    Doses and courses older than the first result do not stretch the axis back (they are clipped);
    a course still running stretches it forward to today, so a long gap since the last result shows.
    """
    anchors = [p.day for p in chart.points] + [b.start for b in chart.bands] + [e.start for e in chart.expected]
    if not anchors:
        anchors = [d.day for d in chart.doses] + [p.start for p in chart.periods] or [chart.today or date(2000, 1, 1)]
    first = min(anchors)
    later = [p.day for p in chart.points] + [b.end for b in chart.bands] + [e.end for e in chart.expected]
    later += [d.day for d in chart.doses]
    later += [p.end or chart.today or p.start for p in chart.periods]
    last = max([first, *(day for day in later if day >= first)])
    room = max(15, round((last - first).days * 0.03))
    return first - timedelta(days=room), last + timedelta(days=room)


def _value_range(chart: Chart) -> tuple[float, float, tuple[float, ...]]:
    values = [p.value for p in chart.points]
    values += [v for b in chart.bands for v in (b.low, b.high)]
    values += [e.value_on(day) for e in chart.expected for day in (e.start, e.end)]
    floor, ceiling = chart.bounds
    if not values:
        values = [v for v in (floor, ceiling) if v is not None] or [0.0, 1.0]
    low, high = min(values), max(values)
    span = max(high - low, chart.min_span, 1e-9 if low != high else 1.0)
    middle = (low + high) / 2
    low, high = min(low, middle - span / 2), max(high, middle + span / 2)
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    if floor is not None:
        low = max(low, floor)
    if ceiling is not None:
        high = min(high, ceiling)
    step = _nice_step((high - low) / TARGET_Y_TICKS)
    low = math.floor(low / step + 1e-9) * step
    high = math.ceil(high / step - 1e-9) * step
    if floor is not None:
        low = max(low, floor)
    if ceiling is not None:
        high = min(high, ceiling)
    if high <= low:
        high = low + step
    first_tick = math.ceil(low / step - 1e-9) * step
    ticks = []
    tick = first_tick
    while tick <= high + 1e-9:
        ticks.append(round(tick, 6))
        tick += step
    return low, high, tuple(ticks)


def _nice_step(rough: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, the smallest not below ``rough``."""
    if rough <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * power >= rough - 1e-12:
            return multiple * power
    return 10 * power


def _month_ticks(first: date, last: date) -> tuple[date, ...]:
    """First days of months, every 1, 2, 3 … months, at most ``MAX_X_TICKS`` of them."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in MONTH_STEPS if months / s <= MAX_X_TICKS), MONTH_STEPS[-1])
    index = first.year * 12 + first.month - 1
    if first.day != 1:
        index += 1
    index = math.ceil(index / step) * step  # ticks on round months: January, April, July …
    ticks = []
    while True:
        tick = date(index // 12, index % 12 + 1, 1)
        if tick > last:
            break
        if tick >= first:
            ticks.append(tick)
        index += step
    return tuple(ticks)


# --- drawing -------------------------------------------------------------------------------------


def render(chart: Chart) -> str:
    """The chart as one ``<svg>`` element (a string of XML, safe to insert into HTML)."""
    frame = layout(chart)
    uid = _SAFE_ID.sub("-", chart.id) or "chart"
    legend, legend_bottom = _legend(chart, frame, uid)
    height = max(round(frame.bottom + MARGIN_BOTTOM), round(legend_bottom + 10))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="q-chart__svg" id="{uid}" role="img" '
        f'aria-labelledby="{uid}-title" aria-describedby="{uid}-desc" '
        f'viewBox="0 0 {chart.width} {height}" width="{chart.width}" height="{height}" '
        f'font-family={quoteattr(FONT)} font-size="{FONT_SIZE}" data-instrument-chart="{uid}">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(chart.description)}</desc>',
        _defs(uid),
        f'<rect x="0" y="0" width="{chart.width}" height="{height}" fill="#ffffff"/>',
        _periods(chart, frame, uid),
        _grid(chart, frame),
        _bands(chart, frame),
        _expected(chart, frame),
        _scores(chart, frame),
        _doses(chart, frame),
        _axes(chart, frame),
        legend,
        "</svg>",
    ]
    return "".join(p for p in parts if p)


def _defs(uid: str) -> str:
    return (
        f'<defs><pattern id="{uid}-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{PERIOD_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{PERIOD_HATCH}" stroke-width="1.5"/></pattern></defs>'
    )


def _periods(chart: Chart, frame: Frame, uid: str) -> str:
    """Each course: a hatched shade over the plot and, in its own lane above it, its name and bar."""
    out = ['<g class="q-chart__periods">']
    # Overlapping courses stack their shades: keep the sum about the same whatever their number.
    shade = round(max(0.15, 0.45 / max(len(chart.periods), 1)), 2)
    for index, period in enumerate(chart.periods):
        end = period.end or chart.today or frame.last
        if end < frame.first or period.start > frame.last:
            continue
        x1, x2 = frame.clamp_x(period.start), frame.clamp_x(end)
        width = max(round(x2 - x1, 2), 1.0)
        lane = frame.lane_top(index)
        label_width = _text_width(period.label, 11)
        if x1 + 2 + label_width <= chart.width - 4:
            label = f'<text x="{round(x1 + 2, 2)}" y="{lane + 9}" fill="{INK}" font-size="11">'
        else:
            label = f'<text x="{round(x2 - 2, 2)}" y="{lane + 9}" fill="{INK}" font-size="11" text-anchor="end">'
        out.append(
            f'<g data-period-start="{period.start.isoformat()}" data-period-end="{period.end or ""}">'
            f"<title>{escape(period.label)}</title>"
            f'<rect x="{x1}" y="{frame.top}" width="{width}" height="{round(frame.bottom - frame.top, 2)}" '
            f'fill="url(#{uid}-hatch)" fill-opacity="{shade}"/>'
            f'<line x1="{x1}" y1="{lane + 12}" x2="{x1}" y2="{frame.bottom}" stroke="{SCORE}" stroke-width="1"/>'
            f'<rect class="q-chart__lane" x="{x1}" y="{lane + 12}" width="{width}" height="8" '
            f'fill="url(#{uid}-hatch)" stroke="{PERIOD_HATCH}" stroke-width="1"/>'
            f"{label}{escape(period.label)}</text>"
            "</g>"
        )
    out.append("</g>")
    return "".join(out)


def _grid(chart: Chart, frame: Frame) -> str:
    out = ['<g class="q-chart__grid" stroke="' + GRID + '" stroke-width="1">']
    for tick in frame.y_ticks:
        y = frame.y(tick)
        out.append(f'<line x1="{frame.left}" y1="{y}" x2="{frame.right}" y2="{y}"/>')
    out.append("</g>")
    return "".join(out)


def _bands(chart: Chart, frame: Frame) -> str:
    out = ['<g class="q-chart__bands">']
    for band in chart.bands:
        x1, x2 = frame.clamp_x(band.start), frame.clamp_x(band.end)
        y1, y2 = frame.clamp_y(band.high), frame.clamp_y(band.low)
        out.append(
            f'<g data-band-low="{band.low:g}" data-band-high="{band.high:g}" data-band-start="{band.start.isoformat()}">'
            f"<title>{escape(band.label)}</title>"
            f'<rect x="{x1}" y="{y1}" width="{round(x2 - x1, 2)}" height="{round(y2 - y1, 2)}" '
            f'fill="{BAND_FILL}" fill-opacity="0.12"/>'
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y1}" stroke="{BAND_EDGE}" stroke-width="1" stroke-dasharray="2 3"/>'
            f'<line x1="{x1}" y1="{y2}" x2="{x2}" y2="{y2}" stroke="{BAND_EDGE}" stroke-width="1" stroke-dasharray="2 3"/>'
            "</g>"
        )
    out.append("</g>")
    return "".join(out)


def _expected(chart: Chart, frame: Frame) -> str:
    out = ['<g class="q-chart__expected">']
    for course in chart.expected:
        x1, x2 = frame.x(course.start), frame.x(course.end)
        y1, y2 = frame.y(course.start_value), frame.y(course.value_on(course.end))
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{EXPECTED}" stroke-width="2" '
            f'stroke-dasharray="7 5" data-slope="{course.slope_per_year:g}"><title>{escape(course.label)}</title></line>'
        )
    out.append("</g>")
    return "".join(out)


def _scores(chart: Chart, frame: Frame) -> str:
    points = sorted(chart.points, key=lambda p: p.day)
    out = ['<g class="q-chart__scores">']
    if len(points) > 1:
        coords = " ".join(f"{frame.x(p.day)},{frame.y(p.value)}" for p in points)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{SCORE}" stroke-width="2.5"/>')
    for p in points:
        out.append(
            f'<circle cx="{frame.x(p.day)}" cy="{frame.y(p.value)}" r="4.5" fill="{SCORE}" stroke="#ffffff" '
            f'stroke-width="1.5" data-day="{p.day.isoformat()}" data-value="{p.value:g}">'
            f"<title>{escape(p.label)}</title></circle>"
        )
    out.append("</g>")
    return "".join(out)


def _doses(chart: Chart, frame: Frame) -> str:
    """A dark triangle per dose: pointing down onto its course's lane, or up from the time axis."""
    out = ['<g class="q-chart__doses">']
    for dose in sorted(chart.doses, key=lambda d: d.day):
        if not frame.first <= dose.day <= frame.last:
            continue
        x = frame.x(dose.day)
        if dose.period is not None and 0 <= dose.period < len(chart.periods):
            top = frame.lane_top(dose.period) + 11
            shape = f"M{round(x - 4.5, 2)},{top} L{round(x + 4.5, 2)},{top} L{x},{top + 9} Z"
        else:
            base = frame.bottom
            shape = f"M{x},{round(base - 9, 2)} L{round(x - 5, 2)},{base} L{round(x + 5, 2)},{base} Z"
        out.append(
            f'<path d="{shape}" fill="{DOSE}" data-day="{dose.day.isoformat()}" data-x="{x}">'
            f"<title>{escape(dose.label)}</title></path>"
        )
    out.append("</g>")
    return "".join(out)


def _axes(chart: Chart, frame: Frame) -> str:
    out = [f'<g class="q-chart__axes" fill="{INK}">']
    out.append(
        f'<line x1="{frame.left}" y1="{frame.bottom}" x2="{frame.right}" y2="{frame.bottom}" stroke="{INK}"/>'
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{frame.bottom}" stroke="{INK}"/>'
    )
    for tick in frame.y_ticks:
        y = frame.y(tick)
        out.append(
            f'<line x1="{frame.left - 5}" y1="{y}" x2="{frame.left}" y2="{y}" stroke="{INK}"/>'
            f'<text x="{frame.left - 8}" y="{round(y + 4, 2)}" text-anchor="end">{escape(chart.format_number(tick))}</text>'
        )
    for tick in frame.x_ticks:
        x = frame.x(tick)
        text = chart.format_day(tick)
        half = _text_width(text) / 2
        out.append(f'<line x1="{x}" y1="{frame.bottom}" x2="{x}" y2="{frame.bottom + 5}" stroke="{INK}"/>')
        if half <= x <= chart.width - half:  # a label that would be cut at the edge is left out
            out.append(f'<text x="{x}" y="{frame.bottom + 19}" text-anchor="middle">{escape(text)}</text>')
    middle_x = round((frame.left + frame.right) / 2, 2)
    middle_y = round((frame.top + frame.bottom) / 2, 2)
    out.append(
        f'<text class="q-chart__x-label" x="{middle_x}" y="{frame.bottom + 40}" text-anchor="middle" '
        f'fill="{SECONDARY}">{escape(chart.x_label)}</text>'
        f'<text class="q-chart__y-label" x="16" y="{middle_y}" text-anchor="middle" fill="{SECONDARY}" '
        f'transform="rotate(-90 16 {middle_y})">{escape(chart.y_label)}</text>'
    )
    out.append("</g>")
    return "".join(out)


def _legend(chart: Chart, frame: Frame, uid: str) -> tuple[str, float]:
    """The legend under the axis label, wrapped into rows; returns the markup and its lowest y."""
    entries: list[tuple[str, str]] = []
    words = chart.legend
    if chart.points:
        entries.append(
            (
                f'<line x1="0" y1="-4" x2="22" y2="-4" stroke="{SCORE}" stroke-width="2.5"/>'
                f'<circle cx="11" cy="-4" r="4" fill="{SCORE}"/>',
                words.scores,
            )
        )
    if chart.periods:
        entries.append(
            (
                f'<rect x="0" y="-11" width="22" height="12" fill="url(#{uid}-hatch)" stroke="{PERIOD_HATCH}"/>',
                words.therapy,
            )
        )
    if chart.doses:
        symbol = (
            "M6,-13 L16,-13 L11,-4 Z" if any(d.period is not None for d in chart.doses) else "M11,-13 L6,-4 L16,-4 Z"
        )
        entries.append((f'<path d="{symbol}" fill="{DOSE}"/>', words.dose))
    if chart.bands:
        entries.append(
            (
                f'<rect x="0" y="-11" width="22" height="12" fill="{BAND_FILL}" fill-opacity="0.12" '
                f'stroke="{BAND_EDGE}" stroke-dasharray="2 3"/>',
                words.band,
            )
        )
    if chart.expected:
        entries.append(
            (
                f'<line x1="0" y1="-4" x2="22" y2="-4" stroke="{EXPECTED}" stroke-width="2" stroke-dasharray="7 5"/>',
                words.expected,
            )
        )
    out = ['<g class="q-chart__legend" aria-hidden="true">']
    x, y = float(frame.left), frame.bottom + 66
    for symbol, text in entries:
        width = 30 + _text_width(text) + 18
        if x + width > frame.right and x > frame.left:
            x, y = float(frame.left), y + 18
        out.append(
            f'<g transform="translate({round(x, 2)},{y})">{symbol}'
            f'<text x="28" y="0" fill="{INK}">{escape(text)}</text></g>'
        )
        x += width
    out.append("</g>")
    return "".join(out), y + 6


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the width of ``text`` at ``size`` (no font metrics here)."""
    return len(text) * size * 0.6


def describe_points(points: Sequence[Point], format_day: Callable[[date], str], format_number) -> str:
    """A plain list of the results for a ``<desc>``: "2024-01: 30; 2025-01: 34"."""
    return "; ".join(f"{format_day(p.day)}: {format_number(p.value)}" for p in sorted(points, key=lambda p: p.day))
