"""The client in a real browser (Debian Chromium): autosave, reload, flag, done, settings.

Also saves client-*.png screenshots at 1280 and 375 px wide (see tests.conftest.SHOTS).
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from profiler import answers
from profiler.extensions import db as _db
from profiler.models import Comment, Role, User
from tests.client.conftest import NOW, enroll
from tests.conftest import SHOTS, browser_login, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def sanne_in_browser(app, frozen, page):
    coach = make_user(Role.COACH, "coach@example.nl", "Karin")
    user = make_user(Role.CLIENT, "sanne@example.nl", "Sanne", coach=coach)
    enroll(user, opened=2)
    browser_login(page, "sanne@example.nl")
    return user


def fresh(model, ident):
    _db.session.expire_all()
    return _db.session.get(model, ident)


def test_doing_an_exercise_with_autosave_reload_flag_and_done(page, sanne_in_browser):
    page.goto("/me/exercises/self_image")
    status = page.locator("#save-status")
    page.fill("#f-own_words-1", "rustig")
    page.fill("#f-own_words-2", "precies")
    page.fill("#f-own_words-3", "behulpzaam")
    page.fill("#f-then_now", "Ik ben rustiger geworden.")
    expect(status).to_contain_text("Opgeslagen om")
    assert "Opgeslagen om 10:30" in status.inner_text()
    page.reload()
    expect(status).to_have_text("Je antwoorden worden vanzelf opgeslagen.")  # the script's word
    assert page.input_value("#f-then_now") == "Ik ben rustiger geworden."
    assert page.input_value("#f-own_words-3") == "behulpzaam"

    page.check("#flagged")
    page.fill("#flag_note", "Klopt woord 3 wel?")
    page.click("button[name=done], input[name=done]")
    page.wait_for_url("**/me/exercises")
    assert "1 van 17" in page.inner_text(".progress-label")
    assert page.locator(".flash-success").count() == 1
    user = fresh(User, sanne_in_browser.id)
    item = next(i for i in user.enrollment.items if i.exercise_id == "self_image")
    assert item.done_at is not None and item.flagged and item.flag_note == "Klopt woord 3 wel?"


def test_a_failed_autosave_keeps_the_text_and_says_so(page, sanne_in_browser):
    page.goto("/me/exercises/self_image")
    page.route("**/me/exercises/self_image", lambda route: route.abort())
    page.fill("#f-then_now", "Deze tekst mag niet verdwijnen.")
    expect(page.locator("#save-status")).to_contain_text("Niet opgeslagen")
    assert page.input_value("#f-then_now") == "Deze tekst mag niet verdwijnen."
    page.unroute("**/me/exercises/self_image")


def saves_of(page) -> list[dict]:
    """The autosave posts the page sends from now on: content type and the posted pairs."""
    posts: list[dict] = []

    def seen(request):
        if request.method == "POST" and request.headers.get("accept") == "application/json":
            posts.append(
                {
                    "type": request.headers.get("content-type", ""),
                    "pairs": parse_qs(request.post_data or "", keep_blank_values=True),
                }
            )

    page.on("request", seen)
    return posts


def test_the_autosave_posts_the_form_url_encoded(page, sanne_in_browser):
    """Every field with its revision marker, as the form itself posts, and URL-encoded:
    as multipart, any answer above 500 KB was refused as a file too large."""
    page.goto("/me/exercises/self_image")
    posts = saves_of(page)
    page.fill("#f-then_now", "Ik ben rustiger geworden.")
    expect(page.locator("#save-status")).to_contain_text("Opgeslagen om")
    assert len(posts) == 1
    sent = posts[0]["pairs"]
    assert posts[0]["type"].startswith("application/x-www-form-urlencoded")
    assert sent["f.then_now"] == ["Ik ben rustiger geworden."]
    assert sent["csrf_token"] and sent["autosave"] == ["1"] and "flag_note" in sent
    assert {"_rev-then_now", "_rev-own_words", "f.own_words"} <= set(sent)


def test_a_ranking_follows_its_choices(page, sanne_in_browser):
    """Unticking a chosen value drops it from the stored ranking; ticking it again, with the
    page still showing it ranked, puts it back."""
    item = next(i for i in sanne_in_browser.enrollment.items if i.exercise_id == "values")
    item.unlocked_at = NOW
    chosen = ["autonomy", "learning", "calm", "honesty", "balance", "variety"]
    answers.save_answers(
        _db.session,
        sanne_in_browser,
        "values",
        {"chosen": {"selected": chosen, "other": ""}},
        now=NOW,
    )
    answers.save_answers(_db.session, sanne_in_browser, "values", {"ranked": chosen[:5]}, now=NOW)
    _db.session.commit()
    page.goto("/me/exercises/values")
    status = page.locator("#save-status")

    def ranked() -> list[str]:
        _db.session.expire_all()
        user = fresh(User, sanne_in_browser.id)
        return answers.answers_for(_db.session, user, "values")["ranked"].value

    page.uncheck("#f-chosen-autonomy")
    expect(status).to_contain_text("Opgeslagen om")
    assert ranked() == chosen[1:5]
    page.check("#f-chosen-autonomy")
    expect(status).to_contain_text("Opgeslagen om")
    expect(status).to_have_class(re.compile("save-status--saved"))
    page.wait_for_function("() => !document.querySelector('#save-status.save-status--pending')")
    assert ranked() == chosen[:5]


def test_a_huge_pasted_text_gets_the_length_message_not_a_file_error(page, sanne_in_browser):
    """600 KB in one answer: sent as a multipart form, werkzeug refused any part above
    500 KB with a 413 ("Het bestand is te groot") and the autosave tried again forever. URL-
    encoded, the answer's own limit speaks, and the text stays in the page."""
    page.goto("/me/exercises/self_image")
    page.fill("#f-then_now", "x" * 600_000)
    expect(page.locator("#save-status")).to_have_class(re.compile("save-status--invalid"))
    error = page.locator("#f-then_now-field .autosave-error")
    expect(error).to_contain_text("Gebruik hoogstens 5000 tekens")
    assert len(page.input_value("#f-then_now")) == 600_000
    # Said as the page's own errors are: "Fout:" for a screen reader, the box marked invalid
    # and described by the message; gone again once the text fits.
    expect(error.locator(".visually-hidden")).to_have_text("Fout:")
    box = page.locator("#f-then_now")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert "f-then_now-autosave-error" in box.get_attribute("aria-describedby").split()
    page.fill("#f-then_now", "Nu korter.")
    expect(page.locator("#save-status")).to_have_class(re.compile("save-status--saved"))
    expect(error).to_have_count(0)
    assert box.get_attribute("aria-invalid") is None
    assert "f-then_now-autosave-error" not in (box.get_attribute("aria-describedby") or "")


