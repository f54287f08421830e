"""Saving a client's answers: one revision per change, idempotent, and no text lost between tabs.

Every field of an exercise is stored as one `Answer` row with its revisions. A save names,
per field, the revision the page was loaded with (`expected`). Three cases:

- the stored revision is still the expected one: a normal save (a new revision when the
  value changed, nothing at all when it did not);
- another tab saved since, and this tab did not change the field: nothing is written, and
  the field is reported as `stale` (the page should be reloaded to see the newer text);
- another tab saved since, and this tab changed the field too: a conflict. The later save
  becomes the current text, the other tab's text stays as a revision marked `conflict`, and
  the field is reported so the user can be told plainly. Both texts are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, false, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from .models import Answer, AnswerRevision, User


@dataclass
class Conflict:
    """A field two tabs both changed: `theirs` is the other tab's text, kept as a revision."""

    field_id: str
    theirs: Any
    theirs_revision: int
    mine_revision: int


@dataclass
class SaveResult:
    """What a save did, per field."""

    revisions: dict[str, int] = field(default_factory=dict)  # field -> revision to expect next
    changed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def any_changed(self) -> bool:
        """True when at least one field got a new revision."""
        return bool(self.changed)


def is_empty(value: Any) -> bool:
    """True for a value that holds nothing the client typed or chose."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple):
        return all(is_empty(v) for v in value)
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def _texts(value: Any) -> bool:
    """A text or a list of texts: values whose == is the same as their JSON's."""
    return type(value) is str or (type(value) is list and all(type(v) is str for v in value))


def _same(a: Any, b: Any) -> bool:
    """Equal as stored JSON (a tuple is the list it is stored as; 3, 3.0 and True differ);
    empty equals empty."""
    if type(a) is type(b) and a == b and _texts(a):
        return True  # the common case, a text the save did not change: no JSON written
    if is_empty(a) and is_empty(b):
        return True
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def answers_for(session: Session, client: User, exercise_id: str) -> dict[str, Answer]:
    """The client's answers to one exercise, by field id (removed fields included).

    Without their revisions: those grow with every autosave, and a save or a page needs at
    most one of them (see `_value_at`) or the few kept on a conflict (`for_exercise_page`).
    """
    rows = session.scalars(
        select(Answer).where(Answer.client_id == client.id, Answer.exercise_id == exercise_id)
    ).all()
    return {a.field_id: a for a in rows}


@dataclass(frozen=True)
class StoredAnswer:
    """A stored answer as a page reads it (not for changing)."""

    id: int
    field_id: str
    value: Any
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class KeptRevision:
    """A text from another tab, kept on a conflict."""

    revision: int
    value: Any
    created_at: datetime


@dataclass
class PageAnswers:
    """What an exercise page needs of the client's answers, read in one query."""

    values: dict[str, dict[str, Any]]  # every exercise: field id -> current value
    stored: dict[str, StoredAnswer]  # the page's exercise, by field id
    conflicts: dict[str, list[KeptRevision]]  # the page's exercise: open conflicts by field

    @property
    def answered(self) -> dict[str, int]:
        """Exercise id -> number of stored fields (the plan's "answered" counts)."""
        return {exercise_id: len(fields) for exercise_id, fields in self.values.items()}


# Built once (see for_exercise_page): only kept conflict revisions of the page's exercise
# are joined, never the whole history.
_PAGE_ANSWERS = (
    select(
        Answer.id,
        Answer.exercise_id,
        Answer.field_id,
        Answer.value,
        Answer.revision,
        Answer.updated_at,
        AnswerRevision.revision,
        AnswerRevision.value,
        AnswerRevision.created_at,
    )
    .outerjoin(
        AnswerRevision,
        and_(
            AnswerRevision.answer_id == Answer.id,
            AnswerRevision.conflict.is_(True),
            Answer.exercise_id == bindparam("exercise_id"),
        ),
    )
    .where(Answer.client_id == bindparam("client_id"))
    .order_by(Answer.id, AnswerRevision.revision)
)


