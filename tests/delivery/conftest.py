"""Helpers for the delivery tests: local times, a small plan with a fake library."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from profiler.enrollments import enroll
from profiler.extensions import db as _db
from profiler.models import Enrollment, Role
from tests.conftest import T0, make_user

AMS = "Europe/Amsterdam"
STEPS = ["q_start", "self_image", "personality", "qualities", "q_midway", "interests", "q_end"]
KINDS = {
    "q_start": "questionnaire",
    "q_midway": "questionnaire",
    "q_end": "questionnaire",
    "evaluation": "evaluation",
}


def kind_of(exercise_id: str) -> str:
    """A fake library: q_* and evaluation are unnumbered, the rest numbered."""
    return KINDS.get(exercise_id, "exercise")


def at(moment: str, tz: str = AMS) -> datetime:
    """'2026-03-02 08:05' local time in `tz` as aware UTC."""
    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def make_enrollment(
    email: str = "sanne@example.nl",
    *,
    steps: list[str] | None = None,
    start: date = date(2026, 3, 2),
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    send_time: time = time(8, 0),
    tz: str = AMS,
    locale: str = "nl",
    reminders: str = "none",
) -> Enrollment:
    """A client with an enrollment in a small plan; committed."""
    client = make_user(Role.CLIENT, email, email.split("@")[0].title(), locale=locale)
    enrollment = enroll(
        _db.session,
        client,
        program_id="test",
        steps=list(steps or STEPS),
        start_date=start,
        now=T0,
        weekdays=weekdays,
        send_time=send_time,
        timezone=tz,
    )
    enrollment.reminders = reminders
    _db.session.commit()
    return enrollment


@pytest.fixture
def tick(db):
    """Run one delivery tick at a local time string (Amsterdam unless given)."""
    from profiler.delivery import deliver

    def run(moment: str, tz: str = AMS):
        return deliver(db, at(moment, tz), kind_of=kind_of)

    return run


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_app(request):
    """The app on SQLite, and again on PostgreSQL (schema from the real migrations)."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


@pytest.fixture
def session(any_app):
    """The database session of `any_app`."""
    return _db.session


class FakeExercise:
    """What mails need of an exercise."""

    def __init__(self, exercise_id: str, lang: str):
        self.id = exercise_id
        self.title = f"{exercise_id} ({lang})"
        self.summary = f"Summary of {exercise_id} in {lang}."
        self.kind = kind_of(exercise_id)


class FakeLibrary:
    """A library that knows every id (loading the real content takes seconds per app)."""

    def get(self, exercise_id: str, lang: str) -> FakeExercise:
        return FakeExercise(exercise_id, lang)


APP_FIXTURES = ("app", "pg_app", "any_app", "mail_app")


@pytest.fixture(autouse=True)
def fake_library(request):
    """Use FakeLibrary in the test's app unless the test is marked `real_library`.

    The fake is installed as the app's loaded library (never by patching the function, which
    modules imported during the test would keep for good).
    """
    if request.node.get_closest_marker("real_library") is not None:
        return
    from profiler.library import EXTENSION_KEY, _State

    for name in APP_FIXTURES:
        if name in request.fixturenames:
            app = request.getfixturevalue(name)
            # checked=inf: never look at the content folder again for this app
            app.extensions[EXTENSION_KEY] = _State(FakeLibrary(), ("fake", ()), float("inf"))


def pytest_configure(config):
    config.addinivalue_line("markers", "real_library: use the real exercise content")
