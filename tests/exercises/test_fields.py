from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from profiler.exercises import as_text, parse_answers, render_exercise
from profiler.exercises.fields import RenderContext
from profiler.exercises.parsing import parse_exercise_text
from tests.exercises.conftest import exercise_text


def render(field, value, errors=None, lang="nl", answers=None):
    return str(field.render(value, RenderContext(lang, answers or {}, {}, errors or {})))


TEXT = """
```field
id: name
type: text
label: Je naam
hint: Zoals op je paspoort.
required: true
max_length: 10
```
"""


def test_text_renders_label_hint_and_required_mark(make_exercise):
    field = make_exercise(TEXT).field("name")
    html = render(field, "Ans")
    assert '<label class="field__label" for="f-name">Je naam' in html
    assert "(verplicht)" in html
    assert 'aria-describedby="f-name-hint"' in html
    assert 'name="f.name"' in html and 'value="Ans"' in html
    assert "(required)" in render(field, "", lang="en")


def test_text_error_is_tied_to_input(make_exercise):
    field = make_exercise(TEXT).field("name")
    html = render(field, "", errors={"name": ["Vul dit in."]})
    assert 'aria-describedby="f-name-hint f-name-error"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'<p class="field__error" id="f-name-error">.*Vul dit in\.</p>', html)


def test_text_parse_validate_and_as_text(make_exercise):
    field = make_exercise(TEXT).field("name")
    assert field.parse(MultiDict({"f.name": "  Ans  "})) == "Ans"
    assert field.validate("", "nl") == ["Vul dit in."]
    assert field.validate("", "en") == ["Please fill this in."]
    assert field.validate("a" * 11, "nl") == ["Gebruik hoogstens 10 tekens. Nu zijn het er 11."]
    assert field.validate("Ans", "nl") == []
    assert as_text(field, "Ans") == "Ans"


def test_text_value_is_escaped(make_exercise):
    field = make_exercise(TEXT).field("name")
    html = render(field, '"><script>alert(1)</script>')
    assert "<script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html


def test_textarea_keeps_lines_and_rows(make_exercise):
    field = make_exercise(
        "```field\nid: story\ntype: textarea\nlabel: Verhaal\nrows: 4\n```\n"
    ).field("story")
    assert field.parse(MultiDict({"f.story": "een\r\ntwee"})) == "een\ntwee"
    html = render(field, "een\ntwee")
    assert '<textarea name="f.story" id="f-story" rows="4"' in html
    assert ">\neen\ntwee</textarea>" in html
    assert field.max_length == 5000


LIST = """
```field
id: energizers
type: list
label: Wat geeft je energie?
items: 4
min: 2
required: true
max_length: 5
```
"""


def test_list_renders_one_numbered_input_per_item(make_exercise):
    field = make_exercise(LIST).field("energizers")
    html = render(field, ["lezen"])
    assert html.count('name="f.energizers"') == 4
    assert '<fieldset class="field field--list"' in html and "<legend" in html
    assert '<label for="f-energizers-2" class="visually-hidden">Regel 2</label>' in html
    assert 'id="f-energizers-1" value="lezen"' in html


def test_list_drops_empty_lines_and_counts(make_exercise):
    field = make_exercise(LIST).field("energizers")
    value = field.parse(
        MultiDict([("f.energizers", "koken"), ("f.energizers", " "), ("f.energizers", "lopen")])
    )
    assert value == ["koken", "lopen"]
    assert field.validate(["koken"], "nl") == ["Vul minstens 2 regels in."]
    assert field.validate(["koken", "wandelen"], "en") == [
        "Line 2 is too long. Use at most 5 characters."
    ]
    assert field.validate(["a", "b", "c", "d", "e"], "nl") == ["Vul hoogstens 4 regels in."]
    assert as_text(field, value) == "koken\nlopen"


CHOICE = """
```field
id: values
type: choice
label: Wat vind je belangrijk?
multiple: true
other: true
min: 2
max: 3
required: true
options:
  - {value: calm, label: Rust}
  - {value: money, label: Geld}
  - {value: team, label: Een team}
```
"""


def test_choice_multiple_with_other(make_exercise):
    field = make_exercise(CHOICE).field("values")
    form = MultiDict([("f.values", "calm"), ("f.values.other", "Humor")])
    value = field.parse(form)
    assert value == {"selected": ["calm", "other"], "other": "Humor"}
    assert field.validate(value, "nl") == []
    assert as_text(field, value) == "Rust, Humor"
    html = render(field, value)
    assert 'type="checkbox" name="f.values" id="f-values-calm" value="calm" checked' in html
    assert 'name="f.values.other" id="f-values-other-text" value="Humor"' in html
    assert "Anders, namelijk" in html


