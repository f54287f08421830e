"""What the coach pages need from the exercise library: titles, kinds and programs.

A thin reading layer over `profiler.library.current_library()` (the engine lives in
profiler/exercises/); it never parses content itself and copes with an exercise that is
missing from the library (a plan can outlive a removed file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import library

NUMBERED = "exercise"


@dataclass(frozen=True)
class ProgramInfo:
    """A program as the coach pages use it."""

    id: str
    title: str
    steps: list[str]
    optional: list[str] = field(default_factory=list)
    parts: list[tuple[str, str]] = field(default_factory=list)  # (part id, label)


def _lang_text(value: Any, lang: str, fallback: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("nl") or next(iter(value.values()), fallback))
    return str(value) if value else fallback


def exercise(exercise_id: str, lang: str) -> Any | None:
    """The exercise in `lang` (or the other language), or None when the library lacks it."""
    try:
        return library.current_library().get(exercise_id, lang)
    except (KeyError, LookupError):
        return None


def title(exercise_id: str, lang: str) -> str:
    """The exercise's title, or its id when the library does not know it."""
    found = exercise(exercise_id, lang)
    return str(getattr(found, "title", "") or exercise_id)


def kind_of(exercise_id: str) -> str:
    """exercise, questionnaire, checkin, evaluation or info ("exercise" when unknown)."""
    found = exercise(exercise_id, "nl")
    return str(getattr(found, "kind", NUMBERED) or NUMBERED)


def titles(exercise_ids: list[str], lang: str) -> dict[str, str]:
    """Titles for several exercises at once."""
    return {exercise_id: title(exercise_id, lang) for exercise_id in exercise_ids}


def programs(lang: str) -> dict[str, ProgramInfo]:
    """Every program in the library, by id."""
    result = {}
    for program_id, program in (getattr(library.current_library(), "programs", {}) or {}).items():
        result[program_id] = ProgramInfo(
            id=program_id,
            title=_lang_text(program.title, lang, program_id),
            steps=list(program.steps),
            optional=list(program.optional or []),
            parts=[(part.id, part.name(lang)) for part in program.parts],
        )
    return result


def program(program_id: str, lang: str) -> ProgramInfo | None:
    """One program, or None when the library has no program with this id."""
    return programs(lang).get(program_id)


def unnumbered_ids() -> frozenset[str]:
    """Ids of library entries that are not numbered exercises (questionnaires, check-in ...)."""
    entries = getattr(library.current_library(), "exercises", {}) or {}
    return frozenset(e.id for e in entries.values() if getattr(e, "kind", NUMBERED) != NUMBERED)
