"""Accounts: login, logout, invitation, reset, roles and ownership — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from profiler import accounts, clock, tokens
from profiler.extensions import db
from profiler.mail import backend_for
from profiler.models import Role, User
from profiler.outbox import send_due
from tests.conftest import PASSWORD, csrf_token, login, make_user


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_app(request, tmp_path):
    """The app on SQLite (schema by create_all) or PostgreSQL (schema by migrations)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("app")
    else:
        yield request.getfixturevalue("pg_app")


@pytest.fixture
def http(any_app):
    return any_app.test_client()


def drain(app):
    """Send the outbox once through the configured backend."""
    return send_due(db.session, backend_for(app), app.config["MAIL_FROM"], clock.now())


def test_wrong_password_and_unknown_email_give_the_same_message(any_app, http):
    make_user(Role.CLIENT, "sanne@example.nl")
    wrong = login(http, "sanne@example.nl", "not the password").get_data(as_text=True)
    unknown = login(http, "nobody@example.nl", PASSWORD).get_data(as_text=True)
    message = "Het e-mailadres of het wachtwoord klopt niet."
    assert message in wrong and message in unknown
    assert "nobody@example.nl" in unknown  # the typed e-mail stays in the form


@pytest.mark.parametrize(
    "role,landing", [(Role.CLIENT, "/me"), (Role.COACH, "/coach"), (Role.ADMIN, "/admin")]
)
def test_each_role_lands_on_its_own_page(any_app, http, role, landing):
    make_user(role, "person@example.nl")
    response = login(http, "PERSON@example.nl")  # e-mail is case-insensitive
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert http.get(landing).status_code == 200


def test_email_is_unique_case_insensitively(any_app):
    make_user(Role.CLIENT, "Sanne@Example.nl")
    with pytest.raises(accounts.AccountError):
        make_user(Role.CLIENT, "sanne@example.NL")


def test_password_is_hashed_with_argon2(any_app):
    user = make_user(Role.CLIENT, "sanne@example.nl")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_coach_gets_404_on_another_coachs_client(any_app, http):
    coach_a = make_user(Role.COACH, "a@example.nl", "Coach A")
    coach_b = make_user(Role.COACH, "b@example.nl", "Coach B")
    own = make_user(Role.CLIENT, "own@example.nl", "Own", coach=coach_a)
    other = make_user(Role.CLIENT, "other@example.nl", "Other", coach=coach_b)
    login(http, "a@example.nl")
    assert http.get(f"/coach/clients/{own.id}").status_code == 200
    response = http.get(f"/coach/clients/{other.id}")
    assert response.status_code == 404
    assert "Other" not in response.get_data(as_text=True)


def test_client_cannot_open_coach_or_admin_pages(any_app, http):
    make_user(Role.CLIENT, "c@example.nl")
    login(http, "c@example.nl")
    assert http.get("/coach").status_code == 404
    assert http.get("/admin").status_code == 404


def test_form_posted_without_csrf_token_is_refused(any_app, http):
    make_user(Role.CLIENT, "c@example.nl")
    response = http.post("/login", data={"email": "c@example.nl", "password": PASSWORD})
    assert response.status_code == 400
    assert http.get("/me").status_code == 302  # not logged in


def test_logout_ends_the_session_server_side(any_app, http):
    make_user(Role.CLIENT, "c@example.nl")
    login(http, "c@example.nl")
    stolen_cookie = http.get_cookie("session").value
    token = csrf_token(http, "/me")
    assert http.post("/logout", data={"csrf_token": token}).status_code == 302
    assert http.get("/me").status_code == 302
    thief = any_app.test_client()
    thief.set_cookie("session", stolen_cookie)
    assert thief.get("/me").status_code == 302  # the old cookie no longer works


def test_after_logout_the_login_page_keeps_the_language_they_used(any_app):
    make_user(Role.CLIENT, "c@example.nl")  # Dutch, in a browser that prefers English
    http = any_app.test_client()
    http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
    login(http, "c@example.nl")
    token = csrf_token(http, "/me")
    page = http.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Je bent uitgelogd." in html and '<html lang="nl">' in html


