"""The coach dashboard read model: one row per client, built with a fixed number of queries.

Whatever the number of clients, `dashboard_rows` runs the same four SELECTs (substitutes,
clients with their latest enrollment, answer aggregates, plan-item aggregates); every
per-client number comes from a GROUP BY, never from a query inside a loop.

`dashboard_page` runs the same statements but reads the plan-item aggregates (progress,
flags) only for the clients on the page shown, unless the sort needs them for everyone: for
a coach with thousands of clients that aggregate was the largest cost of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from . import paging
from .access import coach_ids_acting_as
from .models import Answer, Enrollment, PlanItem, Role, User
from .plans import MAX_NUDGES

ATTENTION_DAYS = 7  # days without activity before a client "needs attention"

STATUSES = ("active", "paused_coach", "paused_client", "all_unlocked", "finished", "not_enrolled")
SORTS = ("name", "activity", "progress", "session", "attention", "new")
# Sorts on values from the plan-item aggregates (progress; new answers plus flags).
SORTS_ON_ITEMS = frozenset({"progress", "new"})


@dataclass
class ClientRow:
    """What the dashboard shows about one client."""

    client_id: int
    name: str
    email: str
    coach_id: int | None
    status: str
    enrollment_id: int | None = None
    total: int = 0
    done: int = 0
    flagged: int = 0
    new_answers: int = 0
    last_activity_at: datetime | None = None
    next_session_on: date | None = None
    reminders_sent: int = 0
    needs_attention: bool = False
    attention_reason: str | None = None  # "inactive" | "reminders"

    @property
    def progress(self) -> int:
        """Percentage of numbered exercises done (skipped ones do not count)."""
        return round(100 * self.done / self.total) if self.total else 0


def status_of(enrollment: Enrollment | None) -> str:
    """The status word of an enrollment (see STATUSES)."""
    if enrollment is None:
        return "not_enrolled"
    if enrollment.finished_at is not None:
        return "finished"
    if enrollment.paused_by == "coach":
        return "paused_coach"
    if enrollment.paused_by == "client":
        return "paused_client"
    if enrollment.all_unlocked:
        return "all_unlocked"
    return "active"


def attention(
    status: str,
    last_activity_at: datetime | None,
    started: datetime | None,
    reminders_sent: int,
    now: datetime,
    days: int = ATTENTION_DAYS,
) -> str | None:
    """Why a client needs the coach's attention ("reminders", "inactive"), or None."""
    if status in ("finished", "not_enrolled"):
        return None
    if reminders_sent >= MAX_NUDGES:
        return "reminders"
    if status in ("paused_coach", "paused_client"):
        return None
    since = last_activity_at or started
    if since is not None and now - since >= timedelta(days=days):
        return "inactive"
    return None


def _latest_enrollments():
    """A subquery of each client's latest enrollment id."""
    return (
        select(Enrollment.client_id, func.max(Enrollment.id).label("enrollment_id"))
        .group_by(Enrollment.client_id)
        .subquery()
    )


# Numbered exercises count for progress: not skipped, not optional, not in `unnumbered`.
_COUNTED = and_(
    PlanItem.skipped.is_(False),
    PlanItem.optional.is_(False),
    PlanItem.exercise_id.not_in(bindparam("unnumbered", expanding=True)),
)
_ITEM_AGGREGATES = (
    select(
        PlanItem.enrollment_id,
        func.sum(case((_COUNTED, 1), else_=0)),
        func.sum(case((and_(_COUNTED, PlanItem.done_at.is_not(None)), 1), else_=0)),
        func.sum(case((PlanItem.flagged.is_(True), 1), else_=0)),
    )
    .where(PlanItem.enrollment_id.in_(bindparam("enrollment_ids", expanding=True)))
    .group_by(PlanItem.enrollment_id)
)
# Per enrollment: exercises with answers the coach has not seen yet, and the last answer.
_ANSWER_AGGREGATES = (
    select(
        Enrollment.id,
        func.count(
            func.distinct(
                case(
                    (
                        or_(
                            Enrollment.coach_seen_at.is_(None),
                            Answer.updated_at > Enrollment.coach_seen_at,
                        ),
                        Answer.exercise_id,
                    ),
                    else_=None,
                )
            )
        ),
        func.max(Answer.updated_at),
    )
    .join(Answer, Answer.client_id == Enrollment.client_id)
    .where(Enrollment.id.in_(bindparam("enrollment_ids", expanding=True)))
    .group_by(Enrollment.id)
)


@dataclass(frozen=True)
class Choices:
    """What the coach chose to see: a status, only who needs attention, a search, the order;
    and the rules (days without activity before attention, exercises that do not count)."""

    status: str | None = None
    attention_only: bool = False
    search: str | None = None
    sort: str = "name"
    attention_days: int = ATTENTION_DAYS
    unnumbered: frozenset[str] | set[str] = frozenset()


def dashboard_rows(session: Session, coach: User, now: datetime, **choices: Any) -> list[ClientRow]:
    """The coach's clients (own and substituted-for; all for an admin) as dashboard rows;
    `choices` are the fields of Choices.

    Progress counts the numbered exercises, as the plan pages do: optional exercises and the
    ids in `unnumbered` (questionnaires, check-in, evaluation) are left out.
    """
    chosen = Choices(**choices)
    rows = _listed(session, coach, now, chosen)
    if chosen.sort not in SORTS_ON_ITEMS:
        _add_item_counts(session, rows, chosen.unnumbered)
    return rows


