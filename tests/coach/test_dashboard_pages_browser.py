"""The coach's client table in pages, in Chromium: keyboard, focus, WCAG checks, small screens."""

from __future__ import annotations

import os

import pytest

from tests.a11y.checks import axe_source, horizontal_overflow, run_axe
from tests.conftest import browser_login

from .test_dashboard import add_clients

pytestmark = pytest.mark.browser


def test_coach_pages_through_120_clients_with_the_keyboard(page, team):
    add_clients(team["karin"], 119)  # with Sanne: 120 clients, three pages
    page.context.add_init_script(script=axe_source())  # the strict CSP refuses inline scripts
    browser_login(page, "karin@example.nl")
    page.goto("/coach?sort=name")
    assert page.locator("table.clients tbody tr").count() == 50
    # The pager is above the table and again below it (each with its own name).
    assert page.get_by_role("navigation", name="Pagina's met cliënten, onder de tabel").is_visible()
    pager = page.get_by_role("navigation", name="Pagina's met cliënten", exact=True)
    assert pager.get_by_role("link", name="Pagina 1").get_attribute("aria-current") == "page"
    assert run_axe(page) == []
    # Tab to "Volgende" and press Enter: page 2, the sort kept.
    next_link = pager.get_by_role("link", name="Volgende")
    for _ in range(60):  # the pager above the table comes before the 50 rows
        page.keyboard.press("Tab")
        if next_link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the pager's next link is not reachable with Tab")
    outline = next_link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    if os.environ.get("PROFILER_SHOTS"):
        page.screenshot(path=f"{os.environ['PROFILER_SHOTS']}/pager-focus.png", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_url("**/coach?page=2&sort=name")
    assert page.locator("table.clients tbody tr").count() == 50
    assert page.get_by_text("Je ziet cliënt 51 tot en met 100.").is_visible()
    # A phone: the pager wraps instead of making the page scroll sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/coach?page=3")
    assert page.locator("table.clients tbody tr").count() == 20
    assert horizontal_overflow(page) == 0
    if os.environ.get("PROFILER_SHOTS"):
        page.screenshot(path=f"{os.environ['PROFILER_SHOTS']}/pager-phone.png", full_page=True)
