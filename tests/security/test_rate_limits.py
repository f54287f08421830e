"""Rate limits in the shared database storage: brute force is stopped, the owner gets back in."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from profiler.extensions import limiter
from profiler.models import OutboxMail, Role
from profiler.security.ratelimit import DatabaseStorage, RateLimitCounter
from tests.conftest import PASSWORD, csrf_token, login, make_app, make_user

LIMIT_MESSAGE = "Te veel pogingen"


@contextmanager
def app_with_limits(folder, **overrides):
    """An app with rate limiting on, counted in its own database, in its app context."""
    application = make_app(
        f"sqlite:///{folder}/limits.db",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="database://",
        **overrides,
    )
    with application.app_context():
        yield application
        from profiler.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def limited_app(tmp_path):
    """An app with rate limiting on, counted in its own database."""
    with app_with_limits(tmp_path) as application:
        yield application


@pytest.fixture
def db(limited_app):
    """The limited app's database session (not the default `app` fixture's)."""
    from profiler.extensions import db as _db

    return _db.session


def test_the_database_scheme_gives_the_database_storage(limited_app):
    assert isinstance(storage_from_string("database://"), DatabaseStorage)
    assert isinstance(limiter.storage, DatabaseStorage)


def test_counters_are_shared_and_atomic_across_threads(limited_app):
    storage = DatabaseStorage("database://")
    strategy = FixedWindowRateLimiter(storage)
    item = parse("50 per hour")
    app = limited_app
    results: list[bool] = []

    def hammer():
        with app.app_context():
            for _ in range(20):
                results.append(strategy.hit(item, "shared", "key"))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 50 and results.count(False) == 30
    assert storage.get(item.key_for("shared", "key")) >= 50
    storage.clear(item.key_for("shared", "key"))
    assert storage.get(item.key_for("shared", "key")) == 0
    assert storage.check()


def test_long_keys_fit(limited_app):
    storage = DatabaseStorage("database://")
    key = "LIMITER/" + "a" * 500 + "@example.nl"
    assert storage.incr(key, 60) == 1
    assert storage.incr(key, 60) == 2
    assert storage.get(key) == 2 and storage.get_expiry(key) > 0


def test_brute_force_is_refused_even_with_the_right_password_until_reset(limited_app, db):
    make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    assert limiter.enabled
    attacker = limited_app.test_client()
    for n in range(10):
        response = login(attacker, "sanne@example.nl", f"guess number {n}")
        assert response.status_code == 200
    refused = login(attacker, "sanne@example.nl", PASSWORD)
    assert refused.status_code == 429
    assert LIMIT_MESSAGE in refused.get_data(as_text=True)
    # The real owner, on another connection, is refused too: the account is locked for now.
    owner = limited_app.test_client()
    assert login(owner, "SANNE@example.nl", PASSWORD).status_code == 429
    assert db.query(RateLimitCounter).count() >= 1  # counted in the shared database
    # The owner asks for a reset link and chooses a new password.
    token = csrf_token(owner, "/reset")
    owner.post("/reset", data={"email": "sanne@example.nl", "csrf_token": token})
    mail = db.query(OutboxMail).filter_by(kind="reset").one()
    link = re.search(r"/reset/\S+", mail.text_body).group(0)
    token = csrf_token(owner, link)
    done = owner.post(
        link,
        data={
            "password": "mijn nieuwe fietsroute",
            "confirm": "mijn nieuwe fietsroute",
            "csrf_token": token,
        },
    )
    assert done.status_code == 302 and done.headers["Location"] == "/me"
    # Logging in works again afterwards, with the new password.
    again = limited_app.test_client()
    assert login(again, "sanne@example.nl", "mijn nieuwe fietsroute").status_code == 302


def test_one_ip_guessing_many_accounts_is_stopped(limited_app):
    for n in range(30):
        login(limited_app.test_client(), f"person{n}@example.nl", "some guess here")
    response = login(limited_app.test_client(), "someone@example.nl", "another guess")
    assert response.status_code == 429
    assert LIMIT_MESSAGE in response.get_data(as_text=True)


def test_successful_logins_do_not_use_up_the_ip_limit(limited_app):
    make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    for _ in range(35):  # a shared office IP logs in a lot
        assert login(limited_app.test_client(), "sanne@example.nl").status_code == 302


def test_wrong_codes_lock_the_second_step(limited_app):
    make_user(Role.COACH, "coach@example.nl", "Karin")
    http = limited_app.test_client()
    token = csrf_token(http)
    http.post(
        "/login", data={"email": "coach@example.nl", "password": PASSWORD, "csrf_token": token}
    )
    token = csrf_token(http, "/login/code")
    statuses = [
        http.post("/login/code", data={"code": f"{n:06d}", "csrf_token": token}).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_reset_mails_per_address_are_limited(limited_app, db):
    make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    statuses = []
    for _ in range(7):
        http = limited_app.test_client()
        token = csrf_token(http, "/reset")
        statuses.append(
            http.post("/reset", data={"email": "sanne@example.nl", "csrf_token": token}).status_code
        )
    assert statuses[:5] == [302] * 5 and statuses[5:] == [429, 429]
    assert db.query(OutboxMail).filter_by(kind="reset").count() == 5
