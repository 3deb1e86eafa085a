"""Charts drawn on the server as SVG, the same for every report.

Each chart is an image with a title and a description (``role="img"``, ``aria-labelledby``);
the page puts the same numbers in a table next to it. Series differ by pattern and marker
(solid, hatched, dotted bars; solid and dashed lines with circles, squares and triangles),
and every bar carries its number, so a chart reads in black and white. No ``style``
attribute (the Content-Security-Policy forbids inline styles): presentation attributes only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#0000bf"  # dark blue: dark in print, 11:1 against white
GRID = "#b0b0b0"
TEXT = "#1a1a1a"
FONT = 14


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Reference:
    """A value drawn across the chart as a dashed line, e.g. the caseload limit."""

    name: str
    value: float


Formatter = Callable[[float], str]


def nice_top(value: float) -> float:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ) at or above ``value``: the axis's end."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if step * power >= value)


def _defs(chart_id: str) -> str:
    """Fills of the series: solid, hatched, dotted (and a fourth, cross-hatched)."""
    return (
        f'<defs><pattern id="{chart_id}-p1" width="6" height="6" patternUnits="userSpaceOnUse"'
        f' patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="3"/></pattern>'
        f'<pattern id="{chart_id}-p2" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.3" fill="{INK}"/></pattern>'
        f'<pattern id="{chart_id}-p3" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fff"/><path d="M0 0L6 6M6 0L0 6" stroke="{INK}" stroke-width="1"/>'
        f'</pattern></defs>'
    )


def _fill(chart_id: str, index: int) -> str:
    return INK if index % 4 == 0 else f"url(#{chart_id}-p{index % 4})"


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' font-size="{FONT}" fill="{TEXT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>',
        _defs(chart_id),
    ]


def _legend(chart_id: str, series: Sequence[Series], y: int, line: bool = False) -> tuple[list[str], int]:
    """One legend row per series (rows, not columns: long names fit a phone)."""
    parts = []
    for i, one in enumerate(series):
        top = y + i * 22
        if line:
            parts.append(_line_sample(i, 4, top + 8, 30))
        else:
            parts.append(f'<rect x="4" y="{top}" width="28" height="16" fill="{_fill(chart_id, i)}" stroke="{INK}"/>')
        parts.append(f'<text x="40" y="{top + 13}">{escape(one.name)}</text>')
    return parts, y + len(series) * 22 + 6


def bar_chart(chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series],
              value_text: Formatter, reference: Reference | None = None, width: int = 380) -> Markup:
    """Horizontal bars, one group per category with its name above it, one bar per series,
    each with its value written after it ("–" where there is none). Narrow on purpose: on a
    phone the drawing is shown at about its own size, so its text stays readable."""
    bar, gap, label_height, after_group, right = 16, 3, 20, 12, 60
    values = [v for s in series for v in s.values if v is not None]
    top = max([*values, reference.value if reference else 0]) or 1  # every bar is labelled: no axis to round
    span = width - 8 - right
    legend, y = _legend(chart_id, series, 4)
    if reference is not None:
        legend += [f'<line x1="4" y1="{y + 8}" x2="32" y2="{y + 8}" stroke="{TEXT}" stroke-width="2"'
                   ' stroke-dasharray="5 3"/>', f'<text x="40" y="{y + 13}">{escape(reference.name)}</text>']
        y += 28
    body, start = [], y
    for c, category in enumerate(categories):
        body.append(f'<text x="8" y="{y + 14}" font-weight="600">{escape(category)}</text>')
        y += label_height
        for i, one in enumerate(series):
            value = one.values[c]
            length = 0 if value is None else max(span * value / top, 0)
            body.append(f'<rect x="8" y="{y}" width="{length:.1f}" height="{bar}" fill="{_fill(chart_id, i)}"'
                        f' stroke="{INK}" stroke-width="{1 if length else 0}"/>')
            text = "–" if value is None else value_text(value)
            body.append(f'<text x="{8 + length + 5:.1f}" y="{y + 12}">{escape(text)}</text>')
            y += bar + gap
        y += after_group
    if reference is not None:
        x = 8 + span * reference.value / top
        body.append(f'<line x1="{x:.1f}" y1="{start}" x2="{x:.1f}" y2="{y}" stroke="{TEXT}" stroke-width="2"'
                    ' stroke-dasharray="5 3"/>')
    return Markup("".join([*_open(chart_id, title, description, width, y + 4), *legend, *body, "</svg>"]))


MARKERS = ("circle", "square", "triangle")
DASHES = ("", ' stroke-dasharray="7 4"', ' stroke-dasharray="2 3"')


def _marker(index: int, x: float, y: float) -> str:
    kind = MARKERS[index % 3]
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{INK}"/>'
    if kind == "square":
        return (f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#fff" stroke="{INK}"'
                ' stroke-width="2"/>')
    return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" fill="{INK}"/>'


def _line_sample(index: int, x: float, y: float, length: float) -> str:
    return (f'<line x1="{x}" y1="{y}" x2="{x + length}" y2="{y}" stroke="{INK}" stroke-width="2"{DASHES[index % 3]}/>'
            + _marker(index, x + length / 2, y))


def line_chart(chart_id: str, title: str, description: str, labels: Sequence[str], series: Sequence[Series],
               value_text: Formatter, width: int = 440, height: int = 220) -> Markup:
    """Lines over time: one point per label (a week, a month), every series its own dash and
    marker; at most seven labels are written under the axis, the table has them all."""
    left, right, bottom = 56, 16, 28
    values = [v for s in series for v in s.values if v is not None]
    top = 4 * nice_top(max([*values, 0]) / 4)  # four steps of a round size
    legend, plot_top = _legend(chart_id, series, 4, line=True)
    plot_top += 8
    plot_height = height - bottom - 8
    total = plot_top + plot_height + bottom
    step = (width - left - right) / max(len(labels) - 1, 1)

    def point(i: int, value: float) -> tuple[float, float]:
        return left + i * step, plot_top + plot_height * (1 - value / top)

    parts = []
    for tick in range(5):
        value = top * tick / 4
        y = point(0, value)[1]
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end">{escape(value_text(value))}</text>')
    every = max(1, math.ceil(len(labels) / 7))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1 and len(labels) <= 7:
            x = point(i, 0)[0]
            anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
            parts.append(f'<text x="{x:.1f}" y="{total - 8}" text-anchor="{anchor}">{escape(label)}</text>')
    for s, one in enumerate(series):
        points = [point(i, v) for i, v in enumerate(one.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2"{DASHES[s % 3]}/>')
        parts += [_marker(s, x, y) for x, y in points]
    return Markup("".join([*_open(chart_id, title, description, width, total), *legend, *parts, "</svg>"]))