def dashboard_page(
    session: Session, coach: User, now: datetime, number: int, size: int, **choices: Any
) -> tuple[paging.Page[ClientRow], int]:
    """Page `number` of `dashboard_rows`, and how many of all the rows need attention."""
    chosen = Choices(**choices)
    rows = _listed(session, coach, now, chosen)
    shown = paging.page_of(rows, number, size)
    if chosen.sort not in SORTS_ON_ITEMS:
        _add_item_counts(session, shown.items, chosen.unnumbered)
    return shown, sum(1 for row in rows if row.needs_attention)


def _listed(session: Session, coach: User, now: datetime, chosen: Choices) -> list[ClientRow]:
    """Filtered, sorted rows; the plan-item counts only when the sort needs them."""
    latest = _latest_enrollments()
    # Plain columns, not User/Enrollment objects: building and tracking 2 x 200 ORM instances
    # cost more than the four queries themselves.
    query = (
        select(
            User.id,
            User.name,
            User.email,
            User.coach_id,
            User.last_activity_at,
            Enrollment.id.label("enrollment_id"),
            Enrollment.finished_at,
            Enrollment.paused_by,
            Enrollment.all_unlocked,
            Enrollment.next_session_on,
            Enrollment.reminders_sent,
            Enrollment.start_date,
            Enrollment.timezone,
        )
        .outerjoin(latest, latest.c.client_id == User.id)
        .outerjoin(Enrollment, Enrollment.id == latest.c.enrollment_id)
        .where(User.role == Role.CLIENT.value)
    )
    if coach.role != Role.ADMIN.value:
        query = query.where(User.coach_id.in_(coach_ids_acting_as(session, coach)))
    if chosen.search:
        pattern = f"%{chosen.search.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    found = session.connection().execute(query).all()
    enrollment_ids = [r.enrollment_id for r in found if r.enrollment_id is not None]

    answers: dict[int, tuple[int, datetime | None]] = {}
    if enrollment_ids:
        # The ids go in as one expanding parameter: with thousands of clients, a list of
        # literal values was coerced and compiled value by value on every request.
        answers = {
            row[0]: (int(row[1] or 0), _aware(row[2]))
            for row in session.connection().execute(
                _ANSWER_AGGREGATES, {"enrollment_ids": enrollment_ids}
            )
        }

    rows = []
    for user in found:
        # The row has the enrollment's columns under their own names (status_of).
        enrollment = user if user.enrollment_id is not None else None
        row = ClientRow(
            client_id=user.id,
            name=user.name,
            email=user.email,
            coach_id=user.coach_id,
            status=status_of(enrollment),
            enrollment_id=user.enrollment_id,
        )
        last = user.last_activity_at
        if enrollment is not None:
            row.new_answers, last_answer = answers.get(enrollment.enrollment_id, (0, None))
            if last_answer and (last is None or last_answer > last):
                last = last_answer
            row.next_session_on = enrollment.next_session_on
            row.reminders_sent = enrollment.reminders_sent or 0
            started = _start_moment(enrollment.start_date, enrollment.timezone)
            if started > now:
                started = None
            row.attention_reason = attention(
                row.status, last, started, row.reminders_sent, now, chosen.attention_days
            )
        row.last_activity_at = last
        row.needs_attention = row.attention_reason is not None
        rows.append(row)
    rows = filter_rows(rows, status=chosen.status, attention_only=chosen.attention_only)
    if chosen.sort in SORTS_ON_ITEMS:
        _add_item_counts(session, rows, chosen.unnumbered)
    return sort_rows(rows, chosen.sort)


def _add_item_counts(
    session: Session, rows: list[ClientRow], unnumbered: frozenset[str] | set[str]
) -> None:
    """Fill total, done and flagged of `rows` from one GROUP BY over their plan items."""
    by_enrollment = {row.enrollment_id: row for row in rows if row.enrollment_id is not None}
    if not by_enrollment:
        return
    ids = {"enrollment_ids": list(by_enrollment), "unnumbered": sorted(unnumbered)}
    for enrollment_id, total, done, flagged in session.connection().execute(_ITEM_AGGREGATES, ids):
        row = by_enrollment[enrollment_id]
        row.total, row.done, row.flagged = int(total or 0), int(done or 0), int(flagged or 0)


def _aware(value: datetime | None) -> datetime | None:
    """Aggregates bypass the column type: make the stored naive UTC aware again."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _start_moment(start_date: date, timezone: str) -> datetime:
    """Midnight of the start date where the client lives (many clients share both)."""
    return datetime.combine(start_date, time(0, 0), ZoneInfo(timezone))


def filter_rows(
    rows: list[ClientRow], *, status: str | None = None, attention_only: bool = False
) -> list[ClientRow]:
    """Keep rows with `status` (any when None) and, if asked, only those needing attention."""
    if status in STATUSES:
        rows = [r for r in rows if r.status == status]
    if attention_only:
        rows = [r for r in rows if r.needs_attention]
    return rows


def sort_rows(rows: list[ClientRow], sort: str) -> list[ClientRow]:
    """Order rows by one of SORTS (name as the tie-breaker)."""
    rows = sorted(rows, key=lambda r: (r.name.lower(), r.client_id))
    far = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
    if sort == "activity":
        rows.sort(key=lambda r: r.last_activity_at or far, reverse=True)
    elif sort == "progress":
        rows.sort(key=lambda r: r.progress)
    elif sort == "session":
        rows.sort(key=lambda r: (r.next_session_on is None, r.next_session_on or date.max))
    elif sort == "attention":
        rows.sort(key=lambda r: not r.needs_attention)
    elif sort == "new":
        rows.sort(key=lambda r: r.new_answers + r.flagged, reverse=True)
    return rows
