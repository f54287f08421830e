"""The template's remembered CSRF token: valid, the same for a session, new for a new session."""

from __future__ import annotations

from contextlib import contextmanager

from flask import g, render_template_string, session
from flask_wtf.csrf import generate_csrf, validate_csrf

from profiler.csrf_tokens import KEY, template_csrf_token
from tests.conftest import CSRF_RE, login, make_user


@contextmanager
def _request(app):
    """A request of its own: the test's app context, and with it `g`, is shared."""
    with app.test_request_context("/"):
        g.pop("csrf_token", None)
        yield


def test_the_page_token_is_signed_once_per_session_and_still_valid(app):
    with _request(app):
        first = template_csrf_token()
        raw = session["csrf_token"]
        validate_csrf(first)  # raises when not valid
        assert app.extensions[KEY][raw] == first
    with _request(app):
        session["csrf_token"] = raw  # the same session in a later request
        assert template_csrf_token() == first
        assert generate_csrf() == first  # forms made later in the request agree
        assert render_template_string("{{ csrf_token() }}") == first
    with _request(app):
        other = template_csrf_token()  # a new session: its own token
        assert other != first and session["csrf_token"] != raw
        validate_csrf(other)


def test_a_time_limit_signs_a_fresh_token_every_request(app):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    with _request(app):
        template_csrf_token()
        raw = session["csrf_token"]
    assert raw not in app.extensions[KEY]
    with _request(app):
        session["csrf_token"] = raw
        token = template_csrf_token()
        assert g.csrf_token == token
        validate_csrf(token, time_limit=3600)


def test_a_token_from_the_page_is_accepted_and_a_forged_one_is_not(app, client):
    make_user()
    login(client, "sanne@example.nl")
    html = client.get("/me/settings").get_data(as_text=True)
    token = CSRF_RE.search(html).group(1)
    again = CSRF_RE.search(client.get("/me/settings").get_data(as_text=True)).group(1)
    assert again == token
    ok = client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/me"})
    assert ok.status_code == 302
    forged = client.post("/lang", data={"csrf_token": token[:-2] + "xx", "lang": "nl"})
    assert forged.status_code == 400
