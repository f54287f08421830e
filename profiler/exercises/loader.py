"""Loading a content folder into a Library; a broken file is reported and skipped."""

from __future__ import annotations

from pathlib import Path

from .checks import check_library_links
from .model import Library, Problem, Program
from .parsing import parse_exercise_text
from .problem_text import _p
from .programs import check_program, parse_program


def _read(path: Path, name: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(
            Problem(
                name,
                1,
                _p(
                    "het bestand is geen leesbare UTF-8-tekst (%(error)s); sla het op als UTF-8",
                    error=str(error),
                ),
            )
        )
        return None


def load_library(content_dir: Path) -> Library:
    """Read `exercises/*.md` and `programs/*.yml` under `content_dir`, collecting problems."""
    content_dir = Path(content_dir)
    library = Library()
    problems = library.problems
    if not (content_dir / "exercises").is_dir():
        problems.append(
            Problem(
                str(content_dir / "exercises"),
                1,
                _p("de map exercises bestaat niet; kijk PROFILER_CONTENT_DIR na"),
            )
        )
    for path in sorted((content_dir / "exercises").glob("*.md")):
        name = path.relative_to(content_dir).as_posix()
        if (text := _read(path, name, problems)) is None:
            continue
        exercise, found = parse_exercise_text(text, name)
        problems += found
        if exercise is None:
            continue
        key = (exercise.id, exercise.lang)
        if key in library.exercises:
            problems.append(
                Problem(
                    name,
                    exercise.lines.get("id", 1),
                    _p(
                        "oefening-id '%(id)s' (%(lang)s) wordt al gebruikt door %(other)s; geef "
                        "elke oefening een eigen id",
                        id=exercise.id,
                        lang=exercise.lang,
                        other=library.exercises[key].path,
                    ),
                )
            )
            continue
        library.exercises[key] = exercise
    problems += check_library_links(library)
    for path in sorted((content_dir / "programs").glob("*.yml")):
        name = path.relative_to(content_dir).as_posix()
        if (text := _read(path, name, problems)) is None:
            continue
        program, found = parse_program(text, name)
        if program is not None:
            found += _program_problems(program, library, name)
            if not found:
                library.programs[program.id] = program
        problems += found
    problems.sort()
    return library


def _program_problems(program: Program, library: Library, name: str) -> list[Problem]:
    """A repeated program id and the program's references to exercises."""
    problems = check_program(program, library)
    if program.id in library.programs:
        other = library.programs[program.id].path
        problems.append(
            Problem(
                name,
                program.lines.get("id", 1),
                _p(
                    "programma-id '%(id)s' wordt al gebruikt door %(other)s; kies een ander id",
                    id=program.id,
                    other=other,
                ),
            )
        )
    return problems


def check_library(content_dir: Path) -> list[Problem]:
    """All problems of the content folder, sorted by file and line."""
    return load_library(content_dir).problems
