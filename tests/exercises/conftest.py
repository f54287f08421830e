"""Fixtures for the exercise engine: exercises built from a Markdown body."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import flask_babel
import pytest

from profiler.exercises import Exercise, Library, parse_exercise_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def exercise_text(body: str, exercise_id: str = "demo", part: str = "goal") -> str:
    """A complete exercise file around `body`."""
    return f"---\nid: {exercise_id}\ntitle: Demo\npart: {part}\n---\n{body}"


@pytest.fixture
def make_exercise() -> Callable[..., Exercise]:
    """Build an exercise from a body; fails the test when the text has problems."""

    def make(
        body: str, exercise_id: str = "demo", lang: str = "nl", library: Library | None = None
    ) -> Exercise:
        exercise, problems = parse_exercise_text(
            exercise_text(body, exercise_id), f"exercises/01-{exercise_id}.{lang}.md", library
        )
        assert problems == []
        assert exercise is not None
        return exercise

    return make


@pytest.fixture
def broken_dir() -> Path:
    """The test library with deliberately broken files."""
    return FIXTURES / "library_broken"


@pytest.fixture
def english(app) -> Iterator[None]:
    """Problem messages in English: what an administrator who chose English reads (the
    messages are translated when they are turned into text, inside this context)."""
    with app.app_context(), flask_babel.force_locale("en"):
        yield
