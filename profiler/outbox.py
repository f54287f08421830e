"""The outbox sender: claim due mails, send over one connection, retry with backoff.

Crash safety: a claim is committed before anything is sent and expires after
CLAIM_SECONDS, so a sender that dies mid-drain leaves its mails to be claimed again. The
result of each SMTP attempt is committed right after the server's answer (on a second
thread, while the next mail's envelope goes out; that mail's DATA waits for the commit);
only a death in the gap between "server accepted" and that commit can send a mail twice,
at most one mail per death, and the copy is the same bytes with the same Message-ID (made
at queue time), so mail clients show it once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    bindparam,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from .mail import (
    Backend,
    ConnectionFailure,
    Outgoing,
    PermanentFailure,
    TransientFailure,
    address_problem,
    outgoing,
)
from .models import MailStatus, OutboxMail
from .write_thread import WriteThread

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


OUTBOX = OutboxMail.__table__
# What the sender reads of a claimed mail: the message bytes stored at queue time...
SEND_COLUMNS = [
    OUTBOX.c[name]
    for name in (
        "id",
        "to_addr",
        "message_id",
        "claimed_until",
        "attempts",
        "next_attempt_at",
        "raw_message",
    )
]
# ... and for a mail queued without them (before they existed) what building it takes.
BUILD_COLUMNS = [
    OUTBOX.c[name] for name in ("subject", "text_body", "html_body", "headers", "created_at")
]
_NOW = bindparam("c_now", type_=OUTBOX.c.next_attempt_at.type)
_UNTIL = bindparam("c_until", type_=OUTBOX.c.claimed_until.type)
_NO_BITMAP = text("SET LOCAL enable_bitmapscan = off")


def _due(now: Any):
    """Pending, or claimed by a sender whose claim ran out; and due at `now`."""
    return and_(
        or_(
            OUTBOX.c.status == MailStatus.PENDING.value,
            and_(OUTBOX.c.status == MailStatus.SENDING.value, OUTBOX.c.claimed_until < now),
        ),
        OUTBOX.c.next_attempt_at <= now,
    )


def _oldest_due(limit: int, postgres: bool):
    """The ids of the `limit` mails due longest at `c_now`, as a subquery.

    Pending mails and stale claims (a sender died) are read apart, each in the order of
    the index `ix_outbox_due` (status, next_attempt_at, id), so a claim reads about
    `limit` index entries however many mails wait; one query with OR needs a sort of
    every due mail for each claim. PostgreSQL locks what it picks (SKIP LOCKED): senders
    side by side never take the same mail.
    """
    branches = []
    for condition in (
        OUTBOX.c.status == MailStatus.PENDING.value,
        and_(OUTBOX.c.status == MailStatus.SENDING.value, OUTBOX.c.claimed_until < _NOW),
    ):
        branch = (
            select(OUTBOX.c.id, OUTBOX.c.next_attempt_at)
            .where(condition, OUTBOX.c.next_attempt_at <= _NOW)
            .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
            .limit(limit)
        )
        if postgres:
            branch = branch.with_for_update(skip_locked=True)
        branches.append(select(branch.subquery()))
    both = union_all(*branches).subquery()
    return select(both.c.id).order_by(both.c.next_attempt_at, both.c.id).limit(limit)


@lru_cache(maxsize=32)
def _claim_statement(limit: int, postgres: bool):
    """UPDATE .. SET status = sending WHERE id IN (the oldest due) RETURNING SEND_COLUMNS.

    Built once per size and dialect (a drain claims every CHUNK mails). PostgreSQL checks
    again what it locked; on SQLite the statement is one write, and the check would make
    it read the due index again instead of `limit` rows by id.
    """
    picked = OUTBOX.c.id.in_(_oldest_due(limit, postgres).scalar_subquery())
    return (
        update(OUTBOX)
        .where(and_(picked, _due(_NOW)) if postgres else picked)
        .values(status=MailStatus.SENDING.value, claimed_until=_UNTIL)
        .returning(*SEND_COLUMNS)
    )


def claim(session: Session, now: datetime, limit: int) -> list[Row[Any]]:
    """Claim up to `limit` due mails for this sender and commit the claim.

    One UPDATE .. WHERE id IN (SELECT .. FOR UPDATE SKIP LOCKED) .. RETURNING on
    PostgreSQL, so senders side by side never take the same mail; on SQLite the single
    UPDATE statement is atomic too (SQLite has one writer at a time). Returns plain rows
    with SEND_COLUMNS (and BUILD_COLUMNS for a mail without stored bytes), oldest due
    first.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Without fresh statistics (right after a tick queued thousands of mails) the
        # planner reads every due mail through a bitmap and sorts them, for every claim.
        session.execute(_NO_BITMAP)
    until = now + timedelta(seconds=CLAIM_SECONDS)
    statement = _claim_statement(limit, postgres)
    rows = session.execute(statement, {"c_now": now, "c_until": until}).all()
    session.commit()
    unbuilt = [row.id for row in rows if row.raw_message is None]
    if unbuilt:
        query = select(*SEND_COLUMNS, *BUILD_COLUMNS).where(OUTBOX.c.id.in_(unbuilt))
        rows = [row for row in rows if row.raw_message is not None]
        rows += session.execute(query).all()
        session.commit()
    return sorted(rows, key=lambda row: (row.next_attempt_at, row.id))


