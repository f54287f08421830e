"""profiler.authoring as plain Python: names, checks, saving with history."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from profiler import authoring

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SELF = "01-self_image.nl.md"


@pytest.mark.parametrize(
    "name",
    [
        "../01-self_image.nl.md",
        "../../config.py",
        "/etc/passwd",
        "01-self_image.nl.md/../../../config.py",
        "..",
        ".history",
        "01-self_image.nl.md.20260101T000000Z",
        "01-self_image.nl.md\x00",
        "1-self_image.nl.md",
        "01-Self_Image.nl.md",
        "01-self_image.de.md",
        "programs/persoonlijk-profiel.yml",
        "01-self_image.nl.md\n",
    ],
)
def test_names_that_could_leave_the_folder_are_refused(content, name):
    with pytest.raises(authoring.InvalidName):
        authoring.exercise_path(content, name)


def test_a_symlink_pointing_outside_is_refused(content, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    os.symlink(outside, content / "exercises" / "98-leak.nl.md")
    with pytest.raises(authoring.InvalidName):
        authoring.exercise_path(content, "98-leak.nl.md")


def test_a_good_name_stays_inside_exercises(content):
    path = authoring.exercise_path(content, SELF)
    assert path == (content / "exercises" / SELF).resolve()


def test_check_reports_own_problems_with_their_line(content, pristine_library):
    text = authoring.read_source(content, SELF).replace("type: list", "type: list\ntpo: 3", 1)
    line = text.splitlines().index("tpo: 3") + 1
    check = authoring.check_text(text, SELF, pristine_library)
    assert not check.ok
    found = [(p.line, "onbekende sleutel 'tpo'" in p.message) for p in check.problems]
    assert found == [(line, True)]


def test_twin_differences_are_warnings_not_errors(content, pristine_library):
    text = authoring.read_source(content, SELF) + (
        "\n```field\nid: extra_note\ntype: textarea\nlabel: Nog iets?\n```\n"
    )
    check = authoring.check_text(text, SELF, pristine_library)
    assert check.ok
    assert any("extra_note" in p.message for p in check.warnings)


def test_save_refuses_a_change_that_breaks_another_exercise(content, pristine_library):
    # 03-qualities reads `from: self_image.own_words`: renaming that field in 01-self_image
    # is fine for the file itself, but would break exercise 3, so nothing may be written.
    before = authoring.read_source(content, SELF)
    renamed = before.replace("id: own_words", "id: my_words")
    assert authoring.check_text(renamed, SELF, pristine_library).ok
    with pytest.raises(authoring.SaveRefused) as refused:
        authoring.save(content, SELF, renamed, library=pristine_library, now=NOW)
    assert [(p.path, p.line) for p in refused.value.problems] == [
        ("exercises/03-qualities.nl.md", 32)
    ]
    assert "own_words" in refused.value.problems[0].message
    assert authoring.read_source(content, SELF) == before
    assert not (content / authoring.HISTORY).exists()


def test_save_writes_keeps_history_and_returns_the_new_library(content, pristine_library):
    old = authoring.read_source(content, SELF)
    new = old.replace("title: Zelfbeeld", "title: Zelfbeeld (nieuw)")
    saved = authoring.save(
        content, SELF, new, library=pristine_library, now=NOW, base=authoring.fingerprint(old)
    )
    assert authoring.read_source(content, SELF) == new
    assert saved.history == content / ".history" / f"{SELF}.20260302T093000Z"
    assert saved.history.read_text(encoding="utf-8") == old
    assert saved.library.get("self_image", "nl").title == "Zelfbeeld (nieuw)"
    assert saved.signature is not None
    # a second save in the same second keeps both earlier versions
    authoring.save(content, SELF, old, library=saved.library, now=NOW)
    assert len(authoring.history(content, SELF)) == 2
    assert not list((content / "exercises").glob(".*.tmp"))


def test_save_refuses_when_the_file_changed_meanwhile(content, pristine_library):
    old = authoring.read_source(content, SELF)
    base = authoring.fingerprint(old)
    (content / "exercises" / SELF).write_text(old + "\nIemand anders.\n", encoding="utf-8")
    with pytest.raises(authoring.SaveConflict) as conflict:
        authoring.save(content, SELF, old, library=pristine_library, now=NOW, base=base)
    assert conflict.value.reason == "changed"


def test_crlf_from_a_browser_is_saved_as_lf(content, pristine_library):
    old = authoring.read_source(content, SELF)
    authoring.save(content, SELF, old.replace("\n", "\r\n"), library=pristine_library, now=NOW)
    assert (content / "exercises" / SELF).read_bytes() == old.encode("utf-8")


def test_overview_groups_by_part_and_lists_broken_files(content, pristine_library):
    (content / "exercises" / "95-broken.nl.md").write_text("no front matter\n", encoding="utf-8")
    from profiler.exercises import load_library

    summary = authoring.overview(content, load_library(content))
    keys = [g.key for g in summary.groups]
    assert keys[:5] == [f"part:{p}" for p in authoring.PARTS]
    assert "kind:questionnaire" in keys and keys[-1] == "broken"
    broken = summary.groups[-1].entries[0]
    assert broken.files["nl"].loaded is False
    assert str(broken.problems[0]).startswith("exercises/95-broken.nl.md:1: ")
    assert [p.name for p in summary.programs] == ["persoonlijk-profiel.yml"]
    assert summary.programs[0].problems == []
