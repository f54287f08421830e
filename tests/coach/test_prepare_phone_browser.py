"""The coach's session preparation on a phone, in Chromium: the number tables fit the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from profiler import checkins
from profiler.extensions import db as _db
from tests.conftest import SHOTS, T0, chart_labels, open_at_width, table_fit

pytestmark = pytest.mark.browser

SCORES = {"autonomy": 2.6, "competence": 3.1, "relatedness": 3.8, "own_direction": 2.2}


def _questionnaires(client) -> None:
    """The start, midway and end questionnaires with SCORES, four weeks apart."""
    for weeks, kind in [(0, "q_start"), (4, "q_midway"), (8, "q_end")]:
        checkins.record(_db.session, client, SCORES, now=T0 + timedelta(weeks=weeks), kind=kind)
    _db.session.commit()


def _open_preparation(page, client, width: int) -> None:
    """The coach's preparation page for `client`, `width` px wide."""
    open_at_width(page, "karin@example.nl", f"/coach/clients/{client.id}/prepare", width)


# 375 px only: at 320 px the check-in table's header words ("Onzekerheid", "Vertrouwen") and
# a date need about 296 px where the panel leaves 250; its region still scrolls there.
@pytest.mark.parametrize("width", [375])
def test_the_checkin_and_questionnaire_tables_fit_a_phone(page, team, width):
    """Every column of the check-in and questionnaire tables is on screen, none behind a scroll."""
    sanne = team["sanne"]
    for week, (uncertainty, confidence) in enumerate([(8, 3), (7, 4), (6, 5), (5, 6)]):
        checkins.record(
            _db.session,
            sanne,
            {"uncertainty": uncertainty, "confidence": confidence},
            now=T0 + timedelta(weeks=week + 2),  # 16 and 23 March: the widest dates
        )
    _questionnaires(sanne)
    _open_preparation(page, sanne, width)
    tables = page.locator("table.numbers")
    expect(tables).to_have_count(2)
    for table in tables.all():
        size = table_fit(table)
        assert size["right"] <= size["viewport"] and size["scroll"] <= 0, (
            f"the table '{size['head']}' is {size['width']}px wide (right edge "
            f"{size['right']}px) on a {width}px screen; it scrolls {size['scroll']}px sideways"
        )


@pytest.mark.parametrize("width", [320, 1280])
def test_the_checkin_chart_labels_are_legible(page, team, width):
    """The coach's check-in chart is the client's: at 320 px its labels were ~6 px high."""
    sanne = team["sanne"]
    for week in range(6):
        checkins.record(
            _db.session,
            sanne,
            {"uncertainty": 8 - week, "confidence": 3 + week},
            now=T0 + timedelta(weeks=week),
        )
    _db.session.commit()
    _open_preparation(page, sanne, width)
    chart = page.locator("svg.trend-chart")
    page.locator("figure.chart").first.screenshot(path=str(SHOTS / f"coach-checkins-{width}.png"))
    assert len(chart_labels(chart, width)) >= 6


@pytest.mark.parametrize("width", [320, 1280])
def test_the_questionnaire_chart_labels_are_legible(page, team, width):
    """Begin, middle and end per part: at 320 px the labels were ~6 px high."""
    sanne = team["sanne"]
    _questionnaires(sanne)
    _open_preparation(page, sanne, width)
    chart = page.locator("svg.bar-chart")
    chart.screenshot(path=str(SHOTS / f"coach-questionnaires-{width}.png"))
    assert len(chart_labels(chart, width)) >= 4 * 3 * 2  # per part: 3 moments, label and value
