"""Small charts drawn on the server as inline SVG: no script, a title and description for readers.

Pure functions from numbers to markup. Text is escaped; colours are set with presentation
attributes (no inline styles), and every chart states its figures in its ``<desc>`` too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from markupsafe import Markup, escape

WIDTH = 640
FONT = 'font-family="system-ui, sans-serif" font-size="13"'
COLOURS = ("#1f6feb", "#e07b00", "#6e7781", "#8250df")  # distinguishable, also in grey print
TEXT = 'fill="currentColor"'


def _svg(chart_id: str, title: str, description: str, height: int, body: str) -> Markup:
    """Wrap ``body`` in an accessible, scalable SVG element."""
    # Every text in the chart (here and in ``body``) is escaped; the rest are numbers.
    return Markup(  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" {FONT}>'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _empty(chart_id: str, title: str, message: str) -> Markup:
    body = (
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="79" rx="6" fill="none" '
        f'stroke="#d0d7de"/><text x="{WIDTH / 2}" y="45" text-anchor="middle" {TEXT}>'
        f"{escape(message)}</text>"
    )
    return _svg(chart_id, title, message, 80, body)


def _day(instant: datetime) -> str:
    return f"{instant.day} {instant:%b}"


def _shorten(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def seats_chart(
    points: Sequence[tuple[datetime, int]], capacity: int, *, chart_id: str = "seats-chart"
) -> Markup:
    """Draw seats taken over time as a step line under a dashed capacity line."""
    title = "Seats filled over time"
    if not points:
        return _empty(chart_id, title, "No seat has been filled yet.")
    height, left, right, top, bottom = 240, 44, 16, 16, 34
    start, end = points[0][0], points[-1][0]
    span = (end - start) or timedelta(days=1)
    peak = max(n for _, n in points)
    top_value = max(capacity, peak, 1)

    def x(instant: datetime) -> float:
        return round(left + (instant - start) / span * (WIDTH - left - right), 1)

    def y(value: int) -> float:
        return round(top + (1 - value / top_value) * (height - top - bottom), 1)

    path = [f"M{x(start)},{y(points[0][1])}"]
    for instant, value in points[1:]:
        path.append(f"H{x(instant)}V{y(value)}")
    now_taken = points[-1][1]
    body = (
        f'<line x1="{left}" y1="{y(0)}" x2="{WIDTH - right}" y2="{y(0)}" stroke="#8c959f"/>'
        f'<line x1="{left}" y1="{y(capacity)}" x2="{WIDTH - right}" y2="{y(capacity)}" '
        f'stroke="#cf222e" stroke-dasharray="6 4"/>'
        f'<text x="{WIDTH - right}" y="{y(capacity) - 5}" text-anchor="end" fill="#cf222e">'
        f"Capacity {capacity}</text>"
        f'<path d="{"".join(path)}" fill="none" stroke="{COLOURS[0]}" stroke-width="3"/>'
        f'<text x="{left - 6}" y="{y(0) + 4}" text-anchor="end" {TEXT}>0</text>'
        f'<text x="{left - 6}" y="{y(top_value) + 4}" text-anchor="end" {TEXT}>{top_value}</text>'
        f'<text x="{left}" y="{height - 10}" {TEXT}>{escape(_day(start))}</text>'
        f'<text x="{WIDTH - right}" y="{height - 10}" text-anchor="end" {TEXT}>'
        f"{escape(_day(end))}</text>"
    )
    description = (
        f"{now_taken} of {capacity} seats are taken. Seats were filled from {_day(start)} to "
        f"{_day(end)}; at most {peak} were taken at once."
    )
    return _svg(chart_id, title, description, height, body)


def bar_chart(
    rows: Sequence[tuple[str, int]],
    *,
    title: str,
    empty: str,
    unit: str = "",
    chart_id: str = "bar-chart",
) -> Markup:
    """Draw labelled horizontal bars, longest first as given."""
    if not rows:
        return _empty(chart_id, title, empty)
    row_height, label_width, right, top = 26, 210, 40, 8
    height = top * 2 + row_height * len(rows)
    largest = max(n for _, n in rows) or 1
    scale = (WIDTH - label_width - right) / largest
    parts = []
    for i, (label, n) in enumerate(rows):
        y = top + i * row_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" {TEXT}>'
            f"{escape(_shorten(label))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{max(round(n * scale, 1), 2)}" '
            f'height="{row_height - 8}" rx="3" fill="{COLOURS[0]}">'
            f"<title>{escape(label)}: {n}{escape(unit)}</title></rect>"
            f'<text x="{label_width + n * scale + 6:.1f}" y="{y + 17}" {TEXT}>{n}</text>'
        )
    description = "; ".join(f"{label}: {n}{unit}" for label, n in rows) + "."
    return _svg(chart_id, title, description, height, "".join(parts))


def stacked_bar_chart(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[tuple[str, str]],
    *,
    title: str,
    empty: str,
    chart_id: str = "stacked-chart",
) -> Markup:
    """Draw horizontal bars split into ``series`` (key, label), with a legend on top."""
    rows = [(label, values) for label, values in rows if sum(values.values())]
    if not rows:
        return _empty(chart_id, title, empty)
    row_height, label_width, right, legend = 26, 170, 40, 30
    height = legend + 8 + row_height * len(rows)
    largest = max(sum(values.values()) for _, values in rows)
    scale = (WIDTH - label_width - right) / largest
    parts = []
    x = float(label_width)
    for (key, name), colour in zip(series, COLOURS, strict=False):
        parts.append(
            f'<rect x="{x:.1f}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 17:.1f}" y="17" {TEXT} data-series="{escape(key)}">'
            f"{escape(name)}</text>"
        )
        x += 30 + 7.5 * len(name)
    for i, (label, values) in enumerate(rows):
        y = legend + i * row_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" {TEXT}>'
            f"{escape(_shorten(label, 22))}</text>"
        )
        x = float(label_width)
        for (key, name), colour in zip(series, COLOURS, strict=False):
            n = values.get(key, 0)
            if not n:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{n * scale:.1f}" height="{row_height - 8}" '
                f'fill="{colour}"><title>{escape(label)}: {n} {escape(name.lower())}</title></rect>'
            )
            x += n * scale
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 17}" {TEXT}>{sum(values.values())}</text>')
    description = "; ".join(
        f"{label}: "
        + ", ".join(f"{values.get(key, 0)} {name.lower()}" for key, name in series)
        for label, values in rows
    ) + "."
    return _svg(chart_id, title, description, height, "".join(parts))
