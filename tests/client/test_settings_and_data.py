"""Settings (next delivery text, pause/resume, password), check-in, data export, deletion."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from profiler import answers
from profiler.extensions import db as _db
from profiler.models import AuditEvent, CheckIn, OutboxMail, User
from tests.client.conftest import NOW, enroll
from tests.conftest import PASSWORD, csrf_token, legend_items, login

SETTINGS = "/me/settings"


def post_settings(client, **data):
    """Post one of the settings forms; its fields carry the form's prefix ("pause-...")."""
    prefix = next(iter(data)).split("-", 1)[0]
    data[f"{prefix}-csrf_token"] = csrf_token(client, SETTINGS)
    return client.post(SETTINGS, data=data, follow_redirects=True)


def test_settings_say_when_the_next_exercise_comes(sanne_client):
    html = sanne_client.get(SETTINGS).get_data(as_text=True)
    assert "Je volgende oefening komt dinsdag 3 maart om 08:00." in html


def test_changing_mail_days_and_time_changes_the_next_delivery(sanne_client, sanne):
    html = post_settings(
        sanne_client,
        **{"cadence-weekdays": ["3"], "cadence-send_time": "09:30", "cadence-submit": "1"},
    ).get_data(as_text=True)
    assert "Je dagen en tijd zijn opgeslagen" in html
    assert "Je volgende oefening komt donderdag 5 maart om 09:30." in html
    assert sanne.enrollment.weekdays == "3"


def test_no_mail_day_at_all_is_refused_with_a_message(sanne_client, sanne):
    html = post_settings(
        sanne_client, **{"cadence-send_time": "08:00", "cadence-submit": "1"}
    ).get_data(as_text=True)
    assert "Kies minstens één dag." in html
    assert sanne.enrollment.weekdays == "0,1,2,3,4"


def test_pause_and_resume(sanne_client, sanne):
    html = post_settings(
        sanne_client, **{"pause-reason": "Even te druk", "pause-until": "", "pause-submit": "1"}
    ).get_data(as_text=True)
    assert sanne.enrollment.paused_by == "client"
    assert sanne.enrollment.pause_reason == "Even te druk"
    assert "Je krijgt geen nieuwe oefeningen tot je weer verdergaat." in html
    html = post_settings(sanne_client, **{"resume-submit": "1"}).get_data(as_text=True)
    assert sanne.enrollment.paused_by is None
    assert "Je volgende oefening komt dinsdag 3 maart om 08:00." in html


def test_pause_with_an_end_date_says_when_it_goes_on(sanne_client, sanne):
    html = post_settings(
        sanne_client, **{"pause-until": "2026-03-16", "pause-submit": "1"}
    ).get_data(as_text=True)
    assert "maandag 16 maart om 08:00" in html


def test_a_pause_end_in_the_past_is_refused(sanne_client, sanne):
    html = post_settings(
        sanne_client, **{"pause-until": "2026-03-01", "pause-submit": "1"}
    ).get_data(as_text=True)
    assert "Kies een datum na vandaag." in html
    assert sanne.enrollment.paused_by is None


def test_a_pause_end_more_than_a_year_ahead_is_refused_and_the_pages_stay_up(sanne_client, sanne):
    html = post_settings(
        sanne_client, **{"pause-until": "9999-12-31", "pause-submit": "1"}
    ).get_data(as_text=True)
    assert "Kies een datum binnen een jaar vanaf vandaag." in html
    assert sanne.enrollment.paused_by is None
    # A date at the calendar's end stored before the check: the pages still open.
    sanne.enrollment.paused_by, sanne.enrollment.pause_until = "client", date(9999, 12, 31)
    _db.session.commit()
    for page in ("/me", "/me/exercises", "/me/settings"):
        assert sanne_client.get(page).status_code == 200, page


def section(html: str, section_id: str) -> str:
    """The HTML of one settings section."""
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def test_what_was_saved_is_said_in_its_own_section_where_the_page_opens(sanne_client, sanne):
    response = sanne_client.post(
        SETTINGS,
        data={
            "reminders-reminders": "none",
            "reminders-submit": "1",
            "reminders-csrf_token": csrf_token(sanne_client, SETTINGS),
        },
    )
    assert response.headers["Location"].endswith("/me/settings#reminders")
    html = sanne_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je keuze voor herinneringen is opgeslagen." in section(html, "reminders")
    assert 'class="flashes"' not in html  # not again at the top, far above
    post_settings(sanne_client, **{"pause-until": "", "pause-submit": "1"})
    response = sanne_client.post(
        SETTINGS,
        data={"resume-submit": "1", "resume-csrf_token": csrf_token(sanne_client, SETTINGS)},
    )
    assert response.headers["Location"].endswith("#pause")  # the section resume is in
    html = sanne_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fijn dat je verdergaat." in section(html, "pause")


def test_reminders_and_language(sanne_client, sanne):
    post_settings(sanne_client, **{"reminders-reminders": "none", "reminders-submit": "1"})
    assert sanne.enrollment.reminders == "none"
    html = post_settings(
        sanne_client, **{"language-language": "en", "language-submit": "1"}
    ).get_data(as_text=True)
    assert _db.session.get(User, sanne.id).locale == "en"
    assert '<html lang="en">' in html


def test_work_ahead_only_when_the_coach_allows_it(sanne_client, sanne, db):
    html = sanne_client.get(SETTINGS).get_data(as_text=True)
    assert "Vooruitwerken" not in html
    sanne.enrollment.work_ahead_allowed = True
    db.commit()
    post_settings(sanne_client, **{"ahead-submit": "1"})
    item = next(i for i in sanne.enrollment.items if i.exercise_id == "personality")
    assert item.unlocked_at == NOW


