"""Geometry of questionnaire bar charts; the template turns it into escaped inline SVG."""

from __future__ import annotations

from dataclasses import dataclass

from exports.models import Chart

WIDTH = 640
LABEL_WIDTH = 170
RIGHT = 40
BAR = 13
GAP = 12
LEGEND = 30
AXIS = 22
COLOURS = ("#b9cdd6", "#6f9fb3", "#1f5f73", "#0b3442")


@dataclass(frozen=True)
class Bar:
    """One bar with its value text."""

    x: float
    y: float
    width: float
    colour: str
    value: str


@dataclass(frozen=True)
class Row:
    """One dimension: its label and a bar per series."""

    label: str
    y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    """A vertical grid line with its value."""

    x: float
    text: str


@dataclass(frozen=True)
class ChartLayout:
    """Everything the SVG template needs, in SVG user units."""

    title: str
    width: int
    height: float
    bar_height: int
    top: float
    bottom: float
    legend: tuple[tuple[str, str], ...]
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]


def _number(value: float) -> str:
    """A score without a needless ".0"."""
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _ticks(minimum: float, maximum: float, scale) -> tuple[Tick, ...]:
    """Grid lines at whole steps, at most about ten."""
    span = maximum - minimum
    step = max(1, round(span / 10)) if span > 0 else 1
    values = []
    value = minimum
    while value <= maximum + 1e-9:
        values.append(value)
        value += step
    return tuple(Tick(x=scale(v), text=_number(v)) for v in values)


def layout_chart(chart: Chart) -> ChartLayout:
    """Place bars for each label and series; values are clamped to the chart's range."""
    low, high = float(chart.minimum), float(chart.maximum)
    if high <= low:
        high = low + 1
    plot = WIDTH - LABEL_WIDTH - RIGHT

    def scale(value: float) -> float:
        clamped = min(max(value, low), high)
        return LABEL_WIDTH + plot * (clamped - low) / (high - low)

    series = list(chart.series)
    group = max(1, len(series)) * BAR + GAP
    rows = []
    for index, text in enumerate(chart.labels):
        y = LEGEND + index * group
        bars = []
        for number, item in enumerate(series):
            value = item.values[index] if index < len(item.values) else None
            if value is None:
                continue
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y + number * BAR,
                    width=max(1.5, scale(float(value)) - LABEL_WIDTH),
                    colour=COLOURS[number % len(COLOURS)],
                    value=_number(float(value)),
                )
            )
        rows.append(Row(label=text, y=y + (len(series) * BAR) / 2, bars=tuple(bars)))
    bottom = LEGEND + len(rows) * group
    legend = tuple((s.name, COLOURS[i % len(COLOURS)]) for i, s in enumerate(series))
    return ChartLayout(
        title=chart.title,
        width=WIDTH,
        height=bottom + AXIS,
        bar_height=BAR - 2,
        top=LEGEND - 6,
        bottom=bottom,
        legend=legend,
        rows=tuple(rows),
        ticks=_ticks(low, high, scale),
    )
