"""The administrator's audit log on a phone, in Chromium: rows readable without side-scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from profiler import audit
from profiler.extensions import db as _db
from profiler.models import Role
from tests.conftest import T0, browser_login, make_user, table_fit

pytestmark = pytest.mark.browser

COACH_NAME = "Karin van den Heuvel-Oosterhuis"
CLIENT_NAME = "Alexandra Wilhelmina Bakker-Vermeulen"
IPV6 = "2001:0db8:85a3:0000:0000:8a2e:0370:7334"


@pytest.fixture
def long_audit_log(app):
    """An administrator and a log with long names, long actions, details and addresses."""
    admin = make_user(Role.ADMIN, "ada@example.nl", "Ada Beheer-Schimmelpenninck")
    coach = make_user(Role.COACH, "karin@example.nl", COACH_NAME)
    client = make_user(Role.CLIENT, "alexandra@example.nl", CLIENT_NAME, coach=coach)
    events = [
        (coach, "coach.viewed_preparation", client, IPV6, {}),
        (coach, "coach.report", client, "192.168.100.200", {"format": "pdf"}),
        (admin, "user.coach_assigned", client, IPV6, {"coach": coach.id, "previous": None}),
        (None, "retention.enrollments_removed", None, None, {"count": 12, "older_than": "2024"}),
        (admin, "auth.two_factor_disabled", None, IPV6, {}),
        (coach, "document.download", client, IPV6, {"document": "werkdocument-bakker.pdf"}),
    ]
    for minutes, (actor, action, about, ip, detail) in enumerate(events):
        audit.record(
            _db.session,
            actor=actor,
            action=action,
            client=about,
            ip=ip,
            now=T0 + timedelta(minutes=minutes),
            **detail,
        )
    _db.session.commit()
    return admin


@pytest.mark.parametrize("width", [320, 375])
def test_the_audit_log_fits_a_phone(page, long_audit_log, width):
    """At phone widths the table itself is no wider than the screen: no row to scroll sideways."""
    browser_login(page, "ada@example.nl")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/audit")
    log = page.get_by_role("region", name="Logboek")
    expect(log.get_by_text(CLIENT_NAME).first).to_be_visible()
    expect(log.get_by_text("retention.enrollments_removed")).to_be_visible()
    table = table_fit(page.locator(".table-wrap table"))
    # Nothing an administrator needs is lost: who, what, about whom, details, from where.
    row = log.get_by_role("row").filter(has_text="document.download")
    for text in [COACH_NAME, CLIENT_NAME, "document: werkdocument-bakker.pdf", IPV6]:
        expect(row).to_contain_text(text)
    assert table["right"] <= table["viewport"] and table["scroll"] <= 0, (
        f"the audit table is {table['width']}px wide (right edge {table['right']}px) "
        f"on a {table['viewport']}px screen; its region scrolls {table['scroll']}px sideways"
    )
