"""Comments, private notes, the invitation and the UWV activity report."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from profiler import activity_report, comments, plan_changes, session_prep
from profiler.answers import save_answers
from profiler.models import Answer, CoachNote, Comment, Enrollment, OutboxMail, User
from tests.conftest import T0, csrf_token, login

from .conftest import at, program_steps


def post_form(client, page: str, url: str, **data):
    token = csrf_token(client, page)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def test_coach_comments_on_an_answer_and_the_client_gets_it_unread(karin_client, team, db):
    sanne = team["sanne"]
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "self_image")
    item.unlocked_at = T0
    save_answers(db, sanne, "self_image", {"then_now": "Ik ben <b>rustiger</b> geworden."}, now=T0)
    db.commit()
    page = f"/coach/clients/{sanne.id}/exercises/self_image"
    html = karin_client.get(page).get_data(as_text=True)
    assert "Ik ben &lt;b&gt;rustiger&lt;/b&gt; geworden." in html  # read-only and escaped
    assert 'name="f.then_now"' not in html and "<textarea" in html  # only the comment box
    html = post_form(
        karin_client, page, f"{page}/comments", body="Wat maakt dat verschil?"
    ).get_data(as_text=True)
    assert "Sanne ziet je opmerking" in html and "Wat maakt dat verschil?" in html
    assert "nog niet gelezen" in html
    [unread] = comments.unread_comments(db, sanne.id)
    assert unread.body == "Wat maakt dat verschil?" and unread.author_id == team["karin"].id
    on_page = comments.for_exercise_page(db, sanne.id, "self_image")
    assert on_page.mark_read(db, at("2026-03-05 09:00")) == 1
    db.commit()
    assert comments.unread_comments(db, sanne.id) == []
    assert "gelezen" in karin_client.get(page).get_data(as_text=True)


def test_empty_comment_is_refused(karin_client, team, db):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}/exercises/self_image"
    html = post_form(karin_client, page, f"{page}/comments", body="   ").get_data(as_text=True)
    assert "Schrijf eerst een opmerking" in html
    assert db.scalar(select(func.count(Comment.id))) == 0


def test_a_comment_too_long_is_refused_with_the_text_kept(karin_client, team, db):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}/exercises/self_image"
    body = "Mooi verwoord. " * 400  # 6,000 characters: over the 5,000 a comment may have
    html = post_form(karin_client, page, f"{page}/comments", body=body).get_data(as_text=True)
    assert "Gebruik hoogstens 5000 tekens." in html
    assert escape(body) in html  # in the box again, to shorten instead of retype
    assert db.scalar(select(func.count(Comment.id))) == 0


def test_a_note_too_long_or_empty_is_refused_with_the_text_kept(karin_client, team, db):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}"
    body = "Gesprek met de bedrijfsarts besproken. " * 300  # 11,700 characters
    html = post_form(karin_client, page, f"{page}/notes", body=body).get_data(as_text=True)
    assert "Niet bewaard. Nieuwe notitie: Gebruik hoogstens 10000 tekens." in html
    assert escape(body) in html
    html = post_form(karin_client, page, f"{page}/notes", body="  ").get_data(as_text=True)
    assert "Schrijf eerst een notitie." in html
    assert db.scalar(select(func.count(CoachNote.id))) == 0


def test_comment_on_an_exercise_outside_the_plan_is_404(karin_client, team):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}/exercises/self_image"
    token = csrf_token(karin_client, page)
    response = karin_client.post(
        f"/coach/clients/{sanne.id}/exercises/nope/comments",
        data={"csrf_token": token, "body": "x"},
    )
    assert response.status_code == 404
    assert karin_client.get(f"/coach/clients/{sanne.id}/exercises/nope").status_code == 404


def test_private_notes_stay_with_the_coach(karin_client, client, team, db):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}"
    html = post_form(karin_client, page, f"{page}/notes", body="Let op: slaapt slecht").get_data(
        as_text=True
    )
    assert "Je notitie over Sanne is bewaard" in html and "Let op: slaapt slecht" in html
    note = db.scalar(select(CoachNote))
    assert note.author_id == team["karin"].id
    assert db.scalar(select(func.count(Comment.id))) == 0  # notes are not comments
    other = client.application.test_client()
    login(other, "sanne@example.nl")
    assert "slaapt slecht" not in other.get("/me").get_data(as_text=True)
    html = post_form(
        karin_client, page, f"{page}/notes/delete", item_id=str(note.id), confirm="1"
    ).get_data(as_text=True)
    assert "De notitie is verwijderd" in html
    assert db.scalar(select(func.count(CoachNote.id))) == 0


@pytest.fixture
def march(monkeypatch):
    """The pages' clock on Monday 2 March 2026, 09:00 Amsterdam: a month before the starts."""
    from profiler import clock

    monkeypatch.setattr(clock, "now", lambda: at("2026-03-02 09:00"))


