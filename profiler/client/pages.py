"""Read models for the client pages: what an exercise page, the workbook and the charts show.

Plain functions over the database session, the library and the engine; no request, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from .. import answers as answer_service
from .. import exercises as engine
from ..models import Answer, User
from ..plan_view import PlanView, Step


@dataclass
class ScoreBlock:
    """The scores of one scale field: chart (with its table) and plain explanations."""

    field_id: str
    title: str
    chart: Markup
    explanations: list[tuple[str, str, float | None]]  # label, explanation, score


@dataclass
class Earlier:
    """An answer to a field that is no longer in the exercise."""

    field_id: str
    text: str
    updated_at: Any


@dataclass
class KeptText:
    """A text kept from another window after two saves of the same field."""

    field_id: str
    label: str
    text: str
    saved_at: Any


@dataclass
class WorkbookEntry:
    """One exercise in the working document."""

    step: Step
    items: list[tuple[str, str]] = field(default_factory=list)  # (question, answer text)
    earlier: list[Earlier] = field(default_factory=list)
    scores: list[ScoreBlock] = field(default_factory=list)


def stored_values(stored: Mapping[str, Answer]) -> dict[str, Any]:
    """Field id -> current value."""
    return {field_id: answer.value for field_id, answer in stored.items()}


def all_scores(library: Any, everything: Mapping[str, Mapping[str, Any]], lang: str) -> dict:
    """Scores of every answered exercise: exercise id -> field id -> dimension -> score."""
    result: dict[str, Any] = {}
    for exercise_id, values in everything.items():
        exercise = library.get(exercise_id, lang)
        if exercise is not None:
            scores = engine.scores_for(exercise, values)
            if scores:
                result[exercise_id] = scores
    return result


def score_blocks(
    exercise: Any, scores: Mapping[str, Any], lang: str, *, skip_shown: bool = True
) -> list[ScoreBlock]:
    """Chart and explanations for each scale field that has scores.

    Left out when the exercise itself already shows those scores with a `show` field.
    """
    shown = {
        f.source.split(".")[1]
        for f in exercise.fields
        if skip_shown
        and f.type == "show"
        and f.shows_scores
        and f.source.startswith(exercise.id + ".")
    }
    blocks = []
    for item in exercise.input_fields:
        field_scores = scores.get(item.id)
        if item.type != "scale" or not field_scores or item.id in shown:
            continue
        chart = engine.score_chart_svg(
            item.dimensions, field_scores, item.min, item.max, item.label or exercise.title, lang
        )
        explanations = [(d.label, d.explanation, field_scores.get(d.id)) for d in item.dimensions]
        blocks.append(ScoreBlock(item.id, item.label, chart, explanations))
    return blocks


def earlier_answers(exercise: Any, stored: Mapping[str, Answer]) -> list[Earlier]:
    """Answers kept for fields that were removed from the exercise."""
    kept = answer_service.earlier_answers(stored, [f.id for f in exercise.fields])
    return [
        Earlier(field_id, answer_service.plain_text(answer.value), answer.updated_at)
        for field_id, answer in sorted(kept.items())
    ]


def kept_texts(exercise: Any, conflicts: Mapping[str, list[Any]]) -> list[KeptText]:
    """Texts from another window that were kept on a conflict and not yet closed.

    `conflicts`: field id -> kept revisions, as `answers.for_exercise_page` reads them.
    """
    result = []
    for field_id, revisions in conflicts.items():
        definition = exercise.field(field_id)
        for revision in revisions:
            if definition is not None:
                shown = definition.as_text(revision.value)
            else:
                shown = answer_service.plain_text(revision.value)
            label = definition.label if definition is not None else field_id
            result.append(KeptText(field_id, label, shown, revision.created_at))
    return result


def render_form(
    library: Any,
    exercise: Any,
    everything: dict[str, dict[str, Any]],
    errors: Mapping[str, list[str]],
    lang: str,
) -> Markup:
    """The engine's fields of `exercise` holding the values in `everything`."""
    scores = all_scores(library, everything, lang)
    return engine.render_exercise(exercise, everything, scores, errors, lang)


def workbook(
    session: Session, client: User, plan: PlanView, library: Any, lang: str
) -> list[tuple[Any, list[WorkbookEntry]]]:
    """Every answered or open exercise with its answers as text, grouped by part."""
    stored_all = _all_answer_rows(session, client)
    values = {exercise_id: stored_values(rows) for exercise_id, rows in stored_all.items()}
    scores = all_scores(library, values, lang)
    result = []
    for part in plan.parts:
        entries = []
        for step in part.steps:
            stored = stored_all.get(step.exercise_id, {})
            if not stored and not step.available:
                continue
            exercise = library.get(step.exercise_id, lang)
            entry = WorkbookEntry(step)
            if exercise is not None:
                for item in exercise.input_fields:
                    if item.type == "scale":
                        continue  # shown as the score chart below, not item by item
                    if item.id in stored:
                        shown = item.as_text(stored[item.id].value)
                        if shown.strip():
                            entry.items.append((item.label or item.id, shown))
                entry.earlier = earlier_answers(exercise, stored)
                entry.scores = score_blocks(
                    exercise, scores.get(step.exercise_id, {}), lang, skip_shown=False
                )
            else:
                entry.earlier = [
                    Earlier(f, answer_service.plain_text(a.value), a.updated_at)
                    for f, a in sorted(stored.items())
                ]
            entries.append(entry)
        if entries:
            result.append((part, entries))
    return result


def _all_answer_rows(session: Session, client: User) -> dict[str, dict[str, Answer]]:
    from sqlalchemy import select

    rows = session.scalars(select(Answer).where(Answer.client_id == client.id)).all()
    result: dict[str, dict[str, Answer]] = {}
    for answer in rows:
        result.setdefault(answer.exercise_id, {})[answer.field_id] = answer
    return result