def test_choice_validation_messages(make_exercise):
    field = make_exercise(CHOICE).field("values")
    assert field.validate({"selected": [], "other": ""}, "nl") == ["Kies er minstens 2."]
    assert field.validate({"selected": ["calm", "money", "team", "other"], "other": "x"}, "en") == [
        "Please choose at most 3."
    ]
    assert field.validate({"selected": ["calm", "other"], "other": ""}, "nl") == [
        "Je koos 'Anders'. Schrijf op wat je bedoelt."
    ]
    assert field.validate({"selected": ["calm", "hacked"], "other": ""}, "nl") == [
        "Kies alleen uit de antwoorden op de lijst."
    ]


def test_choice_single_is_a_string(make_exercise):
    field = make_exercise(
        "```field\nid: yes_no\ntype: choice\nlabel: Klaar?\noptions:\n"
        "  - {value: yes, label: Ja}\n  - {value: no, label: Nee}\n```\n"
    ).field("yes_no")
    assert [o.value for o in field.options] == ["yes", "no"]  # not YAML booleans
    assert field.parse(MultiDict([("f.yes_no", "no"), ("f.yes_no", "yes")])) == "no"
    assert 'type="radio"' in render(field, "no")
    assert as_text(field, "no") == "Nee"


RANK = """
```field
id: order
type: rank
label: Zet op volgorde
top: 2
required: true
options:
  - {value: a, label: Appel}
  - {value: b, label: Peer}
  - {value: c, label: Kers}
```
"""


def rank_form(*pairs):
    data = []
    for option, position in pairs:
        data += [("f.order.option", option), ("f.order.position", position)]
    return MultiDict(data)


def test_rank_without_js_is_a_number_select_per_option(make_exercise):
    field = make_exercise(RANK).field("order")
    html = render(field, ["c", "a"])
    assert html.count("<select") == 3
    assert html.count('<option value="2"') == 3 and '<option value="3"' not in html
    assert re.search(
        r'value="c"><label for="f-order-3"[^>]*>Kers</label><select[^>]*>'
        r'<option value="">Geen plaats</option><option value="1" selected>',
        html,
    )


def test_rank_parse_orders_by_number(make_exercise):
    field = make_exercise(RANK).field("order")
    value = field.parse(rank_form(("a", "2"), ("b", ""), ("c", "1")))
    assert list(value) == ["c", "a"]
    assert field.validate(value, "nl") == []
    assert as_text(field, value) == "1. Kers\n2. Appel"


def test_rank_rejects_double_numbers_and_keeps_them_on_screen(make_exercise):
    field = make_exercise(RANK).field("order")
    value = field.parse(rank_form(("a", "1"), ("b", "1"), ("c", "")))
    assert field.validate(value, "nl") == [
        "Je gaf nummer 1 vaker dan één keer. Geef elk nummer maar één keer."
    ]
    html = render(field, value, errors={"order": ["x"]})
    assert html.count('<option value="1" selected>') == 2


def test_rank_required_needs_top(make_exercise):
    field = make_exercise(RANK).field("order")
    assert field.validate(["a"], "en") == ["Please put 2 in order: give them the numbers 1 to 2."]


SOURCE = """
```field
id: chosen
type: choice
label: Kies
multiple: true
other: true
options:
  - {value: calm, label: Rust}
  - {value: money, label: Geld}
```

```field
id: ranked
type: rank
label: Volgorde
from: demo.chosen
```

```field
id: picked
type: pick
label: Pak er een
from: demo.chosen
max: 1
required: true
```
"""


def test_rank_and_pick_from_an_earlier_answer(make_exercise):
    exercise = make_exercise(SOURCE)
    chosen = {"selected": ["money", "other"], "other": "Humor"}
    html = str(render_exercise(exercise, {"demo": {"chosen": chosen}}, {}, {}, "nl"))
    assert 'name="f.ranked.option" value="money"' in html
    assert ">Geld</label>" in html and 'value="Humor"' in html
    assert 'type="checkbox" name="f.picked" id="f-picked-2" value="Humor"' in html
    ranked = exercise.field("ranked")
    assert as_text(ranked, ["Humor", "money"]) == "1. Humor\n2. Geld"


