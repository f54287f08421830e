"""The shipped program: complete, consistent, readable, and every reference resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from profiler.demo_answers import sample_answers
from profiler.exercises import load_library, render_exercise, scores_for
from profiler.exercises.prefill import render_prefill

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PROGRAM = "persoonlijk_profiel"
PARTS = ["personality", "work_enjoyment", "function", "goal", "documents"]


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def numbered(library, lang="nl"):
    steps = library.programs[PROGRAM].steps
    return [library.get(s, lang) for s in steps if library.get(s, lang).kind == "exercise"]


def test_the_library_loads_without_problems(library):
    assert library.problems == []


def test_seventeen_numbered_exercises_in_five_parts_in_both_languages(library):
    for lang in ("nl", "en"):
        exercises = numbered(library, lang)
        assert len(exercises) == 17
        assert [e.lang for e in exercises] == [lang] * 17
        parts = [e.part for e in exercises]
        assert [p for i, p in enumerate(parts) if i == 0 or parts[i - 1] != p] == PARTS
    program = library.programs[PROGRAM]
    kinds = {library.get(s, "nl").kind for s in program.steps}
    assert {"questionnaire", "evaluation"} <= kinds
    assert set(program.optional) == {
        "grief",
        "prepare_conversation",
        "networking",
        "explaining_gap",
    }


def _prose(text: str) -> str:
    """The Dutch running text of an exercise file: no front matter, field blocks or markup."""
    body = text.split("---", 2)[2]
    body = re.sub(r"```field.*?```", " ", body, flags=re.S)
    body = re.sub(r"[#*_>`\[\]()]|\d+\.", " ", body)
    return body


def test_dutch_sentences_stay_short(library):
    """B1 level: average sentence length under 15 words in every Dutch exercise."""
    for path in sorted((CONTENT / "exercises").glob("*.nl.md")):
        sentences = [
            s
            for s in re.split(r"[.!?:]\s+|\n\s*\n", _prose(path.read_text()))
            if len(s.split()) >= 2
        ]
        average = sum(len(s.split()) for s in sentences) / len(sentences)
        assert average < 15, f"{path.name}: {average:.1f} words per sentence"


def test_a_client_walks_through_all_exercises_and_everything_resolves(app, library):
    answers = sample_answers()
    scores = {}
    for lang in ("nl", "en"):
        for step in library.programs[PROGRAM].steps:
            exercise = library.get(step, lang)
            own = answers.get(step, {})
            scores[step] = scores_for(exercise, own)
            html = str(render_exercise(exercise, answers, scores, {}, lang))
            assert "{{" not in html and "{%" not in html, step
            assert "None" not in re.sub(r"<[^>]+>", " ", html), step
            assert "Undefined" not in html, step
        for exercise_id in ("pitch", "cv"):
            exercise = library.get(exercise_id, lang)
            for field in exercise.fields:
                source = getattr(field, "prefill", "")
                if not source:
                    continue
                draft = render_prefill(source, answers, scores)
                assert draft, f"{exercise_id}.{field.id} ({lang}) is empty"
                assert "None" not in draft and "{{" not in draft and "  " not in draft.strip()
                if exercise_id == "pitch":
                    # the draft really reads the earlier answers
                    assert answers["favourite_job"]["profession"].lower() in draft.lower()
                    assert answers["work_history"]["jobs"][0]["role"].lower() in draft.lower()


def test_drafts_still_read_well_with_no_answers_at_all(library):
    for lang in ("nl", "en"):
        for exercise_id in ("pitch", "cv"):
            for field in library.get(exercise_id, lang).fields:
                source = getattr(field, "prefill", "")
                if source:
                    draft = render_prefill(source, {}, {})
                    assert "None" not in draft and "{{" not in draft
                    assert not re.search(r"\s[,.]", draft), draft