def test_invitation_mail_arrives_over_smtp_and_its_link_works_once(any_app, smtp_server):
    any_app.config.update(MAIL_BACKEND="smtp", SMTP_PORT=smtp_server.port)
    coach = make_user(Role.COACH, "coach@example.nl", "Karin")
    client_user = make_user(Role.CLIENT, "new@example.nl", "Noor", coach=coach, password=None)
    accounts.queue_invitation(db.session, client_user, coach, clock.now())
    db.session.commit()
    assert drain(any_app).sent == 1
    (message,) = smtp_server.messages
    assert message["To"] == "new@example.nl"
    assert message["Message-ID"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Karin" in text
    link = re.search(r"http://\S+/invite/\S+", text).group(0)
    assert link.startswith(any_app.config["BASE_URL"])
    path = urlsplit(link).path
    http = any_app.test_client()
    page = http.get(path)
    assert page.status_code == 200 and "Noor" in page.get_data(as_text=True)
    token = csrf_token(http, path)
    done = http.post(
        path,
        data={
            "password": "a long new password",
            "confirm": "a long new password",
            "csrf_token": token,
        },
    )
    assert done.status_code == 302 and done.headers["Location"] == "/me"
    second = any_app.test_client().get(path)
    assert second.status_code == 400
    assert "al gebruikt" in second.get_data(as_text=True)
    assert accounts.authenticate(db.session, "new@example.nl", "a long new password")


def test_expired_token_is_refused_with_a_clear_message(any_app):
    user = make_user(Role.CLIENT, "c@example.nl")
    token = tokens.make_account_token(user, "reset")
    any_app.config["RESET_TOKEN_MAX_AGE"] = -1
    response = any_app.test_client().get(f"/reset/{token}")
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True)


def test_tampered_token_is_refused(any_app):
    user = make_user(Role.CLIENT, "c@example.nl")
    token = tokens.make_account_token(user, "reset")
    response = any_app.test_client().get(f"/reset/{token[:-3]}abc")
    assert response.status_code == 400
    assert "klopt niet" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "payload",
    [None, [1], "1", {"uid": {"id": 1}}, {"uid": 2**70}, {"uid": True}, {"fp": "x"}],
)
def test_a_signed_link_of_another_shape_is_refused_not_an_error(any_app, payload):
    make_user(Role.CLIENT, "c@example.nl")
    http = any_app.test_client()
    for purpose, path in (("reset", "/reset"), ("invite", "/invite")):
        response = http.get(f"{path}/{tokens.dump(payload, purpose)}")
        assert response.status_code == 400, (path, payload)
        assert "klopt niet" in response.get_data(as_text=True)
    pause = {"e": payload, "u": 1} if not isinstance(payload, dict) else payload
    response = http.get(f"/mail/pause/{tokens.dump(pause, 'pause')}")
    assert response.status_code == 404


def test_reset_for_unknown_email_queues_nothing_but_looks_the_same(any_app):
    make_user(Role.CLIENT, "c@example.nl")
    http = any_app.test_client()
    token = csrf_token(http, "/reset")
    known = http.post(
        "/reset", data={"email": "c@example.nl", "csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    unknown = http.post(
        "/reset", data={"email": "x@example.nl", "csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Als er een account is" in known and "Als er een account is" in unknown
    from profiler.models import OutboxMail

    assert [m.to_addr for m in db.session.query(OutboxMail).all()] == ["c@example.nl"]


def test_weak_passwords_are_refused_with_a_reason(any_app):
    user = make_user(Role.CLIENT, "c@example.nl")
    for weak in ("short", "wachtwoord123", "x" * 65, "c@example.nl"):
        with pytest.raises(accounts.AccountError):
            accounts.set_password(user, weak)
    accounts.set_password(user, "mijn fiets is groen")
    assert db.session.get(User, user.id).password_hash.startswith("$argon2")


def test_healthz_checks_the_database(any_app):
    response = any_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_next_parameter_cannot_leave_the_site(any_app, http):
    make_user(Role.CLIENT, "c@example.nl")
    token = csrf_token(http, "/login?next=//evil.example/x")
    response = http.post(
        "/login",
        data={
            "email": "c@example.nl",
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/me"
