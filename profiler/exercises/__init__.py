"""The exercise engine: Markdown exercises with ```field blocks, as a plain Python library.

The app uses (see docs/exercise-format.md for the format, docs/authoring.md for authors):

    load_library(content_dir: Path) -> Library
        Library.exercises {(id, lang): Exercise}, .programs {id: Program}, .problems [Problem],
        Library.get(exercise_id, lang) -> Exercise | None (falls back to the other language).
    check_library(content_dir: Path) -> list[Problem]          # str(problem) == "file:line: msg"
    parse_exercise_text(text, path, library=None) -> (Exercise | None, list[Problem])
        Validates an unsaved text (admin editor); with `library`, also checks `from:`
        references and the other-language twin. Exercise is None when there are problems.
    render_exercise(exercise, answers, scores, errors, lang, *, blank_entries=None) -> Markup
        answers: {exercise_id: {field_id: value}}, including this exercise's values to show
        (the typed values after a rejected post); scores: {exercise_id: {field_id: {dim: x}}};
        errors: {input key: [messages]} as returned by parse_answers.
    render_preview(exercise, answers=None, scores=None, lang=None) -> Markup
    parse_answers(exercise, formdata, answers=None, lang=None, only=None) -> (values, errors)
        formdata: werkzeug MultiDict (anything with getlist and iteration over keys).
        values: {field_id: value}; errors: {"field_id" or "group_id.N.sub_id": [messages]}.
    reads_other_answers(exercise) -> bool      # parse_answers needs `answers` to check it
    blank_entries_requested(exercise, formdata) -> {group_id: n}
        When a `_add_<group_id>` button was pressed: pass to render_exercise(blank_entries=).
    scores_for(exercise, values) -> {field_id: {dimension_id: float}}   # this exercise's values
    as_text(field, value) -> str
    score_chart_svg(dimensions, scores, min, max, title, lang="nl") -> Markup   # svg + table

Form input names are `f.<field_id>` with sub-names `f.<field_id>.<part>` and, in groups,
`f.<group_id>.<n>.<sub_id>`; they never start with `_` and never clash with `csrf_token`.
"""

from __future__ import annotations

from .answers import (
    as_text,
    blank_entries_requested,
    parse_answers,
    reads_other_answers,
    scores_for,
)
from .chart import score_chart_svg
from .fields import (
    FIELD_TYPES,
    ChoiceField,
    Dimension,
    Field,
    GroupField,
    ListField,
    MonthField,
    Option,
    PickField,
    RankField,
    ScaleField,
    ScaleItem,
    ShowField,
    TextareaField,
    TextField,
)
from .loader import check_library, load_library
from .model import KINDS, PARTS, Exercise, Library, Part, Problem, Program
from .parsing import parse_exercise_text
from .rendering import render_exercise, render_preview

__all__ = [
    "FIELD_TYPES",
    "KINDS",
    "PARTS",
    "ChoiceField",
    "Dimension",
    "Exercise",
    "Field",
    "GroupField",
    "Library",
    "ListField",
    "MonthField",
    "Option",
    "Part",
    "PickField",
    "Problem",
    "Program",
    "RankField",
    "ScaleField",
    "ScaleItem",
    "ShowField",
    "TextField",
    "TextareaField",
    "as_text",
    "blank_entries_requested",
    "check_library",
    "load_library",
    "parse_answers",
    "parse_exercise_text",
    "reads_other_answers",
    "render_exercise",
    "render_preview",
    "score_chart_svg",
    "scores_for",
]
