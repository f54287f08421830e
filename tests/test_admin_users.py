"""Administrator: people, coach assignment, deactivation, deletion with everything attached."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import event

from profiler.enrollments import enroll
from profiler.models import Answer, AnswerRevision, AuditEvent, Comment, OutboxMail, User
from tests.conftest import T0, csrf_token, login


def test_admin_invites_a_coach_and_the_invitation_is_queued(users, client, db):
    login(client, "admin@example.nl")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        "/admin/users",
        data={"name": "Lotte", "email": "lotte@example.nl", "role": "coach", "csrf_token": token},
    )
    assert response.status_code == 302
    lotte = db.query(User).filter_by(email="lotte@example.nl").one()
    assert lotte.role == "coach" and lotte.password_hash is None
    assert db.query(OutboxMail).filter_by(to_addr="lotte@example.nl", kind="invitation").count()


def test_duplicate_email_keeps_the_form_and_says_why(users, client):
    login(client, "admin@example.nl")
    token = csrf_token(client, "/admin/users")
    page = client.post(
        "/admin/users",
        data={
            "name": "Dubbel",
            "email": "COACH.A@example.nl",
            "role": "coach",
            "csrf_token": token,
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Er is al een account met dit e-mailadres." in html
    assert 'value="Dubbel"' in html


def test_deactivated_user_is_logged_out_and_cannot_log_in(users, app, db):
    coach_http = app.test_client()
    login(coach_http, "coach.a@example.nl")
    assert coach_http.get("/coach").status_code == 200
    admin_http = app.test_client()
    login(admin_http, "admin@example.nl")
    coach_id = users["coach_a"].id
    token = csrf_token(admin_http, f"/admin/users/{coach_id}")
    admin_http.post(f"/admin/users/{coach_id}/active", data={"active": "0", "csrf_token": token})
    assert coach_http.get("/coach").status_code == 302
    again = login(app.test_client(), "coach.a@example.nl")
    assert again.status_code == 200 and "klopt niet" in again.get_data(as_text=True)


def test_admin_reassigns_a_client_to_another_coach(users, client, db):
    login(client, "admin@example.nl")
    anna = users["client_a"]
    token = csrf_token(client, f"/admin/users/{anna.id}")
    client.post(
        f"/admin/users/{anna.id}", data={"coach_id": users["coach_b"].id, "csrf_token": token}
    )
    db.expire_all()
    assert db.get(User, anna.id).coach_id == users["coach_b"].id


def test_delete_client_removes_everything_after_confirmation(users, client, db):
    anna = users["client_a"]
    enroll(db, anna, program_id="p", steps=["a", "b"], start_date=date(2026, 3, 2), now=T0)
    answer = Answer(
        client_id=anna.id,
        exercise_id="a",
        field_id="f",
        value="geheim",
        revision=1,
        created_at=T0,
        updated_at=T0,
    )
    answer.revisions.append(AnswerRevision(revision=1, value="geheim", created_at=T0))
    db.add_all(
        [
            answer,
            Comment(
                client_id=anna.id,
                author_id=users["coach_a"].id,
                exercise_id="a",
                body="Mooi",
                created_at=T0,
            ),
        ]
    )
    db.commit()
    login(client, "admin@example.nl")
    url = f"/admin/users/{anna.id}/delete"
    token = csrf_token(client, url)
    wrong = client.post(url, data={"confirm_name": "Bram", "csrf_token": token})
    assert "De naam klopt niet" in wrong.get_data(as_text=True)
    assert db.get(User, anna.id) is not None
    done = client.post(url, data={"confirm_name": "anna", "csrf_token": token})
    assert done.status_code == 302
    db.expire_all()
    assert db.get(User, anna.id) is None
    assert db.query(Answer).count() == 0 and db.query(AnswerRevision).count() == 0
    assert db.query(Comment).count() == 0
    event = db.query(AuditEvent).filter_by(action="user.deleted").one()
    assert event.detail["answers"] == 1 and "Anna" not in str(event.detail)


def test_audit_log_is_searchable_by_person(users, app, client, db):
    login(app.test_client(), "coach.a@example.nl")
    login(client, "admin@example.nl")
    html = client.get("/admin/audit?q=karin").get_data(as_text=True)
    assert "auth.login" in html and "Karin" in html
    assert "Ada" not in html.split("<tbody>")[1]


def test_only_admins_reach_the_user_pages(users, client):
    login(client, "coach.a@example.nl")
    assert client.get("/admin/users").status_code == 404
    assert client.get("/admin/audit").status_code == 404


def _many_clients(db, coach: User, count: int) -> None:
    """`count` invited clients of `coach`, named "Klant 001"… (no passwords: fast to create)."""
    for n in range(1, count + 1):
        db.add(
            User(
                email=f"klant{n:03}@example.nl",
                name=f"Klant {n:03}",
                role="client",
                coach_id=coach.id,
                created_at=T0,
            )
        )
    db.commit()


def _people(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/admin/users/\d+">([^<]+)</a></th>', html)


def test_the_people_list_comes_in_pages_and_reaches_everyone(users, client, db):
    _many_clients(db, users["coach_a"], 120)  # with the five of `users`: 125 people
    login(client, "admin@example.nl")
    first = client.get("/admin/users").get_data(as_text=True)
    assert len(_people(first)) == 50
    assert "125 mensen" in first and "Je ziet 1 tot en met 50." in first
    assert 'href="/admin/users?page=2"' in first and 'href="/admin/users?page=3"' in first
    last = client.get("/admin/users?page=3").get_data(as_text=True)
    assert _people(last)[-3:] == ["Klant 120", "Karin", "Mehmet"] and len(_people(last)) == 25
    seen = set()
    for number in (1, 2, 3):
        seen |= set(_people(client.get(f"/admin/users?page={number}").get_data(as_text=True)))
    assert len(seen) == 125
    assert _people(client.get("/admin/users?page=99").get_data(as_text=True)) == _people(last)


def test_paging_keeps_the_search_and_the_role(users, client, db):
    _many_clients(db, users["coach_a"], 60)
    login(client, "admin@example.nl")
    html = client.get("/admin/users?q=klant&role=client").get_data(as_text=True)
    assert "60 mensen" in html and len(_people(html)) == 50
    assert 'href="/admin/users?page=2&amp;q=klant&amp;role=client"' in html
    second = client.get("/admin/users?page=2&q=klant&role=client").get_data(as_text=True)
    assert _people(second) == [f"Klant {n:03}" for n in range(51, 61)]
    assert 'value="klant"' in second


def test_the_people_page_asks_the_database_for_one_page(users, client, db):
    """The database sends 50 people, not everyone: the page stays quick at 10,000 clients."""
    _many_clients(db, users["coach_a"], 80)
    login(client, "admin@example.nl")
    client.get("/admin/users")
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.get_bind(), "before_cursor_execute", record)
    try:
        html = client.get("/admin/users?page=2").get_data(as_text=True)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", record)
    people = [(s, p) for s, p in seen if "FROM users" in s and "ORDER BY users.role" in s]
    assert len(people) == 1, seen
    statement, parameters = people[0]
    assert "LIMIT" in statement and tuple(parameters)[-2:] == (50, 50)
    assert len(_people(html)) == 35
