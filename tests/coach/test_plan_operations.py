"""Every coach plan operation against the delivery rules: what the next delivery does after it.

The coach changes the plan through the coach pages (real forms, CSRF, access checks); then a
delivery tick runs at a chosen local time and we look at what it unlocked and mailed.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from profiler import clock, plan_changes
from profiler.delivery import deliver
from profiler.models import OutboxMail, PlanItem
from tests.conftest import csrf_token

from .conftest import at


@pytest.fixture
def plan(karin_client, team, db, monkeypatch):
    """Sanne's enrollment and a helper to post a coach action with the page's CSRF token.

    The pages read the one clock; here it stands on Monday 2 March 2026, 09:00 Amsterdam.
    """
    monkeypatch.setattr(clock, "now", lambda: at("2026-03-02 09:00"))
    sanne = team["sanne"]
    enrollment = sanne.enrollment
    token = csrf_token(karin_client, f"/coach/clients/{sanne.id}")

    def post(action: str, **data):
        response = karin_client.post(
            f"/coach/clients/{sanne.id}/{action}",
            data={"csrf_token": token, **data},
            follow_redirects=True,
        )
        assert response.status_code == 200
        db.expire_all()
        return response.get_data(as_text=True)

    return enrollment, post


def _open(db) -> set[str]:
    """Exercise ids open in Sanne's plan (the first enrollment)."""
    query = select(PlanItem).where(PlanItem.enrollment_id == 1, PlanItem.unlocked_at.is_not(None))
    return {i.exercise_id for i in db.scalars(query)}


def tick(db, moment: str):
    """One delivery tick at an Amsterdam wall time; returns what it opened for Sanne."""
    db.expire_all()
    before = _open(db)
    deliver(db, at(moment))
    db.expire_all()
    return _open(db) - before


def exercise_mails(db, client_id: int) -> list[OutboxMail]:
    return list(
        db.scalars(
            select(OutboxMail).where(OutboxMail.user_id == client_id, OutboxMail.kind == "exercise")
        )
    )