def test_pick_and_rank_drop_values_that_are_not_in_the_earlier_answer(make_exercise):
    exercise = make_exercise(SOURCE)
    form = MultiDict(
        [
            ("f.chosen", "calm"),
            ("f.picked", "calm"),
            ("f.picked", "forged"),
            ("f.ranked.option", "forged"),
            ("f.ranked.position", "1"),
            ("f.ranked.option", "calm"),
            ("f.ranked.position", "2"),
        ]
    )
    values, errors = parse_answers(exercise, form, answers={})
    assert values["picked"] == ["calm"]
    assert values["ranked"] == ["calm"]
    assert errors == {}


def test_pick_validation(make_exercise):
    field = make_exercise(SOURCE).field("picked")
    assert field.validate([], "nl") == ["Kies een antwoord."]
    assert field.validate(["a", "b"], "nl") == ["Kies er hoogstens 1."]
    html = render(field, [], answers={})
    assert "Vul die eerst in en bewaar." in html


GROUP = """
```field
id: jobs
type: group
label: Je banen
entry_label: Baan
min: 1
max: 3
required: true
fields:
  - {id: employer, type: text, label: Werkgever, required: true}
  - {id: start, type: month, label: Begin}
  - {id: end, type: month, label: Einde, allow_current: true}
  - {id: tasks, type: textarea, label: Taken}
```
"""


def test_group_renders_entries_plus_one_empty_and_add_button(make_exercise):
    field = make_exercise(GROUP).field("jobs")
    html = render(field, [{"employer": "Bakkerij", "start": "2019-03", "end": "current"}])
    assert 'name="f.jobs.0.employer" id="f-jobs-0-employer" value="Bakkerij"' in html
    assert 'name="f.jobs.1.employer"' in html and 'name="f.jobs.2.employer"' not in html
    assert '<legend class="group__legend">Baan 2</legend>' in html
    assert '<button type="submit" name="_add_jobs" value="1" formnovalidate' in html
    assert 'name="f.jobs.0.end.current" id="f-jobs-0-end-current" value="1" checked' in html


def test_an_end_month_before_its_start_is_refused_in_that_entry(make_exercise):
    field = make_exercise(
        GROUP.replace("allow_current: true}", "allow_current: true, not_before: start}")
    ).field("jobs")
    wrong = {"employer": "Bakkerij", "start": "2099-09", "end": "2017-03"}
    assert field.validate([wrong], "nl") == [
        "Baan 1, Einde: Deze maand ligt vóór 'Begin'. Kijk of de maanden en jaren kloppen."
    ]
    for end in ("2099-09", "2100-01", "current", ""):  # the same month, later, until now, none
        assert field.validate([{**wrong, "end": end}], "nl") == [], end
    assert field.validate([{"employer": "X", "end": "2017-03"}], "nl") == []  # no start given


def test_not_before_must_name_another_month_of_the_group(make_exercise, english):
    body = GROUP.replace("allow_current: true}", "allow_current: true, not_before: tasks}")
    _, problems = parse_exercise_text(exercise_text(body, "demo"), "exercises/01-demo.nl.md")
    assert [p.message for p in problems] == [
        "field 'jobs', sub-field 'end': 'not_before: tasks' must name another month sub-field "
        "of this group (one of: start)"
    ]


def test_group_hides_add_button_at_max(make_exercise):
    field = make_exercise(GROUP).field("jobs")
    html = render(field, [{"employer": str(n)} for n in range(3)])
    assert "_add_jobs" not in html and 'name="f.jobs.3.employer"' not in html


def test_group_parse_drops_empty_entries_and_validates_sub_fields(make_exercise):
    exercise = make_exercise(GROUP)
    form = MultiDict(
        {
            "f.jobs.0.employer": "Bakkerij",
            "f.jobs.0.start.month": "03",
            "f.jobs.0.start.year": "2019",
            "f.jobs.0.end.current": "1",
            "f.jobs.0.tasks": "Brood",
            "f.jobs.1.employer": "",
            "f.jobs.1.start.month": "",
            "f.jobs.1.start.year": "",
            "f.jobs.1.tasks": "",
            "f.jobs.2.employer": "",
            "f.jobs.2.start.month": "13",
            "f.jobs.2.start.year": "20",
            "f.jobs.2.tasks": "Iets",
        }
    )
    values, errors = parse_answers(exercise, form)
    assert values["jobs"] == [
        {"employer": "Bakkerij", "start": "2019-03", "end": "current", "tasks": "Brood"},
        {"employer": "", "start": "20-13", "end": "", "tasks": "Iets"},
    ]
    assert errors == {
        "jobs.1.employer": ["Vul dit in."],
        "jobs.1.start": ["Kies een maand en vul een jaar in met 4 cijfers, bijvoorbeeld 2019."],
    }
    field = exercise.field("jobs")
    assert field.validate(values["jobs"], "nl")[0] == "Baan 2, Werkgever: Vul dit in."
    assert as_text(field, values["jobs"][:1]) == (
        "Werkgever: Bakkerij\nBegin: maart 2019\nEinde: tot nu\nTaken: Brood"
    )
    assert field.validate([], "en") == ["Please fill this in."]


