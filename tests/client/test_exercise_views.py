"""Exercise pages: locked, unknown, too long, autosave JSON, conflicts, flag, done, comments."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from profiler import answers
from profiler.models import Answer, CheckIn, Comment, User
from tests.client.conftest import NOW
from tests.conftest import csrf_token, login

URL = "/me/exercises/self_image"


def form_for(client, url=URL, **fields):
    """What the browser would send: the CSRF token, each field's revision marker, the fields."""
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, url)}
    data.update(re.findall(r'name="(_rev-[a-z0-9_]+)" value="(\d+)"', html))
    data.update(fields)
    return data


def test_heading_names_number_title_day_and_date(sanne_client):
    html = sanne_client.get(URL).get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", heading).split())
    assert text.startswith("Oefening 1. Zelfbeeld — Dag 1, maandag 2 maart")


def test_a_locked_exercise_says_calmly_when_it_opens(sanne_client):
    response = sanne_client.get("/me/exercises/qualities")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deze oefening is nog niet open" in html
    assert "woensdag 4 maart om 08:00" in html
    assert 'name="f.' not in html  # no fields to fill in


def test_posting_to_a_locked_exercise_saves_nothing(sanne_client, db):
    data = form_for(sanne_client, "/me/exercises/self_image", **{"f.strengths": "x"})
    response = sanne_client.post(
        "/me/exercises/qualities", data=data, headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    assert db.scalar(select(func.count(Answer.id))) == 0


def test_an_unknown_exercise_gets_a_friendly_404(sanne_client):
    response = sanne_client.get("/me/exercises/does_not_exist")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Deze oefening kunnen we niet vinden" in html
    assert 'href="/me/exercises"' in html


def test_a_too_long_answer_keeps_all_typed_text_and_saves_the_rest(sanne_client, db, sanne):
    long_text = "Dit is mijn verhaal. " * 300  # > 5000 characters
    data = form_for(
        sanne_client,
        **{"f.then_now": long_text, "f.own_words": ["rustig", "precies", "trouw"], "save": "1"},
    )
    response = sanne_client.post(URL, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Gebruik hoogstens 5000 tekens" in html
    assert long_text.strip() in html.replace("&#39;", "'")
    stored = answers.answers_for(db, sanne, "self_image")
    assert "then_now" not in stored
    assert stored["own_words"].value == ["rustig", "precies", "trouw"]


def test_autosave_answers_json_with_revisions_and_a_time(sanne_client, db, sanne):
    data = form_for(sanne_client, **{"f.then_now": "Eerste versie", "_rev-then_now": "0"})
    response = sanne_client.post(URL, data=data, headers={"Accept": "application/json"})
    body = response.get_json()
    assert response.status_code == 200
    assert body["revisions"]["then_now"] == 1
    assert body["message"] == "Opgeslagen om 10:30"
    assert db.get(User, sanne.id).last_activity_at == NOW
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "self_image")
    assert item.started_at == NOW


def test_without_javascript_the_page_says_to_click_save(sanne_client):
    sanne_client.post(URL, data=form_for(sanne_client, **{"f.then_now": "Iets", "save": "1"}))
    html = sanne_client.get(URL).get_data(as_text=True)  # what a browser without scripts shows
    status = html.split('id="save-status"', 1)[1].split("</p>", 1)[0]
    assert status.endswith(">Klik op Opslaan om je antwoorden te bewaren.")
    assert 'data-auto="Je antwoorden worden vanzelf opgeslagen."' in status


def test_an_autosave_that_brought_no_form_says_nothing_was_saved(sanne_client, db):
    token = csrf_token(sanne_client, URL)
    response = sanne_client.post(
        URL,
        data="f.then_now=x",  # not form-encoded: nothing of it can be read
        headers={"Accept": "application/json", "Content-Type": "text/plain", "X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Er kwam niets mee om op te slaan.")
    assert db.scalar(select(func.count(Answer.id))) == 0


def test_autosave_without_the_csrf_token_is_refused(sanne_client, db):
    response = sanne_client.post(
        URL, data={"f.then_now": "x"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["csrf"] is True
    assert db.scalar(select(func.count(Answer.id))) == 0


def test_a_later_save_from_another_tab_is_told_and_both_texts_stay(sanne_client, db, sanne):
    token = csrf_token(sanne_client, URL)
    json_headers = {"Accept": "application/json"}
    base = {"csrf_token": token, "_rev-then_now": "0"}
    first = sanne_client.post(URL, data={**base, "f.then_now": "Tab B"}, headers=json_headers)
    assert first.get_json()["conflicts"] == []
    later = sanne_client.post(URL, data={**base, "f.then_now": "Tab A"}, headers=json_headers)
    body = later.get_json()
    assert body["conflicts"] == ["then_now"]
    assert "ander venster" in body["message"]
    html = sanne_client.get(URL).get_data(as_text=True)
    assert "Bewaard uit een ander venster" in html
    assert "Tab B" in html and "Tab A" in html


def test_flag_and_done_change_the_overview(sanne_client, db, sanne):
    data = form_for(
        sanne_client,
        **{
            "f.own_words": ["rustig", "precies", "trouw"],
            "flagged": "y",
            "flag_note": "Ik twijfel over woord 3",
            "done": "Klaar",
        },
    )
    response = sanne_client.post(URL, data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/me/exercises"
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "self_image")
    assert item.done_at == NOW and item.flagged and item.flag_note == "Ik twijfel over woord 3"
    html = sanne_client.get("/me/exercises").get_data(as_text=True)
    assert "1 van 17" in html
    assert "Bespreken" in html


def test_done_is_refused_while_a_required_answer_is_missing(sanne_client, db, sanne):
    data = form_for(
        sanne_client, **{"f.then_now": "Alleen dit", "f.own_words": ["rustig"], "done": "Klaar"}
    )
    response = sanne_client.post(URL, data=data)
    assert response.status_code == 200
    assert "Vul minstens 3 regels in" in response.get_data(as_text=True)
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "self_image")
    assert item.done_at is None
    stored = answers.answers_for(db, sanne, "self_image")
    assert stored["then_now"].value == "Alleen dit"
    assert stored["own_words"].value == ["rustig"]  # half a list is saved, never lost


def test_a_plain_form_save_redirects_with_a_message(sanne_client):
    data = form_for(sanne_client, **{"f.then_now": "Zonder JavaScript", "save": "Opslaan"})
    response = sanne_client.post(URL, data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Opgeslagen om 10:30" in html
    assert "Zonder JavaScript" in html


def test_answers_to_removed_fields_are_shown_as_earlier_answers(sanne_client, db, sanne):
    answers.save_answers(db, sanne, "self_image", {"removed_field": "Van vroeger"}, now=NOW)
    db.commit()
    html = sanne_client.get(URL).get_data(as_text=True)
    assert "Eerdere antwoorden" in html and "Van vroeger" in html


def test_coach_comments_are_shown_and_marked_read(sanne_client, db, sanne, coach):
    db.add(
        Comment(
            client_id=sanne.id,
            author_id=coach.id,
            exercise_id="self_image",
            body="Mooi geschreven, Sanne.",
            created_at=NOW,
        )
    )
    db.commit()
    assert "Mooi geschreven" in sanne_client.get("/me").get_data(as_text=True)
    assert "Mooi geschreven" in sanne_client.get(URL).get_data(as_text=True)
    comment = db.scalars(select(Comment)).one()
    db.refresh(comment)
    assert comment.read_at == NOW


def test_questionnaire_scores_show_a_chart_table_and_explanation(sanne_client, db, sanne):
    from profiler.library import current_library

    q = current_library().get("q_start", "nl")
    scale = next(f for f in q.input_fields if f.type == "scale")
    fields = {f"f.{scale.id}.{item.id}": "4" for item in scale.items}
    data = form_for(sanne_client, "/me/exercises/q_start", **fields, done="Klaar")
    sanne_client.post("/me/exercises/q_start", data=data)
    html = sanne_client.get("/me/exercises/q_start").get_data(as_text=True)
    assert "<svg" in html and "<table" in html
    assert "Jouw uitkomst" in html
    snapshot = db.scalars(select(CheckIn).where(CheckIn.kind == "q_start")).one()
    assert set(snapshot.values) >= {"autonomy", "competence", "relatedness", "own_direction"}


def test_another_client_cannot_reach_sannes_page_or_answers(client, sanne, users, frozen):
    from tests.conftest import login

    login(client, "client.a@example.nl")
    response = client.get(URL)
    assert response.status_code == 404  # Anna has no plan: nothing of Sanne's is shown
    assert "Sanne" not in response.get_data(as_text=True)


def test_the_workbook_shows_answers_by_part_and_scores_as_a_chart(sanne_client, db, sanne):
    from profiler.library import current_library

    answers.save_answers(db, sanne, "self_image", {"then_now": "Rustiger geworden"}, now=NOW)
    scale = next(
        f for f in current_library().get("personality", "nl").input_fields if f.type == "scale"
    )
    values = {item.id: 3 for item in scale.items}
    answers.save_answers(db, sanne, "personality", {scale.id: values}, now=NOW)
    db.commit()
    html = sanne_client.get("/me/workbook").get_data(as_text=True)
    assert "Persoonlijkheid" in html and "Rustiger geworden" in html
    assert html.count("<svg") >= 1
    assert scale.items[0].text not in html  # statements are summed up, not listed one by one


def test_autosave_after_logout_gets_a_401_it_can_explain(app):
    http = app.test_client()
    response = http.post(URL, data={"f.then_now": "tekst"}, headers={"Accept": "application/json"})
    assert response.status_code in (400, 401)  # CSRF may answer first; never a redirect to HTML
    anonymous = app.test_client().get(URL, headers={"Accept": "application/json"})
    assert anonymous.status_code == 401
    assert "uitgelogd" in anonymous.get_json()["error"]
    page = app.test_client().get(URL)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")


def test_a_revision_marker_too_large_for_the_database_is_a_conflict_not_an_error(
    sanne_client, db, sanne
):
    """A tampered `_rev-` value beyond what the database holds (found by the form fuzzer)
    is handled as any other conflict, never a server error: the posted text is saved and
    the text it replaced is kept as a revision."""
    answers.save_answers(db, sanne, "self_image", {"then_now": "Eerst dit."}, now=NOW)
    db.commit()
    for text, value in (("Dan dit.", "9223372036854775808"), ("En dit.", "2147483648")):
        data = form_for(sanne_client, **{"f.then_now": text})
        data["_rev-then_now"] = value
        response = sanne_client.post(URL, data=data, headers={"Accept": "application/json"})
        assert response.status_code == 200, (value, response.status_code)
        assert response.json["conflicts"] == ["then_now"], response.json
    stored = db.scalars(select(Answer).where(Answer.field_id == "then_now")).one()
    db.refresh(stored)
    assert stored.value == "En dit." and stored.revision == 3
    assert [r.value for r in stored.revisions] == ["Eerst dit.", "Dan dit.", "En dit."]


CHOSEN = ["autonomy", "learning", "calm", "honesty", "balance"]


def test_an_autosave_of_one_field_reads_the_others_from_what_is_stored(client, db, sanne, frozen):
    """The autosave posts only the fields that changed. A rank that orders this exercise's
    own choices must then be checked against the stored choices, not against nothing."""
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "values")
    item.unlocked_at = NOW
    answers.save_answers(
        db, sanne, "values", {"chosen": {"selected": CHOSEN, "other": ""}}, now=NOW
    )
    db.commit()
    login(client, "sanne@example.nl")
    url = "/me/exercises/values"
    rev = re.search(r'name="_rev-ranked" value="(\d+)"', client.get(url).get_data(as_text=True))
    # options and positions go in pairs, in the page's order
    data = MultiDict(
        [("csrf_token", csrf_token(client, url)), ("_rev-ranked", rev.group(1))]
        + [
            pair
            for value, n in zip(CHOSEN, (3, 1, 2, 5, 4), strict=True)
            for pair in (("f.ranked.option", value), ("f.ranked.position", str(n)))
        ]
    )
    response = client.post(url, data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["changed"] == ["ranked"]
    stored = answers.answers_for(db, sanne, "values")
    assert stored["ranked"].value == ["learning", "calm", "autonomy", "balance", "honesty"]
    assert stored["chosen"].value == {"selected": CHOSEN, "other": ""}  # not sent: untouched


def test_a_refused_field_keeps_the_marker_the_page_loaded(sanne_client, db, sanne):
    """Another tab saved then_now since this page loaded it; this tab's text is refused (too
    long). The answer gives no new marker for it, so the corrected text is a conflict that
    keeps both texts, not an overwrite."""
    answers.save_answers(db, sanne, "self_image", {"then_now": "Begin."}, now=NOW)
    answers.save_answers(db, sanne, "self_image", {"then_now": "Ander venster."}, now=NOW)
    db.commit()
    data = {"csrf_token": csrf_token(sanne_client, URL), "_rev-then_now": "1"}
    too_long = {**data, "f.then_now": "x" * 5001}
    body = sanne_client.post(URL, data=too_long, headers={"Accept": "application/json"}).get_json()
    assert "then_now" in body["errors"] and body["revisions"] == {}
    fixed = {**data, "f.then_now": "Dit venster."}
    body = sanne_client.post(URL, data=fixed, headers={"Accept": "application/json"}).get_json()
    assert body["conflicts"] == ["then_now"]


def test_an_autosave_with_only_the_flag_keeps_every_answer(sanne_client, db, sanne):
    answers.save_answers(db, sanne, "self_image", {"then_now": "Mijn tekst"}, now=NOW)
    db.commit()
    data = {"csrf_token": csrf_token(sanne_client, URL), "flagged": "y", "flag_note": "Vraag"}
    response = sanne_client.post(URL, data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.get_json()["changed"] == []
    # no revision of a field it did not send: its marker stays where the page loaded it
    assert response.get_json()["revisions"] == {}
    assert answers.answers_for(db, sanne, "self_image")["then_now"].value == "Mijn tekst"
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "self_image")
    db.refresh(item)
    assert item.flagged and item.flag_note == "Vraag"


def test_the_autosave_asks_who_is_logged_in_without_changing_anything(sanne_client, sanne, app):
    """After a new login the page takes a token of the new session, if it is the same person."""
    body = sanne_client.get("/me/session", headers={"Accept": "application/json"}).get_json()
    assert body["owner"] == sanne.id and body["csrf_token"]
    logged_out = app.test_client().get("/me/session", headers={"Accept": "application/json"})
    assert logged_out.status_code == 401 and logged_out.get_json()["login"] is True
