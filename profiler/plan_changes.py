"""Changes to a client's plan by coach or client; each one is recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from . import audit
from .models import Enrollment, PlanItem, Role, User
from .plans import is_closed

REMINDER_CHOICES = ("daily", "weekly", "none")


class PlanError(Exception):
    """A change that the plan rules do not allow; the message is for the user."""


def _who(by: User) -> str:
    return "client" if by.role == Role.CLIENT.value else "coach"


def _record(
    session: Session, enrollment: Enrollment, by: User, now: datetime, action: str, **detail: object
) -> None:
    audit.record(
        session,
        actor=by,
        client=enrollment.client,
        action=f"plan.{action}",
        now=now,
        enrollment_id=enrollment.id,
        **detail,
    )


def _item(enrollment: Enrollment, exercise_id: str) -> PlanItem:
    for item in enrollment.items:
        if item.exercise_id == exercise_id:
            return item
    raise PlanError(str(_l("Deze oefening staat niet in het plan.")))


def pause(
    session: Session,
    enrollment: Enrollment,
    *,
    by: User,
    now: datetime,
    reason: str | None = None,
    until: date | None = None,
) -> None:
    """Stop unlocks and mails until resumed (or until `until`, a local date)."""
    enrollment.paused_by = _who(by)
    enrollment.paused_at = now
    enrollment.pause_reason = (reason or "").strip()[:500] or None
    enrollment.pause_until = until
    _record(
        session,
        enrollment,
        by,
        now,
        "paused",
        reason=enrollment.pause_reason,
        until=until.isoformat() if until else None,
    )


def resume(session: Session, enrollment: Enrollment, *, by: User, now: datetime) -> None:
    """Continue where the plan stood; missed days are not made up."""
    if enrollment.paused_by == "coach" and by.role == Role.CLIENT.value:
        raise PlanError(
            str(
                _l(
                    "Je coach heeft de training gepauzeerd. Bespreek met je coach wanneer "
                    "je weer verdergaat."
                )
            )
        )
    enrollment.paused_by = None
    enrollment.paused_at = None
    enrollment.pause_reason = None
    enrollment.pause_until = None
    enrollment.reminders_sent = 0
    _record(session, enrollment, by, now, "resumed")


def still_closed(enrollment: Enrollment) -> list[PlanItem]:
    """The exercises `unlock_all` would open: not open yet and not skipped."""
    return [i for i in enrollment.items if is_closed(i)]


def unlock_all(session: Session, enrollment: Enrollment, *, by: User, now: datetime) -> int:
    """Open every exercise that is not skipped; daily unlock mails stop."""
    closed = still_closed(enrollment)
    for item in closed:
        item.unlocked_at = now
    opened = len(closed)
    enrollment.all_unlocked = True
    _record(session, enrollment, by, now, "unlocked_all", opened=opened)
    return opened


def unlock_one(
    session: Session, enrollment: Enrollment, exercise_id: str, *, by: User, now: datetime
) -> None:
    """Open one exercise now."""
    item = _item(enrollment, exercise_id)
    if item.skipped:
        raise PlanError(str(_l("Deze oefening is overgeslagen. Zet haar eerst terug.")))
    if item.unlocked_at is None:
        item.unlocked_at = now
    _record(session, enrollment, by, now, "unlocked", exercise=exercise_id)


def _locked(enrollment: Enrollment) -> list[PlanItem]:
    return [i for i in enrollment.items if i.unlocked_at is None]


def move(
    session: Session,
    enrollment: Enrollment,
    exercise_id: str,
    offset: int,
    *,
    by: User,
    now: datetime,
) -> bool:
    """Move a locked exercise up (-1) or down (+1) among the locked ones; False at the edge."""
    locked = _locked(enrollment)
    item = _item(enrollment, exercise_id)
    if item not in locked:
        raise PlanError(str(_l("Alleen oefeningen die nog niet open staan kun je verplaatsen.")))
    index = locked.index(item)
    target = index + offset
    if not 0 <= target < len(locked):
        return False
    other = locked[target]
    item.position, other.position = other.position, item.position
    _sort(enrollment)
    _record(session, enrollment, by, now, "moved", exercise=exercise_id, offset=offset)
    return True


def reorder(
    session: Session, enrollment: Enrollment, locked_order: list[str], *, by: User, now: datetime
) -> None:
    """Give the locked exercises a new order (drag and drop); open ones keep their place."""
    locked = _locked(enrollment)
    if sorted(locked_order) != sorted(i.exercise_id for i in locked):
        raise PlanError(
            str(_l("De volgorde klopt niet meer met het plan. Laad de pagina opnieuw."))
        )
    slots = sorted(i.position for i in locked)
    by_id = {i.exercise_id: i for i in locked}
    for slot, exercise_id in zip(slots, locked_order, strict=True):
        by_id[exercise_id].position = slot
    _sort(enrollment)
    _record(session, enrollment, by, now, "reordered", order=locked_order)


def _sort(enrollment: Enrollment) -> None:
    enrollment.items.sort(key=lambda i: i.position)


def skip(
    session: Session, enrollment: Enrollment, exercise_id: str, *, by: User, now: datetime
) -> None:
    """Leave an exercise out of the plan; its answers stay. A finished one stays in."""
    item = _item(enrollment, exercise_id)
    if item.done_at is not None:
        raise PlanError(str(_l("Deze oefening is al klaar. Die blijft in het plan.")))
    item.skipped = True
    _record(session, enrollment, by, now, "skipped", exercise=exercise_id)


def restore(
    session: Session, enrollment: Enrollment, exercise_id: str, *, by: User, now: datetime
) -> None:
    """Put a skipped exercise back in the plan."""
    _item(enrollment, exercise_id).skipped = False
    _record(session, enrollment, by, now, "restored", exercise=exercise_id)


def add_optional(
    session: Session,
    enrollment: Enrollment,
    exercise_id: str,
    position: int,
    *,
    by: User,
    now: datetime,
    allowed: set[str] | frozenset[str],
) -> PlanItem:
    """Insert an optional exercise before the item at `position` (0-based, among all items)."""
    if exercise_id not in allowed:
        raise PlanError(str(_l("Deze oefening kun je niet aan dit programma toevoegen.")))
    if any(i.exercise_id == exercise_id for i in enrollment.items):
        raise PlanError(str(_l("Deze oefening staat al in het plan.")))
    first_locked = next(
        (n for n, i in enumerate(enrollment.items) if i.unlocked_at is None), len(enrollment.items)
    )
    position = max(first_locked, min(position, len(enrollment.items)))
    for n, item in enumerate(enrollment.items):
        item.position = n if n < position else n + 1
    new = PlanItem(
        exercise_id=exercise_id, position=position, optional=True, skipped=False, flagged=False
    )
    enrollment.items.append(new)
    _sort(enrollment)
    _record(session, enrollment, by, now, "added", exercise=exercise_id, position=position)
    return new


def set_cadence(
    session: Session,
    enrollment: Enrollment,
    weekdays: set[int],
    send_time: time,
    *,
    by: User,
    now: datetime,
) -> None:
    """Change the mail days and time; it takes effect from the next delivery."""
    if not weekdays or not weekdays <= set(range(7)):
        raise PlanError(str(_l("Kies minstens één dag.")))
    enrollment.weekdays = ",".join(str(d) for d in sorted(weekdays))
    enrollment.send_time = send_time
    _record(
        session,
        enrollment,
        by,
        now,
        "cadence",
        weekdays=sorted(weekdays),
        send_time=send_time.strftime("%H:%M"),
    )


def set_reminders(
    session: Session, enrollment: Enrollment, choice: str, *, by: User, now: datetime
) -> None:
    """Reminders daily, weekly or none."""
    if choice not in REMINDER_CHOICES:
        raise PlanError(str(_l("Kies dagelijks, wekelijks of geen herinneringen.")))
    enrollment.reminders = choice
    _record(session, enrollment, by, now, "reminders", choice=choice)


def allow_work_ahead(
    session: Session, enrollment: Enrollment, allowed: bool, *, by: User, now: datetime
) -> None:
    """Let the client open the next exercise early (or not)."""
    enrollment.work_ahead_allowed = allowed
    _record(session, enrollment, by, now, "work_ahead_allowed", allowed=allowed)


def set_next_session(
    session: Session, enrollment: Enrollment, day: date | None, *, by: User, now: datetime
) -> None:
    """The date of the next coaching session (shown to the client)."""
    enrollment.next_session_on = day
    _record(session, enrollment, by, now, "next_session", day=day.isoformat() if day else None)


def work_ahead(
    session: Session,
    enrollment: Enrollment,
    *,
    by: User,
    now: datetime,
    kind_of: Callable[[str], str],
) -> list[PlanItem]:
    """The client opens the next exercise now (when the coach allows it)."""
    from .plans import next_batch

    if not enrollment.work_ahead_allowed:
        raise PlanError(str(_l("Je coach heeft vooruitwerken (nog) niet aangezet.")))
    batch = next_batch(list(enrollment.items), kind_of)
    if not batch:
        raise PlanError(str(_l("Alle oefeningen staan al open.")))
    for item in batch:
        item.unlocked_at = now
    _record(session, enrollment, by, now, "work_ahead", exercises=[i.exercise_id for i in batch])
    return batch
