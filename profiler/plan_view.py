"""The plan as client and coach pages show it: numbered steps by part, states, dates, progress.

Built with a fixed number of queries (plan items, unread comments, answered fields), whatever
the length of the plan. Pure reading: nothing is changed, the clock is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from . import plans
from .models import Answer, Comment, Enrollment, PlanItem, plan_item_state
from .row_objects import RowObject, loaded_orm_object

NUMBERED = plans.NUMBERED
EXTRA_PART = "extra"


@dataclass
class Step:
    """One plan item as a page shows it."""

    exercise_id: str
    title: str
    kind: str
    part: str | None
    number: int | None  # 1..17 for numbered exercises, None for questionnaires and extras
    day: int | None  # the day of the plan it belongs to (the number it unlocks with)
    state: str  # locked | open | in_progress | done | skipped
    optional: bool
    position: int
    unlocked_at: datetime | None
    done_at: datetime | None
    expected_at: datetime | None  # when a locked step is expected to open (None: unknown)
    flagged: bool
    flag_note: str | None
    estimate: int | None = None
    summary: str = ""
    unread_comments: int = 0
    answered_fields: int = 0
    known: bool = True  # False when the library lacks this exercise

    @property
    def available(self) -> bool:
        """True when the client can open it (unlocked, possibly done or skipped after)."""
        return self.unlocked_at is not None

    @property
    def is_numbered(self) -> bool:
        """True for the numbered exercises 1..17."""
        return self.number is not None


@dataclass
class PartView:
    """A part of the program with its steps in plan order."""

    id: str
    title: str
    steps: list[Step] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Numbered steps done in this part."""
        return sum(1 for s in self.steps if s.is_numbered and s.state == "done")

    @property
    def total(self) -> int:
        """Numbered, not skipped steps in this part."""
        return sum(1 for s in self.steps if s.is_numbered and s.state != "skipped")


@dataclass
class PlanView:
    """The whole plan of one enrollment."""

    enrollment: Enrollment
    steps: list[Step]
    parts: list[PartView]
    done: int
    total: int
    next_delivery: datetime | None
    paused_by: str | None
    pause_until: Any
    all_unlocked: bool
    now: datetime | None = None

    @property
    def next_is_now(self) -> bool:
        """True when the next exercise opens at the next delivery tick (within minutes)."""
        return (
            self.next_delivery is not None
            and self.now is not None
            and self.next_delivery <= self.now + timedelta(minutes=5)
        )

    @property
    def percent(self) -> int:
        """Progress as a whole percentage."""
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def current(self) -> Step | None:
        """Today's exercise: the first open or in-progress step in plan order."""
        return next((s for s in self.steps if s.state in ("in_progress", "open")), None)

    @property
    def open_steps(self) -> list[Step]:
        """All steps that wait for the client."""
        return [s for s in self.steps if s.state in ("in_progress", "open")]

    @property
    def next_locked(self) -> Step | None:
        """The next step that will open."""
        return next((s for s in self.steps if s.state == "locked"), None)

    @property
    def finished(self) -> bool:
        """True when every numbered step is done (or skipped)."""
        return self.total > 0 and self.done >= self.total

    def step(self, exercise_id: str) -> Step | None:
        """The step for an exercise id, or None when it is not in the plan."""
        return next((s for s in self.steps if s.exercise_id == exercise_id), None)

    def neighbours(self, exercise_id: str) -> tuple[Step | None, Step | None]:
        """The previous and next step the client can open (for previous/next links)."""
        visible = [s for s in self.steps if s.available or s.exercise_id == exercise_id]
        ids = [s.exercise_id for s in visible]
        if exercise_id not in ids:
            return None, None
        index = ids.index(exercise_id)
        before = visible[index - 1] if index > 0 else None
        after = visible[index + 1] if index + 1 < len(visible) else None
        return before, after


def _library_entry(library: Any, exercise_id: str, lang: str) -> Any | None:
    try:
        return library.get(exercise_id, lang) if library is not None else None
    except (KeyError, LookupError):
        return None


_ITEMS = (
    select(PlanItem)
    .where(PlanItem.enrollment_id == bindparam("enrollment_id"))
    .order_by(PlanItem.position, PlanItem.id)
)


class PlanItemRow(RowObject):
    """One plan item as plain values; a change (started, flagged, done) loads the ORM item."""

    model = PlanItem
    state = PlanItem.state


_ITEM = select(*(PlanItem.__table__.c[name] for name in PlanItemRow.columns)).where(
    PlanItem.enrollment_id == bindparam("enrollment_id"),
    PlanItem.exercise_id == bindparam("exercise_id"),
)


