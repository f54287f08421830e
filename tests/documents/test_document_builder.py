"""Answers to document models: the mapping, the drafts, the privacy of `conditions`."""

from __future__ import annotations

import dataclasses

from sqlalchemy import event

from profiler import document_builder
from profiler.demo_answers import (
    JOBS,
    NAME,
    PITCH_TEXT,
    PRIVATE_MARKERS,
    save_sample_answers,
)
from profiler.documents import choices
from profiler.extensions import db
from profiler.library import current_library
from profiler.models import Role
from tests.conftest import T0, make_user


def build(kind, user, **kwargs):
    return document_builder.build(
        kind, db.session, user, current_library(), choices.for_client(db.session, user), **kwargs
    )


def test_cv_holds_the_answers_in_the_clients_order(sanne):
    cv = build("cv", sanne)
    assert cv.person.name == NAME
    assert cv.person.city == "Amersfoort" and cv.person.headline == "Planner in de zorg"
    assert [job.employer for job in cv.jobs] == [job["employer"] for job in JOBS]
    assert cv.jobs[0].end == "current"
    assert [d.completed for d in cv.diplomas] == [True, False]
    assert [(lang.language, lang.level) for lang in cv.languages][0] == ("Nederlands", "native")
    assert cv.competences[1].name == "Plannen en organiseren"
    assert cv.interests.startswith("Wandelen")


def test_resume_uses_value_labels_and_the_highest_interest_areas(sanne):
    resume = build("resume", sanne)
    assert resume.values[:3] == ["Anderen helpen", "Duidelijkheid", "Rust"]
    assert "Humor op de werkvloer" in resume.values  # the client's own "other" value
    assert resume.interests == ["Mensen helpen", "Organiseren"]
    assert resume.goal == "Planner in de zorg"
    assert "Roosters en planningen maken" in resume.strengths


def test_pitch_is_the_clients_text(sanne):
    assert build("pitch", sanne).text == PITCH_TEXT


def test_unsaved_pitch_and_profile_use_the_exercise_draft(app):
    user = make_user(Role.CLIENT, "new@example.nl", "Nieuwe Cliënt")
    save_sample_answers(db.session, user, now=T0, leave_out=(("pitch", "text"), ("cv", "profile")))
    pitch = build("pitch", user)
    resume = build("resume", user)
    assert "planner in de zorg" in pitch.text.lower()
    assert "Ik heb ervaring als" in pitch.text
    assert "planner in de zorg" in resume.profile.lower()


def test_a_client_without_answers_still_gets_a_draft(app):
    user = make_user(Role.CLIENT, "empty@example.nl", "Lege Cliënt")
    assert build("pitch", user).text.strip()
    assert build("cv", user).profile.strip()
    assert build("workbook", user).parts  # every exercise, marked as not filled in yet


def test_answers_are_read_in_one_query(sanne):
    statements = []

    def count(conn, cursor, statement, *args):
        if "answers" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        document_builder.sources(db.session, sanne, current_library())
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_conditions_never_enter_any_model(sanne):
    for kind in document_builder.KINDS:
        content = repr(dataclasses.asdict(build(kind, sanne)))
        for marker in PRIVATE_MARKERS:
            assert marker not in content, (kind, marker)


def test_workbook_numbers_the_exercises_by_part_and_keeps_conditions_private(sanne):
    workbook = build("workbook", sanne)
    numbers = [e.number for part in workbook.parts for e in part.exercises]
    assert numbers == [str(n) for n in range(1, 18)]
    assert [p.title for p in workbook.parts] == [
        "Persoonlijkheid",
        "Werkplezier",
        "Functie",
        "Doel",
        "Documenten",
    ]
    conditions = next(e for p in workbook.parts for e in p.exercises if e.number == "13")
    assert len(conditions.answers) == 1 and "privé" in conditions.answers[0][1]
    questionnaire = workbook.charts[0]
    assert [s.name for s in questionnaire.series] == ["Start", "Halverwege", "Eind"]
    assert questionnaire.series[0].values == [2.0, 2.0, 3.0, 2.0]
    interests = next(c for c in workbook.charts if c.title == "Interessegebieden")
    assert interests.series[0].values[3] == 5.0


def test_choices_reach_the_cv(sanne):
    choices.update(
        db.session,
        sanne,
        now=T0,
        layout="modern",
        visible_sections=["profile", "experience", "skills"],
        shown_details=["city", "email"],
        move=("skills", "up"),
    )
    cv = build("cv", sanne)
    assert cv.layout == "modern"
    assert list(cv.section_order[3:6]) == ["courses", "skills", "competences"]
    assert cv.sections() == ["profile", "experience", "skills"]
    assert set(cv.show) == {"city", "email"}


def test_moving_a_section_stops_at_the_edges():
    order = choices.moved(choices.normal_order([]), "profile", "up")
    assert order[0] == "profile"
    assert choices.moved(order, "interests", "down")[-1] == "interests"
    assert choices.moved(order, "experience", "up")[:2] == ("experience", "profile")
    assert choices.normal_order(["skills", "bogus", "skills"])[0] == "skills"
