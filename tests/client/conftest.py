"""Fixtures for the client area: a fixed clock and an enrolled client with exercises open."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from profiler import clock, enrollments
from profiler.extensions import db as _db
from profiler.library import current_library
from profiler.models import Role
from tests.conftest import login, make_user

START = date(2026, 3, 2)  # a Monday
T_START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # Monday 10:30 in Amsterdam


class FixedClock:
    """The one clock, set by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def frozen(monkeypatch):
    """Replace profiler.clock.now for views (services already take `now`)."""
    fixed = FixedClock(NOW)
    monkeypatch.setattr(clock, "now", fixed)
    return fixed


def program():
    """The default program from the real content folder."""
    return current_library().programs["persoonlijk_profiel"]


def enroll(user, *, opened: int = 0, done: int = 0, at: datetime = T_START, **options):
    """Enroll `user` in the default program; open the first `opened` plan items at `at`."""
    enrollment = enrollments.enroll(
        _db.session,
        user,
        program_id="persoonlijk_profiel",
        steps=list(program().steps),
        start_date=START,
        now=at,
        **options,
    )
    for n, item in enumerate(enrollment.items[:opened]):
        item.unlocked_at = at
        if n < done:
            item.started_at = at
            item.done_at = at
    if opened:
        enrollment.last_unlock_on = at.date()
    _db.session.commit()
    return enrollment


@pytest.fixture
def coach(app):
    """Sanne's coach."""
    return make_user(Role.COACH, "coach@example.nl", "Karin")


@pytest.fixture
def sanne(app, coach):
    """Client Sanne, enrolled, with q_start and exercise 1 (self_image) open."""
    user = make_user(Role.CLIENT, "sanne@example.nl", "Sanne", coach=coach)
    enroll(user, opened=2)
    return user


@pytest.fixture
def sanne_client(client, sanne, frozen):
    """The test client, logged in as Sanne."""
    response = login(client, "sanne@example.nl")
    assert response.status_code == 302
    return client
