"""A small world for security tests: two coaches, two enrolled clients with data, an admin."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from profiler import answers, checkins, coach_notes, comments, enrollments, mail
from profiler.extensions import db as _db
from profiler.library import current_library
from profiler.models import OutboxMail, Role, User
from tests.conftest import ROOT, T0, Clock, login, make_user

MARKER = "GEHEIM7Q4A"  # only client A, their coach and the admin may ever see this
PROGRAM = "persoonlijk_profiel"
EXERCISE = "self_image"


@dataclass
class World:
    """The people in a security test."""

    client_a: User
    client_b: User
    coach_a: User
    coach_b: User
    admin: User
    mail_id: int

    def user(self, role: str) -> User | None:
        """The user acting as `role` (None for anonymous)."""
        return None if role == "anonymous" else getattr(self, role)


ROLES = ("anonymous", "client_a", "client_b", "coach_a", "coach_b", "admin")


def enroll_open(user: User) -> None:
    """Enroll `user` in the real program with every exercise open."""
    steps = list(current_library().programs[PROGRAM].steps)
    enrollment = enrollments.enroll(
        _db.session, user, program_id=PROGRAM, steps=steps, start_date=date(2026, 3, 2), now=T0
    )
    for item in enrollment.items:
        item.unlocked_at = T0
    enrollment.all_unlocked = True
    enrollment.last_unlock_on = T0.date()


def build_world(text: str = MARKER, name_a: str | None = None) -> World:
    """Create the people and store `text` in client A's answers, name, comments and notes."""
    coach_a = make_user(Role.COACH, "coach.a@example.nl", "Karin")
    coach_b = make_user(Role.COACH, "coach.b@example.nl", "Mehmet")
    admin = make_user(Role.ADMIN, "admin@example.nl", "Ada")
    client_a = make_user(
        Role.CLIENT, "client.a@example.nl", name_a or f"Anna {text}", coach=coach_a
    )
    client_b = make_user(Role.CLIENT, "client.b@example.nl", "Bram", coach=coach_b)
    enroll_open(client_a)
    enroll_open(client_b)
    session = _db.session
    answers.save_answers(
        session, client_a, EXERCISE, {"then_now": text, "own_words": [text, "rustig"]}, now=T0
    )
    answers.save_answers(session, client_b, EXERCISE, {"then_now": "Bram schrijft"}, now=T0)
    comments.add_comment(session, client_a, EXERCISE, text, author=coach_a, now=T0)
    coach_notes.add_note(session, client_a, text, author=coach_a, now=T0)
    checkins.record(session, client_a, {"energy": 6}, now=T0, note=text)
    rendered = mail.render_mail("reset", "nl", user=client_a, link="http://127.0.0.1/x")
    mail.queue(session, key="sec:1", kind="reset", to=client_a, mail=rendered, now=T0)
    session.commit()
    mail_id = session.scalar(select(OutboxMail.id).where(OutboxMail.key == "sec:1"))
    return World(client_a, client_b, coach_a, coach_b, admin, mail_id)


@pytest.fixture
def content_copy(app, tmp_path):
    """A private copy of the content folder: authoring posts must not touch the real one."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["CONTENT_DIR"] = str(target)
    return target


@pytest.fixture
def private_instance(app, tmp_path):
    """A private instance folder: PDFs downloaded in a test must not land in the real cache."""
    app.instance_path = str(tmp_path / "instance")


@pytest.fixture
def world(app, content_copy, private_instance) -> World:
    """The security world with the marker stored for client A."""
    return build_world()


def client_as(app, world: World, role: str):
    """A test client logged in as `role` (anonymous: not logged in)."""
    http = app.test_client()
    user = world.user(role)
    if user is not None:
        response = login(http, user.email)
        assert response.status_code == 302, f"login as {role} failed"
    return http


@pytest.fixture
def ticking(monkeypatch):
    """The clock stands still (at a whole second) until a test moves it."""
    from profiler import clock

    fixed = Clock(clock.now().replace(microsecond=0))
    monkeypatch.setattr(clock, "now", fixed)
    return fixed
