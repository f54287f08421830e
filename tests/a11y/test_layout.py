"""Reflow: no horizontal scrolling at 320 px or at 200% zoom; screenshots at 375 and 1280 px."""

from __future__ import annotations

import pytest

from tests.conftest import SHOTS

from .checks import BLOCKING, horizontal_overflow, run_axe, wide_elements
from .conftest import role_page
from .crawl import endpoint_of
from .pages import page_types, shot_name

pytestmark = pytest.mark.browser

ROLES = ("anonymous", "client", "coach", "admin")
# WCAG 1.4.10: 320 CSS px is a 1280 px screen at 400%; 640 CSS px is the same screen at 200%.
NARROW, ZOOMED = 320, 640
SHOT_WIDTHS = (375, 1280)
SMALL_SCREEN_RULES = ["scrollable-region-focusable", "target-size", "color-contrast"]
MAX_SHOT_HEIGHT = 3200  # long pages (workbook, CV) are cut off: the top shows the layout


@pytest.fixture(scope="module")
def covered() -> set[str]:
    """Endpoints already looked at by an earlier role (an admin sees the coach's pages too)."""
    return set()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_type_reflows_and_is_photographed(browser, site, axe_script, role, covered):
    SHOTS.mkdir(parents=True, exist_ok=True)
    overflowing = []
    checked = 0
    with role_page(
        browser, site, role, axe=axe_script, viewport={"width": NARROW, "height": 800}
    ) as page:
        for path in page_types(site, role):
            page.set_viewport_size({"width": NARROW, "height": 800})
            page.goto(path)
            endpoint = endpoint_of(site.app, page.url.removeprefix(site.url))
            if endpoint in covered and endpoint not in ("client.exercise", "documents.preview"):
                continue
            covered.add(endpoint)
            checked += 1
            for width in (NARROW, ZOOMED):
                page.set_viewport_size({"width": width, "height": 800})
                extra = horizontal_overflow(page)
                if extra > 0:
                    overflowing.append(
                        f"{path} at {width}px: {extra}px too wide {wide_elements(page)}"
                    )
            # A wide table may scroll inside its own box; keyboard users must be able to scroll it.
            page.set_viewport_size({"width": NARROW, "height": 800})
            overflowing += [
                f"{v} at {NARROW}px"
                for v in run_axe(page, rules=SMALL_SCREEN_RULES)
                if v.impact in BLOCKING
            ]
            name = shot_name(role, path)
            for width in SHOT_WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                height = min(
                    page.evaluate("document.documentElement.scrollHeight"), MAX_SHOT_HEIGHT
                )
                page.screenshot(
                    path=SHOTS / f"a11y-{name}-{width}.png",
                    clip={"x": 0, "y": 0, "width": width, "height": height},
                    full_page=True,
                )
    print(f"\nreflow {role}: {checked} page types at {NARROW}px and {ZOOMED}px")
    assert checked
    assert not overflowing, "horizontal scrolling needed:\n" + "\n".join(overflowing)
