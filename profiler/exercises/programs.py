"""Reading and checking programs: `programs/<slug>.yml`."""

from __future__ import annotations

from .model import PARTS, Library, Part, Problem, Program
from .positioned_yaml import LineDict, LineList, YamlError, load_yaml
from .spec_reader import SpecReader
from .wording import LANGUAGES

PROGRAM_KEYS = ("id", "title", "parts", "steps", "checkin", "optional")


def parse_program(text: str, path: str) -> tuple[Program | None, list[Problem]]:
    """One program file (None when unreadable) and the problems of the file itself."""
    problems: list[Problem] = []
    try:
        spec = load_yaml(text)
    except YamlError as error:
        return None, [Problem(path, error.line, f"program: {error.message}")]
    if not isinstance(spec, LineDict):
        return None, [
            Problem(
                path, 1, f"a program must hold lines like 'key: value' ({', '.join(PROGRAM_KEYS)})"
            )
        ]
    reader = SpecReader(spec, path, problems, "program")
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
        child = reader.child(value, f"program {key}")
        child.check_keys(LANGUAGES, LANGUAGES)
        return {lang: child.string(lang) for lang in LANGUAGES}
    if value is not None:
        reader.problem(key, f"program: '{key}' must be a text or {{nl: ..., en: ...}}")
    return {}


def _parts(reader: SpecReader) -> list[Part]:
    parts = []
    for child in reader.children("parts", "part", ("id", *LANGUAGES), ("id", *LANGUAGES)):
        part_id = child.ident("id")
        if part_id and part_id not in PARTS:
            child.problem(
                "id", f"program part '{part_id}' is unknown; use one of: {', '.join(PARTS)}"
            )
        parts.append(Part(part_id, {lang: child.string(lang) for lang in LANGUAGES}))
    return parts


def _ids(reader: SpecReader, key: str) -> list[str]:
    value = reader.raw(key)
    if value is None:
        return []
    if not isinstance(value, LineList) or not all(isinstance(v, str) for v in value):
        reader.problem(key, f"program: '{key}' must be a list of exercise ids")
        return []
    for n, item in enumerate(value):
        if value.index(item) != n:
            reader.problems.append(
                Problem(
                    reader.path,
                    value.line_of(n),
                    f"program: exercise '{item}' is listed twice in '{key}'; keep one",
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
                        f"program: '{exercise_id}' in "
                        f"'{key}' is not an exercise in the library; check the "
                        "spelling or add the exercise",
                    )
                )
            elif part_ids and exercise.part and exercise.part not in part_ids:
                problems.append(
                    Problem(
                        program.path,
                        line,
                        f"program: exercise '{exercise_id}' "
                        f"has part '{exercise.part}', which is not under 'parts'; "
                        "add that part",
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
                    f"program: checkin '{program.checkin}' "
                    "is not an exercise in the library; check the spelling",
                )
            )
        elif exercise.kind != "checkin":
            problems.append(
                Problem(
                    program.path,
                    line,
                    f"program: checkin "
                    f"'{program.checkin}' has kind '{exercise.kind}'; give that "
                    "exercise 'kind: checkin'",
                )
            )
    return problems
