"""The tick in batches, written on a thread of its own; the write thread itself."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from profiler.delivery import deliver, unlock_key
from profiler.mail import RenderedMail, queue
from profiler.models import Enrollment, OutboxMail, PlanItem
from profiler.write_thread import WriteThread

from .conftest import at, kind_of, make_enrollment

MONDAY = "2026-03-02 08:00"


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_tick_in_several_batches_delivers_everyone_once(session):
    for n in range(12):
        make_enrollment(f"client{n}@example.nl")
    report = deliver(session, at(MONDAY), kind_of=kind_of, batch_size=5)
    assert (report.batches, report.examined, report.delivered) == (3, 12, 12)
    assert count(session, OutboxMail) == 12
    assert count(session, PlanItem, PlanItem.unlocked_at.is_not(None)) == 12 * 2
    assert deliver(session, at("2026-03-02 09:00"), kind_of=kind_of, batch_size=5).delivered == 0


def test_a_crash_before_a_batch_commits_keeps_the_batches_before_it(session):
    for n in range(12):
        make_enrollment(f"client{n}@example.nl")
    commits = []

    def crash_at_the_second(report) -> None:
        commits.append(report.delivered)
        if len(commits) == 2:
            raise RuntimeError("killed before the commit")

    with pytest.raises(RuntimeError):
        deliver(
            session, at(MONDAY), kind_of=kind_of, batch_size=5, before_commit=crash_at_the_second
        )
    session.rollback()
    assert count(session, OutboxMail) == 5  # the first batch, mails and unlocks together
    assert count(session, Enrollment, Enrollment.last_unlock_on.is_not(None)) == 5
    assert count(session, PlanItem, PlanItem.unlocked_at.is_not(None)) == 5 * 2
    again = deliver(session, at("2026-03-02 08:30"), kind_of=kind_of, batch_size=5)
    assert again.delivered == 7 and count(session, OutboxMail) == 12


def test_a_key_queued_by_another_tick_leaves_the_enrollment_alone(session, any_app):
    enrollment = make_enrollment()
    other = RenderedMail("from the other tick", "text\n", "<p>html</p>")
    day = at(MONDAY).date()
    queue(
        session,
        key=unlock_key(enrollment.id, day),
        kind="exercise",
        to="x@example.nl",
        mail=other,
        now=at(MONDAY),
    )
    session.commit()
    report = deliver(session, at(MONDAY), kind_of=kind_of)
    assert (report.delivered, report.already) == (0, 1)
    assert count(session, PlanItem, PlanItem.unlocked_at.is_not(None)) == 0
    [mail] = session.scalars(select(OutboxMail)).all()
    assert mail.subject == "from the other tick"


@pytest.fixture
def numbers(any_app, session):
    """A scratch table `numbers (n)` in the test database."""
    with session.get_bind().begin() as conn:
        conn.execute(text("CREATE TABLE numbers (n INTEGER NOT NULL)"))
    yield session.get_bind()
    with session.get_bind().begin() as conn:
        conn.execute(text("DROP TABLE numbers"))


def insert(conn, n: int, log: list) -> int:
    log.append((n, threading.current_thread().name))
    conn.execute(text("INSERT INTO numbers (n) VALUES (:n)"), {"n": n})
    if n < 0:
        raise ValueError(n)
    return n


def stored(engine) -> list[int]:
    with engine.connect() as conn:
        return sorted(conn.execute(text("SELECT n FROM numbers")).scalars())


def test_the_write_thread_runs_jobs_in_turn_and_commits_each(numbers):
    log: list = []
    writes = WriteThread(numbers)
    for n in range(5):
        writes.submit(insert, n, log)
    assert writes.run(insert, 5, log) == 5
    writes.close()
    assert stored(numbers) == [0, 1, 2, 3, 4, 5]
    assert [n for n, _ in log] == [0, 1, 2, 3, 4, 5]
    assert {name for _, name in log} != {threading.current_thread().name}


def test_a_failed_job_is_rolled_back_and_raised_at_the_next_turn(numbers):
    writes = WriteThread(numbers)
    writes.submit(insert, 1, [])
    writes.submit(insert, -1, [])
    with pytest.raises(ValueError):
        writes.submit(insert, 2, [])
    writes.submit(insert, 3, [])
    writes.close()
    assert stored(numbers) == [1, 3]
