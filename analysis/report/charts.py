"""Charts as SVG text built on the server, so HTML and PDF show the same picture.

Each chart carries a <title> and <desc> (its text alternative) and is drawn only from the
report's published cells: a suppressed cell is left out of the picture and said so in the
description, never drawn as a number. All text goes through XML escaping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#212b32"
GREY = "#768692"
BLUE = "#005eb8"
LIGHT = "#d8dde0"
HIGHLIGHT = "#d5281b"
SERIES = ("#005eb8", "#007f3b", "#7c2855", "#ed8b00", "#330072", "#00a499", "#425563", "#ae2573")


@dataclass(frozen=True)
class Bar:
    """One bar: a label, its value and interval (None where not published)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    marker: float | None = None  # a comparison value drawn as a tick (national)


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    n: float
    value: float
    highlighted: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[str, float | None], ...]  # (x label, value or None)


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 12,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family={quoteattr(FONT)} font-size="{size}" '
        f'text-anchor="{anchor}" font-weight="{weight}" fill="{fill}">{escape(content)}</text>'
    )


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    safe_id = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cv-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<desc id="{safe_id}-desc">{escape(desc)}</desc>',
    ]


def _ticks(maximum: float, count: int = 5) -> list[float]:
    step = maximum / count
    return [round(step * index, 6) for index in range(count + 1)]


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    maximum: float,
    reference: float | None = None,
    reference_label: str = "",
) -> str:
    """Horizontal bars with 95% intervals as whiskers, and an optional reference line."""
    label_width, plot_width, row_height, top = 230, 380, 26, 30
    width = label_width + plot_width + 70
    height = top + row_height * max(len(bars), 1) + 40
    scale = plot_width / maximum if maximum > 0 else 0.0
    parts = _open(chart_id, width, height, title, desc)
    for tick in _ticks(maximum):
        x = label_width + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 30}" '
            f'stroke="{LIGHT}" stroke-width="1"/>'
        )
        parts.append(_text(x, height - 14, _number(tick), size=10, anchor="middle", fill=GREY))
    for index, bar in enumerate(bars):
        y = top + index * row_height
        parts.append(_text(label_width - 8, y + 15, bar.label[:40], size=11, anchor="end"))
        if bar.value is None:
            parts.append(_text(label_width + 4, y + 15, "[c]", size=11, fill=GREY))
            continue
        length = max(bar.value, 0.0) * scale
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row_height - 10}" '
            f'fill="{BLUE}"/>'
        )
        if bar.low is not None and bar.high is not None:
            low, high = label_width + bar.low * scale, label_width + bar.high * scale
            middle = y + row_height / 2 - 1
            parts.append(
                f'<line x1="{low:.1f}" y1="{middle:.1f}" x2="{high:.1f}" y2="{middle:.1f}" '
                f'stroke="{INK}" stroke-width="1.5"/>'
            )
            for end in (low, high):
                parts.append(
                    f'<line x1="{end:.1f}" y1="{middle - 5:.1f}" x2="{end:.1f}" '
                    f'y2="{middle + 5:.1f}" stroke="{INK}" stroke-width="1.5"/>'
                )
        if bar.marker is not None:
            x = label_width + bar.marker * scale
            parts.append(
                f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" y2="{y + row_height - 3}" '
                f'stroke="{HIGHLIGHT}" stroke-width="3"/>'
            )
        parts.append(_text(label_width + plot_width + 8, y + 15, _number(bar.value), size=11))
    if reference is not None and not math.isnan(reference):
        x = label_width + reference * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 10}" x2="{x:.1f}" y2="{height - 30}" '
            f'stroke="{HIGHLIGHT}" stroke-width="2" stroke-dasharray="5,3"/>'
        )
        parts.append(_text(x, top - 14, reference_label, size=10, anchor="middle", fill=HIGHLIGHT))
    parts.append("</svg>")
    return "\n".join(parts)


