"""Drive a page with the keyboard only: Tab to an element, checking the focus is visible."""

from __future__ import annotations

from .checks import focused

MAX_TABS = 200


class FocusProblem(AssertionError):
    """Focus got lost, became invisible, or never reached its target."""


def tab_to(page, selector: str, *, shift: bool = False, trail: list | None = None) -> dict:
    """Press Tab (or Shift+Tab) until an element matching `selector` has focus.

    Every element focused on the way must show a focus indicator (outline or box-shadow).
    """
    key = "Shift+Tab" if shift else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = focused(page)
        if now is None:
            continue  # focus went to the browser chrome between the last and first element
        if trail is not None:
            trail.append(now)
        if not now["visible"]:
            raise FocusProblem(f"no visible focus on {now} (on the way to {selector})")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return now
    raise FocusProblem(f"{selector} not reached with {MAX_TABS} × {key} on {page.url}")


def assert_no_focus_trap(page) -> int:
    """Tab through the whole page and back to the start; returns how many stops there were."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.outerHTML")
    stops = 1
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:
            continue
        if page.evaluate("() => document.activeElement.outerHTML") == first:
            return stops
        if not now["visible"]:
            raise FocusProblem(f"no visible focus on {now} on {page.url}")
        stops += 1
    raise FocusProblem(f"Tab never came back to the first element on {page.url}: a focus trap?")


def type_login(page, email: str, password: str, code_for=None) -> None:
    """Log in by keyboard: skip link, email, password, Enter (and the authenticator code)."""
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.url.endswith("/login/code") and code_for is not None:
        tab_to(page, "#code")
        page.keyboard.type(code_for(email))
        with page.expect_navigation():
            page.keyboard.press("Enter")