def flashes(html: str) -> str:
    return " ".join(re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', html))


def states(enrollment) -> dict[str, str]:
    return {i.exercise_id: i.state for i in enrollment.items}


def test_baseline_first_delivery_opens_start_questionnaire_with_exercise_one(plan, db, team):
    enrollment, _ = plan
    assert tick(db, "2026-03-02 08:05") == {"q_start", "self_image"}
    assert tick(db, "2026-03-02 09:00") == set()  # at most one unlock a day
    assert len(exercise_mails(db, team["sanne"].id)) == 1


def test_pause_stops_unlocks_and_mails_and_resume_continues_without_catching_up(plan, db, team):
    enrollment, post = plan
    tick(db, "2026-03-02 08:05")
    html = post("pause", reason="ziek", until="")
    # Today's exercise already came, so the words say what the client notices: from tomorrow.
    assert (
        "Vanaf morgen ontvangt Sanne geen nieuwe oefeningen en geen mails meer tot je hervat"
        in (flashes(html))
    )
    assert enrollment.paused_by == "coach" and enrollment.pause_reason == "ziek"
    assert tick(db, "2026-03-03 08:05") == set()
    assert tick(db, "2026-03-04 08:05") == set()
    assert len(exercise_mails(db, team["sanne"].id)) == 1
    html = post("resume")
    assert "Sanne gaat weer verder" in flashes(html)
    assert enrollment.paused_by is None
    # Two missed days are not made up: the next tick opens just the next exercise.
    assert tick(db, "2026-03-05 08:05") == {"personality"}
    assert tick(db, "2026-03-05 12:00") == set()
    assert len(exercise_mails(db, team["sanne"].id)) == 2


def test_pause_with_end_date_resumes_by_itself_on_that_day(plan, db):
    enrollment, post = plan
    tick(db, "2026-03-02 08:05")
    html = post("pause", reason="", until="2026-03-05")
    assert "gaat het vanzelf verder" in flashes(html)
    assert tick(db, "2026-03-04 08:05") == set()
    assert tick(db, "2026-03-05 08:05") == {"personality"}
    db.refresh(enrollment)
    assert enrollment.paused_by is None


def field_error(html: str, field_id: str) -> str:
    """The message shown under one field ('' when there is none)."""
    found = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


def test_a_pause_end_date_must_lie_after_today_and_what_was_typed_stays(plan, db):
    enrollment, post = plan
    for day in ("2020-01-01", "2026-03-02"):  # long ago, and today (Sanne's own day)
        html = post("pause", reason="Ziekenhuisopname", until=day)
        assert field_error(html, "until") == "Kies een datum na vandaag."
        assert "Niet bewaard. Automatisch verder op (optioneel): Kies een datum na vandaag." in (
            flashes(html)
        )
        assert 'value="Ziekenhuisopname"' in html and f'value="{day}"' in html
        assert enrollment.paused_by is None


def test_a_cadence_without_days_says_so_next_to_the_days_and_keeps_the_time(plan, db):
    enrollment, post = plan
    html = post("cadence", send_time="18:30")
    assert field_error(html, "weekdays") == "Kies minstens één dag."
    assert 'value="18:30"' in html  # the time as typed, not the stored one
    assert enrollment.send_time.strftime("%H:%M") != "18:30"
    html = post("cadence", weekdays=["1"], send_time="")
    assert field_error(html, "send_time") == "Kies een tijd."
    assert re.search(r'id="weekdays-1"[^>]*checked|checked[^>]*id="weekdays-1"', html)


def test_the_next_session_cannot_lie_in_the_past(plan, db):
    enrollment, post = plan
    html = post("next-session", day="2020-01-01")
    assert field_error(html, "day") == "Deze datum is al voorbij. Kies vandaag of een latere dag."
    assert 'value="2020-01-01"' in html and enrollment.next_session_on is None
    html = post("next-session", day="2026-03-02")  # today: a session later this day
    assert enrollment.next_session_on == date(2026, 3, 2)
    html = post("next-session", day="")  # no appointment (any more)
    assert enrollment.next_session_on is None


def test_a_skipped_or_done_step_is_refused_by_a_tampered_skip(plan, db):
    enrollment, post = plan
    tick(db, "2026-03-02 08:05")
    item = next(i for i in enrollment.items if i.exercise_id == "self_image")
    item.done_at = at("2026-03-02 09:00")
    db.commit()
    html = post("skip", exercise_id="self_image")
    assert "al klaar" in flashes(html)
    assert not next(i for i in enrollment.items if i.exercise_id == "self_image").skipped


def test_unlock_all_opens_everything_not_skipped_and_daily_mails_stop(plan, db, team):
    enrollment, post = plan
    post("skip", exercise_id="qualities")
    html = post("unlock-all", confirm="1")  # as sent from the confirmation page
    assert "Alle oefeningen staan nu open voor Sanne" in flashes(html)
    assert enrollment.all_unlocked
    st = states(enrollment)
    assert st["qualities"] == "skipped"
    assert all(s == "open" for e, s in st.items() if e != "qualities")
    assert tick(db, "2026-03-02 08:05") == set()
    assert tick(db, "2026-03-03 08:05") == set()
    assert exercise_mails(db, team["sanne"].id) == []


def test_unlock_one_opens_it_now_and_the_daily_order_goes_on(plan, db):
    enrollment, post = plan
    html = post("unlock", exercise_id="interests")
    assert "staat nu open voor Sanne" in flashes(html)
    assert states(enrollment)["interests"] == "open"
    assert tick(db, "2026-03-02 08:05") == {"q_start", "self_image"}
    assert tick(db, "2026-03-03 08:05") == {"personality"}
    assert tick(db, "2026-03-04 08:05") == {"qualities"}
    # interests is already open: the next delivery passes over it.
    assert tick(db, "2026-03-05 08:05") == {"values"}


def test_move_buttons_change_what_opens_next(plan, db):
    enrollment, post = plan
    tick(db, "2026-03-02 08:05")
    html = post("move", exercise_id="qualities", direction="up")
    assert "een plek eerder" in flashes(html)
    order = [i.exercise_id for i in enrollment.items]
    assert order.index("qualities") < order.index("personality")
    assert tick(db, "2026-03-03 08:05") == {"qualities"}
    post("move", exercise_id="interests", direction="down")
    order = [i.exercise_id for i in enrollment.items]
    assert order.index("values") < order.index("interests")
    assert tick(db, "2026-03-04 08:05") == {"personality"}
    assert tick(db, "2026-03-05 08:05") == {"values"}


def test_reorder_changes_only_locked_items_and_refuses_open_ones(plan, db):
    enrollment, post = plan
    tick(db, "2026-03-02 08:05")
    locked = [i.exercise_id for i in enrollment.items if i.unlocked_at is None]
    new_order = ["drives", *[e for e in locked if e != "drives"]]
    html = post("reorder", order=",".join(new_order))
    assert "De volgorde van de oefeningen van Sanne is aangepast" in flashes(html)
    assert "De volgende oefening is nu" in flashes(html)
    order = [i.exercise_id for i in enrollment.items]
    assert order[:2] == ["q_start", "self_image"]  # the open ones kept their place
    assert order[2] == "drives"
    assert tick(db, "2026-03-03 08:05") == {"drives"}
    # An order that includes an open exercise is refused and changes nothing.
    before = [i.exercise_id for i in enrollment.items]
    html = post("reorder", order=",".join(["self_image", *new_order[1:]]))
    assert "klopt niet meer" in flashes(html)
    assert [i.exercise_id for i in enrollment.items] == before
    # Moving an open exercise is refused too.
    html = post("move", exercise_id="self_image", direction="down")
    assert "Alleen oefeningen die nog niet open staan" in flashes(html)


def test_skip_leaves_it_out_and_restore_puts_it_back(plan, db):
    enrollment, post = plan
    html = post("skip", exercise_id="self_image")
    assert "Sanne slaat" in flashes(html) and "blijven bewaard" in flashes(html)
    assert tick(db, "2026-03-02 08:05") == {"q_start", "personality"}
    post("restore", exercise_id="self_image")
    assert states(enrollment)["self_image"] == "locked"
    assert tick(db, "2026-03-03 08:05") == {"self_image"}


def test_add_optional_exercise_goes_where_the_coach_puts_it(plan, db):
    enrollment, post = plan
    tick(db, "2026-03-02 08:05")
    position = next(n for n, i in enumerate(enrollment.items) if i.exercise_id == "personality")
    html = post("add", exercise_id="grief", position=str(position))
    assert "staat nu in het plan van Sanne" in flashes(html)
    item = next(i for i in enrollment.items if i.exercise_id == "grief")
    assert item.optional and item.unlocked_at is None
    assert tick(db, "2026-03-03 08:05") == {"grief"}
    assert tick(db, "2026-03-04 08:05") == {"personality"}
    # Not an optional exercise of the program: refused.
    html = post("add", exercise_id="values", position="0")
    assert "Niet bewaard. Oefening: Ongeldige keuze." in flashes(html)
    assert not any(i.exercise_id == "values" and i.optional for i in enrollment.items)


def test_add_before_an_open_exercise_lands_before_the_first_locked_one(plan, db, team):
    enrollment, _ = plan
    tick(db, "2026-03-02 08:05")
    plan_changes.add_optional(
        db,
        enrollment,
        "grief",
        0,
        by=team["karin"],
        now=at("2026-03-02 10:00"),
        allowed={"grief"},
    )
    db.commit()
    order = [i.exercise_id for i in enrollment.items]
    assert order[:3] == ["q_start", "self_image", "grief"]


def test_cadence_change_moves_the_next_delivery(plan, db):
    enrollment, post = plan
    tick(db, "2026-03-02 08:05")
    html = post("cadence", weekdays=["2"], send_time="18:00")
    assert "Sanne krijgt vanaf nu mail op woensdag om 18:00" in flashes(html)
    assert enrollment.weekday_set == frozenset({2})
    assert tick(db, "2026-03-03 08:05") == set()  # Tuesday is no longer a mail day
    assert tick(db, "2026-03-04 08:05") == set()  # Wednesday, but before 18:00
    assert tick(db, "2026-03-04 18:05") == {"personality"}
    html = post("cadence", send_time="09:00")  # no day chosen: refused, nothing changes
    assert enrollment.weekday_set == frozenset({2})


def test_work_ahead_and_next_session_are_saved_and_explained(plan, db):
    enrollment, post = plan
    html = post("work-ahead", allowed="y")
    assert enrollment.work_ahead_allowed and "Sanne mag nu zelf" in flashes(html)
    html = post("work-ahead")
    assert not enrollment.work_ahead_allowed and "wacht weer" in flashes(html)
    html = post("next-session", day="2026-03-10")
    assert enrollment.next_session_on == date(2026, 3, 10)
    assert "Het volgende gesprek met Sanne" in flashes(html)


def test_every_change_is_in_the_history_with_who_did_it(plan, db, karin_client, team):
    enrollment, post = plan
    post("pause", reason="", until="")
    post("resume")
    post("skip", exercise_id="values")
    html = karin_client.get(f"/coach/clients/{team['sanne'].id}").get_data(as_text=True)
    history = html[html.index('id="history"') :]
    assert "Gepauzeerd" in history and "Hervat" in history and "overgeslagen" in history
    assert history.count('<span class="log-who">Karin</span>') >= 3


# What the coach's plan history says for each logged plan change (with the details of
# tests.conftest.LOGGED_ABOUT_CLIENT and the exercise title "Zelfbeeld").
HISTORY_WORDS = {
    "plan.paused": "Gepauzeerd tot 1 apr 2026 (reden: vakantie)",
    "plan.resumed": "Hervat",
    "plan.unlocked_all": "Alle oefeningen opengezet",
    "plan.unlocked": "Zelfbeeld opengezet",
    "plan.moved": "Zelfbeeld een plek naar voren gezet",
    "plan.reordered": "Volgorde van de oefeningen aangepast",
    "plan.skipped": "Zelfbeeld overgeslagen",
    "plan.restored": "Zelfbeeld teruggezet in het plan",
    "plan.added": "Zelfbeeld toegevoegd aan het plan",
    "plan.cadence": "Maildagen: ",
    "plan.reminders": "Herinneringen aangepast",
    "plan.work_ahead_allowed": "Vooruitwerken toegestaan",
    "plan.next_session": "Volgend gesprek gepland op",
    "plan.work_ahead": "Zelf vooruitgewerkt",
    "plan.finished": "Alle oefeningen klaar: het traject is afgerond",
    "plan.changed": "Plan aangepast",
}


def test_the_plan_history_says_every_change_in_words(app):
    """Every plan change in its own words, never a code; the client's version of a pause
    leaves out the coach's reason."""
    from profiler.coach import history
    from profiler.models import AuditEvent
    from tests.conftest import LOGGED_ABOUT_CLIENT

    plan = [(a, d) for a, d in LOGGED_ABOUT_CLIENT if a.startswith("plan.")]
    assert {action for action, _ in plan} == set(HISTORY_WORDS)
    with app.test_request_context("/"):
        for action, detail in plan:
            event = AuditEvent(action=action, detail=detail)
            text = history.describe(event, lambda exercise_id: "Zelfbeeld")
            assert HISTORY_WORDS[action] in text, (action, text)
