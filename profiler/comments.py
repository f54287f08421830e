"""Coach comments on a client's exercise: written by the coach, read by the client."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .models import Comment, User

MAX_LENGTH = 5000


class CommentError(Exception):
    """A comment that cannot be saved; the message is for the user."""


def add_comment(
    session: Session,
    client: User,
    exercise_id: str,
    body: str,
    *,
    author: User,
    now: datetime,
    field_id: str | None = None,
) -> Comment:
    """Add a comment on `exercise_id` (optionally on one field) for the client to read."""
    text = (body or "").strip()
    if not text:
        raise CommentError(str(_l("Schrijf eerst een opmerking.")))
    if len(text) > MAX_LENGTH:
        raise CommentError(str(_l("Je opmerking is te lang. Maak haar korter.")))
    comment = Comment(
        client_id=client.id,
        author_id=author.id,
        exercise_id=exercise_id,
        field_id=field_id,
        body=text,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    audit.record(
        session,
        actor=author,
        client=client,
        action="comment.added",
        now=now,
        exercise=exercise_id,
        comment_id=comment.id,
    )
    return comment


def delete_comment(session: Session, comment: Comment, *, by: User, now: datetime) -> None:
    """Remove a comment (only its author or an admin may; the view checks access first)."""
    if comment.author_id != by.id and not by.is_admin:
        raise CommentError(str(_l("Je kunt alleen je eigen opmerkingen verwijderen.")))
    audit.record(
        session,
        actor=by,
        client=session.get(User, comment.client_id),
        action="comment.deleted",
        now=now,
        exercise=comment.exercise_id,
        comment_id=comment.id,
    )
    session.delete(comment)


def comments_for(session: Session, client_id: int, exercise_id: str) -> list[Comment]:
    """The comments on one exercise of a client, oldest first."""
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.client_id == client_id, Comment.exercise_id == exercise_id)
            .order_by(Comment.created_at, Comment.id)
        )
    )


def unread_comments(session: Session, client_id: int) -> list[Comment]:
    """Comments the client has not opened yet, oldest first (shown on /me)."""
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.client_id == client_id, Comment.read_at.is_(None))
            .order_by(Comment.created_at, Comment.id)
        )
    )


def mark_read(session: Session, client: User, exercise_id: str, now: datetime) -> int:
    """Mark the client's unread comments on an exercise as read; returns how many."""
    unread = [c for c in comments_for(session, client.id, exercise_id) if c.read_at is None]
    for comment in unread:
        comment.read_at = now
    return len(unread)
