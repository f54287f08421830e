"""Unlock all, delete a note, delete a comment: each asks first on a page of its own (no JS).

The button sends the form without `confirm`; that shows what will happen (quoting the text
that goes) and a form that sends it again with confirm=1. Only that second post changes
anything, with the CSRF token as always, and the audit log records it once.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from profiler import clock, coach_notes, comments
from profiler.coach import substitutes
from profiler.models import AuditEvent, CoachNote, Comment
from tests.conftest import T0, csrf_token, login

from .conftest import at


@pytest.fixture(autouse=True)
def march(monkeypatch):
    """The pages' clock on Monday 2 March 2026, 09:00 Amsterdam."""
    monkeypatch.setattr(clock, "now", lambda: at("2026-03-02 09:00"))


def audit_count(db, action: str) -> int:
    return db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def confirm_form(html: str) -> str:
    """The one form on a confirmation page with confirm=1 (the header has others)."""
    forms = re.findall(r"<form method=\"post\".*?</form>", html, re.S)
    [form] = [f for f in forms if 'name="confirm"' in f]
    return form


def assert_asks_again(html: str, action: str, item_id: int | None = None) -> None:
    """The page's form posts to `action` again with confirm=1, the item and a CSRF token."""
    form = confirm_form(html)
    assert f'action="{action}"' in form
    assert 'name="confirm" value="1"' in form
    assert re.search(r'name="csrf_token" value="[^"]+"', form)
    if item_id is not None:
        assert f'name="item_id" value="{item_id}"' in form
    assert 'class="danger"' in form


def cancel_href(html: str) -> str:
    [href] = re.findall(r'<a href="([^"]+)"[^>]*>Annuleren</a>', html)
    return href


# ------------------------------------------------------------------ unlock all


@pytest.fixture
def unlock_url(team):
    return f"/coach/clients/{team['sanne'].id}/unlock-all"


def open_count(enrollment) -> int:
    return sum(1 for i in enrollment.items if i.unlocked_at is not None)


