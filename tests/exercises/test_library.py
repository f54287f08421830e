from __future__ import annotations

import shutil
from pathlib import Path

from profiler.exercises import check_library, load_library, parse_exercise_text

EXPECTED = [
    "exercises/02-bad_yaml.nl.md:4: front matter: the YAML cannot be read (did not find "
    "expected ',' or ']'); check indentation, colons and quotes (put text with a colon in quotes)",
    "exercises/03-unknown_key.nl.md:5: front matter has an unknown key 'colour'; allowed keys "
    "are: id, title, part, kind, estimate, summary",
    "exercises/03-unknown_key.nl.md:9: field 'things' needs the key 'items' (how many lines); "
    "add e.g. 'items: 5'",
    "exercises/03-unknown_key.nl.md:13: field 'things' has an unknown key 'itmes'; allowed keys "
    "are: id, type, label, hint, required, items, min, max_length",
    "exercises/04-bad_ref.en.md:10: field 'picked': 'from: nothere.items' names exercise "
    "'nothere', which does not exist; check the spelling of the exercise id",
    "exercises/04-bad_ref.en.md:17: field 'ranked': 'from: good.missing' names field 'missing', "
    "which exercise 'good' does not have; its fields are: items, colours",
    "exercises/04-bad_ref.en.md:23: field 'shown': 'from: good.items.scores' points to a list "
    "field, but only a scale field has scores; point to another field",
    "exercises/04-bad_ref.nl.md:10: field 'picked': 'from: nothere.items' names exercise "
    "'nothere', which does not exist; check the spelling of the exercise id",
    "exercises/04-bad_ref.nl.md:17: field 'ranked': 'from: good.missing' names field 'missing', "
    "which exercise 'good' does not have; its fields are: items, colours",
    "exercises/04-bad_ref.nl.md:23: field 'shown': 'from: good.items.scores' points to a list "
    "field, but only a scale field has scores; point to another field",
    "exercises/05-twin.en.md:2: field 'only_dutch' of exercises/05-twin.nl.md:21 is missing "
    "here; add it with the same id and type",
    "exercises/05-twin.en.md:6: field 'name' has type 'textarea' here but 'text' in "
    "exercises/05-twin.nl.md:6; use the same type in both languages",
    "exercises/05-twin.en.md:12: field 'level' differs from exercises/05-twin.nl.md:12 in its "
    "option values, items, dimensions, sub-fields or settings; keep those the same in both "
    "languages and translate only the texts",
    "exercises/06-bad_template.nl.md:10: field 'pitch': prefill template has an error on its "
    "line 1: unexpected end of template, expected 'end of print statement'; check the {{ }} and "
    "{% %} brackets",
    "exercises/06-bad_template.nl.md:17: field 'sneaky': prefill may not use names with '__'; "
    "use only answers.<exercise>.<field>",
    "exercises/07-unknown_type.nl.md:8: field 'box' has an unknown type 'textbox'; use one of: "
    "text, textarea, list, choice, scale, rank, pick, group, month, show",
    "exercises/08-ids.nl.md:7: field 'Bad-Id': 'id' value 'Bad-Id' is not a valid id; use "
    "lowercase letters, digits and _ only, starting with a letter (e.g. work_history)",
    "exercises/08-ids.nl.md:18: field id 'same' is already used on line 12; give every field "
    "its own id",
    "exercises/08-ids.nl.md:24: field needs the key 'id'; add 'id: ...'",
    "exercises/09-unclosed.nl.md:8: this field block is not closed; add a line with ``` after "
    "its last line",
    "exercises/10-wrong_name.nl.md:2: id 'right_name' differs from the file name 'wrong_name'; "
    "make them the same",
    "programs/main.yml:5: program part 'hobbies' is unknown; use one of: personality, "
    "work_enjoyment, function, goal, documents",
    "programs/main.yml:8: program: 'does_not_exist' in 'steps' is not an exercise in the "
    "library; check the spelling or add the exercise",
    "programs/main.yml:9: program: exercise 'good' is listed twice in 'steps'; keep one",
    "programs/main.yml:10: program: checkin 'good' has kind 'exercise'; give that exercise "
    "'kind: checkin'",
]


