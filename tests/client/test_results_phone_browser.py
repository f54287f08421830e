"""The client's check-ins and questionnaire results on a phone, in Chromium: cards instead of
wide tables, chart labels legible and apart."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from profiler import checkins
from profiler.extensions import db as _db
from tests.conftest import SHOTS, T0, chart_labels, open_at_width, table_fit

pytestmark = pytest.mark.browser

NOTE = "Het sollicitatiegesprek bij de gemeente ging beter dan ik dacht."


@pytest.mark.parametrize("width", [320, 375])
def test_every_checkin_value_is_on_screen_with_its_name(page, sanne, width):
    for week, (uncertainty, confidence) in enumerate([(8, 3), (7, 4), (6, 5)]):
        checkins.record(
            _db.session,
            sanne,
            {"uncertainty": uncertainty, "confidence": confidence},
            now=T0 + timedelta(weeks=week + 2),
            note=NOTE if week == 2 else None,
        )
    _db.session.commit()
    open_at_width(page, "sanne@example.nl", "/me/checkin", width)
    table = page.locator(".table-wrap table")
    # A row's accessible name includes the labels the phone layout puts before each value.
    newest = table.get_by_role(
        "row", name=re.compile(r"30 maart Onzekerheid 6 Vertrouwen 5 Toelichting Het sollicit")
    )
    expect(newest).to_be_visible()
    size = table_fit(table)
    page.screenshot(path=str(SHOTS / f"client-checkins-{width}.png"), full_page=True)
    assert size["right"] <= size["viewport"] and size["scroll"] <= 0, (
        f"the check-in table is {size['width']}px wide on a {width}px screen; "
        f"its region scrolls {size['scroll']}px sideways"
    )


@pytest.mark.parametrize("weeks", [8, 14])
@pytest.mark.parametrize("width", [320, 1280])
def test_the_chart_labels_are_readable_inside_the_chart_and_apart(page, sanne, width, weeks):
    """Weeks of check-ins: the dates under the chart are legible, inside it, not on top of
    each other; the last one used to be cut off ("24 no")."""
    for week in range(weeks):
        checkins.record(
            _db.session,
            sanne,
            {"uncertainty": 8 - week % 4, "confidence": 3 + week % 5},
            now=T0 + timedelta(weeks=week, days=1),
        )
    _db.session.commit()
    open_at_width(page, "sanne@example.nl", "/me/checkin", width)
    chart = page.locator("svg.trend-chart")
    chart.screenshot(path=str(SHOTS / f"client-checkin-chart-{weeks}-{width}.png"))
    box = chart.bounding_box()
    labels = chart_labels(chart, width, "text.axis")
    assert len(labels) >= 8  # on a phone every other number and date is left out
    dates = sorted(
        (b for b in labels if b["y"] > box["y"] + box["height"] * 0.8), key=lambda b: b["x"]
    )
    assert len(dates) >= 3
    for left, right in pairwise(dates):
        assert left["x"] + left["width"] < right["x"], "two dates overlap"
    numbers = sorted((b for b in labels if b not in dates), key=lambda b: b["y"])
    assert len(numbers) >= 5
    for upper, lower in pairwise(numbers):
        assert upper["y"] + upper["height"] <= lower["y"] + 1, "two numbers overlap"


@pytest.mark.parametrize("width", [320, 1280])
def test_a_questionnaire_result_is_legible_on_a_phone(page, sanne, width):
    """The bars' labels are legible and the table of scores has no column to scroll to; on a
    phone each part is a card with its score and meaning (the headers broke mid-word)."""
    from profiler import answers
    from profiler.library import current_library

    scale = next(
        f for f in current_library().get("q_start", "nl").input_fields if f.type == "scale"
    )
    answers.save_answers(
        _db.session, sanne, "q_start", {scale.id: {item.id: 4 for item in scale.items}}, now=T0
    )
    _db.session.commit()
    open_at_width(page, "sanne@example.nl", "/me/exercises/q_start", width)
    chart = page.locator(".score-chart").first
    assert len(chart_labels(chart.locator("svg"), width)) >= 8  # four parts: name and score
    caption, whole = chart.locator("table caption").bounding_box(), chart.bounding_box()
    assert caption["width"] >= 0.8 * whole["width"], "the question is squeezed into a column"
    table = table_fit(chart.locator("table"))
    assert table["right"] <= table["viewport"] and table["scroll"] <= 0, table
    chart.screenshot(path=str(SHOTS / f"client-questionnaire-scores-{width}.png"))
