"""Administrator: people, coach assignment, deactivation, deletion with everything attached."""

from __future__ import annotations

from datetime import date

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
    for query in ("q=%25", "q=k_rin"):  # % and _ are letters, not wildcards
        body = client.get(f"/admin/audit?{query}").get_data(as_text=True).split("<tbody>")[1]
        assert "Geen gebeurtenissen gevonden." in body, query
    people = client.get("/admin/users?q=%25").get_data(as_text=True)
    assert "Karin" not in people and "Anna" not in people


def test_only_admins_reach_the_user_pages(users, client):
    login(client, "coach.a@example.nl")
    assert client.get("/admin/users").status_code == 404
    assert client.get("/admin/audit").status_code == 404


def test_a_new_invitation_only_for_someone_who_has_no_password_yet(users, client, db):
    login(client, "admin@example.nl")
    token = csrf_token(client, "/admin/users")
    client.post(
        "/admin/users",
        data={"name": "Lotte", "email": "lotte@example.nl", "role": "coach", "csrf_token": token},
    )
    lotte = db.query(User).filter_by(email="lotte@example.nl").one()
    working = users["coach_a"]  # has a password: works with Profiler already
    assert "Nieuwe uitnodiging sturen" in client.get(f"/admin/users/{lotte.id}").get_data(
        as_text=True
    )
    page = client.get(f"/admin/users/{working.id}").get_data(as_text=True)
    assert "Nieuwe uitnodiging sturen" not in page
    before = db.query(OutboxMail).filter_by(kind="invitation").count()
    response = client.post(
        f"/admin/users/{working.id}/invite", data={"csrf_token": token}, follow_redirects=True
    )
    assert "heeft al een wachtwoord" in response.get_data(as_text=True)
    assert db.query(OutboxMail).filter_by(kind="invitation").count() == before
    client.post(f"/admin/users/{lotte.id}/invite", data={"csrf_token": token})
    assert db.query(OutboxMail).filter_by(kind="invitation").count() == before + 1
    # A colleague's invitation is not an event "about a client" (the privacy pages use those).
    invited = db.query(AuditEvent).filter_by(action="user.invited").all()
    assert invited and all(e.client_id is None for e in invited)
    assert invited[-1].detail == {"person": "lotte@example.nl"}
