"""The plain data of the library: problems, exercises, programs and the library itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .problem_text import Text

if TYPE_CHECKING:
    from .fields.base import Field

PARTS = ("personality", "work_enjoyment", "function", "goal", "documents")
KINDS = ("exercise", "questionnaire", "checkin", "evaluation", "info")


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a content file, reported as `path:line: message`."""

    path: str
    line: int
    text: Text  # translated when shown (see problem_text)

    @property
    def message(self) -> str:
        """The message in the current language."""
        return str(self.text)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(eq=False)
class Exercise:
    """One exercise in one language: front matter plus a body of HTML pieces and fields."""

    id: str
    lang: str
    title: str
    path: str
    kind: str = "exercise"
    part: str | None = None
    estimate: int | None = None
    summary: str = ""
    body: tuple[str | Field, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def fields(self) -> list[Field]:
        """The fields in body order (including `show` fields, which store nothing)."""
        from .fields.base import Field

        return [piece for piece in self.body if isinstance(piece, Field)]

    @property
    def input_fields(self) -> list[Field]:
        """The fields that store an answer."""
        return [f for f in self.fields if f.stores]

    def field(self, field_id: str) -> Field | None:
        """The field with this id, or None."""
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class Part:
    """A part of a program with its name per language."""

    id: str
    names: dict[str, str]

    def name(self, lang: str) -> str:
        """The part's name in `lang`, falling back to any name."""
        return self.names.get(lang) or next(iter(self.names.values()), self.id)


@dataclass(eq=False)
class Program:
    """An ordered list of exercises with parts, the check-in and the optional exercises."""

    id: str
    path: str
    title: dict[str, str]
    parts: list[Part]
    steps: list[str]
    checkin: str | None = None
    optional: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)


@dataclass(eq=False)
class Library:
    """All exercises by (id, lang), the programs by id, and the problems found while loading."""

    exercises: dict[tuple[str, str], Exercise] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, exercise_id: str, lang: str) -> Exercise | None:
        """The exercise in `lang`, else in the other language, else None."""
        found = self.exercises.get((exercise_id, lang))
        if found is not None:
            return found
        return next((ex for (i, _), ex in sorted(self.exercises.items()) if i == exercise_id), None)

    def ids(self) -> list[str]:
        """All exercise ids, sorted."""
        return sorted({exercise_id for exercise_id, _ in self.exercises})

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises.values())
