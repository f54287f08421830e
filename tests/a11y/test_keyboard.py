"""The main flows with the keyboard only: visible focus at every step, no focus trap."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from profiler.extensions import db as _db
from profiler.models import Answer, PlanItem
from tests.conftest import PASSWORD, ROOT, totp_code

from .keyboard import assert_no_focus_trap, tab_to, type_login
from .world import ADMIN_EMAIL, CLIENT_EMAIL, COACH_EMAIL, build_world

pytestmark = pytest.mark.browser


def press_and_wait(page, key: str = "Enter") -> None:
    """Press a key that submits a form or follows a link, and wait for the new page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def flash_text(page) -> str:
    return page.inner_text(".flashes") if page.locator(".flashes").count() else ""


def test_client_completes_an_exercise_by_keyboard(app, live_server, page):
    world = build_world()
    type_login(page, CLIENT_EMAIL, PASSWORD)
    assert page.url.endswith("/me")
    assert_no_focus_trap(page)

    # Today -> the exercise of today.
    tab_to(page, "a.button.primary[href='/me/exercises/interests']")
    press_and_wait(page)
    assert page.url.endswith("/me/exercises/interests")
    assert_no_focus_trap(page)

    # Type an answer, save it, mark the exercise done.
    tab_to(page, "#f-top_areas")
    page.keyboard.press("Control+End")
    page.keyboard.type(" Met het toetsenbord getypt.")
    tab_to(page, "[name=save]")
    press_and_wait(page)
    assert "opgeslagen" in flash_text(page).lower()
    tab_to(page, "[name=done]")
    press_and_wait(page)

    _db.session.expire_all()
    answer = _db.session.scalar(
        select(Answer).where(
            Answer.client_id == world.client.id,
            Answer.exercise_id == "interests",
            Answer.field_id == "top_areas",
        )
    )
    assert answer.value.endswith("Met het toetsenbord getypt.")
    item = _db.session.scalar(select(PlanItem).where(PlanItem.exercise_id == "interests"))
    assert item.done_at is not None, flash_text(page)


def test_coach_reorders_a_plan_by_keyboard(app, live_server, page):
    world = build_world()
    type_login(page, COACH_EMAIL, PASSWORD, code_for=totp_code)
    assert page.url.endswith("/coach")
    assert_no_focus_trap(page)
    tab_to(page, f"a[href='/coach/clients/{world.client.id}']")
    press_and_wait(page)
    assert_no_focus_trap(page)

    def locked_order() -> list[str]:
        return page.eval_on_selector_all(
            "#plan-list li.movable", "els => els.map(e => e.dataset.exerciseId)"
        )

    before = locked_order()
    tab_to(page, "#plan-list button.move-down")
    press_and_wait(page)
    after = locked_order()
    assert after[:2] == [before[1], before[0]], (before, after)
    assert "later" in flash_text(page)

    # And back with the "Eerder" button of the exercise that moved down.
    tab_to(page, f"#step-{before[0]} button.move-up")
    press_and_wait(page)
    assert locked_order() == before


@pytest.fixture
def content_copy(app, tmp_path):
    """CONTENT_DIR pointed at a copy of content/ (saving never touches the real files)."""
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy, ignore=shutil.ignore_patterns(".history"))
    app.config["CONTENT_DIR"] = str(copy)
    return copy


def test_admin_saves_an_exercise_by_keyboard(app, live_server, page, content_copy):
    build_world()
    type_login(page, ADMIN_EMAIL, PASSWORD, code_for=totp_code)
    assert page.url.endswith("/admin")
    tab_to(page, "nav a[href='/admin/exercises']")
    press_and_wait(page)
    assert_no_focus_trap(page)
    tab_to(page, "a[href='/admin/exercises/01-self_image.nl.md']")
    press_and_wait(page)
    assert_no_focus_trap(page)  # the Markdown editor lets Tab leave the text area

    tab_to(page, "#source")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nMet het toetsenbord getypt.\n")
    # let the live preview's request finish, so the save is not racing it
    page.wait_for_load_state("networkidle")
    tab_to(page, "[name=save]")
    press_and_wait(page)
    assert "Opgeslagen" in flash_text(page)
    saved = (content_copy / "exercises" / "01-self_image.nl.md").read_text("utf-8")
    assert "Met het toetsenbord getypt." in saved
