"""Administrator services: people, roles, coach assignment, deactivation, deletion."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import audit
from .accounts import AccountError, end_sessions
from .models import (
    Answer,
    AnswerRevision,
    AuditEvent,
    CheckIn,
    CoachNote,
    Comment,
    OutboxMail,
    Role,
    User,
)


def set_active(session: Session, user: User, active: bool, *, by: User, now: datetime) -> None:
    """(De)activate an account; deactivation ends its sessions at once."""
    if user.id == by.id and not active:
        raise AccountError(str(_l("Je kunt je eigen account niet uitzetten.")))
    user.active = active
    if not active:
        end_sessions(user)
    audit.record(
        session,
        actor=by,
        action="user.activated" if active else "user.deactivated",
        now=now,
        client=user if user.is_client else None,
        user_id=user.id,
    )


def assign_coach(
    session: Session, client: User, coach: User | None, *, by: User, now: datetime
) -> None:
    """Give a client another coach (or none)."""
    if not client.is_client:
        raise AccountError(str(_l("Alleen cliënten hebben een coach.")))
    if coach is not None and not coach.is_coach:
        raise AccountError(str(_l("Kies een coach.")))
    client.coach_id = coach.id if coach else None
    audit.record(
        session,
        actor=by,
        action="user.coach_assigned",
        now=now,
        client=client,
        coach_id=coach.id if coach else None,
    )


def delete_client(session: Session, client: User, *, by: User, now: datetime) -> dict[str, int]:
    """Remove a client and everything attached: answers, revisions, comments, check-ins, mail.

    The audit log keeps that a deletion happened, without the client's name or e-mail.
    """
    if not client.is_client:
        raise AccountError(str(_l("Alleen cliënten kunnen hier verwijderd worden.")))
    answer_ids = select(Answer.id).where(Answer.client_id == client.id)
    counts = {
        "revisions": session.execute(
            delete(AnswerRevision).where(AnswerRevision.answer_id.in_(answer_ids))
        ).rowcount,
        "answers": session.execute(delete(Answer).where(Answer.client_id == client.id)).rowcount,
        "comments": session.execute(delete(Comment).where(Comment.client_id == client.id)).rowcount,
        "notes": session.execute(
            delete(CoachNote).where(CoachNote.client_id == client.id)
        ).rowcount,
        "checkins": session.execute(delete(CheckIn).where(CheckIn.client_id == client.id)).rowcount,
        "mails": session.execute(
            delete(OutboxMail).where(OutboxMail.user_id == client.id)
        ).rowcount,
    }
    counts["enrollments"] = len(client.enrollments)
    client_id = client.id
    session.execute(
        AuditEvent.__table__.update()
        .where(AuditEvent.client_id == client_id)
        .values(client_id=None)
    )
    session.delete(client)  # document choices and photo go with it (ON DELETE CASCADE)
    session.flush()
    forget_cached_documents(session, client_id)
    audit.record(
        session, actor=by, action="user.deleted", now=now, deleted_user_id=client_id, **counts
    )
    return counts


def pdf_cache_dir() -> Path:
    """PDFs hold personal data: cached in the instance folder only, a folder per client."""
    return Path(current_app.instance_path) / "pdf-cache"


def forget_cached_documents(session: Session, client_id: int) -> None:
    """Drop the client's cached PDFs: their folder in the PDF cache and the memory entries.

    Files directly in the cache folder date from before the folder per client: they are
    named by content, so they could be anyone's, and go too. Other clients' PDFs stay.
    Folders of clients deleted earlier go as well (see `sweep_cached_documents`).
    """
    from exports.cache import forget_owner, remove_unowned

    cache_dir = pdf_cache_dir()
    forget_owner(str(client_id), cache_dir)
    remove_unowned(cache_dir)
    sweep_cached_documents(session)


def sweep_cached_documents(session: Session) -> int:
    """Remove the cached PDFs of clients who no longer exist; returns how many folders went.

    A download in another process at the moment a client is deleted can write that client's
    folder again after it was removed; this finds it (run with every deletion and daily).
    """
    from exports.cache import MEMORY, forget_owner, owner_folders

    cache_dir = pdf_cache_dir()
    owners = sorted(o for o in set(owner_folders(cache_dir)) | MEMORY.owners() if o.isdigit())
    if not owners:
        return 0
    alive = {
        str(user_id)
        for user_id in session.scalars(select(User.id).where(User.id.in_([int(o) for o in owners])))
    }
    gone = [owner for owner in owners if owner not in alive]
    for owner in gone:
        forget_owner(owner, cache_dir)
    return len(gone)


SWEEP_EVERY_SECONDS = 3600
_last_sweep = [float("-inf")]


def sweep_cached_documents_now_and_then(session: Session) -> None:
    """`sweep_cached_documents` at most once an hour per process.

    Called where PDFs are made: each web process (also on other machines, each with its own
    instance folder) then drops a deleted client's PDFs from its disk and memory within the
    hour, not only the process that deleted the client.
    """
    now = time.monotonic()
    if now - _last_sweep[0] >= SWEEP_EVERY_SECONDS:
        _last_sweep[0] = now
        sweep_cached_documents(session)


def coaches(session: Session) -> list[User]:
    """All active coaches by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.COACH.value, User.active.is_(True))
            .order_by(User.name)
        )
    )
