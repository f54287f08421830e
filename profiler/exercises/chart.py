"""Server-side SVG bar chart of scores per dimension, followed by the same data as a table."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from .tags import tag, text
from .wording import say

# Drawn for a phone: on a 320 px screen the chart is ~250 px wide, so the 15-unit labels show
# at ~10 px (a 600-unit drawing showed them at 6). The stylesheets keep it at most 24rem wide.
WIDTH = 360
ROW = 48
BAR_HEIGHT = 18
BAR_X = 8
BAR_WIDTH = 300
BAR_COLOUR = "#1f5f8b"  # 7:1 against white
TRACK_COLOUR = "#6b6b6b"  # outline 5:1 against white, so the track is visible (non-text contrast)


def number(value: float, lang: str) -> str:
    """A score with one decimal, with a decimal comma in Dutch."""
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if lang == "nl" else shown


def _pairs(dimensions: Sequence[Any]) -> list[tuple[str, str, str]]:
    """(id, label, explanation) from Dimension objects, mappings or (id, label) tuples."""
    found = []
    for dimension in dimensions:
        if isinstance(dimension, Mapping):
            found.append(
                (
                    str(dimension["id"]),
                    str(dimension.get("label", dimension["id"])),
                    str(dimension.get("explanation", "")),
                )
            )
        elif isinstance(dimension, tuple | list):
            found.append((str(dimension[0]), str(dimension[1]), ""))
        else:
            found.append((dimension.id, dimension.label, getattr(dimension, "explanation", "")))
    return found


def score_chart_svg(
    dimensions: Sequence[Any],
    scores: Mapping[str, float],
    min: float,  # noqa: A002 - the contract's name
    max: float,  # noqa: A002
    title: str,
    lang: str = "nl",
) -> Markup:
    """A bar per dimension (role="img" with title and description) and a data table after it."""
    rows = _pairs(dimensions)
    key = hashlib.sha1(repr((title, rows, sorted(scores.items()))).encode()).hexdigest()[:8]
    title_id, desc_id = f"chart-{key}-title", f"chart-{key}-desc"
    span = (max - min) or 1
    described = "; ".join(
        f"{label}: {number(scores[i], lang) if i in scores else say('score_none', lang)}"
        for i, label, _ in rows
    )
    described += ". " + say("score_range", lang, min=number(min, lang), max=number(max, lang))
    height = ROW * len(rows) + 8
    shapes = [tag("title", text(title), id=title_id), tag("desc", text(described), id=desc_id)]
    for n, (dimension_id, label, _) in enumerate(rows):
        top = n * ROW + 4
        shapes.append(tag("text", text(label), x=BAR_X, y=top + 14, class_="score-chart__label"))
        bar_top = top + 20
        shapes.append(
            tag(
                "rect",
                x=BAR_X,
                y=bar_top,
                width=BAR_WIDTH,
                height=BAR_HEIGHT,
                fill="none",
                stroke=TRACK_COLOUR,
                class_="score-chart__track",
            )
        )
        if dimension_id in scores:
            share = (float(scores[dimension_id]) - min) / span
            width = round(BAR_WIDTH * (share if 0 <= share <= 1 else (0 if share < 0 else 1)), 1)
            shapes.append(
                tag(
                    "rect",
                    x=BAR_X,
                    y=bar_top,
                    width=width,
                    height=BAR_HEIGHT,
                    fill=BAR_COLOUR,
                    class_="score-chart__bar",
                )
            )
            shapes.append(
                tag(
                    "text",
                    text(number(scores[dimension_id], lang)),
                    x=BAR_X + BAR_WIDTH + 8,
                    y=bar_top + 14,
                    class_="score-chart__value",
                )
            )
    svg = tag(
        "svg",
        shapes,
        xmlns="http://www.w3.org/2000/svg",
        role="img",
        viewBox=f"0 0 {WIDTH} {height}",
        width="100%",
        class_="score-chart__svg",
        aria_labelledby=f"{title_id} {desc_id}",
        focusable="false",
    )
    return tag("div", svg + score_table(rows, scores, title, lang), class_="score-chart")


def score_table(
    rows: list[tuple[str, str, str]], scores: Mapping[str, float], title: str, lang: str
) -> Markup:
    """The chart's data as a table, for screen readers and anyone who prefers numbers."""
    explain = any(explanation for _, _, explanation in rows)
    head = [
        tag("th", text(say("score_dimension", lang)), scope="col"),
        tag("th", text(say("score_value", lang)), scope="col"),
    ]
    if explain:
        head.append(tag("th", text(say("score_meaning", lang)), scope="col"))
    body = []
    for dimension_id, label, explanation in rows:
        value = (
            number(scores[dimension_id], lang)
            if dimension_id in scores
            else say("score_none", lang)
        )
        cells = [
            tag("th", text(label), scope="row"),
            tag("td", text(value), data_label=say("score_value", lang)),
        ]
        if explain:
            cells.append(tag("td", text(explanation), data_label=say("score_meaning", lang)))
        body.append(tag("tr", cells))
    return tag(
        "table",
        tag("caption", text(title)) + tag("thead", tag("tr", head)) + tag("tbody", body),
        class_="score-table stacked",  # one card per dimension on a phone (app.css)
    )