def load_item(session: Session, enrollment: Enrollment, exercise_id: str) -> PlanItemRow | None:
    """One plan item of the enrollment, for a save: most autosaves change only answers, so
    the item is read as plain values and becomes an ORM object only when it changes."""
    row = (
        session.connection()
        .execute(_ITEM, {"enrollment_id": enrollment.id, "exercise_id": exercise_id})
        .first()
    )
    return None if row is None else PlanItemRow.from_values(row)


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A plan item as plain, read-only values: for pages that show the plan and change
    nothing in it (no ORM object to build and track for each of the 20-odd items)."""

    id: int
    enrollment_id: int
    exercise_id: str
    position: int
    optional: bool
    unlocked_at: datetime | None
    started_at: datetime | None
    done_at: datetime | None
    skipped: bool
    flagged: bool
    flag_note: str | None

    @property
    def state(self) -> str:
        """locked, open, in_progress, done or skipped (as PlanItem.state)."""
        return plan_item_state(self)


_ITEM_ROWS = (
    select(*(PlanItem.__table__.c[name] for name in PlanRow.__slots__))
    .where(PlanItem.enrollment_id == bindparam("enrollment_id"))
    .order_by(PlanItem.position, PlanItem.id)
)


def read_items(session: Session, enrollment: Enrollment) -> list[PlanRow]:
    """The enrollment's plan items in plan order, as read-only rows (after writing out any
    change the session still holds, as an ORM query would)."""
    session.flush()
    rows = session.connection().execute(_ITEM_ROWS, {"enrollment_id": enrollment.id})
    return [PlanRow(*row) for row in rows]


def load_items(session: Session, enrollment: Enrollment) -> list[PlanItem]:
    """The enrollment's plan items in plan order, also set as `enrollment.items` (no reload)."""
    items: list[PlanItem] = list(session.scalars(_ITEMS, {"enrollment_id": enrollment.id}))
    mapped = loaded_orm_object(enrollment)  # a plain row without its ORM object has no
    if mapped is not None:  # collection to fill
        set_committed_value(mapped, "items", items)
    return items


# Counted for the plan when the page did not count them itself; built once, values bound.
_UNREAD_PER_EXERCISE = (
    select(Comment.exercise_id, func.count(Comment.id))
    .where(Comment.client_id == bindparam("client_id"), Comment.read_at.is_(None))
    .group_by(Comment.exercise_id)
)
_ANSWERS_PER_EXERCISE = (
    select(Answer.exercise_id, func.count(Answer.id))
    .where(Answer.client_id == bindparam("client_id"))
    .group_by(Answer.exercise_id)
)


def build(
    session: Session,
    enrollment: Enrollment,
    library: Any,
    lang: str,
    now: datetime,
    *,
    items: list[PlanItem] | None = None,
    answered: dict[str, int] | None = None,
    unread: dict[str, int] | None = None,
    expected: bool = True,
) -> PlanView:
    """The plan view of `enrollment` at `now`, with titles in `lang`.

    A page that already read the plan items, the answered fields per exercise or the unread
    comments per exercise passes them in, and they are not read again. A page that shows
    no "opens on" dates passes `expected=False`: `expected_at` and `next_delivery` are then
    left empty instead of worked out.
    """
    if items is None:
        items = load_items(session, enrollment)
    client_id = enrollment.client_id
    if unread is None:
        unread = dict(session.execute(_UNREAD_PER_EXERCISE, {"client_id": client_id}).all())
    if answered is None:
        answered = dict(session.execute(_ANSWERS_PER_EXERCISE, {"client_id": client_id}).all())
    entries = {i.exercise_id: _library_entry(library, i.exercise_id, lang) for i in items}

    def kind_of(exercise_id: str) -> str:
        entry = entries.get(exercise_id)
        return str(getattr(entry, "kind", NUMBERED) or NUMBERED) if entry else NUMBERED

    numbers = _numbers(items, kind_of)
    days = _days(items, kind_of, numbers)
    expected_at = expected_dates(enrollment, items, kind_of, now) if expected else {}
    steps = []
    for item in items:
        entry = entries[item.exercise_id]
        steps.append(
            Step(
                exercise_id=item.exercise_id,
                title=str(getattr(entry, "title", "") or item.exercise_id),
                kind=kind_of(item.exercise_id),
                part=getattr(entry, "part", None),
                number=numbers.get(item.exercise_id),
                day=days.get(item.exercise_id),
                state=item.state,
                optional=bool(item.optional),
                position=item.position,
                unlocked_at=item.unlocked_at,
                done_at=item.done_at,
                expected_at=expected_at.get(item.exercise_id),
                flagged=bool(item.flagged),
                flag_note=item.flag_note,
                estimate=getattr(entry, "estimate", None),
                summary=str(getattr(entry, "summary", "") or ""),
                unread_comments=int(unread.get(item.exercise_id, 0)),
                answered_fields=int(answered.get(item.exercise_id, 0)),
                known=entry is not None,
            )
        )
    parts = _parts(steps, library, enrollment.program_id, lang)
    numbered = [s for s in steps if s.is_numbered and s.state != "skipped"]
    return PlanView(
        enrollment=enrollment,
        steps=steps,
        parts=parts,
        done=sum(1 for s in numbered if s.state == "done"),
        total=len(numbered),
        next_delivery=next(
            (expected_at[i.exercise_id] for i in items if i.exercise_id in expected_at), None
        ),
        paused_by=enrollment.paused_by,
        pause_until=enrollment.pause_until,
        all_unlocked=bool(enrollment.all_unlocked),
        now=now,
    )


