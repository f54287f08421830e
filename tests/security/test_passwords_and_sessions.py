"""Password rules (NIST SP 800-63B, ASVS 5.0) and session hardening."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from profiler import accounts, answers, clock
from profiler.auth.passwords import common_passwords, password_problem
from profiler.extensions import db as _db
from profiler.models import Role
from tests.client.conftest import NOW, enroll
from tests.conftest import CSRF_RE, PASSWORD, Clock, csrf_token, login, make_user


@pytest.mark.parametrize(
    "password",
    ["abcdefgh" + "x", "x" * 64, "alleen kleine letters", "ÄÖÜ éèê 漢字 🙂🙂", "        spaties  "],
)
def test_long_enough_passwords_are_fine_without_composition_rules(app, password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password", ["1234567", "x" * 65, "Welkom2024", "wachtwoord", "qwertyuiop"]
)
def test_short_long_and_common_passwords_are_refused(app, password):
    assert password_problem(password)


def test_the_common_list_is_a_few_thousand_entries(app):
    assert len(common_passwords()) >= 3000


def test_password_fields_allow_paste_and_password_managers(client, app):
    for url in ("/login",):
        html = client.get(url).get_data(as_text=True)
        assert "onpaste" not in html and 'autocomplete="off"' not in html
        assert 'autocomplete="current-password"' in html


def test_cookies_are_httponly_and_samesite_lax(app, client):
    make_user(Role.CLIENT, "sanne@example.nl")
    response = login(client, "sanne@example.nl")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_starts_a_new_session(app, client):
    make_user(Role.CLIENT, "sanne@example.nl")
    client.get("/login")
    planted = client.get_cookie("session").value  # e.g. set by an attacker beforehand
    login(client, "sanne@example.nl")
    assert client.get_cookie("session").value != planted
    thief = app.test_client()
    thief.set_cookie("session", planted)
    assert thief.get("/me").status_code == 302


def test_staff_login_starts_a_new_session_after_the_code_too(app, client):
    make_user(Role.COACH, "coach@example.nl")
    token = csrf_token(client)
    client.post(
        "/login", data={"email": "coach@example.nl", "password": PASSWORD, "csrf_token": token}
    )
    between = client.get_cookie("session").value
    login_response = login(app.test_client(), "coach@example.nl")
    assert login_response.status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", between)
    assert thief.get("/coach").status_code == 302  # the half-way session is not logged in


def test_idle_timeout_asks_to_log_in_again_and_returns_to_the_page(app, client, monkeypatch):
    fixed = Clock(clock.now())
    monkeypatch.setattr(clock, "now", fixed)
    make_user(Role.CLIENT, "sanne@example.nl")
    login(client, "sanne@example.nl")
    assert client.get("/me/settings").status_code == 200
    fixed.at += timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)
    response = client.get("/me/settings")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and "next=%2Fme%2Fsettings" in location.query
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "niet actief" in page
    token = csrf_token(client, response.headers["Location"])
    back = client.post(
        "/login",
        data={
            "email": "sanne@example.nl",
            "password": PASSWORD,
            "next": "/me/settings",
            "csrf_token": token,
        },
    )
    assert back.headers["Location"] == "/me/settings"


# --- the idle timeout during a save without JavaScript -------------------------------------

EXERCISE = "/me/exercises/self_image"
SAVED_MESSAGE = "Wat je typte, is bewaard"
CHECK_MESSAGE = "Een deel niet"


def typing_client(app, client, monkeypatch):
    """Sanne, logged in, with the exercise page open; returns her and the test clock."""
    fixed = Clock(NOW)
    monkeypatch.setattr(clock, "now", fixed)
    sanne = make_user(Role.CLIENT, "sanne@example.nl")
    enroll(sanne, opened=2)
    login(client, "sanne@example.nl")
    return sanne, fixed


def exercise_form(client, **fields):
    """What the exercise form posts: CSRF token, each field's revision marker, the fields."""
    html = client.get(EXERCISE).get_data(as_text=True)
    data = {"csrf_token": CSRF_RE.search(html).group(1)}
    data.update(re.findall(r'name="(_rev-[a-z0-9_]+)" value="(\d+)"', html))
    data.update(fields)
    return data


def idle_past_the_timeout(app, fixed):
    fixed.at += timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)


def stored(sanne) -> dict:
    return {k: a.value for k, a in answers.answers_for(_db.session, sanne, "self_image").items()}


def assert_sent_to_login(response, next_path: str) -> None:
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [next_path]


