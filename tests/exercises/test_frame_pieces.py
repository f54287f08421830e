"""A field's remembered frame (label, hint, wrapper) and control stencil give exactly the markup
built afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiler.demo_answers import sample_answers
from profiler.exercises import load_library, render_exercise
from profiler.exercises.fields import base, choice
from profiler.exercises.fields.base import Field
from profiler.exercises.tags import escaped

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


TRICKY = ['Zorg & "aandacht" <b>echt</b>', "it's \x00value\x00 here", "", "x" * 300]


def first_of(library, kind):
    return next(f for e in library.exercises.values() for f in e.input_fields if f.type == kind)


@pytest.mark.parametrize("kind", ["text", "textarea"])
@pytest.mark.parametrize("invalid", [False, True])
def test_a_text_control_from_its_stencil_is_the_control_built_with_the_value(
    library, kind, invalid
):
    field = first_of(library, kind)
    slot = base.Slot(("jobs", "2", field.id))
    ctx = base.RenderContext("nl", errors={slot.key: ["Fout."]} if invalid else {})
    hint = f"{slot.dom}-hint" if field.hint else None
    described = base.joined([hint, f"{slot.dom}-error" if invalid else None])
    for value in TRICKY + TRICKY:  # the second time from the remembered stencil
        html = str(field.render(value, ctx, slot))
        assert str(field.control(value, slot, described, invalid)) in html
        assert escaped(value) in html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_list_lines_from_their_stencil_are_the_lines_built_with_the_values(library, lang):
    field = first_of(library, "list")
    slot = field.slot
    for lines in ([], TRICKY, TRICKY[:1], ["één", "twee"] * field.items, TRICKY):
        count = max(field.items, len(lines))
        built = field._rows(slot, lang, False, [*lines, *[""] * (count - len(lines))])
        html = str(field.render(lines, base.RenderContext(lang), slot))
        assert str(built) in html
        assert html.count("<input") == count


def test_stencils_are_remembered_per_field_and_bounded(library, monkeypatch):
    monkeypatch.setattr(base, "_FRAMES_PER_FIELD", 2)
    field = first_of(library, "text")
    base._STENCILS.pop(field, None)
    ctx = base.RenderContext("nl")
    for n in range(2):
        field.render("a", ctx, base.Slot(("group", str(n), field.id)))
    field.render("b", ctx, base.Slot(("group", "0", field.id)))  # the same place: remembered
    assert len(base._STENCILS[field]) == 2
    field.render("a", ctx, base.Slot(("group", "2", field.id)))  # a third: start afresh
    assert len(base._STENCILS[field]) == 1


def choice_fields(library):
    """A choice field of each kind: one answer, several, and with an 'other' text."""
    fields = [f for e in library.exercises.values() for f in e.input_fields if f.type == "choice"]
    kinds = {(f.multiple, f.other): f for f in fields}
    assert len(kinds) >= 3, kinds.keys()
    return list(kinds.values())


@pytest.mark.parametrize("invalid", [False, True])
def test_choice_boxes_from_their_stencil_are_the_boxes_built_with_the_value(library, invalid):
    for field in choice_fields(library):
        slot = base.Slot(("jobs", "1", field.id))
        ctx = base.RenderContext("en", errors={slot.key: ["Fout."]} if invalid else {})
        allowed = field.allowed()
        values = [
            field.empty(),
            allowed[:1],
            allowed[-2:],
            ["not-an-option", allowed[0]],  # a stale value checks nothing of its own
            {"selected": allowed[-1:], "other": TRICKY[0]},
            {"selected": [], "other": TRICKY[1]},
        ]
        for value in values + values:  # the second time from the remembered stencil
            chosen = choice.selected_of(value)
            other = choice.other_of(value)
            built = field.options_html(
                slot, "en", invalid, invalid and not other, [v in chosen for v in allowed], other
            )
            html = str(field.render(value, ctx, slot))
            assert str(built) in html
            assert html.count(" checked") == len(set(chosen) & set(allowed))


@pytest.mark.parametrize("invalid", [False, True])
def test_month_parts_from_their_stencil_are_the_parts_built_with_the_value(library, invalid):
    field = next(
        f
        for e in library.exercises.values()
        for g in e.input_fields
        for f in getattr(g, "fields", [g])
        if f.type == "month" and f.allow_current
    )
    slot = base.Slot(("diplomas", "0", field.id))
    ctx = base.RenderContext("nl", errors={slot.key: ["Fout."]} if invalid else {})
    for value in ["", "2019-03", "1999-12", "current", "2020-13", TRICKY[1]] * 2:
        year, _, month = ("", "", "") if value == "current" else value.rpartition("-")
        months = [month == f"{n:02d}" for n in range(1, 13)]
        built = field.parts_html(slot, "nl", invalid, months, year, value == "current")
        html = str(field.render(value, ctx, slot))
        assert str(built) in html
        assert html.count(" selected") == sum(months)
        assert (" checked" in html) is (value == "current")
