"""A NUL character (%00) in a query, a form or a path: dropped or a 404, never a 500.

PostgreSQL refuses NUL in text, so every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from profiler.enrollments import enroll
from profiler.models import CoachNote
from profiler.request_text import without_nul
from tests.conftest import T0, csrf_token, login


@pytest.fixture
def app(app_both):
    return app_both


def test_without_nul_keeps_the_same_object_when_there_is_nothing_to_drop():
    clean = ImmutableMultiDict([("q", "Anna"), ("q", "Bram")])
    assert without_nul(clean) is clean
    cleaned = without_nul(ImmutableMultiDict([("q", "An\x00na"), ("q", "Bram"), ("x\x00", "")]))
    assert isinstance(cleaned, ImmutableMultiDict)
    assert cleaned.getlist("q") == ["Anna", "Bram"] and "x" in cleaned
    assert without_nul(MultiDict([("a", "\x00")])) == MultiDict([("a", "")])


def test_searches_with_a_nul_answer_as_without(users, client):
    login(client, "admin@example.nl")
    for url in ("/admin/users?q=%00", "/admin/audit?q=An%00na&action=%00"):
        assert client.get(url).status_code == 200, url
    assert "Anna" in client.get("/admin/users?q=An%00na").get_data(as_text=True)
    coach = client.application.test_client()
    login(coach, "coach.a@example.nl")
    assert "Anna" in coach.get("/coach?q=An%00na").get_data(as_text=True)


def test_a_login_with_a_nul_in_the_address_is_an_ordinary_wrong_login(users, client):
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"email": "nobody\x00@example.nl", "password": "x", "csrf_token": token},
    )
    assert response.status_code == 200
    assert "klopt niet" in response.get_data(as_text=True)


def test_a_note_with_a_nul_is_saved_without_it_and_a_path_with_one_is_a_404(users, client, db):
    anna = users["client_a"]
    enroll(
        db,
        anna,
        program_id="persoonlijk_profiel",
        steps=["self_image"],
        start_date=T0.date(),
        now=T0,
    )
    db.commit()
    login(client, "coach.a@example.nl")
    page = f"/coach/clients/{anna.id}"
    token = csrf_token(client, page)
    response = client.post(
        f"{page}/notes", data={"csrf_token": token, "body": "Be\x00l terug"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert db.scalar(select(CoachNote.body)) == "Bel terug"
    assert client.get(f"{page}/exercises/self%00image").status_code == 404
