"""Session preparation: changes since the last session, flags, trends, open comments."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import Markup
from sqlalchemy import select

from profiler import comments, session_prep
from profiler.answers import save_answers
from profiler.models import AuditEvent, CheckIn
from tests.conftest import T0, csrf_token, legend_items

from .conftest import at


def test_word_diff_marks_added_and_removed_words_and_escapes():
    diff = session_prep.word_diff("ik werk graag alleen", "ik werk graag <b>samen</b>")
    assert isinstance(diff, Markup)
    assert "<del>alleen</del>" in diff
    assert "<ins>&lt;b&gt;samen&lt;/b&gt;</ins>" in diff
    assert "<b>" not in diff
    assert session_prep.word_diff("zelfde tekst", "zelfde tekst") == "zelfde tekst"


def test_changes_since_last_session_show_new_and_edited_answers(team, db):
    sanne = team["sanne"]
    enrollment = sanne.enrollment
    save_answers(
        db, sanne, "self_image", {"then_now": "Ik was altijd druk."}, now=at("2026-03-02 10:00")
    )
    save_answers(
        db,
        sanne,
        "self_image",
        {"own_words": ["rustig", "precies", "trouw"]},
        now=at("2026-03-02 10:05"),
    )
    session_prep.record_session(db, enrollment, by=team["karin"], now=at("2026-03-03 14:00"))
    save_answers(
        db, sanne, "self_image", {"then_now": "Ik ben nu rustiger."}, now=at("2026-03-04 10:00")
    )
    save_answers(
        db, sanne, "personality", {"notes": "<script>x</script>"}, now=at("2026-03-04 11:00")
    )
    db.commit()

    from profiler.coach.answers_view import label_of, text_of

    prep = session_prep.prepare(
        db,
        enrollment,
        title_of=lambda x: x.upper(),
        label_of=lambda x, f: label_of(x, f, "nl"),
        text_of=lambda x, f, v: text_of(x, f, v, "nl"),
    )
    assert prep.since == at("2026-03-03 14:00")
    by_id = {c.exercise_id: c for c in prep.changes}
    assert set(by_id) == {"self_image", "personality"}  # own_words did not change since
    [edited] = by_id["self_image"].fields
    assert edited.status == "edited" and edited.field_id == "then_now"
    assert edited.label.startswith("Zie je jezelf nu anders")
    assert "<del>" in edited.diff and "<ins>" in edited.diff and "rustiger." in edited.diff
    [new] = by_id["personality"].fields
    assert new.status == "new" and "<script>" not in new.diff and "&lt;script&gt;" in new.diff


def test_prepare_page_shows_flags_trends_comments_and_records_the_session(karin_client, team, db):
    sanne = team["sanne"]
    enrollment = sanne.enrollment
    item = next(i for i in enrollment.items if i.exercise_id == "self_image")
    item.unlocked_at = T0
    item.flagged = True
    item.flag_note = "Ik twijfel over <dit> stuk"
    for day, (u, c) in enumerate([(8, 3), (6, 5), (4, 7)]):
        db.add(
            CheckIn(
                client_id=sanne.id,
                kind="checkin",
                note=f"week {day} <ok>",
                values={"uncertainty": u, "confidence": c},
                created_at=T0 + timedelta(days=7 * day),
            )
        )
    db.add(
        CheckIn(
            client_id=sanne.id,
            kind="q_start",
            values={"autonomy": 2.3, "competence": 2.4},
            created_at=T0,
        )
    )
    db.add(
        CheckIn(
            client_id=sanne.id,
            kind="q_midway",
            values={"autonomy": 3.1, "competence": 3.8},
            created_at=T0 + timedelta(days=9),
        )
    )
    comments.add_comment(db, sanne, "self_image", "Mooi geschreven!", author=team["karin"], now=T0)
    db.commit()

    html = karin_client.get(f"/coach/clients/{sanne.id}/prepare").get_data(as_text=True)
    assert "Ik twijfel over &lt;dit&gt; stuk" in html
    assert "Mooi geschreven!" in html
    assert "week 2 &lt;ok&gt;" in html  # the client's note with a check-in, escaped
    assert "<svg" in html and "polyline" in html and 'role="img"' in html
    # The check-ins drawn by the same chart as the client's, a line for each with its name.
    chart = html[html.index('<svg class="trend-chart"') : html.index("</figure>")]
    assert chart.count("<polyline") == 2
    assert "Onzekerheid over het traject" in chart and "Vertrouwen in eigen kwaliteiten" in chart
    assert legend_items(chart) == [
        (1, "Onzekerheid over het traject"),
        (2, "Vertrouwen in eigen kwaliteiten"),
    ]
    assert "2,3" in html and "3,8" in html and "Begin" in html and "Midden" in html
    assert "Zelf kiezen" in html and "Vertrouwen in wat je kunt" in html
    assert 'style="' not in html and "<script>" not in html.split("</main>")[0]

    token = csrf_token(karin_client, f"/coach/clients/{sanne.id}/prepare")
    response = karin_client.post(
        f"/coach/clients/{sanne.id}/session-held", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Het gesprek met Sanne is vastgelegd" in response.get_data(as_text=True)
    db.expire_all()
    assert sanne.enrollment.last_session_at is not None
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "session.held"))


def test_questionnaire_scores_come_from_saved_answers_when_no_snapshot(team, db):
    sanne = team["sanne"]
    answers = {"au1": 4, "au2": 2, "au3": 5, "co1": 3, "co2": 3, "co3": 1}
    save_answers(db, sanne, "q_start", {"sdt": answers}, now=T0)
    db.commit()
    from profiler.coach.answers_view import scores_of

    scores = session_prep.questionnaire_scores(db, sanne.id, lambda q: scores_of(db, sanne, q))
    # autonomy: 4, reverse 2 -> 4, 5 = 4.3 ; competence: 3, 3, reverse 1 -> 5 = 3.7
    assert scores["q_start"]["autonomy"] == 4.3
    assert scores["q_start"]["competence"] == 3.7


def test_checkin_trend_falls_back_to_answer_revisions(team, db):
    sanne = team["sanne"]
    save_answers(db, sanne, "checkin", {"scores": {"uncertainty": 8, "confidence": 3}}, now=T0)
    save_answers(
        db,
        sanne,
        "checkin",
        {"scores": {"uncertainty": 5, "confidence": 6}},
        now=T0 + timedelta(days=7),
    )
    db.commit()
    trend = session_prep.checkin_trend(db, sanne.id)
    assert [values for _, values in trend] == [
        {"uncertainty": 8.0, "confidence": 3.0},
        {"uncertainty": 5.0, "confidence": 6.0},
    ]
