"""The outbox sender: claim due mails, send over one connection, retry with backoff.

Crash safety: a claim is committed before anything is sent and expires after
CLAIM_SECONDS, so a sender that dies mid-drain leaves its mails to be claimed again. The
result of each SMTP attempt is committed right after the server's answer; only a death in
the gap between "server accepted" and that commit can send a mail twice, and the copy
carries the same Message-ID (made at queue time), so mail clients show it once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from .mail import (
    Backend,
    ConnectionFailure,
    PermanentFailure,
    TransientFailure,
    address_problem,
    build_message,
)
from .models import MailStatus, OutboxMail

MAX_ATTEMPTS = 12  # with the backoff below: roughly 8-10 hours of trying
CLAIM_SECONDS = 600  # a claim outlives a chunk: CHUNK * SMTP timeout (20 s) < 600 s
CHUNK = 20
BASE_DELAY = 30
MAX_DELAY = 7200


@dataclass
class SendReport:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0

    @property
    def handled(self) -> int:
        """Mails that got an SMTP attempt."""
        return self.sent + self.retried + self.failed


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with jitter: between half and all of 30 s * 2^(attempts-1), max 2 h."""
    rng = rng or random.Random()
    ceiling = min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))


def _due(now: datetime):
    return and_(
        or_(
            OutboxMail.status == MailStatus.PENDING.value,
            and_(OutboxMail.status == MailStatus.SENDING.value, OutboxMail.claimed_until < now),
        ),
        OutboxMail.next_attempt_at <= now,
    )


def claim(session: Session, now: datetime, limit: int) -> list[OutboxMail]:
    """Claim up to `limit` due mails for this sender and commit the claim.

    One UPDATE .. WHERE id IN (SELECT .. FOR UPDATE SKIP LOCKED) .. RETURNING on
    PostgreSQL, so senders side by side never take the same mail; on SQLite the single
    UPDATE statement is atomic too (SQLite has one writer at a time).
    """
    picked = (
        select(OutboxMail.id)
        .where(_due(now))
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    until = now + timedelta(seconds=CLAIM_SECONDS)
    ids = session.scalars(
        update(OutboxMail)
        .where(OutboxMail.id.in_(picked.scalar_subquery()), _due(now))
        .values(status=MailStatus.SENDING.value, claimed_until=until)
        .returning(OutboxMail.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    if not ids:
        return []
    query = (
        select(OutboxMail)
        .where(OutboxMail.id.in_(ids))
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def send_due(
    session: Session,
    backend: Backend,
    sender: str,
    now: datetime,
    limit: int = 200,
    *,
    rng: random.Random | None = None,
    after_accept: Callable[[_Claimed], None] | None = None,
) -> SendReport:
    """Send what is due (up to `limit`), in chunks; commit each result after its answer.

    A connection failure ends the drain: the mail that hit it waits its backoff, the rest
    of the chunk goes back to pending untouched. `after_accept` is a test hook called
    between the server's acceptance and the commit.
    """
    report = SendReport()
    try:
        while report.handled < limit:
            claimed = [
                _Claimed.of(mail, sender)
                for mail in claim(session, now, min(CHUNK, limit - report.handled))
            ]
            if not claimed:
                break
            for index, item in enumerate(claimed):
                try:
                    if item.problem:
                        raise PermanentFailure(item.problem)
                    backend.send(item.message)
                except PermanentFailure as exc:
                    _settle(session, item, MailStatus.FAILED, str(exc), now)
                    report.failed += 1
                except TransientFailure as exc:
                    failed = _retry(session, item, str(exc), now, rng)
                    report.failed += failed
                    report.retried += not failed
                    if isinstance(exc, ConnectionFailure):
                        report.released += _release(session, claimed[index + 1 :])
                        session.commit()
                        return report
                else:
                    if after_accept is not None:
                        after_accept(item)
                    _settle(session, item, MailStatus.SENT, None, now)
                    report.sent += 1
                session.commit()
    finally:
        backend.close()
    return report


@dataclass
class _Claimed:
    """A claimed mail, read once: later commits expire the ORM object."""

    id: int
    message_id: str
    token: datetime | None
    attempts: int
    message: EmailMessage | None
    problem: str | None

    @classmethod
    def of(cls, mail: OutboxMail, sender: str) -> _Claimed:
        """Snapshot a claimed row and build its message (or say why it cannot be sent)."""
        problem = address_problem(mail.to_addr)
        message = None
        if problem is None:
            try:
                message = build_message(mail, sender)
            except (ValueError, TypeError) as exc:
                problem = f"cannot build message: {exc}"
        return cls(mail.id, mail.message_id, mail.claimed_until, mail.attempts, message, problem)


def _mine(item: _Claimed):
    """Only touch a mail we still hold: another sender may have re-claimed a stale claim."""
    return and_(
        OutboxMail.id == item.id,
        OutboxMail.status == MailStatus.SENDING.value,
        OutboxMail.claimed_until == item.token,
    )


def _settle(
    session: Session,
    item: _Claimed,
    status: MailStatus,
    error: str | None,
    now: datetime,
) -> None:
    session.execute(
        update(OutboxMail)
        .where(_mine(item))
        .values(
            status=status.value,
            attempts=OutboxMail.attempts + 1,
            last_error=error,
            claimed_until=None,
            sent_at=now if status is MailStatus.SENT else None,
        )
        .execution_options(synchronize_session=False)
    )


def _retry(
    session: Session,
    item: _Claimed,
    error: str,
    now: datetime,
    rng: random.Random | None,
) -> bool:
    """Schedule the next attempt; True when the mail ran out of attempts and failed."""
    attempts = item.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _settle(session, item, MailStatus.FAILED, f"gave up: {error}", now)
        return True
    session.execute(
        update(OutboxMail)
        .where(_mine(item))
        .values(
            status=MailStatus.PENDING.value,
            attempts=attempts,
            last_error=error,
            claimed_until=None,
            next_attempt_at=now + backoff(attempts, rng),
        )
        .execution_options(synchronize_session=False)
    )
    return False


def _release(session: Session, items: list[_Claimed]) -> int:
    """Give claimed mails back without counting an attempt."""
    released = 0
    for item in items:
        result = session.execute(
            update(OutboxMail)
            .where(_mine(item))
            .values(status=MailStatus.PENDING.value, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        released += result.rowcount
    return released


def retry_failed(session: Session, mail_id: int, now: datetime) -> bool:
    """Put a failed mail back in the queue (admin button); False when it is not failed."""
    result = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.FAILED.value)
        .values(status=MailStatus.PENDING.value, next_attempt_at=now, attempts=0)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
