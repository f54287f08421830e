"""Two-factor login: required for staff, optional for clients, codes once, recovery codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp

from profiler.models import AuditEvent, Role, User
from profiler.security import totp
from tests.conftest import PASSWORD, TOTP_SECRET, csrf_token, login, make_user


def password_step(http, email, password=PASSWORD, next_url=""):
    token = csrf_token(http)
    return http.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": next_url},
    )


def code_step(http, code):
    token = csrf_token(http, "/login/code")
    return http.post("/login/code", data={"code": code, "csrf_token": token})


def test_staff_password_alone_does_not_log_in(app, client, ticking):
    make_user(Role.COACH, "coach@example.nl")
    response = password_step(client, "coach@example.nl")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/coach").status_code == 302  # not logged in yet
    wrong = code_step(client, "000000")
    assert wrong.status_code == 200 and "klopt niet" in wrong.get_data(as_text=True)
    ok = code_step(client, pyotp.TOTP(TOTP_SECRET).at(ticking.at))
    assert ok.status_code == 302 and ok.headers["Location"] == "/coach"
    assert client.get("/coach").status_code == 200


def test_a_code_works_only_once(app, ticking):
    make_user(Role.COACH, "coach@example.nl")
    code = pyotp.TOTP(TOTP_SECRET).at(ticking.at)
    first = app.test_client()
    password_step(first, "coach@example.nl")
    assert code_step(first, code).status_code == 302
    second = app.test_client()  # someone who watched the code being typed
    password_step(second, "coach@example.nl")
    assert code_step(second, code).status_code == 200
    ticking.at += timedelta(seconds=30)
    assert code_step(second, pyotp.TOTP(TOTP_SECRET).at(ticking.at)).status_code == 302


def test_the_code_step_expires_and_needs_the_password_step(app, client, ticking):
    make_user(Role.ADMIN, "admin@example.nl")
    assert client.get("/login/code").status_code == 302  # nothing pending
    password_step(client, "admin@example.nl")
    token = csrf_token(client, "/login/code")
    ticking.at += timedelta(minutes=6)
    code = pyotp.TOTP(TOTP_SECRET).at(ticking.at)
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/admin").status_code == 302


def test_staff_without_an_app_must_set_it_up_before_anything_else(app, client, db, ticking):
    coach = make_user(Role.COACH, "new.coach@example.nl", two_factor=False)
    response = password_step(client, "new.coach@example.nl", next_url="/coach/substitutes")
    assert response.headers["Location"] == "/account/two-factor"
    for url in ("/coach", "/coach/substitutes", "/admin", "/me"):
        assert client.get(url).headers.get("Location") == "/account/two-factor", url
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # the QR code is inline, no external request
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    token = csrf_token(client, "/account/two-factor")
    bad = client.post("/account/two-factor", data={"code": "123456", "csrf_token": token})
    assert "klopt niet" in bad.get_data(as_text=True)
    done = client.post(
        "/account/two-factor",
        data={"code": pyotp.TOTP(secret).at(ticking.at), "csrf_token": token},
    )
    html = done.get_data(as_text=True)
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", html)
    assert len(codes) == 10
    assert 'href="/coach/substitutes"' in html  # back to where they wanted to go
    db.expire_all()
    stored = db.get(User, coach.id)
    assert totp.secret_of(stored) == secret
    assert secret not in stored.totp_secret  # encrypted at rest
    assert not any(code.replace("-", "") in str(stored.recovery_codes) for code in codes)
    assert client.get("/coach").status_code == 200


def test_recovery_code_logs_in_once(app, db, ticking):
    coach = make_user(Role.COACH, "coach@example.nl")
    codes = totp.new_recovery_codes(coach)
    db.commit()
    first = app.test_client()
    password_step(first, "coach@example.nl")
    response = code_step(first, codes[0].upper())
    assert response.status_code == 302 and response.headers["Location"] == "/coach"
    again = app.test_client()
    password_step(again, "coach@example.nl")
    assert code_step(again, codes[0]).status_code == 200
    db.expire_all()
    assert totp.recovery_codes_left(db.get(User, coach.id)) == 9
    actions = [e.action for e in db.query(AuditEvent).all()]
    assert "auth.recovery_code_used" in actions


def test_clients_may_switch_two_factor_on_and_off(app, client, db, ticking):
    sanne = make_user(Role.CLIENT, "sanne@example.nl")
    assert login(client, "sanne@example.nl").headers["Location"] == "/me"
    assert client.get("/me").status_code == 200  # not forced
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    token = csrf_token(client, "/account/two-factor")
    client.post(
        "/account/two-factor", data={"code": pyotp.TOTP(secret).at(ticking.at), "csrf_token": token}
    )
    db.expire_all()
    assert totp.secret_of(db.get(User, sanne.id)) == secret
    other = app.test_client()
    assert password_step(other, "sanne@example.nl").headers["Location"] == "/login/code"
    ticking.at += timedelta(seconds=30)
    client.post(
        "/account/two-factor",
        data={"code": pyotp.TOTP(secret).at(ticking.at), "action": "off", "csrf_token": token},
    )
    db.expire_all()
    assert db.get(User, sanne.id).totp_secret is None


def test_staff_cannot_switch_two_factor_off(app, client, db, ticking):
    coach = make_user(Role.COACH, "coach@example.nl")
    login(client, "coach@example.nl")
    ticking.at += timedelta(seconds=30)
    token = csrf_token(client, "/account/two-factor")
    client.post(
        "/account/two-factor",
        data={
            "code": pyotp.TOTP(TOTP_SECRET).at(ticking.at),
            "action": "off",
            "csrf_token": token,
        },
    )
    db.expire_all()
    assert totp.secret_of(db.get(User, coach.id)) == TOTP_SECRET


def test_a_reset_link_does_not_skip_the_second_factor(app, client, db, ticking):
    from profiler import tokens

    coach = make_user(Role.COACH, "coach@example.nl")
    link = f"/reset/{tokens.make_account_token(coach, 'reset')}"
    token = csrf_token(client, link)
    response = client.post(
        link,
        data={
            "password": "een nieuw lang wachtwoord",
            "confirm": "een nieuw lang wachtwoord",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/login/code"
    assert client.get("/coach").status_code == 302
    assert code_step(client, pyotp.TOTP(TOTP_SECRET).at(ticking.at)).headers["Location"] == "/coach"


def test_the_reset_command_switches_it_off_for_a_lost_phone(app, db):
    coach = make_user(Role.COACH, "coach@example.nl")
    result = app.test_cli_runner().invoke(args=["security", "reset-two-factor", "COACH@example.nl"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.get(User, coach.id).totp_secret is None
    missing = app.test_cli_runner().invoke(args=["security", "reset-two-factor", "x@example.nl"])
    assert missing.exit_code != 0
