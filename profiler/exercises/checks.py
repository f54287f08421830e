"""Checks across files: `from:` references, nl/en twins and programs."""

from __future__ import annotations

from collections.abc import Callable

from .fields.base import Field
from .fields.choice import ChoiceField
from .fields.show import ShowField
from .fields.sourced import SourcedField
from .model import Exercise, Library, Problem
from .problem_text import Text, _p
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


def _suitable(referrer: SourcedField, source: Field) -> Text | None:
    """Why `source` cannot be read by `referrer`, or None."""
    if isinstance(referrer, ShowField) and referrer.shows_scores:
        return None if source.type == "scale" else _p("alleen een scale-veld heeft scores")
    allowed = SOURCE_TYPES[referrer.type]
    if source.type not in allowed:
        return _p(
            "een %(type)s-veld kan alleen lezen uit deze velden: %(allowed)s",
            type=referrer.type,
            allowed=", ".join(allowed),
        )
    if (
        referrer.type in ("rank", "pick")
        and isinstance(source, ChoiceField)
        and not source.multiple
    ):
        return _p(
            "een %(type)s-veld heeft een choice met 'multiple: true' nodig", type=referrer.type
        )
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
                    _p(
                        "veld '%(id)s': 'from: %(ref)s' noemt oefening '%(exercise)s', maar "
                        "die bestaat niet; kijk de spelling van het oefening-id na",
                        id=field.id,
                        ref=ref,
                        exercise=field.source_exercise,
                    ),
                )
            )
            continue
        source = source_exercise.field(field.source_id)
        if source is None or not source.stores:
            known = ", ".join(f.id for f in source_exercise.input_fields) or _p("geen")
            problems.append(
                Problem(
                    exercise.path,
                    line,
                    _p(
                        "veld '%(id)s': 'from: %(ref)s' noemt veld '%(field)s', maar dat heeft "
                        "oefening '%(exercise)s' niet; de velden daar zijn: %(known)s",
                        id=field.id,
                        ref=ref,
                        field=field.source_id,
                        exercise=source_exercise.id,
                        known=known,
                    ),
                )
            )
            continue
        if (why := _suitable(field, source)) is not None:
            problems.append(
                Problem(
                    exercise.path,
                    line,
                    _p(
                        "veld '%(id)s': 'from: %(ref)s' wijst naar een %(type)s-veld, maar "
                        "%(why)s; wijs naar een ander veld",
                        id=field.id,
                        ref=ref,
                        type=source.type,
                        why=why,
                    ),
                )
            )
            continue
        if source_exercise.id == exercise.id and order.index(source.id) > order.index(field.id):
            problems.append(
                Problem(
                    exercise.path,
                    line,
                    _p(
                        "veld '%(id)s': 'from: %(ref)s' wijst naar een veld dat verderop staat; "
                        "zet dit veld onder '%(source)s'",
                        id=field.id,
                        ref=ref,
                        source=source.id,
                    ),
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
                _p(
                    "kind/part (%(kind)s/%(part)s) zijn anders dan in %(where)s "
                    "(%(twin_kind)s/%(twin_part)s); maak ze gelijk",
                    kind=exercise.kind,
                    part=exercise.part,
                    where=where,
                    twin_kind=twin.kind,
                    twin_part=twin.part,
                ),
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
                    _p(
                        "veld '%(id)s' staat niet in %(where)s; voeg het daar toe met hetzelfde "
                        "id, of haal het hier weg",
                        id=field.id,
                        where=where,
                    ),
                )
            )
        elif other.type != field.type:
            problems.append(
                Problem(
                    exercise.path,
                    field.line,
                    _p(
                        "veld '%(id)s' heeft hier type '%(type)s', maar '%(other_type)s' in "
                        "%(where)s:%(line)s; gebruik in beide talen hetzelfde type",
                        id=field.id,
                        type=field.type,
                        other_type=other.type,
                        where=where,
                        line=other.line,
                    ),
                )
            )
        elif other.shape() != field.shape():
            problems.append(
                Problem(
                    exercise.path,
                    field.line,
                    _p(
                        "veld '%(id)s' is anders dan in %(where)s:%(line)s in zijn optiewaarden, "
                        "items, dimensies, subvelden of instellingen; houd die in beide talen "
                        "gelijk en vertaal alleen de teksten",
                        id=field.id,
                        where=where,
                        line=other.line,
                    ),
                )
            )
    problems += [
        Problem(
            exercise.path,
            exercise.lines.get("id", 1),
            _p(
                "veld '%(id)s' uit %(where)s:%(line)s ontbreekt hier; voeg het toe met hetzelfde "
                "id en type",
                id=f.id,
                where=where,
                line=f.line,
            ),
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
                    _p(
                        "oefening '%(id)s' heeft geen versie in taal '%(lang)s'; voeg een bestand "
                        "toe dat eindigt op '%(id)s.%(lang)s.md'",
                        id=exercise.id,
                        lang=twin_lang,
                    ),
                )
            )
        elif exercise.lang == "en":
            problems += check_twin(exercise, twin)
    return problems
