from __future__ import annotations

from profiler.exercises import parse_exercise_text, render_exercise
from profiler.exercises.prefill import render_prefill

PITCH = """
```field
id: text
type: textarea
label: Je pitch
prefill: "Ik word energiek van {{ answers.interests.energizers | join(', ') }}."
```
"""


def test_prefill_reads_earlier_answers(make_exercise):
    exercise = make_exercise(PITCH, exercise_id="pitch")
    answers = {"interests": {"energizers": ["koken", "fietsen"]}}
    html = str(render_exercise(exercise, answers, {}, {}, "nl"))
    assert "Ik word energiek van koken, fietsen.</textarea>" in html


def test_prefill_is_not_used_once_the_client_saved_an_answer(make_exercise):
    exercise = make_exercise(PITCH, exercise_id="pitch")
    answers = {"interests": {"energizers": ["koken"]}, "pitch": {"text": ""}}
    html = str(render_exercise(exercise, answers, {}, {}, "nl"))
    assert "energiek" not in html


def test_missing_answers_render_empty():
    assert render_prefill("Ik ben {{ answers.nothing.here }}.", {}, {}) == "Ik ben ."
    assert render_prefill("{{ answers.a.b | join(', ') }}", {}, {}) == ""


def test_template_syntax_in_an_answer_is_never_evaluated():
    answers = {"self_image": {"words": "{{7*7}} {% for x in range(3) %}x{% endfor %}"}}
    result = render_prefill("{{ answers.self_image.words }}", answers, {})
    assert result == "{{7*7}} {% for x in range(3) %}x{% endfor %}"
    assert "49" not in result


def test_malicious_templates_render_empty_and_never_raise():
    assert render_prefill("{{ ''.__class__.__mro__ }}", {}, {}) == ""
    assert render_prefill("{{ answers.__class__ }}", {"a": {}}, {}) == ""
    assert render_prefill("{{ answers.items.__self__ }}", {}, {}) == ""
    assert render_prefill("{{ 'x' * 100000000 }}", {}, {}) == ""
    assert render_prefill("{{ 9 ** 9999999 }}", {}, {}) == ""
    assert render_prefill("{{ lipsum.__globals__ }}", {}, {}) == ""
    assert render_prefill("{{ cycler.__init__.__globals__.os }}", {}, {}) == ""
    assert render_prefill("{{ 1 / 0 }}", {}, {}) == ""
    assert render_prefill("{{ range(10**9) | list }}", {}, {}) == ""


def test_sandbox_refuses_attribute_escape_without_underscores_in_source():
    # the sandbox itself (not only the '__' source check) blocks unsafe attributes
    answers = {"a": {"f": "x"}}
    assert render_prefill("{{ answers.a.f|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", answers, {}) == ""


def test_a_malicious_prefill_is_refused_when_the_exercise_is_checked():
    text = (
        "---\nid: demo\ntitle: Demo\npart: goal\n---\n```field\nid: x\ntype: text\n"
        "label: X\nprefill: \"{{ ''.__class__.__mro__ }}\"\n```\n"
    )
    exercise, problems = parse_exercise_text(text, "exercises/01-demo.nl.md")
    assert exercise is None
    assert [str(p) for p in problems] == [
        "exercises/01-demo.nl.md:10: veld 'x': prefill mag geen namen met '__' gebruiken; "
        "gebruik alleen answers.<oefening>.<veld>"
    ]
