from __future__ import annotations

from werkzeug.datastructures import MultiDict

from profiler.exercises import (
    blank_entries_requested,
    parse_answers,
    render_exercise,
    render_preview,
)

BODY = """
Lees dit eerst. Een [gewone link](https://example.org) mag.

<script>alert('x')</script>
<img src="x.png" onerror="alert(1)">
[klik](javascript:alert(1)) en [data](data:text/html;base64,PHNjcmlwdD4=)
<a href="JaVaScRiPt:alert(1)" onclick="alert(2)">raar</a>
<iframe src="https://evil.example"></iframe>

```python
# gewone code, geen veld
```

```field
id: name
type: text
label: Naam
required: true
```

```field
id: jobs
type: group
label: Banen
entry_label: Baan
fields:
  - {id: employer, type: text, label: Werkgever}
```
"""


def test_markdown_is_sanitized(make_exercise):
    html = str(render_preview(make_exercise(BODY)))
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html.lower() and "data:text" not in html
    assert "<iframe" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">gewone link</a>' in html
    assert "<code># gewone code, geen veld" in html


def test_fields_are_embedded_in_place(make_exercise):
    html = str(render_preview(make_exercise(BODY)))
    assert html.startswith('<div class="exercise-body" lang="nl">')
    assert html.index("Lees dit eerst") < html.index('id="f-name"') < html.index('id="f-jobs')


def test_rejected_post_keeps_what_was_typed_and_lists_errors(make_exercise):
    exercise = make_exercise(BODY)
    form = MultiDict({"f.name": "", "f.jobs.0.employer": "Bakker <&>", "csrf_token": "t"})
    values, errors = parse_answers(exercise, form)
    assert errors == {"name": ["Vul dit in."]}
    html = str(render_exercise(exercise, {"demo": values}, {}, errors, "nl"))
    assert 'value="Bakker &lt;&amp;&gt;"' in html
    assert '<div class="error-summary" role="alert"' in html
    assert '<a href="#f-name-field">Naam: Vul dit in.</a>' in html


def test_english_chrome(make_exercise):
    exercise = make_exercise(BODY, lang="en")
    _, errors = parse_answers(exercise, MultiDict())
    assert errors == {"name": ["Please fill this in."]}
    html = str(render_exercise(exercise, {}, {}, errors, "en"))
    assert "(required)" in html and "Something still needs fixing" in html
    assert "Add Baan" in html


def test_add_entry_button_gives_one_more_empty_entry(make_exercise):
    exercise = make_exercise(BODY)
    form = MultiDict(
        {"f.name": "Ans", "f.jobs.0.employer": "Bakker", "f.jobs.1.employer": "", "_add_jobs": "1"}
    )
    blanks = blank_entries_requested(exercise, form)
    assert blanks == {"jobs": 2}
    values, _ = parse_answers(exercise, form)
    html = str(render_exercise(exercise, {"demo": values}, {}, {}, "nl", blank_entries=blanks))
    assert 'name="f.jobs.2.employer"' in html and 'name="f.jobs.3.employer"' not in html
    assert blank_entries_requested(exercise, MultiDict({"f.jobs.0.employer": "x"})) == {}