def test_invite_creates_account_plan_and_invitation_mail_in_one_go(karin_client, team, db, march):
    html = post_form(
        karin_client,
        "/coach/clients/new",
        "/coach/clients/new",
        name="Fatima El Amrani",
        email="Fatima@Example.nl",
        program="persoonlijk_profiel",
        start_date="2026-04-06",
        weekdays=["0", "2"],
        send_time="09:30",
        language="en",
    ).get_data(as_text=True)
    assert "Fatima El Amrani is uitgenodigd" in html
    fatima = db.scalar(select(User).where(User.email == "fatima@example.nl"))
    assert fatima.password_hash is None and fatima.coach_id == team["karin"].id
    assert fatima.locale == "en"
    enrollment = fatima.enrollment
    assert [i.exercise_id for i in enrollment.items] == program_steps()
    assert enrollment.start_date == date(2026, 4, 6) and enrollment.weekday_set == {0, 2}
    assert enrollment.send_time.strftime("%H:%M") == "09:30"
    mail = db.scalar(select(OutboxMail).where(OutboxMail.user_id == fatima.id))
    assert mail.kind == "invitation" and mail.to_addr == "fatima@example.nl"
    assert "/invite/" in mail.text_body


def test_invite_with_a_used_email_keeps_the_form_and_creates_nothing(karin_client, team, db, march):
    before = db.scalar(select(func.count(Enrollment.id)))
    response = post_form(
        karin_client,
        "/coach/clients/new",
        "/coach/clients/new",
        name="Nog een Sanne",
        email="sanne@example.nl",
        program="persoonlijk_profiel",
        start_date="2026-04-06",
        weekdays=["0"],
        send_time="08:00",
        language="nl",
    )
    html = response.get_data(as_text=True)
    assert "Er is al een account met dit e-mailadres" in html
    assert 'value="Nog een Sanne"' in html
    assert db.scalar(select(func.count(Enrollment.id))) == before
    assert db.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.kind == "invitation")) == 0


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2026-01-29", "Deze datum is meer dan een maand geleden. Kies een latere startdatum."),
        ("2027-03-04", "Kies een datum binnen een jaar vanaf vandaag."),
        ("9999-12-31", "Kies een datum binnen een jaar vanaf vandaag."),
    ],
)
def test_invite_with_a_start_far_from_today_says_so(karin_client, team, db, march, start, message):
    html = post_form(
        karin_client,
        "/coach/clients/new",
        "/coach/clients/new",
        name="Ver weg",
        email="ver@example.nl",
        program="persoonlijk_profiel",
        start_date=start,
        weekdays=["0"],
        send_time="08:00",
        language="nl",
    ).get_data(as_text=True)
    assert message in html and 'value="Ver weg"' in html
    assert db.scalar(select(func.count(User.id)).where(User.email == "ver@example.nl")) == 0


def test_invite_without_weekdays_says_what_is_missing(karin_client, team, march):
    html = post_form(
        karin_client,
        "/coach/clients/new",
        "/coach/clients/new",
        name="X",
        email="x@example.nl",
        program="persoonlijk_profiel",
        start_date="2026-04-06",
        send_time="08:00",
    ).get_data(as_text=True)
    assert "Kies minstens één dag" in html and 'value="X"' in html


