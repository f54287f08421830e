"""The exercise editor in a real browser (Debian Chromium): live preview, refused and valid
saves, inert Markdown, keyboard use. Also saves admin-*.png screenshots (1280, 375 px; see
tests.conftest.SHOTS)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import SHOTS, browser_login

from .conftest import ADMIN_EMAIL, CLIENT_EMAIL

pytestmark = pytest.mark.browser

SELF = "01-self_image.nl.md"
EVIL = (
    "\n<script>alert(1)</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[x](javascript:alert(1)) EVIL-MARKER\n"
)


def record_dialogs(pg) -> list[str]:
    """Every alert/confirm/prompt the page opens (there must be none)."""
    dialogs: list[str] = []

    def seen(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", seen)
    return dialogs


def assert_inert(pg, live_server) -> None:
    """No script, handler or javascript: link from the content made it into the page."""
    sources = pg.evaluate("Array.from(document.scripts).map(s => s.src || s.textContent)")
    assert all(src.startswith(f"{live_server.url}/static/") for src in sources), sources
    assert pg.locator("[onerror]").count() == 0
    assert pg.locator("a[href^='javascript' i]").count() == 0


@pytest.fixture
def admin_page(page, admin, content):
    browser_login(page, ADMIN_EMAIL)
    return page


def client_page(page, live_server):
    """A second browser context for the client, next to the admin's."""
    context = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL"
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    browser_login(pg, CLIENT_EMAIL)
    return pg


def test_edit_preview_refuse_save_and_live_for_clients(admin_page, content, sanne, live_server):
    pg = admin_page
    dialogs = record_dialogs(pg)
    pg.goto("/admin/exercises")
    pg.click(f"a[href='/admin/exercises/{SELF}']")
    source = pg.locator("#source")
    original = source.input_value()

    # The preview follows the typing (no button pressed).
    changed = original.replace("Welkom bij de eerste oefening.", "Welkom, dit is LIVE-VOORBEELD.")
    source.fill(changed)
    expect(pg.locator("#preview-content")).to_contain_text("LIVE-VOORBEELD")
    expect(pg.locator("#preview-status")).to_contain_text("bijgewerkt")

    # An invalid text: the preview says why, saving is refused with the line, text is kept.
    broken = changed.replace("type: list", "type: list\ntpo: 3", 1)
    line = broken.splitlines().index("tpo: 3") + 1
    source.fill(broken)
    expect(pg.locator("#preview-content .preview-problems")).to_contain_text("tpo")
    pg.click("button[name=save], input[name=save]")
    problems = pg.locator("#save-problems")
    expect(problems).to_contain_text(f"regel {line}: veld")
    expect(problems).to_contain_text("onbekende sleutel 'tpo'")
    assert pg.locator("#source").input_value().replace("\r\n", "\n") == broken
    assert "LIVE-VOORBEELD" not in (content / "exercises" / SELF).read_text(encoding="utf-8")
    expect(problems).to_be_focused()
    pg.click(f"#save-problems a[data-line='{line}']")  # jumps to the line in the textarea
    assert pg.evaluate("document.activeElement.id") == "source"
    assert (
        pg.evaluate(
            "document.activeElement.value.substring("
            "document.activeElement.selectionStart, "
            "document.activeElement.selectionEnd)"
        )
        == "tpo: 3"
    )

    # Fixed: saved, and the client sees it right away.
    pg.locator("#source").fill(changed)
    pg.click("button[name=save], input[name=save]")
    expect(pg.locator(".flash-success")).to_contain_text("Opgeslagen")
    assert "LIVE-VOORBEELD" in (content / "exercises" / SELF).read_text(encoding="utf-8")

    client = client_page(pg, live_server)
    client.goto("/me/exercises/self_image")
    expect(client.locator("main")).to_contain_text("Welkom, dit is LIVE-VOORBEELD.")
    client.context.close()
    assert dialogs == []


def test_saving_cancels_a_waiting_preview(admin_page, content):
    """Typing starts a preview after a pause; pressing save within that pause cancels it, so
    no preview request races the save."""
    pg = admin_page
    pg.goto(f"/admin/exercises/{SELF}")
    preview_url = pg.locator("form[data-preview-url]").get_attribute("data-preview-url")
    previews: list[str] = []
    pg.on("request", lambda r: previews.append(r.url) if r.url.endswith(preview_url) else None)
    # Keep the page here after the click, to see what the script does next.
    pg.evaluate(
        "document.querySelector('form[data-preview-url]')"
        ".addEventListener('submit', e => e.preventDefault())"
    )
    pg.locator("#source").press("End")
    pg.locator("#source").type(" extra")
    pg.click("button[name=save], input[name=save]")
    pg.wait_for_timeout(1500)  # twice the pause after typing
    assert previews == []
    # Typing again afterwards still updates the preview.
    pg.locator("#source").type(" meer")
    expect(pg.locator("#preview-status")).to_contain_text("bijgewerkt")
    assert len(previews) == 1


