"""Fixtures for the documents: a client who finished the training, logged in."""

from __future__ import annotations

import pytest

from exports.cache import MEMORY
from profiler.demo_answers import NAME, save_sample_answers
from profiler.extensions import db as _db
from profiler.models import Role
from tests.conftest import T0, login, make_user


@pytest.fixture(autouse=True)
def private_instance(app, tmp_path):
    """Keep the PDF cache of each test in its own instance folder, with a cold memory cache."""
    app.instance_path = str(tmp_path / "instance")
    MEMORY.clear()
    yield
    MEMORY.clear()


@pytest.fixture
def sanne(app, users):
    """Sanne de Vries, a client of coach A, with answers to every exercise."""
    user = make_user(Role.CLIENT, "sanne@example.nl", NAME, coach=users["coach_a"])
    save_sample_answers(_db.session, user, now=T0)
    return user


@pytest.fixture
def sanne_client(client, sanne):
    """The test client logged in as Sanne."""
    login(client, "sanne@example.nl")
    return client