def leaving_asks(page) -> bool:
    """Whether leaving the page now asks first (the browser's beforeunload dialog)."""
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.goto("/me")
    page.remove_listener("dialog", answer)
    return asked == ["beforeunload"]


def test_leaving_with_a_refused_text_asks_first(page, sanne_in_browser):
    """A text the save refused is only on the page: leaving warns, as with unsaved typing."""
    page.goto("/me/exercises/self_image")
    page.fill("#f-then_now", "x" * 5001)
    expect(page.locator("#save-status")).to_have_class(re.compile("save-status--invalid"))
    assert leaving_asks(page)


def test_leaving_after_a_save_does_not_ask(page, sanne_in_browser):
    page.goto("/me/exercises/self_image")
    page.fill("#f-then_now", "Ik ben rustiger geworden.")
    expect(page.locator("#save-status")).to_have_class(re.compile("save-status--saved"))
    assert not leaving_asks(page)


def test_a_field_another_tab_changed_is_a_conflict_when_edited_here(page, sanne_in_browser):
    """Tab A keeps the revision it loaded for a field it did not send, so its later edit of
    that field is seen as a conflict: both texts are kept, none is overwritten unseen."""
    page.goto("/me/exercises/self_image")
    other = page.context.new_page()
    other.goto(page.url)
    other.fill("#f-then_now", "Tekst uit het andere venster.")
    expect(other.locator("#save-status")).to_contain_text("Opgeslagen om")
    page.fill("#f-own_words-1", "rustig")
    expect(page.locator("#save-status")).to_contain_text("Opgeslagen om")
    page.fill("#f-then_now", "Tekst uit dit venster.")
    expect(page.locator("#save-status")).to_have_class(re.compile("save-status--conflict"))
    assert "ander venster" in page.inner_text("#save-status")
    _db.session.expire_all()
    stored = answers.answers_for(_db.session, fresh(User, sanne_in_browser.id), "self_image")
    assert stored["then_now"].value == "Tekst uit dit venster."
    texts = [r.value for r in stored["then_now"].revisions]
    assert "Tekst uit het andere venster." in texts