def for_exercise_page(session: Session, client_id: int, exercise_id: str) -> PageAnswers:
    """All current values of the client, with the stored rows and open conflicts of one
    exercise, in one query (on the session's connection: no ORM step for plain rows)."""
    rows = session.connection().execute(
        _PAGE_ANSWERS, {"client_id": client_id, "exercise_id": exercise_id}
    )
    result = PageAnswers({}, {}, {})
    for answer_id, ex_id, field_id, value, revision, updated, kept_rev, kept_value, kept_at in rows:
        result.values.setdefault(ex_id, {})[field_id] = value
        if ex_id != exercise_id:
            continue
        result.stored[field_id] = StoredAnswer(answer_id, field_id, value, revision, updated)
        if kept_rev is not None and kept_rev != revision:
            result.conflicts.setdefault(field_id, []).append(
                KeptRevision(kept_rev, kept_value, kept_at)
            )
    return result


def all_answers(session: Session, client: User) -> dict[str, dict[str, Any]]:
    """Every current answer value of the client: exercise id -> field id -> value."""
    rows = session.execute(
        select(Answer.exercise_id, Answer.field_id, Answer.value).where(
            Answer.client_id == client.id
        )
    ).all()
    result: dict[str, dict[str, Any]] = {}
    for exercise_id, field_id, value in rows:
        result.setdefault(exercise_id, {})[field_id] = value
    return result


def current_revisions(answers: Mapping[str, Any]) -> dict[str, int]:
    """Field id -> current revision number (what a page must send back as expected)."""
    return {field_id: answer.revision for field_id, answer in answers.items()}


def _value_at(session: Session, answer: Any, revision: int) -> Any:
    if answer is None or answer.id is None or revision <= 0:
        return None
    return session.scalar(
        select(AnswerRevision.value).where(
            AnswerRevision.answer_id == answer.id, AnswerRevision.revision == revision
        )
    )


# Built once. A save writes with plain statements rather than through the ORM's unit of
# work: an autosave comes every few seconds while a client types.
_STORED = select(Answer.id, Answer.field_id, Answer.value, Answer.revision).where(
    Answer.client_id == bindparam("client_id"), Answer.exercise_id == bindparam("exercise_id")
)
_NEW_ANSWER = insert(Answer)
_CHANGE_ANSWER = (
    update(Answer)
    .where(Answer.id == bindparam("answer_id"))
    .values(
        value=bindparam("new_value", type_=Answer.value.type),
        revision=bindparam("new_revision"),
        updated_at=bindparam("now", type_=Answer.updated_at.type),
    )
)
_NEW_REVISION = insert(AnswerRevision)
# PostgreSQL changes the answer and adds its revision in one statement (one round trip
# instead of two); SQLite has no UPDATE in a WITH clause and runs the two above.
_CHANGED = _CHANGE_ANSWER.returning(Answer.id).cte("changed")
_CHANGE_WITH_REVISION = (
    insert(AnswerRevision)
    .from_select(
        ["answer_id", "revision", "value", "created_at", "conflict"],
        select(
            _CHANGED.c.id,
            bindparam("new_revision", type_=AnswerRevision.revision.type),
            bindparam("new_value", type_=AnswerRevision.value.type),
            bindparam("now", type_=AnswerRevision.created_at.type),
            false(),
        ),
    )
    .returning(AnswerRevision.id)
)


@dataclass
class _Stored:
    id: int
    value: Any
    revision: int