def test_script_onerror_and_javascript_links_stay_inert(admin_page, content, sanne, live_server):
    pg = admin_page
    dialogs = record_dialogs(pg)
    pg.goto(f"/admin/exercises/{SELF}")
    source = pg.locator("#source")
    evil_text = source.input_value() + EVIL
    # server-side preview (no JavaScript needed) ...
    source.fill(evil_text)
    pg.click("button[name=preview], input[name=preview]")
    expect(pg.locator("#preview-content")).to_contain_text("EVIL-MARKER")
    assert_inert(pg, live_server)
    # ... the live preview inserted by the script ...
    source.fill(evil_text + "\nNOG-EEN\n")
    expect(pg.locator("#preview-content")).to_contain_text("NOG-EEN")
    assert_inert(pg, live_server)
    # ... and the client's page after saving.
    pg.click("button[name=save], input[name=save]")
    expect(pg.locator(".flash-success")).to_be_visible()
    client = client_page(pg, live_server)
    client_dialogs = record_dialogs(client)
    client.goto("/me/exercises/self_image")
    expect(client.locator("main")).to_contain_text("EVIL-MARKER")
    client.wait_for_timeout(300)  # give an onerror handler the chance to fire
    assert_inert(client, live_server)
    client.context.close()
    assert dialogs == [] and client_dialogs == []


def focused(pg) -> dict:
    """What has the keyboard focus, and whether it shows a visible outline."""
    return pg.evaluate(
        """() => { const el = document.activeElement; const st = getComputedStyle(el);
        return {id: el.id, name: el.getAttribute('name') || '', tag: el.tagName,
                text: (el.textContent || '').trim().slice(0, 30),
                outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2}; }"""
    )


def test_keyboard_only_reach_textarea_preview_and_save(admin_page, content):
    pg = admin_page
    pg.goto(f"/admin/exercises/{SELF}")
    seen = []
    for _ in range(40):
        pg.keyboard.press("Tab")
        now = focused(pg)
        seen.append(now)
        if now["id"] == "preview-pane":
            break
    names = [f["id"] or f["name"] for f in seen]
    assert {"source", "preview", "save", "preview-pane"} <= set(names), names
    assert (
        names.index("source")
        < names.index("preview")
        < names.index("save")
        < names.index("preview-pane")
    )
    assert all(f["outline"] for f in seen if f["id"] in ("source", "save", "preview-pane")), seen

    # Type with the keyboard, Tab to "Opslaan", press Space.
    pg.keyboard.down("Shift")
    while focused(pg)["id"] != "source":
        pg.keyboard.press("Tab")
    pg.keyboard.up("Shift")
    pg.keyboard.press("Control+End")
    pg.keyboard.type("\nMet het toetsenbord getypt.\n")
    while focused(pg)["name"] != "save":
        pg.keyboard.press("Tab")
    pg.keyboard.press("Space")
    expect(pg.locator(".flash-success")).to_contain_text("Opgeslagen")
    assert "Met het toetsenbord getypt." in (content / "exercises" / SELF).read_text("utf-8")

    # Enter works as well.
    pg.locator("#source").focus()
    pg.keyboard.press("Control+End")
    pg.keyboard.type("Nog een regel.\n")
    while focused(pg)["name"] != "save":
        pg.keyboard.press("Tab")
    pg.keyboard.press("Enter")
    expect(pg.locator(".flash-success")).to_contain_text("Opgeslagen")
    assert "Nog een regel." in (content / "exercises" / SELF).read_text("utf-8")


def test_screenshots_of_list_and_editor(admin_page, content):
    pg = admin_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    broken = content / "exercises" / "93-networking.en.md"
    broken.write_text(broken.read_text("utf-8").replace("type: text", "type: txet", 1), "utf-8")
    for width in (1280, 375):
        pg.set_viewport_size({"width": width, "height": 900})
        pg.goto("/admin/exercises")
        pg.wait_for_timeout(1100)  # past the one-second library check
        pg.reload()
        pg.screenshot(path=str(SHOTS / f"admin-exercises-{width}.png"), full_page=True)
        pg.goto(f"/admin/exercises/{SELF}")
        pg.screenshot(path=str(SHOTS / f"admin-editor-{width}.png"), full_page=width == 375)
        text = pg.locator("#source").input_value().replace("type: list", "type: list\ntpo: 3", 1)
        pg.locator("#source").fill(text)
        pg.click("button[name=save], input[name=save]")
        expect(pg.locator("#save-problems")).to_be_visible()
        pg.screenshot(path=str(SHOTS / f"admin-editor-refused-{width}.png"))
