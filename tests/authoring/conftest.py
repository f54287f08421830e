"""Fixtures: a temp COPY of content/ (the real files are never touched), an admin, a client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from profiler import enrollments
from profiler.exercises import load_library
from profiler.extensions import db as _db
from profiler.library import adopt_library, content_signature, current_library
from profiler.models import Role
from tests.conftest import ROOT, T0, make_user

REAL_CONTENT = ROOT / "content"
ADMIN_EMAIL = "ada@example.nl"
CLIENT_EMAIL = "sanne@example.nl"


@pytest.fixture(scope="session")
def pristine_library():
    """The real library, loaded once (loading takes a while); never saved to."""
    return load_library(REAL_CONTENT)


@pytest.fixture
def content(app, tmp_path, pristine_library) -> Path:
    """CONTENT_DIR pointed at a fresh copy of content/."""
    copy = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, copy, ignore=shutil.ignore_patterns(".history"))
    app.config["CONTENT_DIR"] = str(copy)
    # The copy holds the same text as content/, so the library loaded from it is identical.
    adopt_library(pristine_library, content_signature(copy))
    return copy


@pytest.fixture
def admin(app):
    """An administrator."""
    return make_user(Role.ADMIN, ADMIN_EMAIL, "Ada")


@pytest.fixture
def sanne(app, content):
    """A client with q_start and exercise 1 (self_image) open."""
    coach = make_user(Role.COACH, "karin@example.nl", "Karin")
    user = make_user(Role.CLIENT, CLIENT_EMAIL, "Sanne", coach=coach)
    program = current_library().programs["persoonlijk_profiel"]
    enrollment = enrollments.enroll(
        _db.session,
        user,
        program_id=program.id,
        steps=list(program.steps),
        start_date=T0.date(),
        now=T0,
    )
    for item in enrollment.items[:2]:
        item.unlocked_at = T0
    enrollment.last_unlock_on = T0.date()
    _db.session.commit()
    return user
