"""Behind the proxy (nginx in front of gunicorn) the app sees each visitor's own address.

Without this every request comes from 127.0.0.1: the per-address login limit (30 failed
logins per 15 minutes) would be shared by everyone, and the audit log would record the
proxy's address. `PROFILER_PROXY_HOPS` says how many proxies set X-Forwarded-For (1 in
production: nginx, which replaces what the client sent); with 0 (development, tests, or
gunicorn reached directly) the header is ignored, since a client can write anything in it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from config import Production
from profiler.extensions import db as _db
from profiler.models import AuditEvent, Role
from tests.conftest import csrf_token, login, make_user
from tests.security.test_rate_limits import LIMIT_MESSAGE, app_with_limits


@pytest.fixture
def proxied_app(tmp_path):
    """An app behind one proxy, with rate limits on (counted in its own database)."""
    with app_with_limits(tmp_path, PROXY_HOPS=1) as application:
        yield application


def from_address(app, address: str):
    """A browser whose requests reach the app through the proxy on 127.0.0.1."""
    http = app.test_client()
    http.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return http


def guess(http, n: int):
    token = csrf_token(http)
    data = {"email": f"person{n}@example.nl", "password": "wrong guess", "csrf_token": token}
    return http.post("/login", data=data)


def login_addresses() -> list[str]:
    events = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login"))
    return [event.ip for event in events]


def test_one_visitor_guessing_does_not_lock_out_the_others(proxied_app):
    guesser = from_address(proxied_app, "203.0.113.7")
    for n in range(30):
        guess(guesser, n)
    stopped = guess(guesser, 99)
    assert stopped.status_code == 429
    assert LIMIT_MESSAGE in stopped.get_data(as_text=True)
    other = guess(from_address(proxied_app, "198.51.100.20"), 1)
    assert other.status_code == 200  # the form again, with its own message
    assert LIMIT_MESSAGE not in other.get_data(as_text=True)


def test_the_audit_log_records_the_visitors_address(proxied_app):
    make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    assert login(from_address(proxied_app, "203.0.113.7"), "sanne@example.nl").status_code == 302
    assert login_addresses() == ["203.0.113.7"]


def test_without_a_proxy_the_header_is_ignored(app):
    assert app.config["PROXY_HOPS"] == 0  # development and tests
    make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    assert login(from_address(app, "203.0.113.7"), "sanne@example.nl").status_code == 302
    assert login_addresses() == ["127.0.0.1"]


def test_production_trusts_one_proxy_by_default():
    assert Production.PROXY_HOPS == 1
