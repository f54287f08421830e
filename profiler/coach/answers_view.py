"""A client's answers as the coach reads them: read-only, escaped, by the engine's own fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Answer, User
from ..session_prep import QUESTIONNAIRES, plain_text
from . import catalog


@dataclass
class AnswerSection:
    """One answered (or open) field: its label and the answer as escaped HTML."""

    field_id: str
    label: str
    html: Markup
    empty: bool
    earlier: bool = False  # an answer to a field the exercise no longer has
    revision: int = 0


def _paragraphs(text: str) -> Markup:
    parts = [p for p in text.split("\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(p) for p in parts)


def _field(exercise_id: str, field_id: str, lang: str) -> Any | None:
    found = catalog.exercise(exercise_id, lang)
    lookup = getattr(found, "field", None)
    return lookup(field_id) if callable(lookup) else None


def text_of(exercise_id: str, field_id: str, value: Any, lang: str) -> str:
    """An answer as plain text, through the field when the library knows it."""
    field = _field(exercise_id, field_id, lang)
    if field is not None:
        try:
            return field.as_text(value)
        except (TypeError, ValueError, AttributeError, KeyError):
            pass
    return plain_text(value)


def label_of(exercise_id: str, field_id: str, lang: str) -> str:
    """A field's label, or its id when the library does not know it."""
    field = _field(exercise_id, field_id, lang)
    return str(getattr(field, "label", "") or field_id)


def answer_sections(
    session: Session, client: User, exercise_id: str, exercise: Any | None, lang: str
) -> list[AnswerSection]:
    """The exercise's fields in order with the client's answers; then earlier answers."""
    answers = {
        a.field_id: a
        for a in session.scalars(
            select(Answer).where(Answer.client_id == client.id, Answer.exercise_id == exercise_id)
        )
    }
    sections = []
    known = set()
    for field in getattr(exercise, "input_fields", None) or []:
        known.add(field.id)
        answer = answers.get(field.id)
        value = answer.value if answer else None
        empty = answer is None or field.is_empty(value)
        try:
            html = Markup("") if empty else field.as_html(value)
        except (TypeError, ValueError, AttributeError, KeyError):
            html = _paragraphs(plain_text(value))
        sections.append(
            AnswerSection(
                field.id,
                field.label or field.id,
                html,
                empty,
                revision=answer.revision if answer else 0,
            )
        )
    for field_id, answer in sorted(answers.items()):
        if field_id in known:
            continue
        text = plain_text(answer.value)
        sections.append(
            AnswerSection(
                field_id,
                field_id,
                _paragraphs(text) if text else Markup(""),
                not text,
                earlier=exercise is not None,
                revision=answer.revision,
            )
        )
    return sections


def scores_of(session: Session, client: User, exercise_id: str) -> dict[str, float]:
    """Scores per dimension of a questionnaire from the saved answers (its scale fields)."""
    found = catalog.exercise(exercise_id, client.locale or "nl")
    if found is None:
        return {}
    answers = {
        a.field_id: a.value
        for a in session.scalars(
            select(Answer).where(Answer.client_id == client.id, Answer.exercise_id == exercise_id)
        )
    }
    result: dict[str, float] = {}
    for field in getattr(found, "input_fields", None) or []:
        if hasattr(field, "scores") and field.id in answers:
            try:
                result.update(field.scores(answers[field.id]))
            except (TypeError, ValueError, AttributeError, KeyError):
                continue
    return result


def dimension_labels(lang: str) -> dict[str, str]:
    """Labels of the questionnaire dimensions (autonomy, competence ...) in `lang`."""
    labels: dict[str, str] = {}
    for questionnaire in QUESTIONNAIRES:
        found = catalog.exercise(questionnaire, lang)
        for field in getattr(found, "input_fields", None) or []:
            for dimension in getattr(field, "dimensions", []) or []:
                labels.setdefault(dimension.id, dimension.label)
    return labels


def questionnaire_range(lang: str) -> tuple[float, float]:
    """The answer range (min, max) of the start questionnaire's scale (1-5 when unknown)."""
    found = catalog.exercise(QUESTIONNAIRES[0], lang)
    for field in getattr(found, "input_fields", None) or []:
        if hasattr(field, "dimensions") and hasattr(field, "max"):
            return (float(field.min), float(field.max))
    return (1.0, 5.0)
