"""Coach comments on a client's exercise: written by the coach, read by the client."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, or_, select, update
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


def check_deletable(comment: Comment, by: User) -> None:
    """Raise CommentError unless `by` may delete `comment`: its author or an admin."""
    if comment.author_id != by.id and not by.is_admin:
        raise CommentError(str(_l("Je kunt alleen je eigen opmerkingen verwijderen.")))


def delete_comment(session: Session, comment: Comment, *, by: User, now: datetime) -> None:
    """Remove a comment (only its author or an admin may; the view checks access first)."""
    check_deletable(comment, by)
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


_UNREAD = (
    select(Comment)
    .where(Comment.client_id == bindparam("client_id"), Comment.read_at.is_(None))
    .order_by(Comment.created_at, Comment.id)
)


def unread_comments(session: Session, client_id: int) -> list[Comment]:
    """Comments the client has not opened yet, oldest first (shown on /me)."""
    return list(session.scalars(_UNREAD, {"client_id": client_id}))


@dataclass(frozen=True)
class PageComment:
    """A comment as the client's exercise page shows it."""

    id: int
    exercise_id: str
    body: str
    created_at: datetime
    read_at: datetime | None
    author_name: str | None  # None when the coach's account is gone


@dataclass
class PageComments:
    """What an exercise page shows of comments, read in one query."""

    client_id: int
    exercise_id: str
    on_exercise: list[PageComment]  # this exercise's comments, oldest first
    unread: dict[str, int]  # exercise id -> comments not yet read (for the plan's badges)

    def mark_read(self, session: Session, now: datetime) -> int:
        """The client opened the exercise: its comments are read; returns how many changed."""
        if not any(c.read_at is None for c in self.on_exercise):
            return 0
        result = session.execute(
            update(Comment)
            .where(
                Comment.client_id == self.client_id,
                Comment.exercise_id == self.exercise_id,
                Comment.read_at.is_(None),
            )
            .values(read_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


# Built once: the statement's cache key is then not worked out again on every page.
_PAGE_COMMENTS = (
    select(
        Comment.id,
        Comment.exercise_id,
        Comment.body,
        Comment.created_at,
        Comment.read_at,
        User.name,
    )
    .outerjoin(User, User.id == Comment.author_id)
    .where(
        Comment.client_id == bindparam("client_id"),
        or_(Comment.exercise_id == bindparam("exercise_id"), Comment.read_at.is_(None)),
    )
    .order_by(Comment.created_at, Comment.id)
)


def for_exercise_page(session: Session, client_id: int, exercise_id: str) -> PageComments:
    """The comments on one exercise and the unread counts of all, in one query."""
    rows = [
        PageComment(*row)
        for row in session.connection().execute(
            _PAGE_COMMENTS, {"client_id": client_id, "exercise_id": exercise_id}
        )
    ]
    unread = Counter(c.exercise_id for c in rows if c.read_at is None)
    return PageComments(
        client_id, exercise_id, [c for c in rows if c.exercise_id == exercise_id], dict(unread)
    )