def test_broken_library_reports_every_problem_exactly(broken_dir, english):
    assert [str(p) for p in check_library(broken_dir)] == EXPECTED


def test_broken_files_are_skipped_and_the_rest_loads(broken_dir):
    library = load_library(broken_dir)
    assert sorted(library.exercises) == [
        ("bad_ref", "en"),
        ("bad_ref", "nl"),
        ("good", "en"),
        ("good", "nl"),
        ("twin", "en"),
        ("twin", "nl"),
    ]
    assert library.get("good", "en").title == "Good exercise"
    assert library.programs == {}  # the broken program is reported, not used


def test_get_falls_back_to_the_other_language(tmp_path, broken_dir, english):
    shutil.copytree(broken_dir, tmp_path / "lib")
    (tmp_path / "lib/exercises/01-good.en.md").unlink()
    library = load_library(tmp_path / "lib")
    assert library.get("good", "en").lang == "nl"
    assert library.get("nope", "nl") is None
    assert (
        "exercises/01-good.nl.md:2: exercise 'good' has no en version; add a file ending in "
        "'good.en.md'" in [str(p) for p in library.problems]
    )


def test_real_content_has_no_problems():
    content = Path(__file__).resolve().parents[2] / "content"
    assert [str(p) for p in check_library(content)] == []


def test_parse_exercise_text_checks_an_unsaved_text_against_the_library(broken_dir, english):
    library = load_library(broken_dir)
    text = (broken_dir / "exercises/01-good.en.md").read_text()
    changed = text.replace("id: colours\ntype: choice", "id: colours\ntype: pick\nfrom: x.y")
    changed = changed.replace("multiple: true\n", "").replace(
        "options:\n  - {value: red, label: Red}\n  - {value: blue, label: Blue}\n", ""
    )
    exercise, problems = parse_exercise_text(changed, "exercises/01-good.en.md", library)
    assert exercise is None
    assert [str(p) for p in problems] == [
        "exercises/01-good.en.md:18: field 'colours' has type 'pick' here but 'choice' in "
        "exercises/01-good.nl.md:18; use the same type in both languages",
        "exercises/01-good.en.md:21: field 'colours': 'from: x.y' names exercise 'x', which does "
        "not exist; check the spelling of the exercise id",
    ]
    fine, problems = parse_exercise_text(text, "exercises/01-good.en.md", library)
    assert problems == [] and fine is not None


def test_a_byte_order_mark_at_the_start_is_not_a_problem(broken_dir, tmp_path):
    library = load_library(broken_dir)
    text = (broken_dir / "exercises/01-good.en.md").read_text()
    exercise, problems = parse_exercise_text("\ufeff" + text, "exercises/01-good.en.md", library)
    assert problems == [] and exercise is not None
    (tmp_path / "exercises").mkdir()
    for path in (broken_dir / "exercises").glob("01-good.*.md"):  # as a Windows editor saves
        (tmp_path / "exercises" / path.name).write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    loaded = load_library(tmp_path)
    assert loaded.get(exercise.id, "en") is not None
    assert not [p for p in loaded.problems if "01-good" in str(p)]


def test_twin_option_values_must_match(broken_dir, english):
    library = load_library(broken_dir)
    text = (broken_dir / "exercises/01-good.en.md").read_text().replace("value: blue", "value: b")
    _, problems = parse_exercise_text(text, "exercises/01-good.en.md", library)
    assert [p.line for p in problems] == [18]
    assert "differs from exercises/01-good.nl.md:18 in its option values" in problems[0].message


