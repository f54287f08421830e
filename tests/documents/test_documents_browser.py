"""The documents in a real browser: choices without JavaScript, no sideways scrolling.

Also saves documents-*.png screenshots at 1280 and 375 px wide (see tests.conftest.SHOTS).
"""

from __future__ import annotations

import pytest

from profiler.demo_answers import NAME, save_sample_answers
from profiler.extensions import db
from profiler.models import Role
from tests.conftest import SHOTS, T0, browser_login, make_user
from tests.exports.export_samples import portrait

pytestmark = pytest.mark.browser


def no_sideways_scroll(page, url: str, width: int) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow, f"{url} scrolls sideways at {width}px"


@pytest.fixture
def sanne_in_browser(page, app):
    user = make_user(Role.CLIENT, "sanne@example.nl", NAME)
    save_sample_answers(db.session, user, now=T0)
    browser_login(page, "sanne@example.nl")
    return page


def test_choices_work_without_javascript(browser, live_server, app, tmp_path):
    user = make_user(Role.CLIENT, "sanne@example.nl", NAME)
    save_sample_answers(db.session, user, now=T0)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, "sanne@example.nl")
        page.goto("/me/documents/cv")
        page.get_by_role("button", name="Omhoog: Vaardigheden").click()
        page.wait_for_load_state()
        assert "Vaardigheden staat nu op plaats 5." in page.content()
        order = page.locator(".section-order li").evaluate_all("els => els.map(e => e.id)")
        assert order.index("order-skills") < order.index("order-competences")
        page.get_by_label("Modern: met een gekleurde kolom opzij").check()
        page.get_by_role("checkbox", name="Cursussen en certificaten").uncheck()
        page.get_by_role("button", name="Keuzes opslaan").click()
        page.wait_for_load_state()
        assert page.locator(".paper--modern").count() == 1
        assert not page.get_by_role("checkbox", name="Cursussen en certificaten").is_checked()
        photo = tmp_path / "pasfoto.png"
        photo.write_bytes(portrait())
        page.set_input_files("#photo-file", str(photo))
        page.get_by_role("button", name="Foto toevoegen").click()
        page.wait_for_load_state()
        assert "Je foto is toegevoegd." in page.content()
        assert page.locator(".paper img.doc-photo").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots(sanne_in_browser, width, tmp_path):
    page = sanne_in_browser
    page.set_viewport_size({"width": width, "height": 900})
    photo = tmp_path / "pasfoto.png"
    photo.write_bytes(portrait())
    page.goto("/me/documents/resume")
    page.set_input_files("#photo-file", str(photo))
    page.get_by_role("button", name="Foto toevoegen").click()
    page.wait_for_load_state()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in [
        ("index", "/me/documents"),
        ("cv", "/me/documents/cv"),
        ("resume", "/me/documents/resume"),
        ("pitch", "/me/documents/pitch"),
    ]:
        page.goto(url)
        no_sideways_scroll(page, url, width)
        page.screenshot(path=str(SHOTS / f"documents-{name}-{width}.png"), full_page=True)
