"""The client's privacy page on a phone, in Chromium: the log reads as a list, names whole."""

from __future__ import annotations

from datetime import timedelta

import pytest

from profiler import audit
from profiler.extensions import db as _db
from profiler.models import Role
from tests.conftest import SHOTS, T0, browser_login, make_user, table_fit

pytestmark = pytest.mark.browser

COACH_NAME = "Karin van den Heuvel-Oosterhuis"


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_privacy_log_uses_the_whole_width_on_a_phone(page, app, width):
    coach = make_user(Role.COACH, "karin@example.nl", COACH_NAME)
    client = make_user(Role.CLIENT, "alexandra@example.nl", "Alexandra", coach=coach)
    for minutes, action in enumerate(
        ["coach.viewed_answers", "coach.viewed_preparation", "plan.unlocked_all", "session.held"]
    ):
        audit.record(
            _db.session,
            actor=coach,
            client=client,
            action=action,
            now=T0 + timedelta(minutes=minutes),
        )
    _db.session.commit()
    browser_login(page, "alexandra@example.nl")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/me/privacy")
    table = page.locator("table.log")
    fit = table_fit(table)
    assert fit["right"] <= fit["viewport"] and fit["scroll"] <= 0, fit
    who = table.locator(".log-who").first
    # The coach's name on as few lines as the width allows: the whole table, not a column.
    share = who.evaluate("e => e.closest('td').offsetWidth / e.closest('table').offsetWidth")
    assert share >= (0.95 if width < 700 else 0.4), f"who and what get {share:.0%} of the width"
    page.screenshot(path=str(SHOTS / f"client-privacy-{width}.png"), full_page=True)
