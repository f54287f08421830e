"""Plan changes by coach and client: what changes, what is refused, what is recorded."""

from __future__ import annotations

from datetime import date, time

import pytest

from profiler import plan_changes as pc
from profiler.enrollments import enroll
from profiler.models import AuditEvent, Role
from tests.conftest import T0, make_user

STEPS = ["q_start", "a", "b", "c", "d"]


@pytest.fixture
def setup(app, db):
    coach = make_user(Role.COACH, "coach@example.nl", "Karin")
    client = make_user(Role.CLIENT, "sanne@example.nl", "Sanne", coach=coach)
    enrollment = enroll(
        db, client, program_id="p", steps=STEPS, start_date=date(2026, 3, 2), now=T0
    )
    db.commit()
    return coach, client, enrollment


def order(enrollment):
    return [i.exercise_id for i in enrollment.items]


def test_enroll_makes_a_locked_plan_in_program_order(setup):
    _, _, enrollment = setup
    assert order(enrollment) == STEPS
    assert all(i.state == "locked" for i in enrollment.items)
    assert enrollment.weekday_set == frozenset({0, 1, 2, 3, 4})


def test_pause_by_coach_cannot_be_lifted_by_client(setup, db):
    coach, client, enrollment = setup
    pc.pause(db, enrollment, by=coach, now=T0, reason="vakantie", until=date(2026, 3, 9))
    assert enrollment.paused_by == "coach" and enrollment.pause_until == date(2026, 3, 9)
    with pytest.raises(pc.PlanError):
        pc.resume(db, enrollment, by=client, now=T0)
    pc.resume(db, enrollment, by=coach, now=T0)
    assert enrollment.paused_by is None and enrollment.pause_until is None


def test_client_pauses_and_resumes_own_mails(setup, db):
    _, client, enrollment = setup
    pc.pause(db, enrollment, by=client, now=T0)
    assert enrollment.paused_by == "client"
    pc.resume(db, enrollment, by=client, now=T0)
    assert enrollment.paused_by is None


def test_unlock_all_opens_everything_but_skipped(setup, db):
    coach, _, enrollment = setup
    pc.skip(db, enrollment, "c", by=coach, now=T0)
    opened = pc.unlock_all(db, enrollment, by=coach, now=T0)
    assert opened == 4 and enrollment.all_unlocked
    states = {i.exercise_id: i.state for i in enrollment.items}
    assert states["c"] == "skipped" and states["d"] == "open"


def test_move_only_among_locked_items(setup, db):
    coach, _, enrollment = setup
    pc.unlock_one(db, enrollment, "q_start", by=coach, now=T0)
    pc.unlock_one(db, enrollment, "a", by=coach, now=T0)
    with pytest.raises(pc.PlanError):
        pc.move(db, enrollment, "a", 1, by=coach, now=T0)
    assert pc.move(db, enrollment, "c", -1, by=coach, now=T0)
    assert order(enrollment) == ["q_start", "a", "c", "b", "d"]
    assert not pc.move(db, enrollment, "c", -1, by=coach, now=T0)  # open items stay put
    assert not pc.move(db, enrollment, "d", 1, by=coach, now=T0)


def test_reorder_keeps_open_items_and_refuses_a_stale_list(setup, db):
    coach, _, enrollment = setup
    pc.unlock_one(db, enrollment, "q_start", by=coach, now=T0)
    pc.reorder(db, enrollment, ["d", "b", "a", "c"], by=coach, now=T0)
    assert order(enrollment) == ["q_start", "d", "b", "a", "c"]
    with pytest.raises(pc.PlanError):
        pc.reorder(db, enrollment, ["d", "b", "a"], by=coach, now=T0)


def test_add_optional_goes_among_locked_items_only(setup, db):
    coach, _, enrollment = setup
    pc.unlock_one(db, enrollment, "q_start", by=coach, now=T0)
    pc.unlock_one(db, enrollment, "a", by=coach, now=T0)
    pc.add_optional(db, enrollment, "grief", 0, by=coach, now=T0, allowed={"grief"})
    assert order(enrollment) == ["q_start", "a", "grief", "b", "c", "d"]
    with pytest.raises(pc.PlanError):
        pc.add_optional(db, enrollment, "grief", 3, by=coach, now=T0, allowed={"grief"})
    with pytest.raises(pc.PlanError):
        pc.add_optional(db, enrollment, "unknown", 3, by=coach, now=T0, allowed={"grief"})


def test_cadence_and_reminders_are_validated(setup, db):
    _, client, enrollment = setup
    pc.set_cadence(db, enrollment, {1, 3}, time(9, 30), by=client, now=T0)
    assert enrollment.weekday_set == frozenset({1, 3}) and enrollment.send_time == time(9, 30)
    with pytest.raises(pc.PlanError):
        pc.set_cadence(db, enrollment, set(), time(9, 30), by=client, now=T0)
    with pytest.raises(pc.PlanError):
        pc.set_reminders(db, enrollment, "hourly", by=client, now=T0)


def test_every_change_is_recorded_with_who_and_when(setup, db):
    coach, client, enrollment = setup
    pc.pause(db, enrollment, by=coach, now=T0)
    pc.skip(db, enrollment, "b", by=coach, now=T0)
    db.commit()
    events = db.query(AuditEvent).filter_by(client_id=client.id).order_by(AuditEvent.id).all()
    assert [e.action for e in events] == ["plan.paused", "plan.skipped"]
    assert all(e.actor_id == coach.id and e.at == T0 for e in events)
    assert events[1].detail["exercise"] == "b"


def test_work_ahead_needs_the_coachs_permission(setup, db):
    coach, client, enrollment = setup
    with pytest.raises(pc.PlanError):
        pc.work_ahead(db, enrollment, by=client, now=T0, kind_of=lambda _id: "exercise")
