"""The delivery tick against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from profiler import plan_changes
from profiler.delivery import deliver
from profiler.models import Enrollment, OutboxMail, PlanItem

from .conftest import at, kind_of, make_enrollment


def tick(session, moment: str, tz: str = "Europe/Amsterdam"):
    return deliver(session, at(moment, tz), kind_of=kind_of)


def mails(session, kind: str | None = None) -> list[OutboxMail]:
    query = select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        query = query.where(OutboxMail.kind == kind)
    return list(session.scalars(query))


def opened(session, enrollment_id: int) -> list[str]:
    rows = session.scalars(
        select(PlanItem)
        .where(PlanItem.enrollment_id == enrollment_id, PlanItem.unlocked_at.is_not(None))
        .order_by(PlanItem.position)
    )
    return [item.exercise_id for item in rows]


def test_second_tick_on_the_same_day_unlocks_and_sends_nothing(session):
    enrollment = make_enrollment()
    first = tick(session, "2026-03-02 08:05")
    second = tick(session, "2026-03-02 08:06")
    assert (first.delivered, second.delivered) == (1, 0)
    assert opened(session, enrollment.id) == ["q_start", "self_image"]
    [mail] = mails(session)
    assert mail.key == f"unlock:{enrollment.id}:2026-03-02"
    assert session.get(Enrollment, enrollment.id).last_unlock_on == date(2026, 3, 2)


def test_nothing_before_the_send_time_or_on_a_free_day(session):
    make_enrollment(send_time=time(9, 30))
    assert tick(session, "2026-03-02 09:29").delivered == 0
    assert tick(session, "2026-03-07 10:00").delivered == 0  # Saturday
    assert tick(session, "2026-03-02 09:30").delivered == 1


def test_after_downtime_one_unlock_and_one_mail_naming_what_is_open(session):
    enrollment = make_enrollment()
    tick(session, "2026-03-02 08:00")
    # the scheduler is down Tuesday to Thursday; Friday's tick makes up nothing
    report = tick(session, "2026-03-06 08:01")
    assert report.delivered == 1
    assert opened(session, enrollment.id) == ["q_start", "self_image", "personality"]
    last = mails(session)[-1]
    assert len(mails(session)) == 2
    assert "Er staan ook nog 2 oefeningen van eerder voor je klaar" in last.text_body
    assert "In totaal staan er 3 oefeningen voor je klaar." in last.text_body


def test_paused_gets_nothing_and_resumes_where_it_stood(session):
    enrollment = make_enrollment()
    tick(session, "2026-03-02 08:00")
    client = enrollment.client
    plan_changes.pause(session, enrollment, by=client, now=at("2026-03-02 12:00"))
    session.commit()
    for day in range(3, 7):
        assert tick(session, f"2026-03-{day:02d} 09:00").delivered == 0
    plan_changes.resume(session, enrollment, by=client, now=at("2026-03-09 07:00"))
    session.commit()
    assert tick(session, "2026-03-09 08:00").delivered == 1
    assert opened(session, enrollment.id) == ["q_start", "self_image", "personality"]
    assert len(mails(session)) == 2


def test_pause_until_resumes_by_itself_on_that_local_day(session):
    enrollment = make_enrollment()
    coach_view = enrollment.client
    plan_changes.pause(
        session, enrollment, by=coach_view, now=at("2026-03-01 12:00"), until=date(2026, 3, 4)
    )
    session.commit()
    assert tick(session, "2026-03-03 09:00").delivered == 0
    report = tick(session, "2026-03-04 08:00")
    assert (report.resumed, report.delivered) == (1, 1)
    refreshed = session.get(Enrollment, enrollment.id)
    assert refreshed.paused_by is None and refreshed.pause_until is None


def test_unlock_all_stops_the_daily_mails(session):
    enrollment = make_enrollment()
    plan_changes.unlock_all(session, enrollment, by=enrollment.client, now=at("2026-03-02 07:00"))
    session.commit()
    assert tick(session, "2026-03-02 08:00").delivered == 0
    assert mails(session, "exercise") == []


def test_reorder_changes_what_opens_next(session):
    enrollment = make_enrollment()
    tick(session, "2026-03-02 08:00")
    plan_changes.reorder(
        session,
        enrollment,
        ["qualities", "personality", "q_midway", "interests", "q_end"],
        by=enrollment.client,
        now=at("2026-03-02 12:00"),
    )
    session.commit()
    tick(session, "2026-03-03 08:00")
    assert opened(session, enrollment.id)[-1] == "qualities"


def test_a_tick_loads_candidates_with_a_fixed_number_of_queries(session, any_app):
    for n in range(12):
        make_enrollment(f"client{n}@example.nl")
    statements: list[str] = []
    engine = session.get_bind()

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        report = tick(session, "2026-03-02 08:00")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert report.delivered == 12
    assert len(statements) <= 3, statements  # enrollments+clients, items: not one per client


def test_work_ahead_does_not_block_the_next_delivery(session):
    enrollment = make_enrollment()
    enrollment.work_ahead_allowed = True
    session.commit()
    tick(session, "2026-03-02 08:00")
    plan_changes.work_ahead(
        session, enrollment, by=enrollment.client, now=at("2026-03-02 10:00"), kind_of=kind_of
    )
    session.commit()
    assert tick(session, "2026-03-03 08:00").delivered == 1
    assert opened(session, enrollment.id) == ["q_start", "self_image", "personality", "qualities"]


def test_reminders_go_out_at_most_three_times_without_activity(session):
    enrollment = make_enrollment(reminders="daily")
    plan_changes.unlock_all(session, enrollment, by=enrollment.client, now=at("2026-03-02 07:00"))
    session.commit()
    day = date(2026, 3, 2)
    for n in range(10):
        tick(session, f"{day + timedelta(days=n)} 09:00")
    reminders = mails(session, "reminder")
    assert len(reminders) == 3
    assert session.get(Enrollment, enrollment.id).reminders_sent == 3
    assert "Er staan 7 oefeningen voor je klaar" in reminders[0].subject


def test_each_enrollment_is_delivered_in_its_own_zone(session):
    make_enrollment("ams@example.nl")
    make_enrollment("ny@example.nl", tz="America/New_York")
    # 08:00 Amsterdam is 02:00 in New York
    assert tick(session, "2026-03-02 08:00").delivered == 1
    assert tick(session, "2026-03-02 08:00", "America/New_York").delivered == 1


@pytest.mark.parametrize("sunday", [date(2026, 3, 29), date(2026, 10, 25)])
def test_dst_weekends_deliver_once_a_day_at_eight_local(session, sunday):
    make_enrollment(weekdays=(0, 1, 2, 3, 4, 5, 6), start=date(2026, 3, 1))
    moments = []
    start = at(f"{sunday - timedelta(days=1)} 00:00")
    for quarter in range(0, 3 * 24 * 4):
        moment = start + timedelta(minutes=15 * quarter)
        if deliver(session, moment, kind_of=kind_of).delivered:
            moments.append(moment)
    local = [m.astimezone(ZoneInfo("Europe/Amsterdam")) for m in moments]
    assert [m.date() for m in local] == [sunday + timedelta(days=n) for n in (-1, 0, 1)]
    assert {m.time() for m in local} == {time(8, 0)}
    assert len(mails(session)) == 3


def test_cli_deliver_at_runs_one_tick(app, db):
    enrollment = make_enrollment()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deliver", "--at", "2026-03-02T08:05:00+01:00"])
    assert result.exit_code == 0, result.output
    assert "1 delivered" in result.output
    assert db.scalars(select(OutboxMail.key)).all() == [f"unlock:{enrollment.id}:2026-03-02"]
    bad = runner.invoke(args=["deliver", "--at", "yesterday"])
    assert bad.exit_code != 0
