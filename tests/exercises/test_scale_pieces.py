"""The scale field's remembered markup pieces give exactly the markup built from scratch."""

from __future__ import annotations

from pathlib import Path

from profiler.exercises import ScaleField, load_library
from profiler.exercises.fields.base import RenderContext, Slot
from profiler.exercises.fields.scale import _PIECES

CONTENT = Path(__file__).resolve().parents[2] / "content"


def scale_fields():
    library = load_library(CONTENT)
    return [
        field
        for exercise in library.exercises.values()
        for field in exercise.input_fields
        if isinstance(field, ScaleField)
    ]


def test_remembered_pieces_match_the_full_build_for_every_answer():
    fields = scale_fields()
    assert len(fields) >= 4, "the library's questionnaires and check-in have scale fields"
    for field in fields:
        slots = [field.slot, Slot(("group", "0", field.id))]
        for slot in slots:
            for item in field.items:
                for answer in [None, *range(field.min, field.max + 1)]:
                    for invalid in (False, True):
                        fast = field._item_html(item, answer, slot, invalid)
                        full = field._build_item_html(item, answer, slot, invalid)
                        assert fast == full, (field.id, item.id, answer, invalid)
        assert field in _PIECES


def test_a_whole_questionnaire_renders_the_same_twice_and_marks_the_answers():
    field = scale_fields()[0]
    answers = {item.id: field.max for item in field.items[::2]}
    ctx = RenderContext("nl", {}, {}, {}, {})
    first = field.render(answers, ctx)
    second = field.render(answers, ctx)
    assert first == second
    assert first.count(" checked") == len(answers)