def _numbers(items: list[PlanItem], kind_of) -> dict[str, int]:
    """Numbered (kind exercise, not optional) items get 1, 2, 3 ... in plan order."""
    numbers: dict[str, int] = {}
    for item in items:
        if not item.optional and kind_of(item.exercise_id) == NUMBERED:
            numbers[item.exercise_id] = len(numbers) + 1
    return numbers


def _days(items: list[PlanItem], kind_of, numbers: dict[str, int]) -> dict[str, int]:
    """The day an item belongs to: its own number, or the number it unlocks together with."""
    days: dict[str, int] = {}
    pending: list[str] = []
    last = None
    for item in items:
        number = numbers.get(item.exercise_id)
        if number is None:
            pending.append(item.exercise_id)
            continue
        for waiting in pending:
            days[waiting] = number
        pending = []
        days[item.exercise_id] = number
        last = number
    for waiting in pending:  # after the last numbered step: they open with it
        if last is not None:
            days[waiting] = last
    return days


def _parts(steps: list[Step], library: Any, program_id: str, lang: str) -> list[PartView]:
    program = getattr(library, "programs", {}).get(program_id) if library is not None else None
    order: list[PartView] = []
    by_id: dict[str, PartView] = {}
    for part in getattr(program, "parts", []) or []:
        view = PartView(id=part.id, title=part.name(lang))
        order.append(view)
        by_id[part.id] = view
    extra = PartView(id=EXTRA_PART, title="")
    for step in steps:
        if step.is_numbered and step.part in by_id:
            by_id[step.part].steps.append(step)
        elif step.is_numbered and step.part:
            view = PartView(id=step.part, title=step.part)
            order.append(view)
            by_id[step.part] = view
            view.steps.append(step)
        else:
            extra.steps.append(step)
    result = [p for p in order if p.steps]
    if extra.steps:
        result.append(extra)
    return result


def expected_dates(
    enrollment: Enrollment, items: list[PlanItem], kind_of, now: datetime
) -> dict[str, datetime]:
    """When each locked item is expected to open, following the delivery rules.

    Nothing is expected while the coach paused the plan (the coach decides when it goes on),
    nor when everything is open. A client's pause with an end date counts from that date;
    without an end date there is no date to promise.
    """
    if enrollment.all_unlocked or enrollment.finished_at is not None:
        return {}
    if enrollment.paused_by is not None and enrollment.pause_until is None:
        return {}
    if enrollment.paused_by == "coach":
        return {}
    weekdays = enrollment.weekday_set
    if not weekdays:
        return {}
    tz = enrollment.timezone
    after = now
    today = plans.local_day(now, tz)
    if enrollment.last_unlock_on is not None and enrollment.last_unlock_on >= today:
        after = plans.local_moment(today, time(23, 59, 59), tz)
    if enrollment.paused_by is not None and enrollment.pause_until is not None:
        pause_end = plans.local_moment(enrollment.pause_until, time(0, 0), tz)
        after = max(after, pause_end - timedelta(microseconds=1))
    shadow = [
        SimpleNamespace(
            exercise_id=i.exercise_id,
            position=i.position,
            unlocked_at=i.unlocked_at,
            done_at=i.done_at,
            skipped=i.skipped,
        )
        for i in items
    ]
    result: dict[str, datetime] = {}
    # Today's send moment has passed but nothing opened yet today: the next tick opens it.
    catching_up = (
        after == now
        and enrollment.paused_by is None
        and today >= enrollment.start_date
        and today.weekday() in weekdays
        and now >= plans.local_moment(today, enrollment.send_time, tz)
    )
    for _ in range(len(shadow)):
        batch = plans.next_batch(shadow, kind_of)
        if not batch:
            break
        if catching_up:
            moment, catching_up = now, False
            after = plans.local_moment(today, time(23, 59, 59), tz)
        else:
            try:
                moment = plans.next_delivery_moment(
                    weekdays, enrollment.send_time, tz, after, enrollment.start_date
                )
            except OverflowError:  # a date at the calendar's end (stored before the forms
                break  # had a limit): no day to promise beyond it
            after = moment
        for item in batch:
            item.unlocked_at = moment
            result[item.exercise_id] = moment
    return result