@pytest.fixture
def history(team, db):
    """Sanne opened two exercises, finished one, paused herself, and had a session."""
    sanne, karin = team["sanne"], team["karin"]
    enrollment = sanne.enrollment
    items = {i.exercise_id: i for i in enrollment.items}
    items["q_start"].unlocked_at = at("2026-03-02 08:00")
    items["self_image"].unlocked_at = at("2026-03-02 08:00")
    items["self_image"].done_at = at("2026-03-03 20:00")
    save_answers(db, sanne, "self_image", {"then_now": "GEHEIM antwoord"}, now=T0)
    plan_changes.pause(db, enrollment, by=sanne, now=at("2026-03-04 09:00"), reason="=cmd|x")
    plan_changes.resume(db, enrollment, by=sanne, now=at("2026-03-09 09:00"))
    session_prep.record_session(db, enrollment, by=karin, now=at("2026-03-10 14:00"))
    comments.add_comment(
        db, sanne, "self_image", "Goed zo", author=karin, now=at("2026-03-10 15:00")
    )
    db.commit()
    return sanne


def test_activity_report_csv_lists_the_facts_and_not_the_answers(karin_client, history, db):
    response = karin_client.get(f"/coach/clients/{history.id}/report.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Datum", "Wat", "Oefening of toelichting", "Door"]
    kinds = [r[1] for r in rows[1:]]
    assert kinds[0] == "Start training" and rows[1][0] == "2026-03-02"
    assert kinds.count("Oefening geopend") == 2 and kinds.count("Oefening afgerond") == 1
    pause = next(r for r in rows if r[1] == "Pauze")
    assert pause[0] == "2026-03-04" and pause[3] == "cliënt" and pause[2] == "'=cmd|x"
    assert any(r[1] == "Hervat" and r[0] == "2026-03-09" for r in rows)
    assert any(r[1] == "Gesprek gehouden" and "Karin" in r[3] for r in rows)
    assert any(r[1] == "Opmerking van coach" for r in rows)
    assert "GEHEIM" not in text and "Goed zo" not in text
    assert db.scalar(select(func.count(Answer.id))) == 1


def test_activity_report_pdf_has_real_text(karin_client, history):
    from pypdf import PdfReader

    response = karin_client.get(f"/coach/clients/{history.id}/report.pdf")
    assert response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Activiteitenrapport Sanne" in text and "Pauze" in text and "GEHEIM" not in text


def test_report_counts(team, history, db):
    report = activity_report.build_report(
        db, history.enrollment, now=at("2026-03-11 12:00"), title_of=str, program_title="P"
    )
    assert (report.opened, report.done, report.pauses, report.sessions, report.comments) == (
        2,
        1,
        1,
        1,
        1,
    )


def test_report_pdf_fetcher_refuses_outside_urls():
    with pytest.raises(ValueError):
        activity_report.refuse_all("file:///etc/passwd")
    html = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.com/x.css">'
    assert activity_report.render_pdf(html).startswith(b"%PDF")


@pytest.mark.parametrize("kind", ["notes", "comments"])
def test_a_tampered_id_too_large_for_the_database_is_refused_not_an_error(karin_client, team, kind):
    """A hidden item id no row can have (beyond the database's INTEGER) is a 400, not a 500."""
    page = f"/coach/clients/{team['sanne'].id}"
    for item_id in ("9223372036854775808", "2147483648"):
        response = post_form(karin_client, page, f"{page}/{kind}/delete", item_id=item_id)
        assert response.status_code == 400, (item_id, response.status_code)
    token = csrf_token(karin_client, "/coach/substitutes")
    response = karin_client.post(
        "/coach/substitutes/remove", data={"csrf_token": token, "item_id": "9223372036854775808"}
    )
    assert response.status_code == 400
