"""The outbox sender: claim due mails, send over one connection, retry with backoff."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .mail import Backend, PermanentFailure, TransientFailure, build_message
from .models import MailStatus, OutboxMail

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120


@dataclass
class SendReport:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter: up to 30 s * 2^(attempts-1), capped at 2 hours."""
    rng = rng or random.Random()
    ceiling = min(30 * 2 ** max(attempts - 1, 0), 7200)
    return timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))


def claim(session: Session, now: datetime, limit: int) -> list[OutboxMail]:
    """Claim up to `limit` due mails for this sender (SKIP LOCKED on PostgreSQL)."""
    query = (
        select(OutboxMail)
        .where(
            or_(
                OutboxMail.status == MailStatus.PENDING.value,
                (OutboxMail.status == MailStatus.SENDING.value) & (OutboxMail.claimed_until < now),
            ),
            OutboxMail.next_attempt_at <= now,
        )
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    mails = list(session.scalars(query))
    for mail in mails:
        mail.status = MailStatus.SENDING.value
        mail.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
    session.commit()
    return mails


def send_due(
    session: Session, backend: Backend, sender: str, now: datetime, limit: int = 200
) -> SendReport:
    """Send what is due; each result is committed right after its SMTP answer."""
    report = SendReport()
    try:
        for mail in claim(session, now, limit):
            try:
                backend.send(build_message(mail, sender))
            except PermanentFailure as exc:
                _finish(session, mail, MailStatus.FAILED, str(exc), now)
                report.failed += 1
            except TransientFailure as exc:
                _retry(session, mail, str(exc), now)
                if mail.status == MailStatus.FAILED.value:
                    report.failed += 1
                else:
                    report.retried += 1
            else:
                _finish(session, mail, MailStatus.SENT, None, now)
                report.sent += 1
            session.commit()
    finally:
        backend.close()
    return report


def _finish(
    session: Session, mail: OutboxMail, status: MailStatus, error: str | None, now: datetime
) -> None:
    mail.attempts += 1
    mail.status = status.value
    mail.last_error = error
    mail.claimed_until = None
    if status is MailStatus.SENT:
        mail.sent_at = now


def _retry(session: Session, mail: OutboxMail, error: str, now: datetime) -> None:
    mail.attempts += 1
    mail.last_error = error
    mail.claimed_until = None
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = MailStatus.FAILED.value
    else:
        mail.status = MailStatus.PENDING.value
        mail.next_attempt_at = now + backoff(mail.attempts)


def retry_failed(session: Session, mail_id: int, now: datetime) -> bool:
    """Put a failed mail back in the queue (admin button)."""
    result = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.FAILED.value)
        .values(status=MailStatus.PENDING.value, next_attempt_at=now, attempts=0)
    )
    return bool(result.rowcount)