def save_answers(
    session: Session,
    client: User,
    exercise_id: str,
    values: Mapping[str, Any],
    *,
    now: datetime,
    expected: Mapping[str, int] | None = None,
) -> SaveResult:
    """Save `values` (field id -> value) for one exercise; see the module docstring.

    `expected` maps field id to the revision the page was loaded with (0 for "no answer
    yet"); a field missing from it is saved without a check. Writes in the session's
    transaction, never commits. Two saves of the same new revision at the same moment fail
    on the unique revision number (IntegrityError): the caller reads again and retries.
    """
    expected = expected or {}
    connection = session.connection()  # plain statements need no ORM step (or autoflush)
    stored = {
        field_id: _Stored(answer_id, value, revision)
        for answer_id, field_id, value, revision in connection.execute(
            _STORED, {"client_id": client.id, "exercise_id": exercise_id}
        )
    }
    result = SaveResult(revisions=current_revisions(stored))
    for field_id, value in values.items():
        answer = stored.get(field_id)
        current = answer.value if answer else None
        if _same(value, current):
            continue  # idempotent: nothing changed
        base = expected.get(field_id)
        current_rev = answer.revision if answer else 0
        # Without a stored answer there is no other text to keep (a made-up marker, or one
        # from before the answers were deleted): the typed text is saved as the first one.
        if answer is not None and base is not None and base != current_rev:
            if _same(value, _value_at(session, answer, base)):
                # This tab did not touch the field; the newer text from the other tab stays.
                result.stale.append(field_id)
                result.revisions[field_id] = base
                continue
            _mark_conflict(session, answer, current_rev)
            result.conflicts.append(Conflict(field_id, answer.value, current_rev, current_rev + 1))
        if answer is None:
            row = dict(client_id=client.id, exercise_id=exercise_id, field_id=field_id)
            inserted = connection.execute(
                _NEW_ANSWER,
                {**row, "value": value, "revision": 1, "created_at": now, "updated_at": now},
            )
            answer = _Stored(inserted.inserted_primary_key[0], value, 1)
            stored[field_id] = answer
            connection.execute(_NEW_REVISION, _revision_row(answer, now))
        else:
            answer.revision += 1
            answer.value = value
            _forget(session, answer.id)
            _write_change(connection, answer, now)
        result.changed.append(field_id)
        result.revisions[field_id] = answer.revision
    return result


def _write_change(connection: Connection, answer: _Stored, now: datetime) -> None:
    """The answer's new value and revision, and that revision's row: one statement on
    PostgreSQL, two on SQLite (in the caller's transaction either way)."""
    change = {
        "answer_id": answer.id,
        "new_value": answer.value,
        "new_revision": answer.revision,
        "now": now,
    }
    if connection.dialect.name == "postgresql":
        if connection.execute(_CHANGE_WITH_REVISION, change).first() is None:
            # The answer was deleted since it was read: refuse as SQLite's foreign key does
            # (the caller reads again and retries once).
            raise IntegrityError(
                "WITH changed AS (UPDATE answers ...) INSERT INTO answer_revisions ...",
                change,
                LookupError(f"answer {answer.id} no longer exists"),
            )
    else:
        connection.execute(_CHANGE_ANSWER, change)
        connection.execute(_NEW_REVISION, _revision_row(answer, now))


def _revision_row(answer: _Stored, now: datetime) -> dict[str, Any]:
    """The parameters of `_NEW_REVISION` for the answer's current value and revision."""
    return {
        "answer_id": answer.id,
        "revision": answer.revision,
        "value": answer.value,
        "created_at": now,
        "conflict": False,
    }


def _forget(session: Session, answer_id: int) -> None:
    """An Answer object this session already holds is now out of date: reload it on use."""
    held = session.identity_map.get(identity_key(Answer, answer_id))
    if held is not None:
        session.expire(held)


def _mark_conflict(session: Session, answer: Any, revision: int) -> None:
    session.execute(
        update(AnswerRevision)
        .where(AnswerRevision.answer_id == answer.id, AnswerRevision.revision == revision)
        .values(conflict=True)
    )


def close_conflicts(session: Session, answers: Iterable[Answer]) -> int:
    """The client has looked at the kept texts: stop showing them (the revisions stay)."""
    ids = [answer.id for answer in answers if answer.id is not None]
    if not ids:
        return 0
    result = session.execute(
        update(AnswerRevision)
        .where(AnswerRevision.answer_id.in_(ids), AnswerRevision.conflict.is_(True))
        .values(conflict=False)
    )
    return int(result.rowcount or 0)


def earlier_answers(answers: Mapping[str, Answer], field_ids: Iterable[str]) -> dict[str, Answer]:
    """Answers to fields that are no longer in the exercise ("eerdere antwoorden")."""
    known = set(field_ids)
    return {
        field_id: answer
        for field_id, answer in answers.items()
        if field_id not in known and not is_empty(answer.value)
    }


def plain_text(value: Any) -> str:
    """A readable text for any stored value (used where no field definition exists)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        parts = [plain_text(v) for v in value]
        return "\n".join(p for p in parts if p.strip())
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            text = plain_text(item)
            if text.strip():
                lines.append(f"{key}: {text}")
        return "\n".join(lines)
    return str(value)