def post_after_idle(app, client, fixed, **fields) -> str:
    """Fill in the form, stay away past the timeout, send it: it must lead to the login page,
    whose text is returned."""
    data = exercise_form(client, **fields)
    idle_past_the_timeout(app, fixed)
    response = client.post(EXERCISE, data=data)
    assert_sent_to_login(response, EXERCISE)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_saving_after_the_idle_timeout_keeps_the_text_then_logs_out(app, client, monkeypatch):
    """Without JavaScript, "Opslaan" after a long quiet spell still saves what was typed."""
    sanne, fixed = typing_client(app, client, monkeypatch)
    page = post_after_idle(
        app, client, fixed, **{"f.then_now": "Vroeger was ik snel moe.", "save": "1"}
    )
    assert stored(sanne)["then_now"] == "Vroeger was ik snel moe."
    assert "niet actief" in page and SAVED_MESSAGE in page
    # Logging in again leads back to the exercise, with the text in it.
    back = client.post(
        "/login",
        data={
            "email": "sanne@example.nl",
            "password": PASSWORD,
            "next": EXERCISE,
            "csrf_token": csrf_token(client),
        },
    )
    assert back.headers["Location"] == EXERCISE
    assert "Vroeger was ik snel moe." in client.get(EXERCISE).get_data(as_text=True)


def test_the_save_after_the_idle_timeout_ends_the_session(app, client, monkeypatch):
    sanne, fixed = typing_client(app, client, monkeypatch)
    data = exercise_form(client, **{"f.then_now": "Eerste keer", "save": "1"})
    idle_past_the_timeout(app, fixed)
    assert client.post(EXERCISE, data=data).status_code == 302
    assert_sent_to_login(client.get("/me"), "/me")
    # The grace is used up: the same form once more is refused and changes nothing.
    again = dict(data, **{"f.then_now": "Tweede keer"})
    assert client.post(EXERCISE, data=again).status_code == 400
    assert stored(sanne)["then_now"] == "Eerste keer"


