"""New answers stay new for the coach until the coach opens that exercise.

Runs on SQLite and on PostgreSQL: the read is written with each database's own upsert.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from profiler import clock, exercise_reads, user_admin
from profiler.answers import save_answers
from profiler.dashboard import dashboard_rows
from profiler.models import ExerciseRead
from tests.conftest import T0, Clock, csrf_token, login

BADGE = 'badge-accent">nieuwe antwoorden<'


@pytest.fixture
def app(app_both):
    """The app on SQLite, then on a fresh PostgreSQL database."""
    return app_both


@pytest.fixture
def now(monkeypatch):
    """The app's clock, a week into Sanne's plan; tests move it on."""
    moment = Clock(T0 + timedelta(days=7))
    monkeypatch.setattr(clock, "now", moment)
    return moment


def answer(db, client, exercise_id: str, field: str, text: str, now: Clock) -> None:
    now.at += timedelta(minutes=5)
    save_answers(db, client, exercise_id, {field: text}, now=now.at)
    db.commit()
    now.at += timedelta(minutes=5)


def badges(client, sanne) -> int:
    return client.get(f"/coach/clients/{sanne.id}").get_data(as_text=True).count(BADGE)


def new_count(db, team, now) -> int:
    [row] = dashboard_rows(db, team["karin"], now.at)
    return row.new_answers


def test_the_badge_stays_until_the_coach_opens_that_exercise(client, team, db, now):
    sanne = team["sanne"]
    answer(db, sanne, "self_image", "then_now", "Rustiger dan vroeger.", now)
    answer(db, sanne, "work_environment", "energy_places", "Een stille werkplek.", now)
    login(client, "karin@example.nl")
    assert new_count(db, team, now) == 2
    assert badges(client, sanne) == 2
    assert badges(client, sanne) == 2  # looking at the plan reads nothing
    assert "2 oefeningen hebben nieuwe antwoorden" in client.get(
        f"/coach/clients/{sanne.id}"
    ).get_data(as_text=True)

    page = client.get(f"/coach/clients/{sanne.id}/exercises/self_image")
    assert "Rustiger dan vroeger." in page.get_data(as_text=True)
    assert badges(client, sanne) == 1
    assert new_count(db, team, now) == 1
    assert exercise_reads.unread_exercises(db, sanne.id, None) == {"work_environment"}

    # Sanne changes the exercise the coach read: it is new again, the other one still is.
    answer(db, sanne, "self_image", "then_now", "Rustiger en zekerder.", now)
    assert new_count(db, team, now) == 2
    assert badges(client, sanne) == 2


def test_opening_twice_keeps_one_read_with_the_last_moment(client, team, db, now):
    sanne = team["sanne"]
    answer(db, sanne, "self_image", "then_now", "Rustiger dan vroeger.", now)
    login(client, "karin@example.nl")
    client.get(f"/coach/clients/{sanne.id}/exercises/self_image")
    now.at += timedelta(hours=1)
    client.get(f"/coach/clients/{sanne.id}/exercises/self_image")
    [read] = db.scalars(select(ExerciseRead)).all()
    assert (read.client_id, read.exercise_id) == (sanne.id, "self_image")
    assert read.read_at == now.at


def test_all_read_at_once_from_the_plan_and_from_the_preparation(client, team, db, now):
    sanne = team["sanne"]
    answer(db, sanne, "self_image", "then_now", "Rustiger dan vroeger.", now)
    answer(db, sanne, "work_environment", "energy_places", "Een stille werkplek.", now)
    login(client, "karin@example.nl")
    plan = f"/coach/clients/{sanne.id}"
    token = csrf_token(client, plan)
    page = client.post(
        f"{plan}/read-all", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Alle antwoorden staan nu op gelezen." in page
    assert BADGE not in page and "Zet alles op gelezen" not in page
    assert new_count(db, team, now) == 0

    answer(db, sanne, "self_image", "then_now", "Rustiger en zekerder.", now)
    assert badges(client, sanne) == 1
    client.get(f"{plan}/prepare")  # the preparation shows every change since the session
    assert badges(client, sanne) == 0 and new_count(db, team, now) == 0


def test_read_all_without_a_valid_token_changes_nothing(client, team, db, now):
    sanne = team["sanne"]
    answer(db, sanne, "self_image", "then_now", "Rustiger dan vroeger.", now)
    login(client, "karin@example.nl")
    page = client.post(f"/coach/clients/{sanne.id}/read-all", data={"csrf_token": "x"})
    assert page.status_code == 400  # the app's page for an expired form, nothing changed
    assert new_count(db, team, now) == 1


def test_another_coach_can_neither_read_nor_mark(client, team, db, now):
    sanne = team["sanne"]
    answer(db, sanne, "self_image", "then_now", "Rustiger dan vroeger.", now)
    login(client, "mehmet@example.nl")
    assert client.get(f"/coach/clients/{sanne.id}/exercises/self_image").status_code == 404
    token = csrf_token(client, "/coach")
    assert (
        client.post(f"/coach/clients/{sanne.id}/read-all", data={"csrf_token": token}).status_code
        == 404
    )
    assert new_count(db, team, now) == 1
    assert db.scalar(select(func.count()).select_from(ExerciseRead)) == 0


def test_the_reads_go_with_a_deleted_client(client, team, db, now):
    sanne = team["sanne"]
    answer(db, sanne, "self_image", "then_now", "Rustiger dan vroeger.", now)
    exercise_reads.mark_read(db, sanne.id, "self_image", now.at)
    db.commit()
    user_admin.delete_client(db, sanne, by=team["karin"], now=now.at)
    db.commit()
    assert db.scalar(select(func.count()).select_from(ExerciseRead)) == 0