def test_after_the_idle_timeout_the_text_is_saved_once_logged_in_again(
    page, sanne_in_browser, frozen, app
):
    page.goto("/me/exercises/self_image")
    frozen.at = NOW + timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 5)
    page.fill("#f-then_now", "Na de pauze getypt.")
    status = page.locator("#save-status")
    expect(status).to_contain_text("Niet opgeslagen")
    page.fill("#f-own_words-1", "rustig")  # still logged out: the page says how to go on
    expect(status).to_contain_text("Log in een ander tabblad opnieuw in")
    other = page.context.new_page()
    browser_login(other, "sanne@example.nl")
    page.fill("#f-own_words-2", "precies")  # the old page's token is of the ended session
    expect(status).to_contain_text("Opgeslagen om")
    stored = answers.answers_for(_db.session, fresh(User, sanne_in_browser.id), "self_image")
    assert stored["then_now"].value == "Na de pauze getypt."
    assert stored["own_words"].value == ["rustig", "precies"]


def test_after_the_idle_timeout_a_text_never_goes_into_another_account(
    page, sanne_in_browser, frozen, app
):
    """A shared computer: Sanne walks away, Bram logs in on the same browser. Sanne's open
    page must not save her text into Bram's account with his session."""
    bram = make_user(Role.CLIENT, "bram@example.nl", "Bram", coach=sanne_in_browser.coach)
    enroll(bram, opened=2)
    page.goto("/me/exercises/self_image")
    frozen.at = NOW + timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 5)
    other = page.context.new_page()
    browser_login(other, "bram@example.nl")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/me/session") else None)
    page.fill("#f-then_now", "Alleen van Sanne.")
    status = page.locator("#save-status")
    expect(status).to_contain_text("Niet opgeslagen")
    page.fill("#f-own_words-1", "rustig")
    expect(status).to_contain_text("Iemand anders is nu ingelogd in deze browser")
    page.fill("#f-own_words-2", "precies")  # it stops asking: Bram's session is left alone
    expect(status).to_contain_text("Iemand anders is nu ingelogd in deze browser")
    assert len(asked) == 1
    _db.session.expire_all()
    assert answers.answers_for(_db.session, fresh(User, bram.id), "self_image") == {}
    assert page.input_value("#f-then_now") == "Alleen van Sanne."


def test_changing_mail_days_and_pausing(page, sanne_in_browser):
    page.goto("/me/settings")
    assert "dinsdag 3 maart om 08:00" in page.inner_text(".next-up")
    for day in ("0", "1", "2", "4"):
        page.uncheck(f"#cadence-weekdays-{day}")
    page.click("#cadence-submit")
    page.wait_for_load_state()
    assert "donderdag 5 maart om 08:00" in page.inner_text(".next-up")
    page.fill("#pause-reason", "Even rust")
    page.click("#pause-submit")
    page.wait_for_load_state()
    assert "op pauze" in page.inner_text(".next-up")
    assert fresh(User, sanne_in_browser.id).enrollment.paused_by == "client"
    page.click("#resume-submit")
    page.wait_for_load_state()
    assert "donderdag 5 maart om 08:00" in page.inner_text(".next-up")


