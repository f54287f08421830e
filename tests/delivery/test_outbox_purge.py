"""Outbox purge: sent and failed mails go after OUTBOX_KEEP_DAYS, queued ones never."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from profiler import clock
from profiler.extensions import db as _db
from profiler.mail import RenderedMail, backend_for, queue
from profiler.models import AuditEvent, MailStatus, OutboxMail
from profiler.outbox import send_due
from profiler.retention import purge_outbox
from scheduler.runner import Runner
from tests.conftest import T0, login

NOW = T0 + timedelta(days=60)
SENT, FAILED = MailStatus.SENT.value, MailStatus.FAILED.value
PENDING, SENDING = MailStatus.PENDING.value, MailStatus.SENDING.value


def put(session, key: str, status: str, last_attempt, *, sent=True, attempts=1) -> int:
    """One outbox mail in `status`, last attempted (sent, failed, due) at `last_attempt`."""
    assert queue(
        session,
        key=key,
        kind="test",
        to="zoe@example.nl",
        mail=RenderedMail("Je oefening: Carrière", "Hallo Zoë\n", "<p>Hallo Zoë</p>"),
        now=last_attempt - timedelta(hours=1),
    )
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.key == key)
        .values(
            status=status,
            attempts=attempts,
            next_attempt_at=last_attempt,
            sent_at=last_attempt if status == SENT and sent else None,
            claimed_until=last_attempt + timedelta(minutes=10) if status == SENDING else None,
        )
    )
    session.commit()
    return session.scalars(select(OutboxMail.id).where(OutboxMail.key == key)).one()


def keys(session) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(OutboxMail.key)))


def audit_counts(session) -> list[int]:
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention.outbox_removed")
    )
    return [e.detail["count"] for e in events]


def test_sent_and_failed_mails_go_after_the_period_and_recent_ones_stay(session):
    put(session, "sent-31", SENT, NOW - timedelta(days=31))
    put(session, "sent-29", SENT, NOW - timedelta(days=29))
    put(session, "failed-31", FAILED, NOW - timedelta(days=31))
    put(session, "failed-29", FAILED, NOW - timedelta(days=29))
    assert purge_outbox(session, NOW, days=30) == 2
    assert keys(session) == {"sent-29", "failed-29"}
    assert audit_counts(session) == [2]


def test_the_sent_time_decides_for_a_mail_sent_long_after_it_was_due(session):
    """Due 40 days ago but sent only 29 days ago (the sender was down): it stays."""
    put(session, "late", SENT, NOW - timedelta(days=40))
    session.execute(update(OutboxMail).values(sent_at=NOW - timedelta(days=29)))
    session.commit()
    assert purge_outbox(session, NOW, days=30) == 0
    assert keys(session) == {"late"}
    assert purge_outbox(session, NOW + timedelta(days=2), days=30) == 1


def test_a_sent_mail_without_a_sent_time_goes_by_its_last_attempt(session):
    put(session, "old-row", SENT, NOW - timedelta(days=31), sent=False)
    assert purge_outbox(session, NOW, days=30) == 1
    assert keys(session) == set()


def test_queued_and_retrying_mails_stay_however_old(session):
    ancient = NOW - timedelta(days=400)
    put(session, "pending", PENDING, ancient, attempts=0)
    put(session, "retrying", PENDING, ancient, attempts=5)
    put(session, "sending", SENDING, ancient, attempts=3)
    put(session, "sent", SENT, ancient)
    assert purge_outbox(session, NOW, days=30) == 1
    assert keys(session) == {"pending", "retrying", "sending"}


def test_deletes_in_batches_each_committed(session):
    for n in range(10):
        put(session, f"sent-{n}", SENT, NOW - timedelta(days=31 + n))
    put(session, "failed", FAILED, NOW - timedelta(days=31))
    put(session, "recent", SENT, NOW - timedelta(days=1))
    steps: list[str | int] = []

    def deleted(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("DELETE"):
            steps.append(cursor.rowcount)

    def committed(conn):
        steps.append("commit")

    event.listen(_db.engine, "after_cursor_execute", deleted)
    event.listen(_db.engine, "commit", committed)
    try:
        assert purge_outbox(session, NOW, days=30, batch=3) == 11
    finally:
        event.remove(_db.engine, "after_cursor_execute", deleted)
        event.remove(_db.engine, "commit", committed)
    # Sent mails in batches of 3, then the failed one; no lock outlives its batch. The last
    # commit is the audit event's.
    assert steps == [3, "commit", 3, "commit", 3, "commit", 1, "commit", 1, "commit", "commit"]
    assert keys(session) == {"recent"}


def test_a_second_run_removes_nothing_and_records_nothing(session):
    put(session, "sent", SENT, NOW - timedelta(days=31))
    assert purge_outbox(session, NOW, days=30) == 1
    assert purge_outbox(session, NOW, days=30) == 0
    assert audit_counts(session) == [1]


def test_refuses_a_period_that_would_remove_everything(session):
    put(session, "sent", SENT, NOW - timedelta(minutes=1))
    with pytest.raises(ValueError):
        purge_outbox(session, NOW, days=0)
    assert keys(session) == {"sent"}


def test_the_purge_reads_the_due_index(session):
    """Sent and failed mails are a range of ix_outbox_due (status, next_attempt_at, id)."""
    put(session, "sent", SENT, NOW - timedelta(days=31))
    put(session, "failed", FAILED, NOW - timedelta(days=31))
    deletes: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, *args):
        if statement.lstrip().upper().startswith("DELETE"):
            deletes.append((statement, parameters))

    event.listen(_db.engine, "before_cursor_execute", seen)
    try:
        assert purge_outbox(session, NOW, days=30) == 2
    finally:
        event.remove(_db.engine, "before_cursor_execute", seen)
    assert len(deletes) == 2
    postgres = _db.engine.dialect.name == "postgresql"
    with _db.engine.connect() as conn:
        if postgres:  # a tiny table is read whole otherwise
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in deletes:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(explain + statement, parameters).all()
            plan = [str(row[-1]) for row in rows]
            assert any("ix_outbox_due" in line for line in plan), plan


def test_the_sender_records_when_a_mail_failed(any_app, session):
    """A failed mail's next_attempt_at becomes the time of its last attempt (purge age)."""
    queue(
        session,
        key="bad",
        kind="test",
        to="not-an-address",
        mail=RenderedMail("S", "t\n", "<p>h</p>"),
        now=T0,
    )
    session.commit()
    later = T0 + timedelta(days=3)
    report = send_due(session, backend_for(any_app), "p@x.nl", later, rng=random.Random(1))
    assert report.failed == 1
    session.expire_all()
    row = session.scalars(select(OutboxMail)).one()
    assert row.status == FAILED and row.next_attempt_at == later
    assert purge_outbox(session, later + timedelta(days=29), days=30) == 0
    assert purge_outbox(session, later + timedelta(days=31), days=30) == 1


