"""Retention: remove what a finished enrollment left behind once its retention period is over.

Run daily by the scheduler (idempotent). A client whose enrollments all finished more than
RETENTION_MONTHS ago is removed with everything attached, the same way an administrator
deletes a client; an old finished enrollment of a client who started again is removed on its
own (the answers then belong to the running enrollment). Outbox mails that were sent or
failed more than OUTBOX_KEEP_DAYS ago go too: each holds the whole message, personal data.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, delete, or_, select
from sqlalchemy.orm import Session

from . import audit
from .models import Enrollment, MailStatus, OutboxMail, Role, User
from .user_admin import delete_client


@dataclass
class Purged:
    """What one run removed."""

    clients: int = 0
    enrollments: int = 0


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def purge_finished(session: Session, now: datetime, months: int) -> Purged:
    """Remove enrollments finished more than `months` ago, with their client's data."""
    cutoff = months_before(now, months)
    result = Purged()
    old = session.scalars(
        select(Enrollment).where(
            Enrollment.finished_at.is_not(None), Enrollment.finished_at < cutoff
        )
    ).all()
    clients = {enrollment.client_id for enrollment in old}
    for client_id in sorted(clients):
        client = session.get(User, client_id)
        if client is None or client.role != Role.CLIENT.value:
            continue
        expired = [
            e for e in client.enrollments if e.finished_at is not None and e.finished_at < cutoff
        ]
        if len(expired) == len(client.enrollments):
            delete_client(session, client, by=None, now=now)  # type: ignore[arg-type]
            result.clients += 1
            result.enrollments += len(expired)
            continue
        for enrollment in expired:
            client.enrollments.remove(enrollment)  # delete-orphan: the plan goes with it
            result.enrollments += 1
        audit.record(
            session,
            actor=None,
            client=client,
            action="retention.enrollments_removed",
            now=now,
            count=len(expired),
        )
    session.flush()
    return result


OUTBOX_BATCH = 1000
_OUTBOX = OutboxMail.__table__
_CUTOFF = bindparam("cutoff", type_=_OUTBOX.c.next_attempt_at.type)
# Finished mails, each a range of ix_outbox_due (status, next_attempt_at, id): the sender
# sets next_attempt_at to the time of the last attempt when a mail is sent or fails, and a
# mail is never sent before it is due, so next_attempt_at <= sent_at for every sent mail.
# Pending mails (new or waiting for a retry) and claimed ones are never touched.
_FINISHED = (
    and_(
        _OUTBOX.c.status == MailStatus.SENT.value,
        _OUTBOX.c.next_attempt_at < _CUTOFF,
        or_(_OUTBOX.c.sent_at.is_(None), _OUTBOX.c.sent_at < _CUTOFF),
    ),
    and_(_OUTBOX.c.status == MailStatus.FAILED.value, _OUTBOX.c.next_attempt_at < _CUTOFF),
)


def purge_outbox(session: Session, now: datetime, days: int, batch: int = OUTBOX_BATCH) -> int:
    """Delete mails sent or failed more than `days` ago, `batch` rows a time; how many went.

    Commits after every batch, unlike other services: one DELETE of a year of mail would
    hold SQLite's only write lock (and the sender with it) for as long as it runs. One audit
    event records how many went. Idempotent.
    """
    if days < 1:
        raise ValueError(f"OUTBOX_KEEP_DAYS must be at least 1, not {days}")
    cutoff = now - timedelta(days=days)
    removed = 0
    for finished in _FINISHED:
        oldest = select(_OUTBOX.c.id).where(finished).limit(batch).scalar_subquery()
        statement = delete(_OUTBOX).where(_OUTBOX.c.id.in_(oldest))
        while True:
            count = session.execute(statement, {"cutoff": cutoff}).rowcount
            session.commit()
            removed += count
            if count < batch:
                break
    if removed:
        audit.record(
            session,
            actor=None,
            action="retention.outbox_removed",
            now=now,
            count=removed,
            days=days,
        )
        session.commit()
    return removed
