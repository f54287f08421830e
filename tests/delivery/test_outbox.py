"""The outbox sender against a real SMTP server (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from profiler import outbox
from profiler.extensions import db as _db
from profiler.mail import RenderedMail, SmtpBackend, backend_for, queue
from profiler.models import MailStatus, OutboxMail
from tests.conftest import T0, free_port

SENDER = "Profiler <noreply@profiler.local>"


@pytest.fixture
def mail_app(any_app, smtp_server):
    """`any_app` sending to the test SMTP server."""
    any_app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    return any_app


def put(session, n: int = 1, to: str = "client{}@example.nl") -> list[OutboxMail]:
    for i in range(n):
        queue(
            session,
            key=f"test:{i}",
            kind="test",
            to=to.format(i),
            mail=RenderedMail(f"Subject {i}", f"text {i}\n", f"<p>html {i}</p>"),
            now=T0,
        )
    session.commit()
    return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def rows(session) -> list[OutboxMail]:
    session.expire_all()
    return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def drain(app, session, now=T0):
    return outbox.send_due(session, backend_for(app), SENDER, now, rng=random.Random(1))


def test_sends_everything_over_one_connection_with_the_stored_message_id(
    mail_app, session, smtp_server
):
    queued = put(session, 45)  # more than one claim chunk
    backend = backend_for(mail_app)
    assert isinstance(backend, SmtpBackend)
    report = outbox.send_due(session, backend, SENDER, T0)
    assert report.sent == 45
    assert backend.connections_opened == 1
    assert [m["Message-ID"].strip() for m in smtp_server.messages] == [m.message_id for m in queued]
    assert {m.status for m in rows(session)} == {MailStatus.SENT.value}


def test_transient_rejection_is_retried_later_with_the_same_message_id(
    mail_app, session, smtp_server
):
    [mail] = put(session, 1)
    smtp_server.reject_next = ["451 4.7.1 try again later"]
    report = drain(mail_app, session)
    assert (report.sent, report.retried) == (0, 1)
    [row] = rows(session)
    assert row.status == MailStatus.PENDING.value and row.attempts == 1
    assert T0 + timedelta(seconds=15) <= row.next_attempt_at <= T0 + timedelta(seconds=30)
    assert drain(mail_app, session, T0 + timedelta(seconds=5)).sent == 0  # not yet due
    assert drain(mail_app, session, T0 + timedelta(minutes=1)).sent == 1
    assert [m["Message-ID"].strip() for m in smtp_server.messages] == [mail.message_id]


def test_permanent_rejection_fails_and_is_not_retried(mail_app, session, smtp_server):
    put(session, 2)
    smtp_server.reject_next = ["550 5.1.1 no such user"]
    report = drain(mail_app, session)
    assert (report.sent, report.failed) == (1, 1)
    failed = [r for r in rows(session) if r.status == MailStatus.FAILED.value]
    assert len(failed) == 1 and "550" in failed[0].last_error
    assert drain(mail_app, session, T0 + timedelta(days=1)).handled == 0


def test_invalid_address_fails_without_bothering_the_server(mail_app, session, smtp_server):
    put(session, 1, to="not-an-address{}")
    report = drain(mail_app, session)
    assert report.failed == 1
    assert smtp_server.messages == []
    assert "invalid address" in rows(session)[0].last_error


def test_unreachable_server_backs_off_one_mail_and_releases_the_rest(any_app, session):
    any_app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    put(session, 3)
    report = drain(any_app, session)
    assert (report.retried, report.released) == (1, 2)
    first, *rest = rows(session)
    assert first.attempts == 1 and first.next_attempt_at > T0
    assert all(r.status == MailStatus.PENDING.value and r.attempts == 0 for r in rest)


def test_gives_up_after_max_attempts(mail_app, session, smtp_server):
    put(session, 1)
    now = T0
    for _ in range(outbox.MAX_ATTEMPTS):
        smtp_server.reject_next = ["451 busy"]
        drain(mail_app, session, now)
        now += timedelta(hours=3)
    [row] = rows(session)
    assert row.status == MailStatus.FAILED.value and row.attempts == outbox.MAX_ATTEMPTS
    assert outbox.retry_failed(session, row.id, now)
    session.commit()
    assert drain(mail_app, session, now).sent == 1


def test_backoff_grows_exponentially_with_bounded_jitter():
    rng = random.Random(7)
    for attempts in range(1, 12):
        ceiling = min(30 * 2 ** (attempts - 1), 7200)
        delays = {outbox.backoff(attempts, rng).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter: senders do not retry in lockstep


def test_a_claim_is_exclusive_until_it_expires(any_app, session):
    put(session, 3)
    first = outbox.claim(session, T0, 10)
    assert len(first) == 3
    assert outbox.claim(session, T0 + timedelta(seconds=1), 10) == []
    later = T0 + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    assert len(outbox.claim(session, later, 10)) == 3  # the sender died: claimed again


def test_a_stale_sender_cannot_overwrite_a_newer_claim(mail_app, session, smtp_server):
    put(session, 1)
    later = T0 + timedelta(seconds=outbox.CLAIM_SECONDS + 1)

    def another_sender_takes_over(item):
        # while we were "slow", our claim expired and another sender re-claimed the mail
        other = Session(bind=session.get_bind())
        assert len(outbox.claim(other, later, 10)) == 1
        other.close()

    report = outbox.send_due(
        session, backend_for(mail_app), SENDER, T0, after_accept=another_sender_takes_over
    )
    assert report.sent == 1
    [row] = rows(session)
    assert row.status == MailStatus.SENDING.value  # left to the sender that holds it now


@pytest.mark.postgres
def test_a_sender_skips_mails_another_sender_is_claiming(pg_app):
    session = _db.session
    put(session, 8)
    engine = session.get_bind()
    holder = Session(bind=engine)
    locked = holder.scalars(
        select(OutboxMail.id).order_by(OutboxMail.id).limit(3).with_for_update()
    ).all()
    other = Session(bind=engine)
    other.execute(text("SET lock_timeout = '2s'"))  # a blocked claim would fail, not hang
    claimed = {m.id for m in outbox.claim(other, T0, 10)}
    holder.rollback()
    assert len(claimed) == 5 and not claimed & set(locked)
    holder.close()
    other.close()


@pytest.mark.postgres
def test_senders_side_by_side_never_share_a_mail(pg_app):
    session = _db.session
    put(session, 60)
    engine = session.get_bind()
    results: list[list[int]] = [[] for _ in range(4)]
    barrier = threading.Barrier(4)

    def work(n: int) -> None:
        own = Session(bind=engine)
        barrier.wait()
        while batch := outbox.claim(own, T0, 3):
            results[n].extend(m.id for m in batch)
        own.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [i for r in results for i in r]
    assert len(claimed) == 60 and len(set(claimed)) == 60
