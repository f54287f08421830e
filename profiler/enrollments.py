"""Enrolling a client in a program: the plan is made from the program's steps."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from .models import Enrollment, PlanItem, User

WEEKDAYS_DEFAULT = (0, 1, 2, 3, 4)


def enroll(
    session: Session,
    client: User,
    *,
    program_id: str,
    steps: list[str],
    start_date: date,
    now: datetime,
    weekdays: tuple[int, ...] = WEEKDAYS_DEFAULT,
    send_time: time = time(8, 0),
    timezone: str | None = None,
) -> Enrollment:
    """Create an enrollment whose plan holds `steps` in order, all locked."""
    enrollment = Enrollment(
        client=client,
        program_id=program_id,
        start_date=start_date,
        weekdays=",".join(str(d) for d in sorted(set(weekdays))),
        send_time=send_time,
        timezone=timezone or client.timezone,
        reminders="weekly",
        all_unlocked=False,
        work_ahead_allowed=False,
        reminders_sent=0,
        created_at=now,
    )
    enrollment.items = [
        PlanItem(
            exercise_id=exercise_id, position=index, optional=False, skipped=False, flagged=False
        )
        for index, exercise_id in enumerate(steps)
    ]
    session.add(enrollment)
    session.flush()
    return enrollment