def test_keyboard_only_save(page, sanne_in_browser):
    page.goto("/me/exercises/self_image")
    page.focus("#f-then_now")
    page.keyboard.type("Met alleen het toetsenbord.")
    page.focus("#save")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.input_value("#f-then_now") == "Met alleen het toetsenbord."


def seed_for_screenshots(user, coach):
    session = _db.session
    enrollment = user.enrollment
    texts = {
        "self_image": {
            "own_words": ["rustig", "precies", "behulpzaam", "nieuwsgierig"],
            "then_now": "Ik ben rustiger geworden. Ik let beter op mijn grenzen.",
            "others_say": ["Jij blijft altijd rustig.", "Jij denkt overal aan."],
        },
    }
    for exercise_id, values in texts.items():
        answers.save_answers(session, user, exercise_id, values, now=NOW)
    lib = __import__("profiler.library", fromlist=["x"]).current_library()
    for exercise_id in ("personality", "interests"):
        scale = next(f for f in lib.get(exercise_id, "nl").input_fields if f.type == "scale")
        values = {item.id: (i % scale.max) + 1 for i, item in enumerate(scale.items)}
        answers.save_answers(session, user, exercise_id, {scale.id: values}, now=NOW)
    for item in enrollment.items:
        if item.exercise_id in ("q_start", "self_image", "personality", "qualities"):
            item.done_at = NOW - timedelta(days=1)
            item.started_at = NOW - timedelta(days=2)
        if item.exercise_id == "personality":
            item.flagged = True
    enrollment.last_unlock_on = NOW.date()
    session.add(
        Comment(
            client_id=user.id,
            author_id=coach.id,
            exercise_id="interests",
            body="Goed dat je hier de tijd voor neemt. Wat viel je op?",
            created_at=NOW,
        )
    )
    session.commit()


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots(page, app, frozen, width):
    coach = make_user(Role.COACH, "coach@example.nl", "Karin")
    user = make_user(Role.CLIENT, "sanne@example.nl", "Sanne de Vries", coach=coach)
    enroll(user, opened=6, at=NOW - timedelta(days=4))
    seed_for_screenshots(user, coach)
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, "sanne@example.nl")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in [
        ("today", "/me"),
        ("overview", "/me/exercises"),
        ("exercise", "/me/exercises/interests"),
        ("workbook", "/me/workbook"),
    ]:
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('body *')).filter(e => "
            "e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + "
            "Math.round(e.getBoundingClientRect().right))"
        )
        assert not overflow, f"{url} scrolls sideways at {width}px: {wide}"
        page.screenshot(path=str(SHOTS / f"client-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [320, 375])
def test_the_privacy_table_fits_a_phone_without_hidden_columns(page, sanne_in_browser, width):
    """Who looked at my data, on a phone: every column visible, nothing to scroll sideways."""
    from profiler import audit

    admin = make_user(Role.ADMIN, "ada@example.nl", "Ada Beheer")
    coach = _db.session.get(User, sanne_in_browser.coach_id)
    for actor, action in [
        (admin, "coach.viewed_preparation"),
        (coach, "coach.viewed_preparation"),
        (admin, "coach.viewed_answers"),
        (coach, "coach.viewed_answers"),
    ]:
        audit.record(_db.session, actor=actor, client=sanne_in_browser, action=action, now=NOW)
    _db.session.commit()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/me/privacy")
    expect(page.get_by_text("bereidde een gesprek voor met je antwoorden").first).to_be_visible()
    wrap = page.locator(".table-wrap")
    overflow = wrap.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow <= 0, f"the table is {overflow}px wider than the page at {width}px"
