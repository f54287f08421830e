"""The exercise and reminder mails, and the one-click pause link."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from profiler import plan_changes
from profiler.delivery import deliver
from profiler.models import Enrollment, OutboxMail
from tests.conftest import login

from .conftest import at, kind_of, make_enrollment


def delivered_mail(db, moment: str = "2026-03-02 08:00") -> OutboxMail:
    deliver(db, at(moment), kind_of=kind_of)
    return db.scalars(select(OutboxMail).order_by(OutboxMail.id.desc())).first()


def pause_path(mail: OutboxMail) -> str:
    match = re.search(r"https?://[^/]+(/mail/pause/[A-Za-z0-9_.\-]+)", mail.text_body)
    assert match, mail.text_body
    return match.group(1)


def test_exercise_mail_has_text_html_link_and_one_click_headers(app, db):
    app.config["BASE_URL"] = "https://profiler.example"
    make_enrollment()
    mail = delivered_mail(db)
    assert mail.subject == "Je oefening voor vandaag: self_image (nl)"
    assert "Summary of self_image in nl." in mail.text_body
    link = "https://profiler.example/login?next=/me/exercises/self_image"
    assert link in mail.text_body
    assert link.replace("&", "&amp;") in mail.html_body
    assert "q_start" in mail.text_body  # the questionnaire that opened with it
    pause = pause_path(mail)
    assert mail.headers["List-Unsubscribe"] == f"<https://profiler.example{pause}>"
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"https://profiler.example{pause}" in mail.html_body
    assert '<html lang="nl">' in mail.html_body


def test_mail_follows_the_clients_language(app, db):
    make_enrollment(locale="en")
    mail = delivered_mail(db)
    assert '<html lang="en">' in mail.html_body
    assert "self_image (en)" in mail.subject


@pytest.mark.real_library
def test_mail_shows_the_real_title_and_summary_in_the_clients_language(app, db):
    make_enrollment(locale="en")
    mail = delivered_mail(db)
    assert mail.subject.endswith(": Self-image")
    assert "Look at how you see yourself and how others see you." in mail.html_body


def test_a_missing_exercise_falls_back_to_its_id(app, db, monkeypatch):
    class Empty:
        def get(self, exercise_id, lang):
            return None

    monkeypatch.setattr("profiler.library.current_library", lambda: Empty())
    make_enrollment()
    assert delivered_mail(db).subject == "Je oefening voor vandaag: self_image"


def test_names_are_escaped_in_html(app, db):
    enrollment = make_enrollment()
    enrollment.client.name = "<b>Sanne</b>"
    db.commit()
    mail = delivered_mail(db)
    assert "&lt;b&gt;Sanne&lt;/b&gt;" in mail.html_body
    assert "<b>Sanne</b>" not in mail.html_body


def test_one_click_post_pauses_without_login_or_csrf(app, db, client):
    enrollment = make_enrollment()
    mail = delivered_mail(db)
    response = client.post(pause_path(mail), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.expire_all()
    refreshed = db.get(Enrollment, enrollment.id)
    assert refreshed.paused_by == "client"
    assert deliver(db, at("2026-03-03 08:00"), kind_of=kind_of).delivered == 0


def test_pause_page_shows_one_button_and_how_to_resume(app, db, client):
    enrollment = make_enrollment()
    mail = delivered_mail(db)
    page = client.get(pause_path(mail)).get_data(as_text=True)
    assert page.count('type="submit"') >= 1
    assert 'method="post"' in page
    assert "/me/settings" in page
    db.expire_all()
    assert db.get(Enrollment, enrollment.id).paused_by is None  # GET changes nothing


def test_tampered_pause_token_is_refused(app, db, client):
    enrollment = make_enrollment()
    mail = delivered_mail(db)
    path = pause_path(mail)
    bad = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert client.post(bad).status_code == 404
    db.expire_all()
    assert db.get(Enrollment, enrollment.id).paused_by is None


def test_coach_pause_is_not_overwritten_by_the_link(app, db, client):
    enrollment = make_enrollment()
    mail = delivered_mail(db)
    plan_changes.pause(db, enrollment, by=enrollment.client, now=at("2026-03-02 09:00"))
    enrollment.paused_by = "coach"
    db.commit()
    assert client.post(pause_path(mail)).status_code == 200
    db.expire_all()
    assert db.get(Enrollment, enrollment.id).paused_by == "coach"


def test_pause_link_works_for_a_logged_in_client_without_a_csrf_token(app, db, client):
    enrollment = make_enrollment()
    mail = delivered_mail(db)
    login(client, enrollment.client.email)
    assert client.post(pause_path(mail)).status_code == 200
    db.expire_all()
    refreshed = db.get(Enrollment, enrollment.id)
    assert refreshed.paused_by == "client" and refreshed.paused_at is not None


def test_reminder_mail_names_the_open_exercises(app, db):
    enrollment = make_enrollment(reminders="daily")
    plan_changes.unlock_all(db, enrollment, by=enrollment.client, now=at("2026-03-02 07:00"))
    db.commit()
    deliver(db, at("2026-03-02 09:00"), kind_of=kind_of)
    mail = db.scalars(select(OutboxMail).where(OutboxMail.kind == "reminder")).one()
    assert mail.key == f"remind:{enrollment.id}:2026-03-02"
    assert "Er staan 7 oefeningen voor je klaar:" in mail.text_body
    assert "/login?next=/me/exercises/q_start" in mail.text_body
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert date(2026, 3, 2).isoformat() in mail.key