def test_password_change_needs_the_current_one_and_keeps_you_logged_in(sanne_client, sanne):
    new = "een nieuw lang wachtwoord"
    html = post_settings(
        sanne_client,
        **{
            "password-current": "fout",
            "password-password": new,
            "password-confirm": new,
            "password-submit": "1",
        },
    ).get_data(as_text=True)
    assert "Je huidige wachtwoord klopt niet." in html
    html = post_settings(
        sanne_client,
        **{
            "password-current": PASSWORD,
            "password-password": new,
            "password-confirm": new,
            "password-submit": "1",
        },
    ).get_data(as_text=True)
    assert "Je nieuwe wachtwoord is opgeslagen." in html
    assert sanne_client.get("/me").status_code == 200


def test_checkin_is_stored_and_shown_over_time(sanne_client, sanne, db):
    html = sanne_client.get("/me").get_data(as_text=True)
    assert "Naar de check-in" in html
    data = {
        "csrf_token": csrf_token(sanne_client, "/me/checkin"),
        "f.scores.uncertainty": "7",
        "f.scores.confidence": "4",
        "f.note": "Spannende week",
    }
    html = sanne_client.post("/me/checkin", data=data, follow_redirects=True).get_data(as_text=True)
    checkin = db.scalars(select(CheckIn)).one()
    assert checkin.values == {"uncertainty": 7.0, "confidence": 4.0}
    assert checkin.note == "Spannende week"
    assert "<svg" in html and "<table" in html and "Spannende week" in html
    assert legend_items(html) == [(1, "Onzekerheid"), (2, "Vertrouwen")]
    assert "Naar de check-in" not in sanne_client.get("/me").get_data(as_text=True)


def test_data_export_holds_own_answers_and_nothing_of_another_client(sanne_client, sanne, db):
    from profiler.models import Role
    from tests.conftest import make_user

    other = make_user(Role.CLIENT, "bram@example.nl", "Bram")
    enroll(other, opened=2)
    answers.save_answers(db, sanne, "self_image", {"then_now": "Sannes geheim"}, now=NOW)
    answers.save_answers(db, other, "self_image", {"then_now": "Brams geheim"}, now=NOW)
    db.commit()
    response = sanne_client.get("/me/data.json")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    payload = json.loads(text)
    assert payload["account"]["email"] == "sanne@example.nl"
    assert [a["value"] for a in payload["answers"]] == ["Sannes geheim"]
    assert "Brams geheim" not in text and "bram@example.nl" not in text
    assert "password" not in text.lower() or "password_hash" not in text
    assert sanne.password_hash not in text


def test_data_export_includes_what_the_coach_wrote_about_the_client(sanne_client, sanne, coach, db):
    from profiler.models import CoachNote

    db.add(CoachNote(client_id=sanne.id, author_id=coach.id, body="Let op energie", created_at=NOW))
    db.commit()
    payload = json.loads(sanne_client.get("/me/data.json").get_data(as_text=True))
    assert payload["coach_notes"] == [
        {"author": coach.name, "body": "Let op energie", "created_at": NOW.isoformat()}
    ]


def test_deletion_request_is_recorded_logged_and_mailed_to_the_coach(sanne_client, sanne, db):
    data = {"csrf_token": csrf_token(sanne_client, "/me/data"), "confirm": "y"}
    html = sanne_client.post("/me/data", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Je verzoek is verstuurd" in html
    assert db.get(User, sanne.id).deletion_requested_at == NOW
    assert (
        db.scalars(select(AuditEvent).where(AuditEvent.action == "client.deletion_requested"))
        .one()
        .client_id
        == sanne.id
    )
    mail = db.scalars(select(OutboxMail).where(OutboxMail.kind == "deletion_request")).one()
    assert mail.to_addr == "coach@example.nl"
    assert "Sanne" in mail.subject and "/coach/clients/" in mail.text_body
    # Asking again queues nothing new.
    sanne_client.post("/me/data", data=data)
    assert len(db.scalars(select(OutboxMail)).all()) == 1


def test_deletion_request_needs_the_checkbox(sanne_client, sanne, db):
    data = {"csrf_token": csrf_token(sanne_client, "/me/data")}
    html = sanne_client.post("/me/data", data=data).get_data(as_text=True)
    assert "Zet een vinkje als je dit echt wilt." in html
    assert db.get(User, sanne.id).deletion_requested_at is None


def test_a_client_without_a_plan_gets_calm_pages(client, users, frozen):
    login(client, "client.a@example.nl")
    for url in ("/me", "/me/exercises", "/me/workbook", "/me/settings", "/me/data"):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_checkin_is_offered_again_after_a_week(db, sanne):
    from datetime import timedelta

    from profiler import checkins

    assert checkins.is_due(None, NOW)
    first = checkins.record(db, sanne, {"uncertainty": 6, "confidence": 5}, now=NOW)
    assert not checkins.is_due(first, NOW + timedelta(days=6))
    assert checkins.is_due(first, NOW + timedelta(days=7))


def test_chart_labels_thin_out_evenly_and_keep_both_ends():
    from profiler.checkins import _thinned

    def kept(count: int) -> list[int]:
        return [rank for rank in range(count) if not _thinned(rank, count - 1)]

    assert kept(1) == [0] and kept(2) == [0, 1] and kept(3) == [0, 2]
    assert kept(8) == [0, 2, 4, 7]  # not 6 and 7 side by side
    assert kept(10) == [0, 2, 4, 6, 9]
    assert kept(11) == [0, 2, 4, 6, 8, 10]