def test_the_retention_job_purges_the_outbox(app, db, caplog):
    assert app.config["OUTBOX_KEEP_DAYS"] == 30
    now = clock.now()
    put(db, "old", SENT, now - timedelta(days=31))
    put(db, "new", SENT, now - timedelta(days=29))
    put(db, "waiting", PENDING, now - timedelta(days=90), attempts=0)
    runner = Runner(app, holder="test")
    runner.valid_until = now + timedelta(hours=1)  # as if it held the lease
    with caplog.at_level(logging.INFO, logger="scheduler"):
        runner.purge()
    assert keys(db) == {"new", "waiting"}
    assert "retention: removed 1 outbox mails" in caplog.text
    assert audit_counts(db) == [1]


def test_the_retention_job_reads_the_configured_period(app, db):
    app.config["OUTBOX_KEEP_DAYS"] = 7
    now = clock.now()
    put(db, "eight", SENT, now - timedelta(days=8))
    runner = Runner(app, holder="test")
    runner.valid_until = now + timedelta(hours=1)
    runner.purge()
    assert keys(db) == set()


def test_the_retention_job_does_nothing_without_the_lease(app, db):
    put(db, "old", SENT, clock.now() - timedelta(days=31))
    Runner(app, holder="standby").purge()
    assert keys(db) == {"old"}
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_admin_page_says_when_mails_are_removed(app, db, client, users):
    app.config["OUTBOX_KEEP_DAYS"] = 45
    put(db, "sent", SENT, NOW)
    login(client, "admin@example.nl")
    page = client.get("/admin/outbox?status=sent").get_data(as_text=True)
    assert "Je oefening: Carrière" in page
    assert "na 45 dagen verwijderd" in page


@pytest.mark.parametrize("name", ["OUTBOX_KEEP_DAYS", "RETENTION_MONTHS"])
def test_the_app_refuses_to_start_with_no_retention_period(tmp_path, name):
    """0 would make the daily purge fail every day (or delete everything at once)."""
    from profiler import create_app

    with pytest.raises(RuntimeError, match=f"PROFILER_{name}"):
        create_app(
            "config.Testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db", **{name: 0}
        )
