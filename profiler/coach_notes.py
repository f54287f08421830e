"""Private coach notes about a client: kept apart from comments and never shown to the client."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .models import CoachNote, User

MAX_LENGTH = 10000


class NoteError(Exception):
    """A note that cannot be saved; the message is for the user."""


def add_note(
    session: Session, client: User, body: str, *, author: User, now: datetime
) -> CoachNote:
    """Add a private note about `client`."""
    text = (body or "").strip()
    if not text:
        raise NoteError(str(_l("Schrijf eerst een notitie.")))
    if len(text) > MAX_LENGTH:
        raise NoteError(str(_l("Je notitie is te lang. Maak haar korter.")))
    note = CoachNote(client_id=client.id, author_id=author.id, body=text, created_at=now)
    session.add(note)
    session.flush()
    audit.record(
        session, actor=author, client=client, action="note.added", now=now, note_id=note.id
    )
    return note


def notes_for(session: Session, client_id: int) -> list[CoachNote]:
    """A client's private notes, newest first."""
    return list(
        session.scalars(
            select(CoachNote)
            .where(CoachNote.client_id == client_id)
            .order_by(CoachNote.created_at.desc(), CoachNote.id.desc())
        )
    )


def check_deletable(note: CoachNote, by: User) -> None:
    """Raise NoteError unless `by` may delete `note`: its author or an admin."""
    if note.author_id != by.id and not by.is_admin:
        raise NoteError(str(_l("Je kunt alleen je eigen notities verwijderen.")))


def delete_note(session: Session, note: CoachNote, *, by: User, now: datetime) -> None:
    """Remove a note (its author or an admin only)."""
    check_deletable(note, by)
    audit.record(
        session,
        actor=by,
        client=session.get(User, note.client_id),
        action="note.deleted",
        now=now,
        note_id=note.id,
    )
    session.delete(note)
