"""In real Chromium: a coach reorders (keyboard, drag-and-drop), pauses, comments; screenshots."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from profiler import clock, coach_notes, comments, plan_changes, session_prep
from profiler.answers import save_answers
from profiler.extensions import db as _db
from profiler.models import CheckIn, Comment, Role
from tests.conftest import SHOTS, T0, browser_login, make_user

from .conftest import AMS, enroll_client

pytestmark = pytest.mark.browser


def locked_order(page) -> list[str]:
    return page.eval_on_selector_all(
        "#plan-list li.movable", "els => els.map(e => e.dataset.exerciseId)"
    )


def open_first_steps(enrollment, count: int) -> None:
    for item in enrollment.items[:count]:
        item.unlocked_at = T0
    _db.session.commit()


def test_coach_reorders_pauses_and_comments_and_the_client_sees_it(app, page, team, browser):
    sanne = team["sanne"]
    enrollment = sanne.enrollment
    open_first_steps(enrollment, 2)  # q_start and self_image are open
    plan_changes.skip(_db.session, enrollment, "values", by=team["karin"], now=T0)
    save_answers(_db.session, sanne, "self_image", {"then_now": "Ik ben rustiger."}, now=T0)
    _db.session.commit()

    browser_login(page, "karin@example.nl")
    page.goto(f"/coach/clients/{sanne.id}")
    before = locked_order(page)
    assert before[:3] == ["personality", "qualities", "interests"]

    # Keyboard: Tab to the "Later" button of the first locked exercise and press Enter.
    later = page.locator("#step-personality button.move-down")
    later.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "komt nu een plek later voor Sanne" in page.inner_text(".flashes")
    assert locked_order(page)[:2] == ["qualities", "personality"]
    assert page.url.endswith("#step-personality")
    assert "zojuist aangepast" in page.inner_text("#step-personality")
    # The page lands on the moved step: the next Tab reaches its buttons, not the page top.
    page.keyboard.press("Tab")
    assert (
        page.evaluate(
            "document.activeElement.closest('li') && document.activeElement.closest('li').id"
        )
        == "step-personality"
    )
    # And back up with the "Eerder" button, by keyboard again.
    page.locator("#step-personality button.move-up").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert locked_order(page)[:2] == ["personality", "qualities"]

    # Drag and drop: drag "interests" onto the top half of "personality".
    assert page.locator("#step-interests.dnd-ready").count() == 1
    with page.expect_navigation():
        page.drag_and_drop(
            "#step-interests", "#step-personality", target_position={"x": 20, "y": 5}
        )
    assert "De volgorde van de oefeningen van Sanne is aangepast" in page.inner_text(".flashes")
    assert locked_order(page)[:3] == ["interests", "personality", "qualities"]
    _db.session.expire_all()
    assert [i.exercise_id for i in enrollment.items][:3] == ["q_start", "self_image", "interests"]

    # Pause with a reason.
    page.fill("#reason", "Even rust na de operatie")
    with page.expect_navigation():
        page.click("section[aria-labelledby=pause-title] button[type=submit]")

    assert "ontvangt Sanne geen nieuwe oefeningen en geen mails meer tot je hervat" in (
        page.inner_text(".flashes")
    )
    assert page.locator("button", has_text="Hervat Sanne").count() == 1
    _db.session.expire_all()
    assert enrollment.paused_by == "coach"

    # Comment on the answer.
    with page.expect_navigation():
        page.click("#step-self_image a")

    assert "Ik ben rustiger." in page.inner_text(".answers")
    page.fill("#body", "Mooi! Wat merk je daar zelf van?")
    with page.expect_navigation():
        page.click("#comments button.primary")

    assert "Sanne ziet je opmerking" in page.inner_text(".flashes")

    # The client sees the comment on her exercise page, and it counts as read from then on.
    _db.session.expire_all()
    [comment] = _db.session.scalars(select(Comment)).all()
    assert comment.body == "Mooi! Wat merk je daar zelf van?" and comment.read_at is None
    context = browser.new_context(base_url=page.url.split("/coach")[0], locale="nl-NL")
    other = context.new_page()
    try:
        browser_login(other, "sanne@example.nl")
        other.goto("/me/exercises/self_image")
        assert "Mooi! Wat merk je daar zelf van?" in other.inner_text("main")
    finally:
        context.close()
    _db.session.expire_all()
    assert comment.read_at is not None
    page.reload()
    assert "gelezen" in page.inner_text("#comments")
    assert "nog niet gelezen" not in page.inner_text("#comments")


def test_plan_controls_work_without_javascript(app, browser, live_server, team):
    sanne = team["sanne"]
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    pg = context.new_page()
    try:
        browser_login(pg, "karin@example.nl")
        pg.goto(f"/coach/clients/{sanne.id}")
        assert pg.locator("#step-qualities.dnd-ready").count() == 0
        with pg.expect_navigation():
            pg.click("#step-qualities button.move-up")
        assert locked_order(pg)[:3] == ["q_start", "self_image", "qualities"]
    finally:
        context.close()


def test_destructive_buttons_ask_first_without_javascript(app, browser, live_server, team):
    """Zet alles open and Verwijder (note, comment) each lead to a page that asks; Annuleren
    goes back with nothing changed, the danger button does it. All without JavaScript."""
    sanne, karin = team["sanne"], team["karin"]
    open_first_steps(sanne.enrollment, 2)
    coach_notes.add_note(_db.session, sanne, "Bellen over werkplek", author=karin, now=T0)
    comments.add_comment(_db.session, sanne, "self_image", "Mooi gezegd!", author=karin, now=T0)
    _db.session.commit()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    pg = context.new_page()
    client_page = f"/coach/clients/{sanne.id}"
    try:
        browser_login(pg, "karin@example.nl")
        pg.goto(client_page)
        with pg.expect_navigation():
            pg.get_by_role("button", name="Zet alles open").click()
        assert pg.inner_text("h1") == "Alle oefeningen openzetten voor Sanne?"
        assert "niet terugdraaien" in pg.inner_text("main")
        with pg.expect_navigation():
            pg.get_by_role("link", name="Annuleren").click()
        assert pg.url.endswith(f"{client_page}#open-title")
        _db.session.expire_all()
        assert not sanne.enrollment.all_unlocked
        with pg.expect_navigation():
            pg.get_by_role("button", name="Zet alles open").click()
        with pg.expect_navigation():
            pg.get_by_role("button", name="Ja, zet alles open").click()
        assert "Alle oefeningen staan nu open voor Sanne" in pg.inner_text(".flashes")

        with pg.expect_navigation():
            pg.locator("#notes").get_by_role("button", name="Verwijder").click()
        assert pg.inner_text("h1") == "Notitie verwijderen"
        assert "Bellen over werkplek" in pg.inner_text("blockquote")
        with pg.expect_navigation():
            pg.get_by_role("button", name="Verwijder notitie").click()
        assert "De notitie is verwijderd" in pg.inner_text(".flashes")
        assert pg.url.endswith(f"{client_page}#notes")

        pg.goto(f"{client_page}/exercises/self_image")
        with pg.expect_navigation():
            pg.locator("#comments").get_by_role("button", name="Verwijder").click()
        assert pg.inner_text("h1") == "Opmerking verwijderen"
        assert "Mooi gezegd!" in pg.inner_text("blockquote")
        with pg.expect_navigation():
            pg.get_by_role("link", name="Annuleren").click()
        assert "Mooi gezegd!" in pg.inner_text("#comments")
        with pg.expect_navigation():
            pg.locator("#comments").get_by_role("button", name="Verwijder").click()
        with pg.expect_navigation():
            pg.get_by_role("button", name="Verwijder opmerking").click()
        assert "De opmerking is verwijderd" in pg.inner_text(".flashes")
        assert "Mooi gezegd!" not in pg.inner_text("#comments")
    finally:
        context.close()
    _db.session.expire_all()
    assert _db.session.scalars(select(Comment)).all() == []


def rich_demo(team) -> None:
    """A coach with clients at several stages, answers, flags, check-ins and questionnaires."""
    session = _db.session
    karin, sanne = team["karin"], team["sanne"]
    start = (clock.now() - timedelta(days=17)).date()

    def day(n: int, hhmm: str) -> datetime:
        """A moment `n` days after the start, Amsterdam time (so the pages look current)."""
        return datetime.combine(start + timedelta(days=n), time.fromisoformat(hhmm), AMS)

    sanne.name = "Sanne de Vries"
    enrollment = sanne.enrollment
    enrollment.start_date = start
    for item in enrollment.items[:6]:
        item.unlocked_at = day(0, "08:00") + timedelta(days=len(item.exercise_id) % 4)
    for item in enrollment.items[:4]:
        item.done_at = day(2, "20:00")
    enrollment.last_unlock_on = clock.now().astimezone(AMS).date()
    sanne.last_activity_at = day(16, "20:00")
    enrollment.items[4].flagged = True
    enrollment.items[4].flag_note = "Ik weet niet goed wat ik hier moet invullen."
    enrollment.next_session_on = start + timedelta(days=22)
    save_answers(
        session,
        sanne,
        "self_image",
        {
            "then_now": "Vroeger was ik altijd druk en wilde ik alles perfect doen.",
            "own_words": ["behulpzaam", "precies", "rustig"],
        },
        now=day(1, "19:00"),
    )
    session_prep.record_session(session, enrollment, by=karin, now=day(3, "10:00"))
    save_answers(
        session,
        sanne,
        "self_image",
        {"then_now": "Vroeger was ik altijd druk. Nu kies ik bewuster wat ik doe."},
        now=day(7, "19:00"),
    )
    save_answers(
        session, sanne, "qualities", {"quality_list": ["zorgzaam", "precies"]}, now=day(8, "19:00")
    )
    for week, (u, c) in enumerate([(8, 3), (7, 4), (5, 6), (4, 7)]):
        session.add(
            CheckIn(
                client_id=sanne.id,
                kind="checkin",
                values={"uncertainty": u, "confidence": c},
                created_at=day(0, "12:00") + timedelta(days=5 * week),
            )
        )
    session.add(
        CheckIn(
            client_id=sanne.id,
            kind="q_start",
            created_at=day(0, "09:00"),
            values={"autonomy": 2.3, "competence": 2.4, "relatedness": 3.7, "own_direction": 2.0},
        )
    )
    session.add(
        CheckIn(
            client_id=sanne.id,
            kind="q_midway",
            created_at=day(9, "09:00"),
            values={"autonomy": 3.3, "competence": 3.8, "relatedness": 3.9, "own_direction": 3.0},
        )
    )
    comments.add_comment(
        session,
        sanne,
        "self_image",
        "Mooi dat je dit zo opschrijft.",
        author=karin,
        now=day(8, "09:00"),
    )
    people = [
        ("peter@example.nl", "Peter Jansen", "client"),
        ("fatima@example.nl", "Fatima El Amrani", None),
        ("joost@example.nl", "Joost Bakker", "coach"),
        ("ilse@example.nl", "Ilse van Dam", None),
    ]
    for n, (email, name, paused) in enumerate(people):
        person = make_user(Role.CLIENT, email, name, coach=karin)
        e = enroll_client(person, start=start)
        for item in e.items[: 3 + 4 * n]:
            item.unlocked_at = day(0, "08:00")
            item.done_at = day(1, "08:00") if n % 2 == 0 else None
        if paused:
            plan_changes.pause(
                session, e, by=person if paused == "client" else karin, now=day(4, "10:00")
            )
        if name.startswith("Ilse"):
            e.reminders_sent = 3
        if name.startswith("Fatima"):
            e.all_unlocked = True
        person.last_activity_at = day(8, "10:00") - timedelta(days=5 * n)
    session.commit()


def test_screenshots_of_the_coach_pages(app, page, team):
    rich_demo(team)
    SHOTS.mkdir(parents=True, exist_ok=True)
    sanne = team["sanne"]
    browser_login(page, "karin@example.nl")
    pages = {
        "dashboard": "/coach",
        "client": f"/coach/clients/{sanne.id}",
        "prepare": f"/coach/clients/{sanne.id}/prepare",
        "answers": f"/coach/clients/{sanne.id}/exercises/self_image",
        "invite": "/coach/clients/new",
    }
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            page.wait_for_load_state()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, width, overflow)
            page.screenshot(path=str(SHOTS / f"coach-{name}-{width}.png"), full_page=True)
    for width in (1280, 375):
        for name in pages:
            assert Path(SHOTS / f"coach-{name}-{width}.png").stat().st_size > 10_000
