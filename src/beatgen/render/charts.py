"""Inline SVG charts drawn at build time: no JavaScript, no chart library, exact and testable.

Every chart is an `<svg role="img">` labelled by its own `<title>` and `<desc>`; colours come from
CSS classes (site.css maps them to colour-blind-safe variables for light and dark), and series that
differ by colour also differ by pattern or marker. Coordinates are rounded so output is byte-stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

SPARK_PAD = 4
"""Room above a sparkline's tallest bar and around its impact dots, so neither is clipped."""
# Hatching drawn over a series' colour, so stacked segments differ by more than hue.
PATTERNS = ("M0,6 L6,0", "", "M0,0 L6,6 M0,6 L6,0", "M3,1 L3,1.01", "M0,3 L6,3")
CHAR_WIDTH = 7.2
"""A generous average width of one character of 12 px system-ui text, to keep axis labels apart."""
LABEL_GAP = 8


@dataclass(frozen=True)
class Layout:
    """A chart's drawing size and margins, in SVG units. Text is 12 units tall (site.css), so a layout
    is shown no narrower than its width (12 CSS px at the least): a wide one for large screens, a
    narrow one, with fewer labels, for phones; site.css shows one or the other."""

    name: str
    width: int
    height: int
    left: int = 44
    right: int = 12
    top: int = 30
    bottom: int = 50
    marker: float = 3.0


WIDE = Layout("wide", 720, 280)
NARROW = Layout("narrow", 280, 240, left=40, right=8, marker=2.0)
LAYOUTS = (WIDE, NARROW)


@dataclass(frozen=True)
class Spec:
    """What a chart says in words: its id, title, description, axis titles and the dates along its x axis."""

    id: str
    title: str
    desc: str
    y_title: str
    x_title: str
    dates: tuple[tuple[int, date], ...]
    """(column, first day) of the columns that may carry a month label; labels that would touch are left out."""


@dataclass(frozen=True)
class Frame:
    """The plot area of a chart and its value scale."""

    count: int
    top: float
    layout: Layout

    @property
    def plot_width(self) -> float:
        return self.layout.width - self.layout.left - self.layout.right

    @property
    def plot_height(self) -> float:
        return self.layout.height - self.layout.top - self.layout.bottom

    def slot(self) -> float:
        return self.plot_width / max(self.count, 1)

    def x(self, index: int) -> float:
        return self.layout.left + self.slot() * index

    def centre(self, index: int) -> float:
        return self.x(index) + self.slot() / 2

    def y(self, value: float) -> float:
        bottom = self.layout.top + self.plot_height
        return bottom - self.plot_height * value / self.top if self.top else bottom


