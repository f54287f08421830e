"""A field's remembered frame (label, hint, wrapper) gives exactly the markup built afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiler.demo_answers import sample_answers
from profiler.exercises import load_library, render_exercise
from profiler.exercises.fields import base
from profiler.exercises.fields.base import Field

CONTENT = Path(__file__).resolve().parents[2] / "content"


def built_afresh(self, ctx, slot, control, extra_hint=""):
    """The frame without the remembered pieces."""
    return self._frame(ctx, slot, control, extra_hint, ctx.errors_at(slot))


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def renders(library, answers, errors_for):
    out = {}
    for (exercise_id, lang), exercise in sorted(library.exercises.items()):
        errors = errors_for(exercise)
        out[exercise_id, lang] = str(render_exercise(exercise, answers, {}, errors, lang))
    return out


@pytest.mark.parametrize("filled", [False, True], ids=["empty", "filled"])
@pytest.mark.parametrize("with_errors", [False, True], ids=["valid", "errors"])
def test_every_exercise_renders_the_same_with_remembered_frames(
    app, library, monkeypatch, filled, with_errors
):
    answers = sample_answers() if filled else {}

    def errors_for(exercise):
        if not with_errors:
            return {}
        return {f.id: ["Vul dit in."] for f in exercise.input_fields[::2]}

    fast = renders(library, answers, errors_for)
    again = renders(library, answers, errors_for)  # now from the remembered pieces
    monkeypatch.setattr(Field, "frame", built_afresh)
    slow = renders(library, answers, errors_for)
    assert len(slow) >= 20
    for key, html in slow.items():
        assert fast[key] == html, key
        assert again[key] == html, key
    if with_errors:
        assert all("field--invalid" in html for html in slow.values() if 'class="field' in html)


def test_frames_are_remembered_per_field_and_bounded(library, monkeypatch):
    monkeypatch.setattr(base, "_FRAMES_PER_FIELD", 3)
    exercise = next(e for e in library.exercises.values() if e.input_fields)
    field = exercise.input_fields[0]
    ctx = base.RenderContext("nl")
    base._FRAMES.pop(field, None)
    for n in range(3):
        field.render(None, ctx, base.Slot(("group", str(n), field.id)))
    assert len(base._FRAMES[field]) == 3
    field.render(None, ctx, base.Slot(("group", "0", field.id)))  # remembered: no new entry
    assert len(base._FRAMES[field]) == 3
    field.render(None, ctx, base.Slot(("group", "3", field.id)))  # a fourth: start afresh
    assert len(base._FRAMES[field]) == 1