def test_unlock_all_asks_first_and_says_plainly_what_happens(karin_client, team, db, unlock_url):
    sanne = team["sanne"]
    locked = len(sanne.enrollment.items)
    token = csrf_token(karin_client, f"/coach/clients/{sanne.id}")
    response = karin_client.post(unlock_url, data={"csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    db.expire_all()
    assert not sanne.enrollment.all_unlocked and open_count(sanne.enrollment) == 0
    assert audit_count(db, "plan.unlocked_all") == 0
    assert "<h1>Alle oefeningen openzetten voor Sanne?</h1>" in html
    assert f"Er zijn nog {locked} oefeningen dicht. Die gaan in één keer open." in html
    assert "Sanne krijgt geen dagelijkse mail meer over een nieuwe oefening." in html
    assert "Je kunt dit niet terugdraaien" in html
    assert_asks_again(html, unlock_url)
    assert cancel_href(html) == f"/coach/clients/{sanne.id}#open-title"


def test_unlock_all_confirmed_opens_everything_and_is_logged_once(
    karin_client, team, db, unlock_url
):
    sanne = team["sanne"]
    token = csrf_token(karin_client, f"/coach/clients/{sanne.id}")
    response = karin_client.post(
        unlock_url, data={"csrf_token": token, "confirm": "1"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Alle oefeningen staan nu open voor Sanne" in response.get_data(as_text=True)
    db.expire_all()
    assert sanne.enrollment.all_unlocked
    assert open_count(sanne.enrollment) == len(sanne.enrollment.items)
    assert audit_count(db, "plan.unlocked_all") == 1


def test_unlock_all_without_csrf_changes_nothing(karin_client, team, db, unlock_url):
    sanne = team["sanne"]
    for data in ({"confirm": "1"}, {"confirm": "1", "csrf_token": "forged"}, {}):
        response = karin_client.post(unlock_url, data=data)
        assert response.status_code == 400
    db.expire_all()
    assert not sanne.enrollment.all_unlocked and open_count(sanne.enrollment) == 0
    assert audit_count(db, "plan.unlocked_all") == 0


def test_unlock_all_by_get_shows_the_question_and_changes_nothing(
    karin_client, team, db, unlock_url
):
    response = karin_client.get(unlock_url + "?confirm=1")
    assert response.status_code == 200
    assert "Alle oefeningen openzetten voor Sanne?" in response.get_data(as_text=True)
    db.expire_all()
    assert not team["sanne"].enrollment.all_unlocked


def test_unlock_all_when_everything_is_open_already_goes_back(karin_client, team, db, unlock_url):
    sanne = team["sanne"]
    sanne.enrollment.all_unlocked = True
    db.commit()
    response = karin_client.get(unlock_url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coach/clients/{sanne.id}#open-title")


def test_unlock_all_of_another_coachs_client_is_404(karin_client, team):
    bram = team["bram"]
    token = csrf_token(karin_client, f"/coach/clients/{team['sanne'].id}")
    url = f"/coach/clients/{bram.id}/unlock-all"
    assert karin_client.get(url).status_code == 404
    assert karin_client.post(url, data={"csrf_token": token}).status_code == 404
    assert karin_client.post(url, data={"csrf_token": token, "confirm": "1"}).status_code == 404


# ------------------------------------------------------------------ notes


@pytest.fixture
def note(team, db):
    note = coach_notes.add_note(
        db,
        team["sanne"],
        "Let op: <slaapt> slecht.\nVolgende keer vragen.",
        author=team["karin"],
        now=T0,
    )
    db.commit()
    return note


def test_deleting_a_note_asks_first_and_quotes_it(karin_client, team, db, note):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}"
    url = f"{page}/notes/delete"
    token = csrf_token(karin_client, page)
    response = karin_client.post(url, data={"csrf_token": token, "item_id": str(note.id)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert db.scalar(select(func.count(CoachNote.id))) == 1
    assert audit_count(db, "note.deleted") == 0
    assert "<h1>Notitie verwijderen</h1>" in html
    assert "Let op: &lt;slaapt&gt; slecht.\nVolgende keer vragen." in html  # quoted, escaped
    assert "Dit kan niet ongedaan worden gemaakt." in html
    assert_asks_again(html, url, note.id)
    assert cancel_href(html) == f"{page}#notes"


def test_deleting_a_note_confirmed_removes_it_and_is_logged_once(karin_client, team, db, note):
    page = f"/coach/clients/{team['sanne'].id}"
    token = csrf_token(karin_client, page)
    response = karin_client.post(
        f"{page}/notes/delete",
        data={"csrf_token": token, "item_id": str(note.id), "confirm": "1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page}#notes")
    assert "De notitie is verwijderd" in karin_client.get(page).get_data(as_text=True)
    assert db.scalar(select(func.count(CoachNote.id))) == 0
    assert audit_count(db, "note.deleted") == 1


def test_deleting_a_note_without_csrf_keeps_it(karin_client, team, db, note):
    url = f"/coach/clients/{team['sanne'].id}/notes/delete"
    for data in ({"item_id": str(note.id), "confirm": "1"}, {"item_id": str(note.id)}):
        assert karin_client.post(url, data=data).status_code == 400
    assert db.scalar(select(func.count(CoachNote.id))) == 1
    assert audit_count(db, "note.deleted") == 0


def test_deleting_a_note_by_get_asks_and_bad_ids_are_not_found(karin_client, team, db, note):
    page = f"/coach/clients/{team['sanne'].id}"
    url = f"{page}/notes/delete"
    response = karin_client.get(f"{url}?item_id={note.id}&confirm=1")
    assert response.status_code == 200
    assert "Volgende keer vragen." in response.get_data(as_text=True)
    assert db.scalar(select(func.count(CoachNote.id))) == 1
    response = karin_client.get(url)  # nothing named: back to the notes
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{page}#notes")
    for bad in ("999", "x", "1" * 12, ""):
        assert karin_client.get(f"{url}?item_id={bad}").status_code == 404
    token = csrf_token(karin_client, page)
    assert karin_client.post(url, data={"csrf_token": token, "item_id": "999"}).status_code == 404


def test_a_note_about_another_client_is_not_found(karin_client, team, db, note):
    """Sanne's note through Bram's URL (not Karin's client) or through another of hers."""
    url = f"/coach/clients/{team['bram'].id}/notes/delete"
    token = csrf_token(karin_client, f"/coach/clients/{team['sanne'].id}")
    data = {"csrf_token": token, "item_id": str(note.id), "confirm": "1"}
    assert karin_client.post(url, data=data).status_code == 404
    assert db.scalar(select(func.count(CoachNote.id))) == 1


def test_a_colleagues_note_cannot_be_deleted_even_with_a_forged_confirm(client, team, db, note):
    """Mehmet, Karin's substitute, sees her notes but may not delete them: refused at once,
    not only after the confirmation."""
    substitutes.link(db, team["karin"], team["mehmet"], now=T0)
    db.commit()
    login(client, "mehmet@example.nl")
    page = f"/coach/clients/{team['sanne'].id}"
    token = csrf_token(client, page)
    for extra in ({}, {"confirm": "1"}):
        response = client.post(
            f"{page}/notes/delete",
            data={"csrf_token": token, "item_id": str(note.id), **extra},
            follow_redirects=True,
        )
        assert "Je kunt alleen je eigen notities verwijderen." in response.get_data(as_text=True)
    assert db.scalar(select(func.count(CoachNote.id))) == 1


# ------------------------------------------------------------------ comments


@pytest.fixture
def comment(team, db):
    sanne = team["sanne"]
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "self_image")
    item.unlocked_at = T0
    comment = comments.add_comment(
        db, sanne, "self_image", "Wat maakt dat <b>verschil</b>?", author=team["karin"], now=T0
    )
    db.commit()
    return comment


def test_deleting_a_comment_asks_first_and_quotes_it(karin_client, team, db, comment):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}/exercises/self_image"
    url = f"/coach/clients/{sanne.id}/comments/delete"
    token = csrf_token(karin_client, page)
    response = karin_client.post(url, data={"csrf_token": token, "item_id": str(comment.id)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert db.scalar(select(func.count(Comment.id))) == 1
    assert audit_count(db, "comment.deleted") == 0
    assert "<h1>Opmerking verwijderen</h1>" in html
    assert "Wat maakt dat &lt;b&gt;verschil&lt;/b&gt;?" in html
    assert "Sanne ziet deze opmerking daarna niet meer." in html
    assert "Dit kan niet ongedaan worden gemaakt." in html
    assert_asks_again(html, url, comment.id)
    assert cancel_href(html) == f"{page}#comments"


def test_deleting_a_read_comment_says_it_was_read(karin_client, team, db, comment):
    comment.read_at = T0
    db.commit()
    sanne = team["sanne"]
    response = karin_client.get(f"/coach/clients/{sanne.id}/comments/delete?item_id={comment.id}")
    assert "Sanne heeft deze opmerking al gelezen." in response.get_data(as_text=True)


def test_deleting_a_comment_confirmed_removes_it_and_is_logged_once(
    karin_client, team, db, comment
):
    sanne = team["sanne"]
    page = f"/coach/clients/{sanne.id}/exercises/self_image"
    token = csrf_token(karin_client, page)
    response = karin_client.post(
        f"/coach/clients/{sanne.id}/comments/delete",
        data={"csrf_token": token, "item_id": str(comment.id), "confirm": "1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page}#comments")
    assert "De opmerking is verwijderd" in karin_client.get(page).get_data(as_text=True)
    assert db.scalar(select(func.count(Comment.id))) == 0
    assert audit_count(db, "comment.deleted") == 1


def test_deleting_a_comment_without_csrf_keeps_it(karin_client, team, db, comment):
    url = f"/coach/clients/{team['sanne'].id}/comments/delete"
    for data in ({"item_id": str(comment.id), "confirm": "1"}, {"item_id": str(comment.id)}):
        assert karin_client.post(url, data=data).status_code == 400
    assert db.scalar(select(func.count(Comment.id))) == 1


def test_deleting_a_comment_by_get_and_bad_ids(karin_client, team, db, comment):
    sanne = team["sanne"]
    url = f"/coach/clients/{sanne.id}/comments/delete"
    response = karin_client.get(f"{url}?item_id={comment.id}&confirm=1")
    assert response.status_code == 200
    assert db.scalar(select(func.count(Comment.id))) == 1
    response = karin_client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coach/clients/{sanne.id}")
    for bad in ("999", "abc", "1" * 12):
        assert karin_client.get(f"{url}?item_id={bad}").status_code == 404
    other = f"/coach/clients/{team['bram'].id}/comments/delete?item_id={comment.id}"
    assert karin_client.get(other).status_code == 404
