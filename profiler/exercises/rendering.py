"""Rendering an exercise: sanitized text with its fields in place, plus an error summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from .fields.base import RenderContext, Slot
from .fields.group import GroupField
from .model import Exercise
from .tags import tag, text
from .wording import say


def render_exercise(
    exercise: Exercise,
    answers: Mapping[str, Mapping[str, Any]],
    scores: Mapping[str, Mapping[str, Mapping[str, float]]],
    errors: Mapping[str, Sequence[str]],
    lang: str,
    *,
    blank_entries: Mapping[str, int] | None = None,
) -> Markup:
    """The exercise body with its fields; `answers[exercise.id]` holds the values to show.

    Put the typed values of a rejected post in `answers[exercise.id]` so nothing is lost.
    A field without a key there shows its prefill (or stays empty).
    """
    ctx = RenderContext(lang, answers, scores, errors, blank_entries or {})
    own = answers.get(exercise.id, {})
    pieces = [error_summary(exercise, errors, lang)] if any(errors.values()) else []
    for piece in exercise.body:
        if isinstance(piece, str):
            pieces.append(Markup(piece))  # sanitized by nh3 when the file was read
        else:
            value = own[piece.id] if piece.id in own else piece.initial(ctx)
            pieces.append(piece.render(value, ctx))
    return tag("div", pieces, class_="exercise-body", lang=exercise.lang)


def render_preview(
    exercise: Exercise,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    scores: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
    lang: str | None = None,
) -> Markup:
    """The same output as a client sees, for the administrator's live preview."""
    return render_exercise(exercise, answers or {}, scores or {}, {}, lang or exercise.lang)


def _with_label(exercise: Exercise, key: str, message: str) -> str:
    """ "Label: message", without a second mark after a label's own "?" or "."."""
    label = _label(exercise, key).rstrip(" :.")
    return f"{label} – {message}" if label.endswith(("?", "!")) else f"{label}: {message}"


def error_summary(exercise: Exercise, errors: Mapping[str, Sequence[str]], lang: str) -> Markup:
    """A list of links to every field with a problem, placed above the fields."""
    links = []
    for key, messages in errors.items():
        if messages:
            href = "#" + Slot(tuple(key.split("."))).dom + "-field"
            links.append(
                tag("li", tag("a", text(_with_label(exercise, key, messages[0])), href=href))
            )
    heading = tag(
        "h2",
        text(say("error_summary", lang)),
        class_="error-summary__title",
        id="error-summary-title",
    )
    return tag(
        "div",
        heading + tag("ul", links, class_="error-summary__list"),
        class_="error-summary",
        role="alert",
        aria_labelledby="error-summary-title",
    )


def _label(exercise: Exercise, key: str) -> str:
    """A readable name for an error key like `jobs.1.employer`."""
    field_id, *rest = key.split(".")
    field = exercise.field(field_id)
    if field is None:
        return key
    if isinstance(field, GroupField) and len(rest) == 2 and rest[0].isdigit():
        sub = next((s for s in field.fields if s.id == rest[1]), None)
        entry = field.entry_label or field.label
        return f"{entry} {int(rest[0]) + 1}, {sub.label if sub else rest[1]}"
    return field.label or field.id
