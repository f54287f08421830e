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

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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


def _same(a: Any, b: Any) -> bool:
    """Equal as stored JSON (so 3 == 3.0 and tuple == list); empty equals empty."""
    if is_empty(a) and is_empty(b):
        return True
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def answers_for(session: Session, client: User, exercise_id: str) -> dict[str, Answer]:
    """The client's answers to one exercise, by field id (removed fields included)."""
    rows = session.scalars(
        select(Answer)
        .where(Answer.client_id == client.id, Answer.exercise_id == exercise_id)
        .options(selectinload(Answer.revisions))
    ).all()
    return {a.field_id: a for a in rows}


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


def current_revisions(answers: Mapping[str, Answer]) -> dict[str, int]:
    """Field id -> current revision number (what a page must send back as expected)."""
    return {field_id: answer.revision for field_id, answer in answers.items()}


def _value_at(answer: Answer | None, revision: int) -> Any:
    if answer is None or revision <= 0:
        return None
    for rev in answer.revisions:
        if rev.revision == revision:
            return rev.value
    return None


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
    yet"); a field missing from it is saved without a check. Flushes, never commits.
    """
    expected = expected or {}
    stored = answers_for(session, client, exercise_id)
    result = SaveResult(revisions=current_revisions(stored))
    for field_id, value in values.items():
        answer = stored.get(field_id)
        current = answer.value if answer else None
        if _same(value, current):
            continue  # idempotent: nothing changed
        base = expected.get(field_id)
        current_rev = answer.revision if answer else 0
        if base is not None and base != current_rev:
            if _same(value, _value_at(answer, base)):
                # This tab did not touch the field; the newer text from the other tab stays.
                result.stale.append(field_id)
                result.revisions[field_id] = base
                continue
            assert answer is not None  # current_rev > base >= 0 means a row exists
            _mark_conflict(answer, current_rev)
            result.conflicts.append(Conflict(field_id, answer.value, current_rev, current_rev + 1))
        if answer is None:
            answer = Answer(
                client_id=client.id,
                exercise_id=exercise_id,
                field_id=field_id,
                value=value,
                revision=0,
                created_at=now,
                updated_at=now,
            )
            session.add(answer)
            stored[field_id] = answer
        answer.revision += 1
        answer.value = value
        answer.updated_at = now
        answer.revisions.append(
            AnswerRevision(revision=answer.revision, value=value, created_at=now, conflict=False)
        )
        result.changed.append(field_id)
        result.revisions[field_id] = answer.revision
    session.flush()
    return result


def _mark_conflict(answer: Answer, revision: int) -> None:
    for rev in answer.revisions:
        if rev.revision == revision:
            rev.conflict = True


def open_conflicts(answers: Mapping[str, Answer]) -> dict[str, list[AnswerRevision]]:
    """Per field, the other-tab texts kept on a conflict that the client has not yet closed."""
    result: dict[str, list[AnswerRevision]] = {}
    for field_id, answer in answers.items():
        kept = [r for r in answer.revisions if r.conflict and r.revision != answer.revision]
        if kept:
            result[field_id] = kept
    return result


def close_conflicts(answers: Iterable[Answer]) -> int:
    """The client has looked at the kept texts: stop showing them (the revisions stay)."""
    closed = 0
    for answer in answers:
        for rev in answer.revisions:
            if rev.conflict:
                rev.conflict = False
                closed += 1
    return closed


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
