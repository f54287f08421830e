"""Checks across files: `from:` references, nl/en twins and programs."""

from __future__ import annotations

from collections.abc import Callable

from .fields.base import Field
from .fields.choice import ChoiceField
from .fields.show import ShowField
from .fields.sourced import SourcedField
from .model import Exercise, Library, Problem
from .wording import LANGUAGES

# Which field types each referring type may read from.
SOURCE_TYPES = {
    "rank": ("list", "pick", "choice"),
    "pick": ("list", "choice", "group"),
    "show": ("text", "textarea", "list", "choice", "scale", "rank", "pick", "group", "month"),
}
Lookup = Callable[[str, str], Exercise | None]


def other_language(lang: str) -> str:
    """nl <-> en."""
    return next(other for other in LANGUAGES if other != lang)


def _suitable(referrer: SourcedField, source: Field) -> str | None:
    """Why `source` cannot be read by `referrer`, or None."""
    if isinstance(referrer, ShowField) and referrer.shows_scores:
        return None if source.type == "scale" else "only a scale field has scores"
    allowed = SOURCE_TYPES[referrer.type]
    if source.type not in allowed:
        return f"a {referrer.type} field can read from {', '.join(allowed)} fields"
    if (
        referrer.type in ("rank", "pick")
        and isinstance(source, ChoiceField)
        and not source.multiple
    ):
        return f"a {referrer.type} field needs a choice with 'multiple: true'"
    return None


def check_references(
    exercise: Exercise, lookup: Lookup, skip_unknown_exercises: bool = False
) -> list[Problem]:
    """Link every `from:` to its source field; report missing or unsuitable sources."""
    problems = []
    order = [f.id for f in exercise.fields]
    for field in exercise.fields:
        if not isinstance(field, SourcedField) or not field.source:
            continue
        ref = field.source
        line = field.from_line or field.line
        source_exercise = lookup(field.source_exercise, exercise.lang)
        if source_exercise is None:
            if skip_unknown_exercises:
                continue
            problems.append(
                Problem(
                    exercise.path,
                    line,
                    f"field '{field.id}': 'from: {ref}' "
                    f"names exercise '{field.source_exercise}', which does not "
                    "exist; check the spelling of the exercise id",
                )
            )
            continue
        source = source_exercise.field(field.source_id)
        if source is None or not source.stores:
            known = ", ".join(f.id for f in source_exercise.input_fields) or "none"
            problems.append(
                Problem(
                    exercise.path,
                    line,
                    f"field '{field.id}': 'from: {ref}' "
                    f"names field '{field.source_id}', which exercise "
                    f"'{source_exercise.id}' does not have; its fields are: "
                    f"{known}",
                )
            )
            continue
        if (why := _suitable(field, source)) is not None:
            problems.append(
                Problem(
                    exercise.path,
                    line,
                    f"field '{field.id}': 'from: {ref}' "
                    f"points to a {source.type} field, but {why}; "
                    "point to another field",
                )
            )
            continue
        if source_exercise.id == exercise.id and order.index(source.id) > order.index(field.id):
            problems.append(
                Problem(
                    exercise.path,
                    line,
                    f"field '{field.id}': 'from: {ref}' "
                    "points to a field further down; move this field below "
                    f"'{source.id}'",
                )
            )
            continue
        field.source_field = source
    return problems


def check_twin(exercise: Exercise, twin: Exercise) -> list[Problem]:
    """The nl and en versions must have the same kind, part, field ids, types and values."""
    problems = []
    where = twin.path
    if (exercise.kind, exercise.part) != (twin.kind, twin.part):
        line = exercise.lines.get("part", exercise.lines.get("kind", 1))
        problems.append(
            Problem(
                exercise.path,
                line,
                f"kind/part ({exercise.kind}/"
                f"{exercise.part}) differ from {where} ({twin.kind}/{twin.part}); "
                "make them the same",
            )
        )
    twin_fields = {f.id: f for f in twin.fields}
    for field in exercise.fields:
        other = twin_fields.pop(field.id, None)
        if other is None:
            problems.append(
                Problem(
                    exercise.path,
                    field.line,
                    f"field '{field.id}' is not in "
                    f"{where}; add it there with the same id, or remove it here",
                )
            )
        elif other.type != field.type:
            problems.append(
                Problem(
                    exercise.path,
                    field.line,
                    f"field '{field.id}' has type "
                    f"'{field.type}' here but '{other.type}' in {where}:"
                    f"{other.line}; use the same type in both languages",
                )
            )
        elif other.shape() != field.shape():
            problems.append(
                Problem(
                    exercise.path,
                    field.line,
                    f"field '{field.id}' differs from "
                    f"{where}:{other.line} in its option values, items, "
                    "dimensions, sub-fields or settings; keep those the same in "
                    "both languages and translate only the texts",
                )
            )
    problems += [
        Problem(
            exercise.path,
            exercise.lines.get("id", 1),
            f"field '{f.id}' of {where}:{f.line} is missing here; add it with the same id and type",
        )
        for f in twin_fields.values()
    ]
    return problems


def check_own_references(exercise: Exercise) -> list[Problem]:
    """Link and check references within the exercise itself (no library at hand)."""

    def lookup(exercise_id: str, lang: str) -> Exercise | None:
        return exercise if exercise_id == exercise.id else None

    return check_references(exercise, lookup, skip_unknown_exercises=True)


def check_against_library(exercise: Exercise, library: Library) -> list[Problem]:
    """References and twin checks for one (edited) exercise against the loaded library."""

    def lookup(exercise_id: str, lang: str) -> Exercise | None:
        if exercise_id == exercise.id:
            return exercise
        return library.get(exercise_id, lang)

    problems = check_references(exercise, lookup)
    twin = library.exercises.get((exercise.id, other_language(exercise.lang)))
    if twin is not None:
        problems += check_twin(exercise, twin)
    return problems


def check_library_links(library: Library) -> list[Problem]:
    """References and twins for every exercise in the library."""
    problems = []
    for exercise in library:
        problems += check_references(exercise, library.get)
        twin_lang = other_language(exercise.lang)
        twin = library.exercises.get((exercise.id, twin_lang))
        if twin is None:
            problems.append(
                Problem(
                    exercise.path,
                    exercise.lines.get("id", 1),
                    f"exercise "
                    f"'{exercise.id}' has no {twin_lang} version; add a file "
                    f"ending in '{exercise.id}.{twin_lang}.md'",
                )
            )
        elif exercise.lang == "en":
            problems += check_twin(exercise, twin)
    return problems
