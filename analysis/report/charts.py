"""Charts as SVG text built on the server, so HTML and PDF show the same picture.

Each chart carries a <title> and <desc> (its text alternative) and is drawn only from the
report's published cells: a suppressed cell is left out of the picture and said so in the
description, never drawn as a number. All text goes through XML escaping.

The PDF renderer (WeasyPrint) parses, styles and draws every SVG element and attribute one by
one, and a report holds a dozen charts, so the drawing is kept lean: shapes of one kind share one
<path> (every bar of a chart is one element, every whisker another), the text's font, size and
colour are inherited from the <svg> or a <g> instead of repeated on each label, and
coordinates are whole numbers or one decimal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# One family that every report font list starts with: a list in an SVG attribute is read by
# WeasyPrint as a single unknown name, which fell back to a third (serif) font in the PDF.
FONT = "DejaVu Sans"
INK = "#212b32"
GREY = "#768692"
BLUE = "#005eb8"
LIGHT = "#d8dde0"
HIGHLIGHT = "#d5281b"
Z95 = 1.959964
Z998 = 3.090232
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
    size: int | None = None,
    anchor: str | None = None,
    weight: str | None = None,
    fill: str | None = None,
) -> str:
    """A label; attributes left as None are inherited (12px, start, normal, ink, from <svg>)."""
    extra = "".join(
        f' {name}="{value}"'
        for name, value in (
            ("font-size", size),
            ("text-anchor", anchor),
            ("font-weight", weight),
            ("fill", fill),
        )
        if value is not None
    )
    return f'<text x="{_c(x)}" y="{_c(y)}"{extra}>{escape(content)}</text>'


def _c(value: float) -> str:
    """A coordinate as short text: one decimal at most, no trailing zero."""
    return f"{round(value, 1):g}"


def _path(d: Sequence[str], **attributes: str) -> str:
    """Many shapes of one style as one <path> element (nothing when there are none)."""
    if not d:
        return ""
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<path d="{" ".join(d)}"{extra}/>'


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    safe_id = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cv-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc" font-family={quoteattr(FONT)} '
        f'font-size="12" fill="{INK}">',
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
    grid, ticks = [], []
    for tick in _ticks(maximum):
        grid.append(f"M{_c(label_width + tick * scale)} {top - 6}V{height - 30}")
        ticks.append(_text(label_width + tick * scale, height - 14, _number(tick)))
    parts.append(_path(grid, fill="none", stroke=LIGHT, stroke_width="1"))
    parts.append(f'<g font-size="10" text-anchor="middle" fill="{GREY}">{"".join(ticks)}</g>')
    rectangles, whiskers, markers, labels, values, hidden = [], [], [], [], [], []
    for index, bar in enumerate(bars):
        y = top + index * row_height
        labels.append(_text(label_width - 8, y + 15, bar.label[:40]))
        if bar.value is None:
            hidden.append(_text(label_width + 4, y + 15, "[c]"))
            continue
        length = max(bar.value, 0.0) * scale
        rectangles.append(f"M{label_width} {y + 4}h{_c(length)}v{row_height - 10}h{_c(-length)}z")
        if bar.low is not None and bar.high is not None:
            low, high = _c(label_width + bar.low * scale), _c(label_width + bar.high * scale)
            middle = y + row_height / 2 - 1
            whiskers.append(
                f"M{low} {_c(middle)}H{high}M{low} {_c(middle - 5)}V{_c(middle + 5)}"
                f"M{high} {_c(middle - 5)}V{_c(middle + 5)}"
            )
        if bar.marker is not None:
            tick_x = _c(label_width + bar.marker * scale)
            markers.append(f"M{tick_x} {y + 1}V{y + row_height - 3}")
        values.append(_text(label_width + plot_width + 8, y + 15, _number(bar.value)))
    parts.append(_path(rectangles, fill=BLUE))
    parts.append(_path(whiskers, fill="none", stroke=INK, stroke_width="1.5"))
    parts.append(_path(markers, fill="none", stroke=HIGHLIGHT, stroke_width="3"))
    parts.append(f'<g font-size="11" text-anchor="end">{"".join(labels)}</g>')
    parts.append(f'<g font-size="11">{"".join(values)}</g>')
    if hidden:
        parts.append(f'<g font-size="11" fill="{GREY}">{"".join(hidden)}</g>')
    if reference is not None and not math.isnan(reference):
        line_x = label_width + reference * scale
        parts.append(
            _path(
                [f"M{_c(line_x)} {top - 10}V{height - 30}"],
                fill="none",
                stroke=HIGHLIGHT,
                stroke_width="2",
                stroke_dasharray="5,3",
            )
        )
        parts.append(
            _text(line_x, top - 14, reference_label, size=10, anchor="middle", fill=HIGHLIGHT)
        )
    parts.append("</svg>")
    return "\n".join(part for part in parts if part)


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
    ticks = []
    step = 10 if y_max - y_min <= 60 else 20  # round percentages read more easily
    for value in range(int(y_min), int(y_max) + 1, step):
        ticks.append(_text(left - 6, y_of(value) + 4, _number(round(value, 1)), anchor="end"))
    for tick in _ticks(x_max, 4):
        ticks.append(_text(x_of(tick), top + plot_height + 16, f"{tick:,.0f}", anchor="middle"))
    parts.append(f'<g font-size="10" fill="{GREY}">{"".join(ticks)}</g>')
    p = centre / 100
    # 40 steps draw the limits as smoothly as 100 at this size, with fewer points to parse.
    for z, dash in ((Z95, "6,3"), (Z998, "2,3")):
        lines = []
        for sign in (-1, 1):
            coordinates = []
            for step in range(1, 41):
                n = x_max * step / 40
                limit = 100 * (p + sign * z * math.sqrt(max(p * (1 - p), 0.0) / n))
                limit = min(max(limit, y_min), y_max)
                coordinates.append(f"{_c(x_of(n))} {_c(y_of(limit))}")
            lines.append("M" + "L".join(coordinates))
        parts.append(
            _path(lines, fill="none", stroke=GREY, stroke_width="1", stroke_dasharray=dash)
        )
    parts.append(
        _path(
            [f"M{left} {_c(y_of(centre))}H{left + plot_width}"],
            stroke=INK,
            stroke_width="1.5",
        )
    )
    for point in points:
        colour = HIGHLIGHT if point.highlighted else BLUE
        radius = 6 if point.highlighted else 4
        parts.append(
            f'<circle cx="{_c(x_of(point.n))}" cy="{_c(y_of(point.value))}" r="{radius}" '
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
    parts.append(_rotated_label(12, top + plot_height / 2, y_label))
    parts.append("</svg>")
    return "\n".join(part for part in parts if part)


def _rotated_label(x: float, y: float, content: str) -> str:
    return (
        f'<text transform="rotate(-90 {_c(x)} {_c(y)})" x="{_c(x)}" y="{_c(y)}" font-size="11" '
        f'text-anchor="middle">{escape(content)}</text>'
    )


def trend_chart(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    *,
    maximum: float,
    y_label: str,
) -> str:
    """One line per measure over the quarters; a gap where a quarter is not published.

    A quarter standing alone between gaps is drawn as a dot, since a line needs two points.
    """
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
    grid, ticks = [], []
    for tick in _ticks(maximum):
        grid.append(f"M{left} {_c(y_of(tick))}H{left + plot_width}")
        ticks.append(_text(left - 6, y_of(tick) + 4, _number(tick), anchor="end"))
    every = max(1, math.ceil(len(quarters) / 8))
    for index, quarter in enumerate(quarters):
        if index % every == 0:
            ticks.append(_text(x_of(index), top + plot_height + 16, quarter, anchor="middle"))
    parts.append(_path(grid, fill="none", stroke=LIGHT, stroke_width="1"))
    parts.append(f'<g font-size="10" fill="{GREY}">{"".join(ticks)}</g>')
    position = {quarter: index for index, quarter in enumerate(quarters)}
    legend = []
    for number, line in enumerate(series):
        colour = SERIES[number % len(SERIES)]
        segments: list[list[str]] = [[]]
        for label, value in line.points:
            if value is None:
                segments.append([])
                continue
            segments[-1].append(f"{_c(x_of(position[label]))} {_c(y_of(value))}")
        lines = ["M" + "L".join(points) for points in segments if len(points) > 1]
        parts.append(_path(lines, fill="none", stroke=colour, stroke_width="2"))
        for points in segments:
            if len(points) == 1:
                cx, cy = points[0].split()
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        y = top + plot_height + 34 + number * 18
        parts.append(_path([f"M{left} {y - 4}H{left + 24}"], stroke=colour, stroke_width="3"))
        legend.append(_text(left + 30, y, line.name[:60]))
    parts.append(f'<g font-size="11">{"".join(legend)}</g>')
    parts.append(_rotated_label(12, top + plot_height / 2, y_label))
    parts.append("</svg>")
    return "\n".join(part for part in parts if part)