def test_a_refused_text_after_the_idle_timeout_comes_back_to_copy(app, client, monkeypatch):
    """Too long to store: the valid part is saved, the refused text is shown once more (to
    copy) instead of being dropped, and logging in again says to check the exercise."""
    sanne, fixed = typing_client(app, client, monkeypatch)
    too_long = "Dit is <mijn> verhaal. " * 300  # > 5000 characters
    data = exercise_form(
        client, **{"f.then_now": too_long, "f.own_words": ["rustig", "trouw"], "save": "1"}
    )
    idle_past_the_timeout(app, fixed)
    response = client.post(EXERCISE, data=data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Je bent uitgelogd" in html and "Kopieer de tekst nu" in html
    assert html.count("Dit is &lt;mijn&gt; verhaal.") == 300  # all of it, escaped
    assert "<mijn>" not in html
    login_link = re.search(r'href="(/login\?next=[^"]+)"', html).group(1)
    assert parse_qs(urlsplit(login_link.replace("&amp;", "&")).query)["next"] == [EXERCISE]
    assert stored(sanne) == {"own_words": ["rustig", "trouw"]}  # the valid part is saved
    assert_sent_to_login(client.get("/me"), "/me")  # the session has ended
    page = client.get(login_link.replace("&amp;", "&")).get_data(as_text=True)
    assert CHECK_MESSAGE in page and SAVED_MESSAGE not in page


def test_opening_a_page_after_the_idle_timeout_still_just_logs_out(app, client, monkeypatch):
    _, fixed = typing_client(app, client, monkeypatch)
    assert client.get(EXERCISE).status_code == 200
    idle_past_the_timeout(app, fixed)
    response = client.get(EXERCISE)
    assert_sent_to_login(response, EXERCISE)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "niet actief" in page and SAVED_MESSAGE not in page
    assert_sent_to_login(client.get("/me"), "/me")


def test_autosave_after_the_idle_timeout_is_refused_and_saves_nothing(app, client, monkeypatch):
    """The autosave script keeps the text in the page and tries again after logging in."""
    sanne, fixed = typing_client(app, client, monkeypatch)
    data = exercise_form(client, **{"f.then_now": "Nog niet bewaard"})
    idle_past_the_timeout(app, fixed)
    response = client.post(EXERCISE, data=data, headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.get_json()["login"] is True
    assert stored(sanne) == {}
    assert_sent_to_login(client.get("/me"), "/me")


def test_a_bad_csrf_token_after_the_idle_timeout_saves_nothing(app, client, monkeypatch):
    sanne, fixed = typing_client(app, client, monkeypatch)
    data = exercise_form(client, **{"f.then_now": "Van een andere site", "save": "1"})
    data["csrf_token"] = "not-the-token"
    idle_past_the_timeout(app, fixed)
    assert client.post(EXERCISE, data=data).status_code == 400
    assert stored(sanne) == {}
    assert_sent_to_login(client.get("/me"), "/me")


def test_no_save_after_the_idle_timeout_once_logged_out_elsewhere(app, client, monkeypatch):
    """The grace is only for the idle time: a session ended by logout elsewhere saves nothing."""
    sanne, fixed = typing_client(app, client, monkeypatch)
    data = exercise_form(client, **{"f.then_now": "Na het uitloggen", "save": "1"})
    accounts.end_sessions(sanne)
    _db.session.commit()
    idle_past_the_timeout(app, fixed)
    assert_sent_to_login(client.post(EXERCISE, data=data), EXERCISE)
    assert stored(sanne) == {}


def test_a_copy_of_the_old_cookie_cannot_save_again_after_the_grace(app, client, monkeypatch):
    """A shared computer: someone replays the idle session's cookie after the grace save."""
    sanne, fixed = typing_client(app, client, monkeypatch)
    data = exercise_form(client, **{"f.then_now": "Mijn eigen tekst", "save": "1"})
    old_cookie = client.get_cookie("session").value
    idle_past_the_timeout(app, fixed)
    assert_sent_to_login(client.post(EXERCISE, data=data), EXERCISE)
    fixed.at += timedelta(hours=2)
    other = app.test_client()
    other.set_cookie("session", old_cookie)
    replay = other.post(EXERCISE, data=dict(data, **{"f.then_now": "Iemand anders"}))
    assert_sent_to_login(replay, EXERCISE)
    assert stored(sanne)["then_now"] == "Mijn eigen tekst"
    page = other.get(replay.headers["Location"]).get_data(as_text=True)
    assert "niet actief" in page and SAVED_MESSAGE not in page


def test_no_grace_save_when_the_account_was_used_since(app, client, monkeypatch):
    """Work saved in another window after this one went quiet: this old window saves nothing
    (it may be someone else's copy), as before the grace existed."""
    sanne, fixed = typing_client(app, client, monkeypatch)
    data = exercise_form(client, **{"f.then_now": "Oud venster", "save": "1"})
    fixed.at += timedelta(minutes=30)
    elsewhere = app.test_client()
    login(elsewhere, "sanne@example.nl")
    form = exercise_form(elsewhere, **{"f.then_now": "Nieuw venster", "save": "1"})
    assert elsewhere.post(EXERCISE, data=form).status_code == 302
    idle_past_the_timeout(app, fixed)
    assert_sent_to_login(client.post(EXERCISE, data=data), EXERCISE)
    assert stored(sanne)["then_now"] == "Nieuw venster"


def test_klaar_with_questions_left_after_the_idle_timeout_says_all_was_saved(
    app, client, monkeypatch
):
    """Nothing typed was refused ("Klaar" only waits for the empty questions): "bewaard"."""
    sanne, fixed = typing_client(app, client, monkeypatch)
    page = post_after_idle(app, client, fixed, **{"f.then_now": "Alleen deze vraag", "done": "1"})
    assert stored(sanne)["then_now"] == "Alleen deze vraag"
    assert SAVED_MESSAGE in page and CHECK_MESSAGE not in page


def test_activity_keeps_the_session_and_rewrites_its_cookie_only_every_step(
    app, client, monkeypatch
):
    """Autosaves every few seconds do not re-sign the cookie; activity still counts."""
    from profiler.web import SEEN_STEP_SECONDS

    fixed = Clock(clock.now())
    monkeypatch.setattr(clock, "now", fixed)
    make_user(Role.CLIENT, "sanne@example.nl")
    login(client, "sanne@example.nl")
    assert client.get("/me/settings").status_code == 200
    fixed.at += timedelta(seconds=SEEN_STEP_SECONDS - 5)
    quiet = client.get("/me/settings")
    assert quiet.status_code == 200 and "Set-Cookie" not in quiet.headers
    fixed.at += timedelta(seconds=10)
    moved = client.get("/me/settings")
    assert moved.status_code == 200 and "session=" in moved.headers.get("Set-Cookie", "")
    # Active just before the timeout, then idle for almost the whole limit: still logged in.
    limit = timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"])
    fixed.at += limit - timedelta(seconds=5)
    assert client.get("/me/settings").status_code == 200
    fixed.at += limit - timedelta(seconds=1)
    assert client.get("/me/settings").status_code == 200
    fixed.at += limit + timedelta(minutes=1)
    assert client.get("/me/settings").status_code == 302


def test_next_cannot_point_elsewhere(app, client):
    make_user(Role.CLIENT, "sanne@example.nl")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/coach"):
        http = app.test_client()
        token = csrf_token(http)
        response = http.post(
            "/login",
            data={
                "email": "sanne@example.nl",
                "password": PASSWORD,
                "next": target,
                "csrf_token": token,
            },
        )
        assert response.headers["Location"] == "/me", target
