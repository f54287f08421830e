"""The logged-in user as plain values: same answers as the ORM user, writes reach the database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, event, select
from werkzeug.exceptions import NotFound

from profiler import mail
from profiler.auth.session_loader import load_user
from profiler.auth.session_user import EnrollmentRow, SessionUser, orm_object
from profiler.enrollments import enroll
from profiler.extensions import db as _db
from profiler.models import Enrollment, OutboxMail, Role, User
from profiler.row_objects import loaded_orm_object
from tests.conftest import T0, make_user


@pytest.fixture
def statements(app):
    """The SQL statements run while the test body runs (list, filled as they happen)."""
    seen: list[str] = []

    def listener(conn, cursor, statement, *rest):
        seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", listener)
    yield seen
    event.remove(_db.engine, "before_cursor_execute", listener)


def _enrolled(program_steps=("self_image",)) -> User:
    client = make_user(Role.CLIENT)
    for start in (date(2026, 1, 5), date(2026, 3, 2)):  # two enrollments: the latest counts
        enroll(
            _db.session,
            client,
            program_id="standard",
            steps=list(program_steps),
            start_date=start,
            now=T0,
        )
    _db.session.commit()
    return client


def _fresh(user: User) -> SessionUser:
    """What a new request loads for this user (an empty session, as in production)."""
    identity = user.get_id()
    _db.session.remove()
    loaded = load_user(identity)
    assert isinstance(loaded, SessionUser)
    return loaded


def test_reads_come_from_one_query_without_orm_objects(app, statements):
    client = _enrolled()
    latest = max(e.id for e in client.enrollments)
    statements.clear()
    user = _fresh(client)
    assert len(statements) == 1
    assert (user.id, user.email, user.role, user.is_client, user.is_coach) == (
        client.id,
        "sanne@example.nl",
        "client",
        True,
        False,
    )
    assert user.is_authenticated and user.is_active and not user.is_anonymous
    assert user.get_id() == f"{client.id}:{client.session_version}"
    assert isinstance(user.enrollment, EnrollmentRow)
    assert user.enrollment.id == latest
    assert user.enrollment.start_date == date(2026, 3, 2)
    assert user.enrollment.weekday_set == frozenset({0, 1, 2, 3, 4})
    assert user.created_at.tzinfo is not None  # the column types still apply (aware UTC)
    assert len(statements) == 1  # none of these reads needed another query
    assert not any(isinstance(o, (User, Enrollment)) for o in _db.session.identity_map.values())


def test_staff_have_no_enrollment(app):
    coach = make_user(Role.COACH, "karin@example.nl", "Karin")
    user = _fresh(coach)
    assert user.enrollment is None and user.is_coach and not user.is_client


def test_a_stale_session_version_or_an_inactive_account_loads_no_one(app):
    client = _enrolled()
    client_id, old = client.id, client.get_id()
    client.session_version += 1
    _db.session.commit()
    current = client.get_id()
    _db.session.remove()
    assert load_user(old) is None
    assert load_user(current) is not None
    _db.session.get(User, client_id).active = False
    _db.session.commit()
    _db.session.remove()
    assert load_user(current) is None
    assert load_user("abc:1") is None and load_user("999:1") is None


def test_a_write_goes_to_the_database_and_later_reads_see_it(app):
    client = _enrolled()
    user = _fresh(client)
    user.locale = "en"
    assert user.locale == "en"  # read back from the ORM object now
    user.enrollment.reminders = "none"
    assert user.enrollment.reminders == "none"
    _db.session.commit()
    _db.session.remove()
    stored = _db.session.get(User, client.id)
    assert stored.locale == "en"
    assert stored.enrollment.reminders == "none"


def test_relationships_and_the_mapped_object_come_from_the_orm(app):
    coach = make_user(Role.COACH, "karin@example.nl", "Karin")
    client = make_user(Role.CLIENT, coach=coach)
    client_id, coach_id = client.id, coach.id
    user = _fresh(client)
    assert loaded_orm_object(user) is None  # nothing loaded yet
    assert user.coach.name == "Karin"  # a relationship: the ORM user is loaded for it
    mapped = _db.session.get(User, client_id)
    assert orm_object(user) is mapped and loaded_orm_object(user) is mapped
    other = _db.session.get(User, coach_id)
    assert orm_object(other) is other and loaded_orm_object(other) is other


def test_rows_equal_rows_of_the_same_row_and_hash_alike(app):
    client = _enrolled()
    first, second = _fresh(client), _fresh(client)
    assert first == second and hash(first) == hash(second) and len({first, second}) == 1
    assert first.enrollment == second.enrollment
    assert first != first.enrollment  # another table, even if the ids were the same
    # Not equal to the mapped object (which hashes by identity): compare ids for that.
    mapped = _db.session.scalars(select(Enrollment).where(Enrollment.id == first.enrollment.id))
    enrollment = mapped.one()
    assert first.enrollment != enrollment and first.enrollment.id == enrollment.id
    assert orm_object(second.enrollment) is enrollment  # the object the session holds


def test_a_row_deleted_during_the_request_is_not_found(app):
    client = _enrolled()
    user = _fresh(client)
    _db.session.execute(delete(Enrollment).where(Enrollment.id == user.enrollment.id))
    with pytest.raises(NotFound):
        user.enrollment.items  # noqa: B018 - the read is the test


def test_mail_can_be_queued_to_the_logged_in_user(app):
    client = _enrolled()
    user = _fresh(client)
    rendered = mail.RenderedMail(subject="Test", text="Hallo", html="<p>Hallo</p>")
    assert mail.queue(_db.session, key="t-1", kind="test", to=user, mail=rendered, now=T0)
    queued = _db.session.scalars(select(OutboxMail)).one()
    assert (queued.user_id, queued.to_addr) == (client.id, "sanne@example.nl")
