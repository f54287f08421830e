"""From a posted form to answer values and messages, and from answers to scores."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .fields.base import Field, FormData
from .fields.group import GroupField
from .fields.rank import RankDraft
from .fields.scale import ScaleField
from .fields.sourced import SourcedField
from .model import Exercise


def parse_answers(
    exercise: Exercise,
    formdata: FormData,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    lang: str | None = None,
    only: Collection[str] | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Values per field id and error messages per input key, in `lang` (default: exercise's).

    Pass the client's `answers` (exercise id -> field id -> value) so that rank and pick
    values are limited to the entries of the earlier answer they read from. With `only`
    (field ids), only those fields are read from the form (the ones whose revision markers
    were posted); a field of this exercise that was not posted is taken from `answers` where
    another field reads from it.
    """
    lang = lang or exercise.lang
    fields = [f for f in exercise.input_fields if only is None or f.id in only]
    values = {field.id: field.parse(formdata) for field in fields}
    if answers is not None and reads_other_answers(exercise):
        everything = {**answers, exercise.id: {**answers.get(exercise.id, {}), **values}}
        for field in fields:
            if _reads_entries(field):
                allowed = {value for value, _ in field.source_entries(everything)}
                values[field.id] = _restrict(values[field.id], allowed)
    errors: dict[str, list[str]] = {}
    for field in fields:
        errors |= field.check(values[field.id], lang)
        if isinstance(values[field.id], RankDraft) and field.id not in errors:
            values[field.id] = list(values[field.id])
    return values, errors


def _reads_entries(field: Field) -> bool:
    """A field whose values must be entries of the earlier answer it reads (rank, pick)."""
    return (
        isinstance(field, SourcedField)
        and bool(field.source)
        and not getattr(field, "options", None)
    )


def reads_other_answers(exercise: Exercise) -> bool:
    """True when `parse_answers` needs the client's other answers to check this exercise."""
    return any(_reads_entries(field) for field in exercise.input_fields)


def _restrict(value: Any, allowed: set[str]) -> Any:
    """Keep only entries of the earlier answer (drops stale or forged values)."""
    if isinstance(value, RankDraft):
        kept = [v for v in value if v in allowed]
        positions = {k: n for k, n in value.positions.items() if k in allowed}
        taken = list(positions.values())
        doubles = sorted({n for n in taken if taken.count(n) > 1})
        return RankDraft(kept, positions, len(allowed), doubles)
    return [v for v in value if v in allowed] if isinstance(value, list) else value


def blank_entries_requested(exercise: Exercise, formdata: FormData) -> dict[str, int]:
    """For a group whose `_add_<id>` button was pressed: how many empty entries to show."""
    requested = {}
    for field in exercise.input_fields:
        if isinstance(field, GroupField) and formdata.getlist(f"_add_{field.id}"):
            blanks = sum(
                1 for entry in field.posted_entries(formdata, field.slot) if field.blank(entry)
            )
            requested[field.id] = blanks + 1
    return requested


def scores_for(exercise: Exercise, values: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Per scale field id: dimension id -> mean (1 decimal), from this exercise's values."""
    return {
        field.id: scores
        for field in exercise.input_fields
        if isinstance(field, ScaleField) and (scores := field.scores(values.get(field.id)))
    }


def as_text(field: Field, value: Any) -> str:
    """A stored value as plain text (documents, working document, mails)."""
    return field.as_text(value)
