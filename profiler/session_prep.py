"""Session preparation: what changed since the last coaching session, for the coach to read.

Plain functions over the database; the exercise library is passed in as small callables
(`title_of`, `text_of`) so this module stays testable without Flask.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .models import Answer, AnswerRevision, CheckIn, Comment, Enrollment, PlanItem, User

QUESTIONNAIRES = ("q_start", "q_midway", "q_end")
CHECKIN_ITEMS = ("uncertainty", "confidence")
_TOKEN = re.compile(r"\s+|\S+\s*")


def plain_text(value: Any) -> str:
    """A readable text form of any stored answer value (fallback when no field is known)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "\n".join(plain_text(v) for v in value if plain_text(v))
    if isinstance(value, dict):
        return "\n".join(f"{k}: {plain_text(v)}" for k, v in value.items() if plain_text(v))
    return str(value)


def _words(text: str) -> list[str]:
    """Words with the white space after them, so spaces never anchor a match on their own."""
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> Markup:
    """`new` with words removed since `old` in <del> and added words in <ins>; all escaped.

    Changed stretches separated by a single short unchanged word are shown as one change,
    which reads more calmly than a word-by-word patchwork.
    """
    a, b = _words(old), _words(new)
    segments: list[list[str]] = []  # [kind, removed, added]; kind "equal" keeps `added`
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            segments.append(["equal", removed, added])
        elif segments and segments[-1][0] == "change":
            segments[-1][1] += removed
            segments[-1][2] += added
        else:
            segments.append(["change", removed, added])
    merged: list[list[str]] = []
    for index, segment in enumerate(segments):
        short = (
            segment[0] == "equal"
            and 0 < index < len(segments) - 1
            and len(segment[2].split()) == 1
            and len(segment[2].strip()) <= 4
        )
        if short and merged and merged[-1][0] == "change":
            merged[-1][1] += segment[1]
            merged[-1][2] += segment[2]
            continue
        if segment[0] == "change" and merged and merged[-1][0] == "change":
            merged[-1][1] += segment[1]
            merged[-1][2] += segment[2]
            continue
        merged.append(list(segment))
    out: list[str] = []
    for kind, removed, added in merged:
        if kind == "equal":
            out.append(str(escape(added)))
            continue
        if removed.strip():
            out.append(f"<del>{escape(removed.rstrip())}</del> ")
        if added.strip():
            core = added.rstrip()
            out.append(f"<ins>{escape(core)}</ins>{escape(added[len(core) :])}")
        elif added:
            out.append(str(escape(added)))
    return Markup("".join(out))


@dataclass
class FieldChange:
    """One answer field that is new or edited since the last session."""

    field_id: str
    label: str
    status: str  # "new" | "edited"
    before: str
    after: str
    diff: Markup
    updated_at: datetime


@dataclass
class ExerciseChanges:
    """The changed fields of one exercise."""

    exercise_id: str
    title: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Flag:
    """An exercise the client wants to discuss, with their note."""

    exercise_id: str
    title: str
    note: str | None


