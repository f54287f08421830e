"""The administrator's people and mail lists in Chromium: paging through a large organisation,
and one card per row on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from profiler.extensions import db as _db
from profiler.mail import RenderedMail, queue
from profiler.models import OutboxMail, Role
from tests.conftest import SHOTS, T0, add_invited_clients, browser_login, make_user, table_fit

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(app):
    """An administrator, a coach and 130 invited clients: 132 people."""
    make_user(Role.ADMIN, "ada@example.nl", "Ada")
    add_invited_clients(make_user(Role.COACH, "karin@example.nl", "Karin"), 130)


@pytest.mark.parametrize("width", [375, 1280])
def test_an_administrator_pages_through_everyone(page, organisation, width):
    browser_login(page, "ada@example.nl")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/users")
    expect(page.get_by_role("status")).to_contain_text("132 mensen")
    top = page.get_by_role("navigation", name="Pagina's met gebruikers", exact=True)
    expect(top.locator('[aria-current="page"]')).to_have_text("Pagina 1")
    page.screenshot(path=str(SHOTS / f"admin-people-pages-{width}.png"), full_page=True)
    top.get_by_role("link", name="Volgende").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Je ziet 51 tot en met 100.")
    expect(page.get_by_role("link", name="Klant 050")).to_be_visible()
    expect(page.get_by_role("link", name="Klant 049")).to_have_count(0)
    below = page.get_by_role("navigation", name="Pagina's met gebruikers, onder de tabel")
    below.get_by_role("link", name="Pagina 3").click()
    expect(page.get_by_role("link", name="Karin")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls {overflow}px sideways at {width}px"
    fit = table_fit(page.locator(".table-wrap table"))
    assert fit["right"] <= fit["viewport"] and fit["scroll"] <= 0, fit


def test_a_failed_mail_is_readable_and_retried_on_a_phone(page, organisation):
    """Long addresses and SMTP errors wrap inside the card; the retry button is reachable.

    The address has no hyphen or other place a browser would break it on its own."""
    address = "alexandrawilhelminabakkervermeulen@voorbeeldgemeentegroningen.nl"
    queue(
        _db.session,
        key="long",
        kind="daily",
        to=address,
        mail=RenderedMail("Je oefening van vandaag: wat je energie geeft", "t\n", "<p>h</p>"),
        now=T0,
    )
    _db.session.flush()
    mail = _db.session.query(OutboxMail).one()
    mail.status, mail.attempts = "failed", 5
    mail.last_error = "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
    _db.session.commit()
    browser_login(page, "ada@example.nl")
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/admin/outbox?status=failed")
    card = page.get_by_role("row", name=address)
    expect(card).to_contain_text("Recipient address rejected")
    fit = table_fit(page.locator(".table-wrap table"))
    assert fit["right"] <= fit["viewport"] and fit["scroll"] <= 0, fit
    page.screenshot(path=str(SHOTS / "admin-outbox-failed-320.png"), full_page=True)
    card.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.locator(".flashes")).to_contain_text("De mail staat weer in de wachtrij.")
    expect(page.get_by_role("row").filter(has_text=address)).to_have_count(0)
