from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from profiler.exercises import parse_answers, render_exercise, score_chart_svg, scores_for

SCALE = """
```field
id: areas
type: scale
label: Hoe leuk lijkt je dit?
min: 1
max: 5
min_label: Helemaal niet
max_label: Heel leuk
required: true
dimensions:
  - {id: practical, label: Praktisch, explanation: Je werkt graag met je handen.}
  - {id: social, label: Mensen helpen}
items:
  - {id: p1, text: Iets repareren, dimension: practical}
  - {id: p2, text: Stilzitten, dimension: practical, reverse: true}
  - {id: s1, text: Iemand helpen, dimension: social}
```

```field
id: areas_view
type: show
from: demo.areas.scores
label: Jouw scores
```
"""


def test_scale_scores_mean_per_dimension_with_reverse_items(make_exercise):
    exercise = make_exercise(SCALE)
    # p2 is reversed: 1 + 5 - 2 = 4, so practical = (5 + 4) / 2 = 4.5
    assert scores_for(exercise, {"areas": {"p1": 5, "p2": 2, "s1": 3}}) == {
        "areas": {"practical": 4.5, "social": 3.0}
    }
    assert scores_for(exercise, {"areas": {"p1": 2, "p2": 2, "s1": 1}}) == {
        "areas": {"practical": 3.0, "social": 1.0}
    }


def test_scale_rounds_to_one_decimal_and_skips_unanswered(make_exercise):
    field = make_exercise(SCALE).field("areas")
    field.items[2] = type(field.items[2])("s2", "Extra", "practical")
    assert field.scores({"p1": 5, "p2": 5, "s2": 5}) == {"practical": 3.7}
    assert field.scores({}) == {}


def test_scale_parse_ignores_out_of_range_and_requires_all_items(make_exercise):
    exercise = make_exercise(SCALE)
    form = MultiDict({"f.areas.p1": "4", "f.areas.p2": "9", "f.areas.s1": "x"})
    values, errors = parse_answers(exercise, form)
    assert values["areas"] == {"p1": 4}
    assert errors == {"areas": ["Geef bij elke uitspraak een antwoord. Er zijn er nog 2 open."]}


def test_scale_render_marks_open_items_and_explains_the_ends(make_exercise):
    exercise = make_exercise(SCALE)
    html = str(
        render_exercise(exercise, {"demo": {"areas": {"p1": 4}}}, {}, {"areas": ["x"]}, "nl")
    )
    assert 'id="f-areas-p1-4" value="4" checked' in html
    assert "1 = Helemaal niet, 5 = Heel leuk" in html
    assert html.count("scale__item--missing") == 2
    assert '<legend class="scale__statement">Iets repareren</legend>' in html


def test_show_scores_draws_chart_and_table(make_exercise):
    exercise = make_exercise(SCALE)
    html = str(render_exercise(exercise, {"demo": {"areas": {"p1": 5, "p2": 1}}}, {}, {}, "nl"))
    assert 'role="img"' in html and "<table" in html
    assert '<th scope="row">Praktisch</th><td data-label="Score">5,0</td>' in html
    assert "nog geen score" in html  # social is not answered


def test_score_chart_svg_has_title_desc_and_data_table():
    html = str(
        score_chart_svg(
            [("a", "Autonomie"), ("b", "Verbondenheid")],
            {"a": 3.5, "b": 5.0},
            1,
            5,
            "Start",
            lang="en",
        )
    )
    svg = html[: html.index("</svg>")]
    assert re.search(
        r'<svg [^>]*role="img"[^>]*aria-labelledby="chart-\w+-title chart-\w+-desc"', svg
    )
    assert "<title id=" in svg and "Autonomie: 3.5; Verbondenheid: 5.0" in svg
    table = html[html.index("</svg>") :]
    assert "<caption>Start</caption>" in table
    assert '<th scope="row">Verbondenheid</th><td data-label="Score">5.0</td>' in table
    # a full bar (300) for the maximum, 62.5 % of it (187.5) for 3.5 on 1..5
    assert 'width="300.0" height="18" fill="#1f5f8b"' in svg
    assert 'width="187.5" height="18" fill="#1f5f8b"' in svg


def test_score_chart_escapes_labels():
    html = str(score_chart_svg([("a", "<script>x</script>")], {"a": 2}, 1, 5, "<i>t</i>"))
    assert "<script>" not in html and "<i>" not in html
