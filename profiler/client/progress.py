"""What a client's work does to their plan: started, done, flagged for the coach, activity."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from .. import answers, audit, checkins
from ..models import PlanItem, User

FLAG_NOTE_MAX = 1000


def item_for(session: Session, client: User, exercise_id: str) -> PlanItem | None:
    """The client's plan item for an exercise in the current enrollment, or None."""
    enrollment = client.enrollment
    if enrollment is None:
        return None
    return next((i for i in enrollment.items if i.exercise_id == exercise_id), None)


ACTIVITY_PRECISION = timedelta(minutes=1)


def touch(client: User, now: datetime) -> None:
    """The client did something: reminders count from here, the coach sees the activity.

    Kept to the minute: an autosave every few seconds does not rewrite the user each time.
    """
    last = client.last_activity_at
    if last is None or not timedelta(0) <= now - last < ACTIVITY_PRECISION:
        client.last_activity_at = now


def started(item: PlanItem, now: datetime) -> None:
    """The first saved answer makes an open exercise "in progress"."""
    if item.started_at is None:
        item.started_at = now


def set_flag(item: PlanItem, flagged: bool, note: str | None) -> bool:
    """Mark (or unmark) an exercise "bespreken met coach"; returns True when it changed."""
    note = (note or "").strip()[:FLAG_NOTE_MAX] or None
    new_note = note if flagged else None
    changed = item.flagged != flagged or item.flag_note != new_note
    if changed:  # assigning the same values would still make the commit flush the item
        item.flagged = flagged
        item.flag_note = new_note
    return changed


def mark_done(
    session: Session,
    client: User,
    item: PlanItem,
    *,
    now: datetime,
    kind: str,
    scores: dict[str, float] | None = None,
) -> bool:
    """Mark an exercise done; a questionnaire keeps a snapshot of its scores for the charts.

    Returns False when it was already done.
    """
    if item.done_at is not None:
        return False
    started(item, now)
    item.done_at = now
    if kind == "questionnaire" and scores:
        checkins.record(session, client, scores, now=now, kind=item.exercise_id)
    audit.record(
        session,
        actor=client,
        client=client,
        action="exercise.done",
        now=now,
        exercise=item.exercise_id,
    )
    enrollment = item.enrollment
    if enrollment.finished_at is None and all(
        i.done_at is not None for i in enrollment.items if not i.skipped
    ):
        # The whole plan is done: the dashboard shows "afgerond" and retention counts from here.
        enrollment.finished_at = now
        audit.record(
            session,
            actor=client,
            client=client,
            action="plan.finished",
            now=now,
            enrollment_id=enrollment.id,
        )
    return True


def reopen(item: PlanItem) -> None:
    """Not done after all (the client wants to keep working on it)."""
    item.done_at = None
    item.enrollment.finished_at = None


@dataclass
class Submission:
    """What the client sent for one exercise, already parsed by the engine."""

    values: dict[str, Any]
    errors: Mapping[str, list[str]]
    expected: Mapping[str, int]
    flagged: bool
    flag_note: str | None
    finishing: bool  # "Klaar" was pressed
    lang: str = "nl"


@dataclass
class Outcome:
    """What saving a submission did."""

    result: answers.SaveResult
    errors: dict[str, list[str]] = field(default_factory=dict)  # errors that kept text unsaved
    done_now: bool = False
    done_refused: bool = False  # "Klaar" pressed while something is missing or wrong
    refused: tuple[str, ...] = ()  # error keys whose typed value was not stored (too long...)


def _blocking(
    exercise: Any, values: Mapping[str, Any], errors: Mapping[str, list[str]], lang: str
) -> dict:
    """Errors that make a value unfit to store (too long, unknown option...).

    "Still empty" or "fill in at least 3 lines" only stops "Klaar": a half-filled answer is
    always saved. The field is checked again as if it were optional to tell them apart.
    """
    blocking: dict[str, list[str]] = {}
    checked: dict[str, dict[str, list[str]]] = {}
    for key, messages in errors.items():
        if not messages:
            continue
        field_id = key.split(".", 1)[0]
        definition = exercise.field(field_id)
        if definition is None or not definition.required:
            blocking[key] = list(messages)
            continue
        if field_id not in checked:
            optional = dataclasses.replace(definition, required=False)
            checked[field_id] = optional.check(values.get(field_id), lang)
        if checked[field_id].get(key):
            blocking[key] = list(checked[field_id][key])
    return blocking


def submit(
    session: Session,
    client: User,
    item: PlanItem,
    exercise: Any,
    submission: Submission,
    *,
    now: datetime,
    scores_of,
) -> Outcome:
    """Save every valid answer, the coach flag, and "done" when asked and complete.

    Fields with an error are not saved (the page keeps the typed text); an empty required
    field only stops "Klaar", never saving. `scores_of(values)` gives the exercise's scores
    (field id -> dimension -> score) for the questionnaire snapshot.
    """
    blocking = _blocking(exercise, submission.values, submission.errors, submission.lang)
    bad = {key.split(".", 1)[0] for key in blocking}
    to_save = {k: v for k, v in submission.values.items() if k not in bad}
    result = answers.save_answers(
        session, client, item.exercise_id, to_save, now=now, expected=submission.expected
    )
    if result.any_changed:
        started(item, now)
    set_flag(item, submission.flagged, submission.flag_note)
    touch(client, now)
    outcome = Outcome(result=result, errors=blocking, refused=tuple(blocking))
    if submission.finishing:
        missing = {k: list(v) for k, v in submission.errors.items() if v}
        if missing:
            outcome.errors = missing
            outcome.done_refused = True
        else:
            stored = {
                f: a.value
                for f, a in answers.answers_for(session, client, item.exercise_id).items()
            }
            flat: dict[str, float] = {}
            for field_scores in (scores_of(stored) or {}).values():
                flat.update(field_scores)
            outcome.done_now = mark_done(
                session, client, item, now=now, kind=exercise.kind, scores=flat
            )
    session.flush()
    return outcome
