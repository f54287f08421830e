"""The plan rules as pure functions: delivery moments (with DST), batches, due, reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiler import plans

from .conftest import AMS, at, kind_of

ALL_DAYS = frozenset(range(7))


@dataclass
class Item:
    """A plan item without a database."""

    exercise_id: str
    position: int
    unlocked_at: datetime | None = None
    done_at: datetime | None = None
    skipped: bool = False


@dataclass
class Plan:
    """An enrollment without a database."""

    items: list[Item]
    weekdays: str = "0,1,2,3,4"
    send_time: time = time(8, 0)
    timezone: str = AMS
    start_date: date = date(2026, 3, 2)
    paused_by: str | None = None
    pause_until: date | None = None
    all_unlocked: bool = False
    finished_at: datetime | None = None
    last_unlock_on: date | None = None
    reminders: str = "none"
    reminders_sent: int = 0
    last_reminder_at: datetime | None = None
    log: list = field(default_factory=list)

    @property
    def weekday_set(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.weekdays.split(",") if d)


def items(*ids: str) -> list[Item]:
    return [Item(e, n) for n, e in enumerate(ids)]


# ------------------------------------------------------------------ delivery moments, DST


@pytest.mark.parametrize(
    ("after", "expected_utc"),
    [
        # Saturday 28 March (CET, +1) -> Sunday 29 March 08:00 CEST (+2) = 06:00 UTC
        (datetime(2026, 3, 28, 8, 0, tzinfo=UTC), datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
        # Saturday 24 October (CEST) -> Sunday 25 October 08:00 CET = 07:00 UTC
        (datetime(2026, 10, 24, 7, 0, tzinfo=UTC), datetime(2026, 10, 25, 7, 0, tzinfo=UTC)),
    ],
)
def test_next_moment_is_eight_local_on_dst_sundays(after, expected_utc):
    moment = plans.next_delivery_moment(ALL_DAYS, time(8, 0), AMS, after, date(2026, 1, 1))
    assert moment == expected_utc
    assert moment.astimezone(plans.ZoneInfo(AMS)).time() == time(8, 0)


def test_moments_over_the_dst_weeks_are_daily_at_eight_local():
    moment = datetime(2026, 3, 25, tzinfo=UTC)
    seen = []
    for _ in range(10):
        moment = plans.next_delivery_moment(ALL_DAYS, time(8, 0), AMS, moment, date(2026, 1, 1))
        seen.append(moment.astimezone(plans.ZoneInfo(AMS)))
    assert [m.date() for m in seen] == [date(2026, 3, 25) + timedelta(days=n) for n in range(10)]
    assert {m.time() for m in seen} == {time(8, 0)}
    # the UTC hour shifts by one on the night of the change
    assert seen[3].astimezone(UTC).hour == 7 and seen[4].astimezone(UTC).hour == 6


def test_next_moment_respects_weekdays_and_start_date():
    friday_evening = at("2026-03-06 20:00")
    moment = plans.next_delivery_moment(
        frozenset({0, 2}), time(9, 30), AMS, friday_evening, date(2026, 3, 10)
    )
    assert moment == at("2026-03-11 09:30")  # Tuesday 10th is not allowed, Wednesday is


def test_next_moment_is_strictly_after():
    moment = at("2026-03-02 08:00")
    assert plans.next_delivery_moment(ALL_DAYS, time(8), AMS, moment, date(2026, 3, 1)) == at(
        "2026-03-03 08:00"
    )


def test_send_time_in_the_spring_gap_lands_after_the_gap():
    moment = plans.next_delivery_moment(
        ALL_DAYS, time(2, 30), AMS, at("2026-03-28 12:00"), date(2026, 1, 1)
    )
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_no_weekdays_is_an_error():
    with pytest.raises(ValueError):
        plans.next_delivery_moment(frozenset(), time(8), AMS, at("2026-03-02 08:00"), date.today())


def test_local_day_crosses_midnight_by_zone():
    moment = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert plans.local_day(moment, AMS) == date(2026, 3, 3)
    assert plans.local_day(moment, "America/New_York") == date(2026, 3, 2)


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_is_due_once_at_eight_on_dst_days(day):
    plan = Plan(items("a", "b", "c"), weekdays="0,1,2,3,4,5,6", start_date=date(2026, 3, 1))
    moments = [
        datetime.combine(day - timedelta(days=1), time(20), tzinfo=UTC) + timedelta(minutes=m)
        for m in range(0, 26 * 60, 5)
    ]
    due = []
    for moment in moments:
        if plans.is_due(plan, moment):
            due.append(moment)
            plan.last_unlock_on = plans.local_day(moment, AMS)
            plans.next_batch(plan.items, kind_of)[0].unlocked_at = moment
    local = [m.astimezone(plans.ZoneInfo(AMS)) for m in due if plans.local_day(m, AMS) == day]
    assert len(local) == 1
    assert local[0].time() == time(8, 0) and local[0].date() == day


# ------------------------------------------------------------------ next_batch


def test_batch_takes_unnumbered_items_before_the_step():
    plan = items("q_start", "self_image", "personality")
    assert [i.exercise_id for i in plans.next_batch(plan, kind_of)] == ["q_start", "self_image"]


def test_batch_skips_skipped_and_open_items():
    plan = items("q_start", "self_image", "q_midway", "personality", "qualities")
    plan[0].unlocked_at = plan[1].unlocked_at = at("2026-03-02 08:00")
    plan[3].skipped = True
    batch = plans.next_batch(plan, kind_of)
    assert [i.exercise_id for i in batch] == ["q_midway", "qualities"]


def test_last_step_takes_the_end_questionnaires_along():
    plan = items("pitch", "cv", "q_end", "evaluation")
    plan[0].unlocked_at = at("2026-03-02 08:00")
    assert [i.exercise_id for i in plans.next_batch(plan, kind_of)] == [
        "cv",
        "q_end",
        "evaluation",
    ]


def test_only_unnumbered_left_come_together():
    plan = items("cv", "q_end", "evaluation")
    plan[0].unlocked_at = at("2026-03-02 08:00")
    assert [i.exercise_id for i in plans.next_batch(plan, kind_of)] == ["q_end", "evaluation"]


def test_batch_follows_position_not_list_order():
    plan = items("self_image", "personality", "qualities")
    plan[0].position, plan[2].position = 2, 0
    assert [i.exercise_id for i in plans.next_batch(plan, kind_of)] == ["qualities"]


def test_nothing_left_is_an_empty_batch():
    plan = items("self_image")
    plan[0].unlocked_at = at("2026-03-02 08:00")
    assert plans.next_batch(plan, kind_of) == []


# ------------------------------------------------------------------ is_due


def test_is_due_rules():
    plan = Plan(items("self_image", "personality"))
    monday_8 = at("2026-03-02 08:00")
    assert plans.is_due(plan, monday_8)
    assert not plans.is_due(plan, at("2026-03-02 07:59"))
    assert not plans.is_due(plan, at("2026-03-07 09:00"))  # Saturday
    assert not plans.is_due(plan, at("2026-03-01 09:00"))  # before start
    plan.last_unlock_on = date(2026, 3, 2)
    assert not plans.is_due(plan, monday_8)
    assert plans.is_due(plan, at("2026-03-03 08:00"))
    plan.paused_by = "client"
    assert not plans.is_due(plan, at("2026-03-03 08:00"))
    plan.paused_by = None
    plan.all_unlocked = True
    assert not plans.is_due(plan, at("2026-03-03 08:00"))
    plan.all_unlocked = False
    for item in plan.items:
        item.unlocked_at = monday_8
    assert not plans.is_due(plan, at("2026-03-03 08:00"))


def test_pause_with_an_end_date_resumes_on_that_day():
    plan = Plan(items("self_image", "personality"), paused_by="coach", pause_until=date(2026, 3, 4))
    assert plans.plan_tick(plan, at("2026-03-03 09:00"), kind_of).idle
    decision = plans.plan_tick(plan, at("2026-03-04 09:00"), kind_of)
    assert decision.resume
    assert [i.exercise_id for i in decision.unlock] == ["self_image"]


# ------------------------------------------------------------------ reminders


def test_reminders_daily_stop_after_three_without_activity():
    plan = Plan(items("self_image", "personality"), reminders="daily", all_unlocked=True)
    for item in plan.items:
        item.unlocked_at = at("2026-03-02 07:00")
    sent = []
    day = date(2026, 3, 2)
    for n in range(10):
        moment = at(f"{day + timedelta(days=n)} 09:00")
        if plans.plan_tick(plan, moment, kind_of).remind:
            sent.append(moment)
            plan.reminders_sent += 1
            plan.last_reminder_at = moment
    assert len(sent) == 3
    # activity after the last reminder starts the count again
    activity = sent[-1] + timedelta(hours=2)
    later = at("2026-03-16 09:00")
    decision = plans.plan_tick(plan, later, kind_of, last_activity_at=activity)
    assert decision.remind and decision.reset_nudges


def test_weekly_reminder_waits_a_week_after_the_last_mail():
    plan = Plan(
        items("self_image"),
        reminders="weekly",
        weekdays="0,1,2,3,4,5,6",
        last_unlock_on=date(2026, 3, 2),
    )
    plan.items[0].unlocked_at = at("2026-03-02 08:00")
    assert not plans.plan_tick(plan, at("2026-03-08 09:00"), kind_of).remind
    assert plans.plan_tick(plan, at("2026-03-09 09:00"), kind_of).remind


def test_no_reminder_without_open_work_or_when_paused_or_none():
    plan = Plan(items("self_image"), reminders="daily", last_unlock_on=date(2026, 3, 2))
    plan.items[0].unlocked_at = at("2026-03-02 08:00")
    plan.items[0].done_at = at("2026-03-02 10:00")
    assert not plans.plan_tick(plan, at("2026-03-03 09:00"), kind_of).remind
    plan.items[0].done_at = None
    assert plans.plan_tick(plan, at("2026-03-03 09:00"), kind_of).remind
    plan.paused_by = "client"
    assert not plans.plan_tick(plan, at("2026-03-03 09:00"), kind_of).remind
    plan.paused_by, plan.reminders = None, "none"
    assert not plans.plan_tick(plan, at("2026-03-03 09:00"), kind_of).remind


# ------------------------------------------------------------------ properties

ZONES = [
    "Europe/Amsterdam",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
]
IDS = ["q_start", "a", "b", "c", "q_midway", "d", "e", "f", "q_end", "evaluation"]


@st.composite
def scenarios(draw):
    """A plan with a random cadence and zone, and a random stream of events over ~40 days."""
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    send = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    tz = draw(st.sampled_from(ZONES))
    start = date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 10)))
    steps = draw(st.lists(st.integers(1, 60), min_size=30, max_size=200))  # minutes x 17
    events = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(steps) - 1),
                st.sampled_from(["pause", "resume", "pause_until", "reorder", "skip"]),
                st.randoms(use_true_random=False),
            ),
            max_size=12,
        )
    )
    return weekdays, send, tz, start, steps, events


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_rules_hold_over_random_cadences_pauses_reorders_and_zones(scenario):
    weekdays, send, tz, start, steps, events = scenario
    plan = Plan(
        items(*IDS),
        weekdays=",".join(map(str, sorted(weekdays))),
        send_time=send,
        timezone=tz,
        start_date=start,
    )
    events_at = {}
    for index, kind, rnd in events:
        events_at.setdefault(index, []).append((kind, rnd))
    moment = datetime(2026, 3, 1, tzinfo=UTC)
    unlock_days: list[date] = []
    order_ok = True
    for n, step in enumerate(steps):
        moment += timedelta(minutes=17 * step)
        for kind, rnd in events_at.get(n, []):
            locked = sorted(
                (i for i in plan.items if i.unlocked_at is None), key=lambda i: i.position
            )
            if kind == "pause":
                plan.paused_by, plan.pause_until = "coach", None
            elif kind == "pause_until":
                plan.paused_by = "client"
                plan.pause_until = plans.local_day(moment, tz) + timedelta(days=rnd.randint(1, 5))
            elif kind == "resume":
                plan.paused_by, plan.pause_until = None, None
            elif kind == "reorder" and locked:
                slots = [i.position for i in locked]
                rnd.shuffle(locked)
                for item, slot in zip(locked, slots, strict=True):
                    item.position = slot
            elif kind == "skip" and locked:
                rnd.choice(locked).skipped = True
        paused_before = plan.paused_by is not None and not plans.pause_ends(plan, moment)
        expected = sorted(
            (i for i in plan.items if i.unlocked_at is None and not i.skipped),
            key=lambda i: i.position,
        )
        decision = plans.plan_tick(plan, moment, kind_of)
        if decision.resume:
            plan.paused_by, plan.pause_until = None, None
        if decision.unlock:
            assert not paused_before, "a paused enrollment got an unlock"
            day = plans.local_day(moment, tz)
            local = moment.astimezone(plans.ZoneInfo(tz))
            assert day.weekday() in weekdays and day >= start
            assert local.time() >= send or plans.local_moment(day, send, tz) <= moment
            # order: the batch is a prefix of the locked items in plan order
            ids = [i.exercise_id for i in decision.unlock]
            order_ok &= ids == [i.exercise_id for i in expected[: len(ids)]]
            for item in decision.unlock:
                item.unlocked_at = moment
            plan.last_unlock_on = day
            unlock_days.append(day)
    assert order_ok, "unlocks did not follow the plan order"
    assert len(unlock_days) == len(set(unlock_days)), "a day got two unlocks"