def test_yes_and_no_stay_text_and_a_bad_boolean_is_reported(english):
    text = (
        "---\nid: demo\ntitle: Demo\npart: goal\n---\n```field\nid: x\ntype: text\n"
        "label: X\nrequired: yes\n```\n"
    )
    _, problems = parse_exercise_text(text, "exercises/01-demo.nl.md")
    assert [str(p) for p in problems] == [
        "exercises/01-demo.nl.md:10: field 'x': 'required' must be true or false, not 'yes'"
    ]


def test_reference_to_a_later_field_in_the_same_exercise_is_reported(english):
    text = (
        "---\nid: demo\ntitle: Demo\npart: goal\n---\n"
        "```field\nid: view\ntype: show\nfrom: demo.items\n```\n\n"
        "```field\nid: items\ntype: list\nlabel: L\nitems: 2\n```\n"
    )
    _, problems = parse_exercise_text(text, "exercises/01-demo.nl.md")
    assert [str(p) for p in problems] == [
        "exercises/01-demo.nl.md:9: field 'view': 'from: demo.items' points to a field further "
        "down; move this field below 'items'"
    ]


def test_front_matter_rules(english):
    text = "---\nid: demo\ntitle: Demo\nkind: quiz\n---\nTekst\n"
    _, problems = parse_exercise_text(text, "exercises/01-demo.nl.md")
    assert [str(p) for p in problems] == [
        "exercises/01-demo.nl.md:4: kind 'quiz' is unknown; use one of: exercise, questionnaire, "
        "checkin, evaluation, info"
    ]
    _, problems = parse_exercise_text("no front matter", "exercises/01-demo.nl.md")
    assert [p.line for p in problems] == [1]
    _, problems = parse_exercise_text("---\nid: demo\ntitle: T\n---\n", "demo.md")
    assert [str(p) for p in problems] == [
        "demo.md:1: the file name must look like NN-<id>.nl.md or NN-<id>.en.md, e.g. "
        "04-interests.nl.md",
        "demo.md:2: front matter needs 'part' for an exercise; use one of: personality, "
        "work_enjoyment, function, goal, documents",
    ]


def test_a_control_character_in_a_text_is_reported_and_left_out(english):
    # Only a YAML escape can write one; a NUL would also be the fields' own stencil marker.
    text = (
        "---\nid: demo\ntitle: Demo\npart: goal\n---\n```field\nid: x\ntype: choice\n"
        'label: "Kies\\0 er een"\noptions:\n  - {value: a, label: "A \\0value\\0"}\n'
        "  - {value: b, label: B}\n```\n"
    )
    exercise, problems = parse_exercise_text(text, "exercises/01-demo.nl.md")
    assert [str(p) for p in problems] == [
        "exercises/01-demo.nl.md:9: field 'x': 'label' contains an invisible control character "
        "(such as \\0); remove it",
        "exercises/01-demo.nl.md:11: field 'x', option: 'label' contains an invisible control "
        "character (such as \\0); remove it",
    ]
    assert exercise is None  # not loaded until it is fixed, as with every other problem


def test_problems_are_dutch_first_and_follow_the_readers_language(broken_dir, app):
    """The library is loaded once; each message is put into words when it is shown, in the
    language of whoever reads it (Dutch unless English was chosen)."""
    import flask_babel

    problems = {str(p).split(": ", 1)[0]: p for p in check_library(broken_dir)}
    unknown = problems["exercises/03-unknown_key.nl.md:5"]
    assert unknown.message == (
        "de front matter heeft een onbekende sleutel 'colour'; toegestaan zijn: id, title, part, "
        "kind, estimate, summary"
    )
    assert problems["exercises/08-ids.nl.md:24"].message == (
        "veld mist de sleutel 'id'; voeg 'id: ...' toe"
    )
    assert problems["programs/main.yml:9"].message == (
        "programma: oefening 'good' staat twee keer onder 'steps'; houd er één"
    )
    with app.app_context(), flask_babel.force_locale("en"):
        assert unknown.message.startswith("front matter has an unknown key 'colour'")
    assert unknown.message.startswith("de front matter")  # and back: nothing was fixed
    assert unknown in check_library(broken_dir)  # equal by message and values, not by words
