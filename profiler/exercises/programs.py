"""Reading and checking programs: `programs/<slug>.yml`."""

from __future__ import annotations

from .model import PARTS, Library, Part, Problem, Program
from .positioned_yaml import LineDict, LineList, YamlError, load_yaml
from .problem_text import _p
from .spec_reader import SpecReader
from .wording import LANGUAGES

PROGRAM_KEYS = ("id", "title", "parts", "steps", "checkin", "optional")


def parse_program(text: str, path: str) -> tuple[Program | None, list[Problem]]:
    """One program file (None when unreadable) and the problems of the file itself."""
    problems: list[Problem] = []
    try:
        spec = load_yaml(text)
    except YamlError as error:
        return None, [Problem(path, error.line, _p("programma: %(error)s", error=error.message))]
    if not isinstance(spec, LineDict):
        return None, [
            Problem(
                path,
                1,
                _p(
                    "een programma moet bestaan uit regels als 'sleutel: waarde' (%(keys)s)",
                    keys=", ".join(PROGRAM_KEYS),
                ),
            )
        ]
    reader = SpecReader(spec, path, problems, _p("programma"))
    reader.check_keys(PROGRAM_KEYS, ("id", "title", "steps"))
    program = Program(
        id=reader.ident("id"),
        path=path,
        title=_names(reader, "title"),
        parts=_parts(reader),
        steps=_ids(reader, "steps"),
        checkin=reader.ident("checkin") or None,
        optional=_ids(reader, "optional"),
        lines=dict(spec.key_lines),
        item_lines={
            key: list(spec[key].item_lines)
            for key in ("steps", "optional")
            if isinstance(spec.get(key), LineList)
        },
    )
    return program, problems


def _names(reader: SpecReader, key: str) -> dict[str, str]:
    """A text per language: `{nl: ..., en: ...}` or one text for both."""
    value = reader.raw(key)
    if isinstance(value, str):
        return {lang: value for lang in LANGUAGES}
    if isinstance(value, LineDict):
        child = reader.child(value, _p("programma, '%(key)s'", key=key))
        child.check_keys(LANGUAGES, LANGUAGES)
        return {lang: child.string(lang) for lang in LANGUAGES}
    if value is not None:
        reader.problem(
            key,
            _p("programma: '%(key)s' moet een tekst zijn of {nl: ..., en: ...}", key=key),
        )
    return {}


def _parts(reader: SpecReader) -> list[Part]:
    parts = []
    for child in reader.children("parts", _p("deel"), ("id", *LANGUAGES), ("id", *LANGUAGES)):
        part_id = child.ident("id")
        if part_id and part_id not in PARTS:
            child.problem(
                "id",
                _p(
                    "programma: deel '%(part)s' bestaat niet; kies uit: %(parts)s",
                    part=part_id,
                    parts=", ".join(PARTS),
                ),
            )
        parts.append(Part(part_id, {lang: child.string(lang) for lang in LANGUAGES}))
    return parts


def _ids(reader: SpecReader, key: str) -> list[str]:
    value = reader.raw(key)
    if value is None:
        return []
    if not isinstance(value, LineList) or not all(isinstance(v, str) for v in value):
        reader.problem(
            key, _p("programma: '%(key)s' moet een lijst van oefening-ids zijn", key=key)
        )
        return []
    for n, item in enumerate(value):
        if value.index(item) != n:
            reader.problems.append(
                Problem(
                    reader.path,
                    value.line_of(n),
                    _p(
                        "programma: oefening '%(id)s' staat twee keer onder '%(key)s'; houd er één",
                        id=item,
                        key=key,
                    ),
                )
            )
    return list(value)


def check_program(program: Program, library: Library) -> list[Problem]:
    """Every exercise a program names must exist; the check-in must be of kind checkin."""
    problems = []
    part_ids = {p.id for p in program.parts}
    for key, ids in (("steps", program.steps), ("optional", program.optional)):
        for n, exercise_id in enumerate(ids):
            lines = program.item_lines.get(key, [])
            line = lines[n] if n < len(lines) else program.lines.get(key, 1)
            exercise = library.get(exercise_id, "nl")
            if exercise is None:
                problems.append(
                    Problem(
                        program.path,
                        line,
                        _p(
                            "programma: '%(id)s' onder '%(key)s' is geen oefening in de "
                            "bibliotheek; kijk de spelling na of voeg de oefening toe",
                            id=exercise_id,
                            key=key,
                        ),
                    )
                )
            elif part_ids and exercise.part and exercise.part not in part_ids:
                problems.append(
                    Problem(
                        program.path,
                        line,
                        _p(
                            "programma: oefening '%(id)s' hoort bij deel '%(part)s', maar dat "
                            "deel staat niet onder 'parts'; voeg het toe",
                            id=exercise_id,
                            part=exercise.part,
                        ),
                    )
                )
    if program.checkin:
        exercise = library.get(program.checkin, "nl")
        line = program.lines.get("checkin", 1)
        if exercise is None:
            problems.append(
                Problem(
                    program.path,
                    line,
                    _p(
                        "programma: checkin '%(id)s' is geen oefening in de bibliotheek; kijk "
                        "de spelling na",
                        id=program.checkin,
                    ),
                )
            )
        elif exercise.kind != "checkin":
            problems.append(
                Problem(
                    program.path,
                    line,
                    _p(
                        "programma: checkin '%(id)s' heeft kind '%(kind)s'; geef die oefening "
                        "'kind: checkin'",
                        id=program.checkin,
                        kind=exercise.kind,
                    ),
                )
            )
    return problems
