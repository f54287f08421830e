"""Password rules (NIST SP 800-63B, ASVS 5.0) and session hardening."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from profiler import clock
from profiler.auth.passwords import common_passwords, password_problem
from profiler.models import Role
from tests.conftest import PASSWORD, csrf_token, login, make_user


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


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


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
