"""The plan's delivery rules as pure functions: no database, no clock, no Flask."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

NUMBERED = "exercise"  # the kind of a numbered step; questionnaires and evaluations have none
MAX_NUDGES = 3  # reminders in a row without activity, then we stop (coach sees "needs attention")
WEEKLY = 7


class ItemLike(Protocol):
    """What the rules need of a plan item (PlanItem, or a plain object in tests)."""

    exercise_id: str
    position: int
    unlocked_at: datetime | None
    done_at: datetime | None
    skipped: bool


def local_day(now: datetime, tz: str) -> date:
    """The calendar day it is at `now` in time zone `tz`."""
    return now.astimezone(ZoneInfo(tz)).date()


def local_moment(day: date, at: time, tz: str) -> datetime:
    """`at` o'clock on `day` in `tz`, as aware UTC.

    A wall time that does not exist (the spring-forward gap) is read with the offset from
    before the change, so it lands just after the gap; an ambiguous one (autumn) means the
    first of the two.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=ZoneInfo(tz), fold=0).astimezone(UTC)


def next_delivery_moment(
    weekdays: frozenset[int], send_time: time, tz: str, after: datetime, start_date: date
) -> datetime:
    """The first delivery moment strictly after `after`: an allowed weekday at `send_time`.

    Raises ValueError when no weekday is allowed.
    """
    if not weekdays:
        raise ValueError("no weekday allowed")
    day = max(local_day(after, tz), start_date)
    for _ in range(15):
        if day.weekday() in weekdays:
            moment = local_moment(day, send_time, tz)
            if moment > after:
                return moment
        day += timedelta(days=1)
    raise AssertionError("unreachable: a weekday recurs within a week")  # pragma: no cover


def is_closed(item: ItemLike) -> bool:
    """Not open yet and not skipped: what the next delivery (or unlock all) may open."""
    return item.unlocked_at is None and not item.skipped


def next_batch(items: list[ItemLike], kind_of: Callable[[str], str]) -> list[ItemLike]:
    """The items the next delivery unlocks, in plan order.

    That is the next locked, not-skipped numbered step together with the locked unnumbered
    items (questionnaires, evaluation) placed directly before it. When that step is the
    last numbered one, the unnumbered items after it come along (the end questionnaire and
    the evaluation open with the last exercise). Without numbered steps left: the remaining
    locked unnumbered items.
    """
    ordered = sorted(items, key=lambda item: item.position)
    locked = [item for item in ordered if is_closed(item)]
    batch: list[ItemLike] = []
    for index, item in enumerate(locked):
        batch.append(item)
        if kind_of(item.exercise_id) == NUMBERED:
            rest = locked[index + 1 :]
            if all(kind_of(later.exercise_id) != NUMBERED for later in rest):
                batch.extend(rest)
            return batch
    return batch


def open_items(items: Iterable[ItemLike]) -> list[ItemLike]:
    """Unlocked, not done, not skipped: the work that waits for the client, in plan order."""
    return sorted(
        (i for i in items if i.unlocked_at is not None and i.done_at is None and not i.skipped),
        key=lambda item: item.position,
    )


class EnrollmentLike(Protocol):
    """What the rules need of an enrollment."""

    weekdays: str
    send_time: time
    timezone: str
    start_date: date
    paused_by: str | None
    pause_until: date | None
    all_unlocked: bool
    finished_at: datetime | None
    last_unlock_on: date | None
    reminders: str
    reminders_sent: int
    last_reminder_at: datetime | None
    items: list  # list[PlanItem]

    @property
    def weekday_set(self) -> frozenset[int]: ...


def pause_ends(enrollment: EnrollmentLike, now: datetime) -> bool:
    """True when a pause with an end date has reached that (local) date."""
    return (
        enrollment.paused_by is not None
        and enrollment.pause_until is not None
        and local_day(now, enrollment.timezone) >= enrollment.pause_until
    )


def _at_send_moment(enrollment: EnrollmentLike, now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(enrollment.timezone))
    today = local.date()
    if today < enrollment.start_date or today.weekday() not in enrollment.weekday_set:
        return False
    return now >= local_moment(today, enrollment.send_time, enrollment.timezone)


def may_act(enrollment: EnrollmentLike, now: datetime) -> bool:
    """Cheap pre-check without the items: could a tick do anything for `enrollment` now?"""
    if pause_ends(enrollment, now):
        return True
    if enrollment.paused_by is not None or enrollment.finished_at is not None:
        return False
    if enrollment.last_unlock_on == local_day(now, enrollment.timezone):
        return False
    return _at_send_moment(enrollment, now)


