"""Retention: remove what a finished enrollment left behind once its retention period is over.

Run daily by the scheduler (idempotent). A client whose enrollments all finished more than
RETENTION_MONTHS ago is removed with everything attached, the same way an administrator
deletes a client; an old finished enrollment of a client who started again is removed on its
own (the answers then belong to the running enrollment).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .models import Enrollment, Role, User
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
