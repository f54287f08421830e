"""The shared plan read model: numbering, states, expected dates, progress, query count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from profiler import plan_view
from profiler.extensions import db as _db
from profiler.library import current_library
from profiler.models import Comment, Role
from tests.client.conftest import NOW, T_START, enroll
from tests.conftest import make_user


def build(enrollment, now=NOW):
    return plan_view.build(_db.session, enrollment, current_library(), "nl", now)


def test_numbered_steps_run_from_1_to_17_grouped_by_part(sanne):
    view = build(sanne.enrollment)
    numbered = [s for s in view.steps if s.number]
    assert [s.number for s in numbered] == list(range(1, 18))
    assert numbered[0].exercise_id == "self_image"
    assert numbered[3].title == "Interessegebieden"
    assert [p.title for p in view.parts[:5]] == [
        "Persoonlijkheid",
        "Werkplezier",
        "Functie",
        "Doel",
        "Documenten",
    ]
    assert [s.number for s in view.parts[1].steps] == [4, 5, 6, 7]
    # Questionnaires have no number; they belong to the day of the step they open with.
    q_start = view.step("q_start")
    assert q_start.number is None and q_start.day == 1
    assert view.step("q_end").day == 17


def test_states_and_progress(db, sanne):
    items = {i.exercise_id: i for i in sanne.enrollment.items}
    items["self_image"].done_at = NOW
    items["personality"].unlocked_at = NOW
    items["personality"].started_at = NOW
    items["qualities"].unlocked_at = NOW
    items["interests"].skipped = True
    db.commit()
    view = build(sanne.enrollment)
    states = {s.exercise_id: s.state for s in view.steps}
    assert states["self_image"] == "done"
    assert states["personality"] == "in_progress"
    assert states["qualities"] == "open"
    assert states["interests"] == "skipped"
    assert states["values"] == "locked"
    assert (view.done, view.total) == (1, 16)  # a skipped step does not count
    assert view.current.exercise_id == "q_start"


def test_locked_steps_get_the_next_delivery_moments(sanne):
    # Monday: today's exercise came at 08:00; mail days Mon-Fri at 08:00 Amsterdam (07:00 UTC).
    view = build(sanne.enrollment)
    assert view.step("personality").expected_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    assert view.step("qualities").expected_at == datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
    # Friday -> the weekend is skipped -> Monday.
    assert view.step("values").expected_at == datetime(2026, 3, 6, 7, 0, tzinfo=UTC)
    assert view.step("drives").expected_at == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)
    assert view.next_delivery == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)


def test_expected_dates_follow_the_chosen_days(db, sanne):
    sanne.enrollment.weekdays = "1,3"  # Tuesday and Thursday
    db.commit()
    view = build(sanne.enrollment)
    assert view.step("personality").expected_at.date() == date(2026, 3, 3)
    assert view.step("qualities").expected_at.date() == date(2026, 3, 5)
    assert view.step("interests").expected_at.date() == date(2026, 3, 10)


def test_paused_plans_promise_no_date_until_the_pause_ends(db, sanne):
    enrollment = sanne.enrollment
    enrollment.paused_by = "client"
    db.commit()
    assert build(enrollment).next_delivery is None
    enrollment.pause_until = date(2026, 3, 9)
    db.commit()
    assert build(enrollment).next_delivery == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)
    enrollment.paused_by = "coach"
    db.commit()
    assert build(enrollment).next_delivery is None


def test_when_the_send_time_passed_without_an_unlock_the_next_tick_opens_it(db, sanne):
    sanne.enrollment.last_unlock_on = date(2026, 2, 27)
    db.commit()
    assert build(sanne.enrollment).next_delivery == NOW


def test_all_unlocked_has_nothing_to_expect(db, sanne):
    sanne.enrollment.all_unlocked = True
    db.commit()
    assert build(sanne.enrollment).next_delivery is None


def test_unread_comments_are_counted_per_step(db, sanne, coach):
    for body in ("Mooi!", "Nog een vraag"):
        db.add(
            Comment(
                client_id=sanne.id,
                author_id=coach.id,
                exercise_id="self_image",
                body=body,
                created_at=NOW,
            )
        )
    db.commit()
    assert build(sanne.enrollment).step("self_image").unread_comments == 2


def count_queries(fn) -> int:
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_plan(db, app):
    coach = make_user(Role.COACH, "c@example.nl", "C")
    small = enroll(make_user(Role.CLIENT, "a@example.nl", "A", coach=coach), opened=1)
    large = enroll(make_user(Role.CLIENT, "b@example.nl", "B", coach=coach), opened=20, done=15)
    db.expire_all()
    few = count_queries(lambda: build(small))
    db.expire_all()
    many = count_queries(lambda: build(large, now=T_START + timedelta(days=30)))
    assert few == many <= 4