def funnel_plot(
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[FunnelPoint],
    *,
    centre: float,
    x_label: str,
    y_label: str,
) -> str:
    """Each area's percentage against its base, with 95% and 99.8% limits around national."""
    left, top, plot_width, plot_height = 60, 20, 520, 300
    width, height = left + plot_width + 30, top + plot_height + 60
    largest = max([point.n for point in points] + [10.0])
    x_max = largest * 1.1
    y_values = [point.value for point in points] + [centre]
    y_min = max(0.0, math.floor((min(y_values) - 15) / 10) * 10)
    y_max = min(100.0, math.ceil((max(y_values) + 15) / 10) * 10)
    if y_max <= y_min:
        y_min, y_max = 0.0, 100.0

    def x_of(n: float) -> float:
        return left + n / x_max * plot_width

    def y_of(value: float) -> float:
        return top + (y_max - value) / (y_max - y_min) * plot_height

    parts = _open(chart_id, width, height, title, desc)
    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot_width}" height="{plot_height}" fill="none" '
        f'stroke="{LIGHT}"/>'
    )
    step = 10 if y_max - y_min <= 60 else 20  # round percentages read more easily
    for value in range(int(y_min), int(y_max) + 1, step):
        parts.append(
            _text(
                left - 6,
                y_of(value) + 4,
                _number(round(value, 1)),
                size=10,
                anchor="end",
                fill=GREY,
            )
        )
    for tick in _ticks(x_max, 4):
        parts.append(
            _text(
                x_of(tick),
                top + plot_height + 16,
                f"{tick:,.0f}",
                size=10,
                anchor="middle",
                fill=GREY,
            )
        )
    p = centre / 100
    for z, dash in ((1.959964, "6,3"), (3.090232, "2,3")):
        for sign in (-1, 1):
            coordinates = []
            for step in range(1, 101):
                n = x_max * step / 100
                limit = 100 * (p + sign * z * math.sqrt(max(p * (1 - p), 0.0) / n))
                limit = min(max(limit, y_min), y_max)
                coordinates.append(f"{x_of(n):.1f},{y_of(limit):.1f}")
            parts.append(
                f'<polyline points="{" ".join(coordinates)}" fill="none" stroke="{GREY}" '
                f'stroke-width="1" stroke-dasharray="{dash}"/>'
            )
    parts.append(
        f'<line x1="{left}" y1="{y_of(centre):.1f}" x2="{left + plot_width}" '
        f'y2="{y_of(centre):.1f}" stroke="{INK}" stroke-width="1.5"/>'
    )
    for point in points:
        colour = HIGHLIGHT if point.highlighted else BLUE
        radius = 6 if point.highlighted else 4
        parts.append(
            f'<circle cx="{x_of(point.n):.1f}" cy="{y_of(point.value):.1f}" r="{radius}" '
            f'fill="{colour}"><title>{escape(point.label)}</title></circle>'
        )
        if point.highlighted:
            parts.append(
                _text(
                    x_of(point.n) + 8,
                    y_of(point.value) - 8,
                    point.label[:40],
                    size=11,
                    weight="bold",
                    fill=HIGHLIGHT,
                )
            )
    parts.append(_text(left + plot_width / 2, height - 18, x_label, size=11, anchor="middle"))
    parts.append(
        _text(12, top + plot_height / 2, y_label, size=11, anchor="middle").replace(
            "<text ", f'<text transform="rotate(-90 12 {top + plot_height / 2:.1f})" ', 1
        )
    )
    parts.append("</svg>")
    return "\n".join(parts)


def trend_chart(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    *,
    maximum: float,
    y_label: str,
) -> str:
    """One line per measure over the quarters; a gap where a quarter is not published."""
    left, top, plot_width, plot_height = 60, 20, 480, 240
    legend_height = 18 * len(series)
    width, height = left + plot_width + 40, top + plot_height + 50 + legend_height
    quarters = sorted({label for line in series for label, _ in line.points})
    step = plot_width / max(len(quarters) - 1, 1)

    def x_of(index: int) -> float:
        return left + index * step

    def y_of(value: float) -> float:
        return top + (maximum - value) / maximum * plot_height if maximum else top

    parts = _open(chart_id, width, height, title, desc)
    for tick in _ticks(maximum):
        parts.append(
            f'<line x1="{left}" y1="{y_of(tick):.1f}" x2="{left + plot_width}" '
            f'y2="{y_of(tick):.1f}" stroke="{LIGHT}" stroke-width="1"/>'
        )
        parts.append(
            _text(left - 6, y_of(tick) + 4, _number(tick), size=10, anchor="end", fill=GREY)
        )
    every = max(1, math.ceil(len(quarters) / 8))
    for index, quarter in enumerate(quarters):
        if index % every == 0:
            parts.append(
                _text(
                    x_of(index),
                    top + plot_height + 16,
                    quarter,
                    size=10,
                    anchor="middle",
                    fill=GREY,
                )
            )
    position = {quarter: index for index, quarter in enumerate(quarters)}
    for number, line in enumerate(series):
        colour = SERIES[number % len(SERIES)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for label, value in line.points:
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            point = f"{x_of(position[label]):.1f},{y_of(value):.1f}"
            segment.append(point)
            parts.append(
                f'<circle cx="{x_of(position[label]):.1f}" cy="{y_of(value):.1f}" r="3" '
                f'fill="{colour}"/>'
            )
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"/>'
                )
        y = top + plot_height + 34 + number * 18
        parts.append(
            f'<line x1="{left}" y1="{y - 4}" x2="{left + 24}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="3"/>'
        )
        parts.append(_text(left + 30, y, line.name[:60], size=11))
    parts.append(
        _text(12, top + plot_height / 2, y_label, size=11, anchor="middle").replace(
            "<text ", f'<text transform="rotate(-90 12 {top + plot_height / 2:.1f})" ', 1
        )
    )
    parts.append("</svg>")
    return "\n".join(parts)
