"""Which answers a client's coach has not read yet.

An exercise's answers are new to the coach when one of them was saved after the coach last
opened that exercise (`ExerciseRead`) and after the coach last marked everything read
(`Enrollment.coach_seen_at`: the session preparation, or "Zet alles op gelezen" on the
plan).
Opening the plan itself reads nothing: its badges stay until the answers are looked at.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, literal, or_, select
from sqlalchemy.orm import Session

from .database import upsert_insert
from .models import Answer, ExerciseRead, UTCDateTime

_READS = ExerciseRead.__table__


def unread(seen: ColumnElement) -> ColumnElement[bool]:
    """The condition on `Answer` for an answer the coach has not seen: saved after `seen`
    (an expression; NULL when the coach never marked everything read) and after its
    exercise was last opened."""
    read_later = exists().where(
        ExerciseRead.client_id == Answer.client_id,
        ExerciseRead.exercise_id == Answer.exercise_id,
        ExerciseRead.read_at >= Answer.updated_at,
    )
    return and_(or_(seen.is_(None), Answer.updated_at > seen), ~read_later)


def unread_exercises(session: Session, client_id: int, seen: datetime | None) -> set[str]:
    """The client's exercises with answers the coach has not read."""
    query = (
        select(Answer.exercise_id)
        .where(Answer.client_id == client_id, unread(literal(seen, UTCDateTime())))
        .group_by(Answer.exercise_id)
    )
    return set(session.scalars(query))


def mark_read(session: Session, client_id: int, exercise_id: str, now: datetime) -> None:
    """The coach opened the exercise's answers now (one statement, also when two tabs
    open it at once)."""
    insert = upsert_insert(session.get_bind().dialect.name)
    session.execute(
        insert(_READS)
        .values(client_id=client_id, exercise_id=exercise_id, read_at=now)
        .on_conflict_do_update(
            index_elements=[_READS.c.client_id, _READS.c.exercise_id], set_={"read_at": now}
        )
    )