def _results_connection(engine: Engine) -> Connection:
    """A connection of its own for a drain's results, each committed right after it.

    A plain connection, not the session: a commit of the session gives its connection
    back to the pool and takes one again for the next mail. On PostgreSQL in autocommit
    mode: each result is one UPDATE that commits by itself, one round trip per mail
    instead of three (BEGIN, UPDATE, COMMIT); its `commit()` does nothing. On SQLite each
    result is a short transaction of its own.
    """
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    return engine.connect()


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

    Results are written on a thread of their own (`WriteThread`), while the next mail's
    envelope (MAIL FROM, RCPT TO) goes to the server; that mail's DATA, where the server
    accepts it, waits until the result is committed (`before_data`). So, as when
    everything ran in turn, at most one mail is ever accepted and not yet recorded: a
    crash sends at most that one again. A connection failure ends the drain: the mail
    that hit it waits its backoff, the rest of the chunk goes back to pending untouched.
    `after_accept` is a test hook called between the server's acceptance and the commit.
    """
    report = SendReport()
    results = WriteThread(session.get_bind().engine, _results_connection)
    try:
        while report.handled < limit:
            results.wait()  # the claim sees every result written so far
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
                    backend.send(item.message, before_data=results.wait)
                except PermanentFailure as exc:
                    results.submit(_settle, item, MailStatus.FAILED, str(exc), now)
                    report.failed += 1
                except TransientFailure as exc:
                    failed = item.attempts + 1 >= MAX_ATTEMPTS  # _retry gives up then
                    results.submit(_retry, item, str(exc), now, rng)
                    report.failed += failed
                    report.retried += not failed
                    if isinstance(exc, ConnectionFailure):
                        report.released += results.run(_release, claimed[index + 1 :])
                        return report
                else:
                    if after_accept is not None:
                        after_accept(item)
                    results.submit(_settle, item, MailStatus.SENT, None, now)
                    report.sent += 1
    finally:
        try:
            results.close()
        finally:
            backend.close()
    return report


@dataclass
class _Claimed:
    """A claimed mail, read once, with what goes over the wire."""

    id: int
    message_id: str
    token: datetime | None
    attempts: int
    message: Outgoing | None
    problem: str | None

    @classmethod
    def of(cls, mail: Any, sender: str) -> _Claimed:
        """Snapshot a claimed row and its message (or say why it cannot be sent)."""
        problem = address_problem(mail.to_addr)
        message = None
        if problem is None:
            try:
                message = outgoing(mail, sender)
            except (ValueError, TypeError) as exc:
                problem = f"cannot build message: {exc}"
        return cls(mail.id, mail.message_id, mail.claimed_until, mail.attempts, message, problem)

    def mine(self) -> dict[str, Any]:
        """The parameters of `_MINE`."""
        return {"m_id": self.id, "m_token": self.token}


# Only touch a mail we still hold: another sender may have re-claimed a stale claim. The
# statements below are built once (a drain runs one per mail) with this condition.
_MINE = and_(
    OUTBOX.c.id == bindparam("m_id"),
    OUTBOX.c.status == MailStatus.SENDING.value,
    OUTBOX.c.claimed_until == bindparam("m_token", type_=OUTBOX.c.claimed_until.type),
)
_SETTLE = (
    update(OUTBOX)
    .where(_MINE)
    .values(
        status=bindparam("m_status"),
        attempts=OUTBOX.c.attempts + 1,
        last_error=bindparam("m_error"),
        claimed_until=None,
        # A finished mail's next_attempt_at is its last attempt: what the purge counts from.
        next_attempt_at=bindparam("m_now", type_=OUTBOX.c.next_attempt_at.type),
        sent_at=bindparam("m_sent_at", type_=OUTBOX.c.sent_at.type),
    )
)
_RETRY = (
    update(OUTBOX)
    .where(_MINE)
    .values(
        status=MailStatus.PENDING.value,
        attempts=bindparam("m_attempts"),
        last_error=bindparam("m_error"),
        claimed_until=None,
        next_attempt_at=bindparam("m_next", type_=OUTBOX.c.next_attempt_at.type),
    )
)
_RELEASE = update(OUTBOX).where(_MINE).values(status=MailStatus.PENDING.value, claimed_until=None)


def _settle(
    session: Connection,
    item: _Claimed,
    status: MailStatus,
    error: str | None,
    now: datetime,
) -> None:
    session.execute(
        _SETTLE,
        {
            **item.mine(),
            "m_status": status.value,
            "m_error": error,
            "m_now": now,
            "m_sent_at": now if status is MailStatus.SENT else None,
        },
    )


def _retry(
    session: Connection,
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
        _RETRY,
        {
            **item.mine(),
            "m_attempts": attempts,
            "m_error": error,
            "m_next": now + backoff(attempts, rng),
        },
    )
    return False


def _release(session: Connection, items: list[_Claimed]) -> int:
    """Give claimed mails back without counting an attempt."""
    released = 0
    for item in items:
        released += session.execute(_RELEASE, item.mine()).rowcount
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
