"""In real Chromium: logging in, the language switch, and the skip link."""

from __future__ import annotations

import pytest

from profiler.models import Role
from tests.conftest import browser_login, make_user

pytestmark = pytest.mark.browser


def test_client_logs_in_and_lands_on_today(app, page):
    make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    browser_login(page, "sanne@example.nl")
    assert page.url.endswith("/me")
    assert "Sanne" in page.inner_text("h1")
    assert page.get_attribute("html", "lang") == "nl"


def test_wrong_password_shows_the_message_next_to_the_field(app, page):
    make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    browser_login(page, "sanne@example.nl", "wrong password")
    assert page.url.endswith("/login")
    error = page.locator("#password-error")
    assert "klopt niet" in error.inner_text()
    assert page.get_attribute("#password", "aria-invalid") == "true"
    assert page.input_value("#email") == "sanne@example.nl"


def test_language_switch_changes_the_page_language(app, page):
    page.goto("/login")
    page.click("button[name=lang][value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    page.click("button[name=lang][value=nl]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "nl"


def test_skip_link_is_the_first_tab_stop_and_visible(app, page):
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0
