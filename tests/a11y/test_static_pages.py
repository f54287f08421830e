"""Pages served without the app: nginx's page for when Profiler does not answer
(profiler/static/errors/, deploy/nginx/profiler.conf) must be as calm, valid and accessible
as the app's own error page."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, SHOTS

from .checks import BLOCKING, horizontal_overflow, run_axe, watch
from .conftest import role_page
from .validation import validate_html

pytestmark = pytest.mark.browser

PAGES = sorted((ROOT / "profiler" / "static" / "errors").glob("*.html"))


def test_there_is_a_page_for_when_the_app_is_down():
    assert [p.name for p in PAGES] == ["unavailable.html"]


def test_the_static_pages_are_valid_html():
    assert validate_html({p: p.name for p in PAGES}) == []


@pytest.mark.parametrize("page_file", PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("width", [320, 1280])
def test_a_static_page_is_accessible_styled_and_fits(browser, site, axe_script, page_file, width):
    viewport = {"width": width, "height": 900}
    with role_page(browser, site, "anonymous", axe=axe_script, viewport=viewport) as page:
        problems = watch(page)
        page.goto(f"/static/errors/{page_file.name}")
        assert not problems, problems  # stylesheet and icon load from /static/, as nginx serves
        style = "getComputedStyle(document.querySelector('.panel')).borderRadius"
        assert page.evaluate(style) != "0px"
        assert horizontal_overflow(page) == 0
        assert [str(v) for v in run_axe(page) if v.impact in BLOCKING] == []
        assert page.get_attribute("html", "lang") == "nl"
        assert page.get_attribute(".panel[lang=en]", "lang") == "en"  # English read as English
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"static-{page_file.stem}-{width}.png"), full_page=True)