@dataclass
class Preparation:
    """Everything on the preparation page."""

    since: datetime | None
    changes: list[ExerciseChanges]
    flags: list[Flag]
    checkins: list[tuple[datetime, dict[str, float]]]
    questionnaires: dict[str, dict[str, float]]  # q_start/q_midway/q_end -> dimension -> score
    dimensions: list[str]
    open_comments: list[Comment]
    checkin_notes: list[tuple[datetime, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when nothing changed and nothing waits."""
        return not (self.changes or self.flags or self.open_comments)


def _revision_at(answer: Answer, moment: datetime | None) -> AnswerRevision | None:
    if moment is None:
        return None
    earlier = [r for r in answer.revisions if r.created_at <= moment]
    return earlier[-1] if earlier else None


def changed_answers(
    session: Session,
    client_id: int,
    since: datetime | None,
    *,
    title_of: Callable[[str], str],
    label_of: Callable[[str, str], str],
    text_of: Callable[[str, str, Any], str],
) -> list[ExerciseChanges]:
    """Answers new or edited after `since` (all answers when None), with a word diff."""
    query = select(Answer).where(Answer.client_id == client_id)
    if since is not None:
        query = query.where(Answer.updated_at > since)
    answers = session.scalars(query.order_by(Answer.exercise_id, Answer.id)).all()
    by_exercise: dict[str, ExerciseChanges] = {}
    for answer in answers:
        earlier = _revision_at(answer, since)
        before = text_of(answer.exercise_id, answer.field_id, earlier.value) if earlier else ""
        after = text_of(answer.exercise_id, answer.field_id, answer.value)
        if earlier is not None and before == after:
            continue
        group = by_exercise.setdefault(
            answer.exercise_id,
            ExerciseChanges(answer.exercise_id, title_of(answer.exercise_id)),
        )
        group.fields.append(
            FieldChange(
                field_id=answer.field_id,
                label=label_of(answer.exercise_id, answer.field_id),
                status="edited" if earlier is not None else "new",
                before=before,
                after=after,
                diff=word_diff(before, after) if earlier is not None else Markup(escape(after)),
                updated_at=answer.updated_at,
            )
        )
    return list(by_exercise.values())


def checkin_trend(session: Session, client_id: int) -> list[tuple[datetime, dict[str, float]]]:
    """The client's 1-10 check-ins, oldest first."""
    rows = session.scalars(
        select(CheckIn)
        .where(CheckIn.client_id == client_id, CheckIn.kind == "checkin")
        .order_by(CheckIn.created_at, CheckIn.id)
    ).all()
    trend = []
    for row in rows:
        values = row.values or {}
        numbers = {k: float(values[k]) for k in CHECKIN_ITEMS if _is_number(values.get(k))}
        if numbers:
            trend.append((row.created_at, numbers))
    if trend:
        return trend
    # No snapshots: every saved check-in answer is a revision of the check-in's scale field.
    revisions = session.scalars(
        select(AnswerRevision)
        .join(Answer, Answer.id == AnswerRevision.answer_id)
        .where(Answer.client_id == client_id, Answer.exercise_id == "checkin")
        .order_by(AnswerRevision.created_at, AnswerRevision.id)
    ).all()
    for revision in revisions:
        values = revision.value if isinstance(revision.value, dict) else {}
        numbers = {k: float(values[k]) for k in CHECKIN_ITEMS if _is_number(values.get(k))}
        if numbers:
            trend.append((revision.created_at, numbers))
    return trend


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def questionnaire_scores(
    session: Session,
    client_id: int,
    scores_of: Callable[[str], dict[str, float]] | None = None,
) -> dict[str, dict[str, float]]:
    """Scores per dimension for start, midway and end (the latest snapshot of each).

    Snapshots come from CheckIn rows with the questionnaire's id as kind; when there is none,
    `scores_of(questionnaire_id)` (the engine's scoring of the saved answers) is asked.
    """
    result: dict[str, dict[str, float]] = {}
    rows = session.scalars(
        select(CheckIn)
        .where(CheckIn.client_id == client_id, CheckIn.kind.in_(QUESTIONNAIRES))
        .order_by(CheckIn.created_at, CheckIn.id)
    ).all()
    for row in rows:
        values = {k: float(v) for k, v in (row.values or {}).items() if _is_number(v)}
        if values:
            result[row.kind] = values
    if scores_of is not None:
        for questionnaire in QUESTIONNAIRES:
            if questionnaire not in result:
                scores = scores_of(questionnaire)
                if scores:
                    result[questionnaire] = scores
    return result


def prepare(
    session: Session,
    enrollment: Enrollment,
    *,
    title_of: Callable[[str], str],
    label_of: Callable[[str, str], str],
    text_of: Callable[[str, str, Any], str],
    scores_of: Callable[[str], dict[str, float]] | None = None,
) -> Preparation:
    """The preparation of the next session with this client."""
    client_id = enrollment.client_id
    since = enrollment.last_session_at
    flagged = session.scalars(
        select(PlanItem)
        .where(PlanItem.enrollment_id == enrollment.id, PlanItem.flagged.is_(True))
        .order_by(PlanItem.position)
    ).all()
    questionnaires = questionnaire_scores(session, client_id, scores_of)
    dimensions: list[str] = []
    for scores in questionnaires.values():
        dimensions += [d for d in scores if d not in dimensions]
    open_comments = session.scalars(
        select(Comment)
        .where(Comment.client_id == client_id, Comment.read_at.is_(None))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    notes_query = select(CheckIn).where(
        CheckIn.client_id == client_id, CheckIn.note.is_not(None), CheckIn.note != ""
    )
    if since is not None:
        notes_query = notes_query.where(CheckIn.created_at > since)
    checkin_notes = [
        (row.created_at, row.note or "")
        for row in session.scalars(notes_query.order_by(CheckIn.created_at, CheckIn.id))
    ]
    return Preparation(
        since=since,
        changes=changed_answers(
            session, client_id, since, title_of=title_of, label_of=label_of, text_of=text_of
        ),
        flags=[Flag(i.exercise_id, title_of(i.exercise_id), i.flag_note) for i in flagged],
        checkins=checkin_trend(session, client_id),
        questionnaires=questionnaires,
        dimensions=dimensions,
        open_comments=list(open_comments),
        checkin_notes=checkin_notes,
    )


def record_session(session: Session, enrollment: Enrollment, *, by: User, now: datetime) -> None:
    """Note that a coaching session took place now: the next preparation starts from here."""
    enrollment.last_session_at = now
    audit.record(
        session,
        actor=by,
        client=enrollment.client,
        action="session.held",
        now=now,
        enrollment_id=enrollment.id,
    )