def is_due(
    enrollment: EnrollmentLike, now: datetime, kind_of: Callable[[str], str] | None = None
) -> bool:
    """True when a delivery (unlock + mail) should happen for `enrollment` at `now`.

    Not paused, not all unlocked, not finished, an allowed local weekday on or after the
    start date, at or after the send time, no unlock yet on this local day, and something
    left to unlock.
    """
    if not _may_deliver(enrollment, now):
        return False
    if kind_of is None:
        return any(is_closed(item) for item in enrollment.items)
    return bool(next_batch(enrollment.items, kind_of))


def _may_deliver(enrollment: EnrollmentLike, now: datetime) -> bool:
    """`is_due` without looking at the items: is a delivery allowed at `now`?"""
    if enrollment.paused_by is not None or enrollment.all_unlocked:
        return False
    if enrollment.finished_at is not None:
        return False
    if not _at_send_moment(enrollment, now):
        return False
    return enrollment.last_unlock_on != local_day(now, enrollment.timezone)


def reminder_due(
    enrollment: EnrollmentLike, now: datetime, last_activity_at: datetime | None
) -> bool:
    """True when a reminder about open work should go out at `now`.

    Only on an allowed weekday after the send time, never on a day with an unlock, never
    while paused, only with open work, at most MAX_NUDGES in a row without activity, and
    daily or weekly after the last mail or activity, as the client chose.
    """
    if enrollment.reminders not in ("daily", "weekly"):
        return False
    if enrollment.paused_by is not None or enrollment.finished_at is not None:
        return False
    if nudges_after_activity(enrollment, last_activity_at) >= MAX_NUDGES:
        return False
    if not _at_send_moment(enrollment, now) or not open_items(enrollment.items):
        return False
    tz = enrollment.timezone
    today = local_day(now, tz)
    quiet_since = [
        d
        for d in (
            enrollment.last_unlock_on,
            local_day(enrollment.last_reminder_at, tz) if enrollment.last_reminder_at else None,
            local_day(last_activity_at, tz) if last_activity_at else None,
        )
        if d is not None
    ]
    if not quiet_since:
        return True
    last = max(quiet_since)
    gap = 1 if enrollment.reminders == "daily" else WEEKLY
    return (today - last).days >= gap


def nudges_after_activity(enrollment: EnrollmentLike, last_activity_at: datetime | None) -> int:
    """Reminders sent since the client was last active (activity resets the count)."""
    if (
        last_activity_at is not None
        and enrollment.last_reminder_at is not None
        and last_activity_at > enrollment.last_reminder_at
    ):
        return 0
    return enrollment.reminders_sent


@dataclass
class TickPlan:
    """What a tick does for one enrollment (decided, not yet applied)."""

    resume: bool = False
    unlock: list = field(default_factory=list)  # list[PlanItem]
    remind: bool = False
    reset_nudges: bool = False

    @property
    def idle(self) -> bool:
        """True when the tick leaves this enrollment alone."""
        return not (self.resume or self.unlock or self.remind or self.reset_nudges)


def plan_tick(
    enrollment: EnrollmentLike,
    now: datetime,
    kind_of: Callable[[str], str],
    last_activity_at: datetime | None = None,
) -> TickPlan:
    """Decide what a tick does for `enrollment` at `now` (pure; see delivery.apply)."""
    plan = TickPlan()
    resumed = pause_ends(enrollment, now)
    plan.resume = resumed
    paused_by = None if resumed else enrollment.paused_by
    plan.reset_nudges = (
        enrollment.reminders_sent > 0 and nudges_after_activity(enrollment, last_activity_at) == 0
    )
    view = _Overlay(enrollment, paused_by=paused_by)
    if _may_deliver(view, now):  # is_due, computing the batch once
        plan.unlock = next_batch(enrollment.items, kind_of)
    if not plan.unlock and enrollment.last_unlock_on != local_day(now, enrollment.timezone):
        plan.remind = reminder_due(view, now, last_activity_at)
    return plan


class _Overlay:
    """An enrollment seen with a few attributes replaced (for deciding before applying)."""

    def __init__(self, base: EnrollmentLike, **changes: object):
        self._base = base
        self._changes = changes

    def __getattr__(self, name: str) -> object:
        if name in self._changes:
            return self._changes[name]
        return getattr(self._base, name)