def test_month_field(make_exercise):
    field = make_exercise("```field\nid: since\ntype: month\nlabel: Sinds\n```\n").field("since")
    form = MultiDict({"f.since.month": "11", "f.since.year": "2021"})
    assert field.parse(form) == "2021-11"
    assert field.validate("2021-11", "nl") == []
    assert field.validate("current", "nl") != []  # not allowed without allow_current
    assert field.validate("1850-01", "en") == ["Please fill in a year between 1900 and 2100."]
    assert field.validate("20-01", "nl") == [
        "Kies een maand en vul een jaar in met 4 cijfers, bijvoorbeeld 2019."
    ]
    html = render(field, "2021-11")
    assert '<option value="11" selected>november</option>' in html
    assert 'name="f.since.year" id="f-since-year" value="2021"' in html
    assert "current" not in html
    assert as_text(field, "2021-11") == "november 2021"


def test_show_field_displays_an_earlier_answer_escaped(make_exercise):
    exercise = make_exercise(
        LIST + "\n```field\nid: back\ntype: show\nfrom: demo.energizers\nlabel: Jouw lijst\n```\n"
    )
    html = str(render_exercise(exercise, {"demo": {"energizers": ["<b>koken</b>"]}}, {}, {}, "nl"))
    assert '<div class="field field--show" id="f-back-field">' in html
    assert "<li>&lt;b&gt;koken&lt;/b&gt;</li>" in html
    values, _ = parse_answers(exercise, MultiDict())
    assert "back" not in values


def test_input_names_never_start_with_underscore_or_clash_with_csrf(make_exercise):
    exercise = make_exercise(GROUP + CHOICE + LIST + RANK)
    html = str(render_exercise(exercise, {}, {}, {}, "nl"))
    names = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', html))
    assert names and all(name.startswith("f.") for name in names)
    assert "csrf_token" not in names


def test_a_group_that_is_not_required_may_stay_empty_but_keeps_its_minimum(make_exercise):
    """`min` without `required`, as in "Wat mijn belangrijkste waarden betekenen": empty is
    fine (so the autosave of the steps before it stores everything), and once entries are
    there, the minimum counts. Required, empty is "Vul dit in." as for other fields."""
    optional = make_exercise(
        GROUP.replace("required: true\nfields", "fields").replace("min: 1", "min: 2")
    ).field("jobs")
    assert optional.check([], "nl") == {}
    assert list(optional.check([{"employer": "Bakkerij"}], "nl").values()) == [
        ["Vul minstens 2 keer 'Baan' in."]
    ]
    required = make_exercise(GROUP).field("jobs")
    assert required.check([], "nl") == {"jobs": ["Vul dit in."]}


def test_until_now_and_a_typed_month_together_are_asked_about_not_dropped(make_exercise):
    """Ticking "tot nu" while a month and year are filled in: the client is asked which one
    they mean, and the page shows both as they were (nothing typed is thrown away)."""
    field = make_exercise(
        "```field\nid: until\ntype: month\nlabel: Tot\nallow_current: true\n```\n"
    ).field("until")
    form = MultiDict({"f.until.month": "03", "f.until.year": "2024", "f.until.current": "1"})
    value = field.parse(form)
    assert value != "current"
    assert field.validate(value, "nl") == [
        "Kies een maand en jaar, óf vink 'Tot nu' aan. Niet allebei."
    ]
    assert field.validate(value, "en") == [
        "Choose a month and year, or tick 'Until now'. Not both."
    ]
    html = render(field, value)
    assert '<option value="03" selected>maart</option>' in html
    assert 'name="f.until.year" id="f-until-year" value="2024"' in html
    assert 'name="f.until.current" id="f-until-current" value="1" checked' in html
    assert as_text(field, value) == "maart 2024 / tot nu"  # what a coach reads meanwhile
    # Only the box, or only a month, is what it was.
    assert field.parse(MultiDict({"f.until.current": "1", "f.until.month": ""})) == "current"
    assert field.parse(MultiDict({"f.until.month": "03", "f.until.year": "2024"})) == "2024-03"