def num(value: float) -> str:
    """Coordinates to one decimal, without a trailing `.0`: stable and short."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_top(peak: float, steps: int = 4) -> tuple[float, float]:
    """A round axis maximum at or above `peak` and its tick step (whole numbers: counts and percents)."""
    if peak <= 0:
        return 1.0, 1.0
    raw = peak / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1.0, next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw))
    return step * math.ceil(peak / step), step


def _open(spec: Spec, css: str, layout: Layout) -> list[str]:
    return _svg(f"{spec.id}-{layout.name}", spec.title, spec.desc, f"chart-{layout.name} {css}", layout.width,
                layout.height)


def _svg(chart_id: str, title: str, desc: str, css: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _axes(frame: Frame, step: float, spec: Spec, unit: str = "") -> list[str]:
    """Grid lines with their values, month labels under the plot, and the titles of both axes."""
    layout = frame.layout
    parts = ['<g class="grid">']
    value = 0.0
    while value <= frame.top + 1e-9:
        y = num(frame.y(value))
        parts.append(f'<line x1="{layout.left}" y1="{y}" x2="{layout.width - layout.right}" y2="{y}"/>')
        parts.append(f'<text class="tick" x="{layout.left - 6}" y="{y}" text-anchor="end" dy="0.32em">'
                     f'{num(value)}{unit}</text>')
        value += step
    parts.append("</g>")
    parts += _date_labels(frame, spec.dates)
    middle = num(layout.left + frame.plot_width / 2)
    parts.append(f'<text class="axis-title" x="0" y="14">{escape(spec.y_title)}</text>')
    parts.append(f'<text class="axis-title" x="{middle}" y="{layout.height - 6}" text-anchor="middle">'
                 f'{escape(spec.x_title)}</text>')
    return parts


def _date_labels(frame: Frame, dates: Sequence[tuple[int, date]]) -> list[str]:
    """Month names under their columns, the year on the first and wherever it changes; a label that would
    run into the one before it, or off the chart, is left out, so a narrow chart shows fewer."""
    parts: list[str] = []
    edge, year = -math.inf, 0
    base = num(frame.y(0) + 17)
    for index, day in dates:
        text = f"{day:%b}" + (f" {day:%Y}" if day.year != year else "")
        x, half = frame.centre(index), len(text) * CHAR_WIDTH / 2
        if x - half < max(edge + LABEL_GAP, 0) or x + half > frame.layout.width:
            continue
        parts.append(f'<text class="tick" x="{num(x)}" y="{base}" text-anchor="middle">{text}</text>')
        edge, year = x + half, day.year
    return parts


def column_chart(spec: Spec, values: Sequence[float], layout: Layout, *, unit: str = "",
                 scale: float = 1.0, notes: Sequence[str] = ()) -> Markup:
    """Vertical bars, one per value; `notes[i]` is written over bar i where the column is wide enough."""
    top, step = nice_top(max(values, default=0) * scale)
    frame = Frame(len(values), top, layout)
    parts = _open(spec, "columns", layout) + _axes(frame, step, spec, unit)
    gap = min(2.0, frame.slot() * 0.2)
    parts.append('<g class="bars">')
    for index, value in enumerate(values):
        if value:
            y = frame.y(value * scale)
            parts.append(f'<rect x="{num(frame.x(index) + gap / 2)}" y="{num(y)}" '
                         f'width="{num(frame.slot() - gap)}" height="{num(frame.y(0) - y)}"/>')
    parts.append("</g>")
    parts += [f'<text class="note" x="{num(frame.centre(i))}" y="{num(frame.y(values[i] * scale) - 5)}" '
              f'text-anchor="middle">{escape(note)}</text>'
              for i, note in enumerate(notes) if note and len(note) * CHAR_WIDTH <= frame.slot()]
    parts.append("</svg>")
    return Markup("".join(parts))


def band_chart(spec: Spec, means: Sequence[float | None], lows: Sequence[int | None],
               highs: Sequence[int | None], layout: Layout, top: float = 10.0) -> Markup:
    """A mean line with round markers over a shaded low–high band; gaps where a week has no story."""
    frame = Frame(len(means), top, layout)
    parts = _open(spec, "band", layout) + _axes(frame, 2.0, spec)
    for run in _runs(means):
        parts.append(_band(frame, run, lows, highs))
        parts.append(_line(frame, run, means))
    parts.append('<g class="markers">')
    parts += [f'<circle cx="{num(frame.centre(i))}" cy="{num(frame.y(m))}" r="{num(layout.marker)}"/>'
              for i, m in enumerate(means) if m is not None]
    parts += ["</g>", "</svg>"]
    return Markup("".join(parts))


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """Indexes of consecutive non-empty values."""
    runs: list[list[int]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _band(frame: Frame, run: list[int], lows: Sequence[int | None], highs: Sequence[int | None]) -> str:
    """The low–high polygon of a run; a lone week gets a short flat band so it stays visible."""
    if len(run) == 1:
        half = max(frame.slot() * 0.3, frame.layout.marker)
        edge = [(frame.centre(run[0]) - half, run[0]), (frame.centre(run[0]) + half, run[0])]
    else:
        edge = [(frame.centre(i), i) for i in run]
    outline = [(x, highs[i]) for x, i in edge] + [(x, lows[i]) for x, i in reversed(edge)]
    points = " ".join(f"{num(x)},{num(frame.y(v or 0))}" for x, v in outline)
    return f'<polygon class="spread" points="{points}"/>'


def _line(frame: Frame, run: list[int], means: Sequence[float | None]) -> str:
    points = " ".join(f"{num(frame.centre(i))},{num(frame.y(means[i] or 0))}" for i in run)
    return f'<polyline class="mean" points="{points}"/>'


def stacked_chart(spec: Spec, rows: Sequence[Sequence[int]], series: Sequence[tuple[str, str]],
                  layout: Layout) -> Markup:
    """Stacked columns: `rows[i][k]` is the value of series k in column i; each series has a pattern."""
    top, step = nice_top(max((sum(row) for row in rows), default=0))
    frame = Frame(len(rows), top, layout)
    pattern = f"{spec.id}-{layout.name}-p"
    parts = _open(spec, "stacked", layout) + [_patterns(pattern, series)]
    parts += _axes(frame, step, spec)
    width = frame.slot() * 0.7
    for index, row in enumerate(rows):
        below = 0
        for (key, _label), value in zip(series, row, strict=True):
            if value:
                y0, y1 = frame.y(below), frame.y(below + value)
                parts.append(f'<rect class="seg seg-{key}" fill="url(#{pattern}-{key})" '
                             f'x="{num(frame.centre(index) - width / 2)}" y="{num(y1)}" '
                             f'width="{num(width)}" height="{num(y0 - y1)}"/>')
                below += value
    parts.append("</svg>")
    return Markup("".join(parts))


def _patterns(prefix: str, series: Sequence[tuple[str, str]], first: int = 0) -> str:
    """A pattern per series: its colour with the hatching of its place (`first` + its index) in the series."""
    defs = ["<defs>"]
    for index, (key, _label) in enumerate(series, first):
        hatch = PATTERNS[index % len(PATTERNS)]
        defs.append(f'<pattern id="{prefix}-{key}" width="6" height="6" patternUnits="userSpaceOnUse">'
                    f'<rect class="swatch-{key}" width="6" height="6"/>'
                    + (f'<path class="hatch" d="{hatch}"/>' if hatch else "") + "</pattern>")
    return "".join(defs) + "</defs>"


def legend_swatch(chart_id: str, index: int, key: str, label: str) -> Markup:
    """A small SVG key for one series, with its own copy of the series' pattern: the chart that defines
    the pattern may be the one of the two layouts that is hidden."""
    prefix = f"{chart_id}-key"
    return Markup(f'<svg class="swatch" viewBox="0 0 14 14" width="14" height="14" aria-hidden="true">'
                  f'{_patterns(prefix, [(key, label)], index)}'
                  f'<rect class="seg seg-{key}" fill="url(#{prefix}-{key})" width="14" height="14"/>'
                  f'</svg><span>{escape(label)}</span>')


def sparkline(chart_id: str, title: str, desc: str, counts: Sequence[int], means: Sequence[float | None],
              top: int) -> Markup:
    """Weekly story counts as thin bars on a scale of 0 to `top`, the mean impact (0–10) of each week with
    stories as a dot, joined by a line across consecutive weeks (a lone week is a dot alone)."""
    width, height = 240, 48
    slot = width / max(len(counts), 1)
    parts = _svg(chart_id, title, desc, "spark", width, height)
    parts.append(f'<line class="scale-top" x1="0" y1="{SPARK_PAD}" x2="{width}" y2="{SPARK_PAD}"/>')
    parts.append('<g class="bars">')
    for index, count in enumerate(counts):
        if count:
            bar = (height - SPARK_PAD) * count / top
            parts.append(f'<rect x="{num(slot * index + 0.5)}" y="{num(height - bar)}" '
                         f'width="{num(max(slot - 1, 0.5))}" height="{num(bar)}"/>')
    parts.append("</g>")
    points = {i: (num(slot * (i + 0.5)), num(SPARK_PAD + (height - 2 * SPARK_PAD) * (1 - (m or 0) / 10)))
              for i, m in enumerate(means) if m is not None}
    for run in _runs(means):
        if len(run) > 1:
            parts.append(f'<polyline class="mean" points="{" ".join(",".join(points[i]) for i in run)}"/>')
    parts.append('<g class="markers">')
    parts += [f'<circle cx="{x}" cy="{y}" r="2.2"/>' for x, y in points.values()]
    parts += ["</g>", "</svg>"]
    return Markup("".join(parts))
