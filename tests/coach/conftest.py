"""Coach test helpers: two coaches, an enrolled client on the real program, logged-in clients."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from profiler.coach import catalog
from profiler.enrollments import enroll
from profiler.extensions import db as _db
from profiler.models import Role
from tests.conftest import T0, login, make_user

AMS = ZoneInfo("Europe/Amsterdam")
PROGRAM = "persoonlijk_profiel"
START = date(2026, 3, 2)  # a Monday


def at(moment: str) -> datetime:
    """An Amsterdam wall time as aware UTC."""
    return datetime.fromisoformat(moment).replace(tzinfo=AMS).astimezone(UTC)


def program_steps() -> list[str]:
    """The real default program's steps."""
    return catalog.program(PROGRAM, "nl").steps


def enroll_client(client, start: date = START, **kwargs):
    """Enroll `client` in the default program (all locked) and commit."""
    enrollment = enroll(
        _db.session,
        client,
        program_id=PROGRAM,
        steps=program_steps(),
        start_date=start,
        now=T0,
        **kwargs,
    )
    _db.session.commit()
    return enrollment


@pytest.fixture
def team(app):
    """Karin with client Sanne (enrolled), Mehmet with client Bram (enrolled), an admin."""
    karin = make_user(Role.COACH, "karin@example.nl", "Karin")
    mehmet = make_user(Role.COACH, "mehmet@example.nl", "Mehmet")
    sanne = make_user(Role.CLIENT, "sanne@example.nl", "Sanne", coach=karin)
    bram = make_user(Role.CLIENT, "bram@example.nl", "Bram", coach=mehmet)
    enroll_client(sanne)
    enroll_client(bram)
    return {"karin": karin, "mehmet": mehmet, "sanne": sanne, "bram": bram}


@pytest.fixture
def karin_client(client, team):
    """The test client logged in as coach Karin."""
    login(client, "karin@example.nl")
    return client
