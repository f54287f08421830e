"""The coach dashboard read model: one row per client, worked out by the database.

The status, the last activity, the new answers and whether a client needs attention are SQL
expressions (`_client_rows`), so filtering, sorting, counting and cutting out one page happen
in the database: a page of 50 costs about the same for 200 clients as for 10,000, and Python
only builds the rows it shows. `status_of` gives the same status for one loaded enrollment
(the client page); tests/coach/test_dashboard.py holds the two to the same cases.

Whatever the number of clients, `dashboard_rows` runs the same four statements (substitutes,
the timezones of the start dates, the rows, the plan-item counts) and `dashboard_page` one
more (how many rows, and how many need attention). The plan-item counts (progress, flags) are
read for the shown clients only; an order on them is worked out inside the sorting query.

The statements are built once per shape (admin or coach, filters, order, number of
timezones; `_statements`) and every other value is bound: building this SQL in Python cost
more than the database took to run it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    Date,
    String,
    and_,
    bindparam,
    case,
    false,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from . import paging
from .access import coach_ids_acting_as
from .exercise_reads import unread
from .models import Answer, Enrollment, PlanItem, Role, User, UTCDateTime
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


# Numbered exercises count for progress: not skipped, not optional, not in `unnumbered`.
_COUNTED = and_(
    PlanItem.skipped.is_(False),
    PlanItem.optional.is_(False),
    PlanItem.exercise_id.not_in(bindparam("unnumbered", expanding=True)),
)
_TOTAL = func.sum(case((_COUNTED, 1), else_=0))
_DONE = func.sum(case((and_(_COUNTED, PlanItem.done_at.is_not(None)), 1), else_=0))
_FLAGGED = func.sum(case((PlanItem.flagged.is_(True), 1), else_=0))
_ITEM_AGGREGATES = (
    select(PlanItem.enrollment_id, _TOTAL, _DONE, _FLAGGED)
    .where(PlanItem.enrollment_id.in_(bindparam("enrollment_ids", expanding=True)))
    .group_by(PlanItem.enrollment_id)
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
    statements, params = _prepared(session, coach, now, chosen)
    return _built(session, statements.rows, params, chosen)


def dashboard_page(
    session: Session, coach: User, now: datetime, number: int, size: int, **choices: Any
) -> tuple[paging.Page[ClientRow], int]:
    """Page `number` of `dashboard_rows`, and how many of all the rows need attention."""
    chosen = Choices(**choices)
    statements, params = _prepared(session, coach, now, chosen)
    total, attention_count = session.connection().execute(statements.count, params).one()
    number = paging.clamped(number, total, size)
    params.update(limit=size, offset=(number - 1) * size)
    rows = _built(session, statements.page, params, chosen)
    return paging.Page(rows, number, size, total), attention_count


@dataclass(frozen=True)
class _Shape:
    """What decides the SQL of the dashboard; everything else is a bound value, so one
    statement per shape is built once and reused (building it cost more than running it)."""

    admin: bool
    status: str | None
    attention_only: bool
    search: bool
    sort: str
    zones: int  # how many timezones have a start-date condition


@dataclass(frozen=True)
class _Statements:
    """The statements of one shape, built by `_statements`."""

    rows: Any  # all chosen rows in order
    page: Any  # the same with LIMIT :limit OFFSET :offset
    count: Any  # how many rows, and how many of them need attention


def _prepared(
    session: Session, coach: User, now: datetime, chosen: Choices
) -> tuple[_Statements, dict[str, Any]]:
    """The statements for what the coach chose, and the values to bind into them."""
    cutoff = now - timedelta(days=chosen.attention_days)
    zone_days = _zone_days(session, cutoff)
    admin = coach.role == Role.ADMIN.value
    params: dict[str, Any] = {
        "unnumbered": sorted(chosen.unnumbered),
        "cutoff": cutoff,
        "after": now + timedelta(days=1),
    }
    if not admin:
        params["coach_ids"] = coach_ids_acting_as(session, coach)
    if chosen.search:
        # `%` and `_` typed in the search are letters, not wildcards ("/" escapes them)
        typed = chosen.search.strip().lower()
        params["pattern"] = "%" + re.sub(r"([/%_])", r"/\1", typed) + "%"
    for n, (zone, day) in enumerate(zone_days):
        params[f"zone_{n}"], params[f"day_{n}"] = zone, day
    shape = _Shape(
        admin=admin,
        status=chosen.status if chosen.status in STATUSES else None,
        attention_only=chosen.attention_only,
        search=bool(chosen.search),
        sort=chosen.sort if chosen.sort in SORTS else "name",
        zones=len(zone_days),
    )
    return _statements(shape), params


@lru_cache(maxsize=512)
def _statements(shape: _Shape) -> _Statements:
    """The row, page and count statements of one shape, with bound parameters only."""
    rows = _filtered(shape)
    ordered = _ordered(rows, shape.sort)
    count = select(
        func.count(),
        func.coalesce(func.sum(case((rows.c.attention_reason.is_not(None), 1), else_=0)), 0),
    ).select_from(rows)
    page = ordered.limit(bindparam("limit")).offset(bindparam("offset"))
    return _Statements(rows=ordered, page=page, count=count)


def _built(session: Session, query, params: dict[str, Any], chosen: Choices) -> list[ClientRow]:
    """ClientRows from the selected rows, with their plan-item counts."""
    rows = [
        ClientRow(
            client_id=r.client_id,
            name=r.name,
            email=r.email,
            coach_id=r.coach_id,
            status=r.status,
            enrollment_id=r.enrollment_id,
            new_answers=int(r.new_answers or 0),
            last_activity_at=r.last_activity_at,
            next_session_on=r.next_session_on,
            reminders_sent=int(r.reminders_sent or 0),
            needs_attention=r.attention_reason is not None,
            attention_reason=r.attention_reason,
        )
        for r in session.connection().execute(query, params)
    ]
    _add_item_counts(session, rows, chosen.unnumbered)
    return rows


def _filtered(shape: _Shape):
    """The rows the coach chose, as a subquery to count, order and page."""
    rows = _client_rows(shape).subquery("client_rows")
    query = select(rows)
    if shape.status is not None:
        query = query.where(rows.c.status == shape.status)
    if shape.attention_only:
        query = query.where(rows.c.attention_reason.is_not(None))
    return query.subquery("chosen_rows")


def _client_rows(shape: _Shape):
    """One row per client the coach may see: the latest enrollment, the status, the last
    activity (the client's own or their last answer), new answers and the attention reason;
    and, when the order is on progress or flags, the value to sort on."""
    latest = (  # each client's latest enrollment (a hash join on PostgreSQL)
        select(Enrollment.client_id, func.max(Enrollment.id).label("enrollment_id"))
        .group_by(Enrollment.client_id)
        .subquery()
    )
    enrolled = Enrollment.id.is_not(None)
    status = case(
        (Enrollment.id.is_(None), "not_enrolled"),
        (Enrollment.finished_at.is_not(None), "finished"),
        (Enrollment.paused_by == "coach", "paused_coach"),
        (Enrollment.paused_by == "client", "paused_client"),
        (Enrollment.all_unlocked.is_(True), "all_unlocked"),
        else_="active",
    )
    # The later of the client's own last activity and their last answer (NULL when neither):
    # one subquery, as SQLite's max() of two values would be NULL when one of them is.
    moments = union_all(
        select(User.last_activity_at.label("at")).correlate(User),
        select(Answer.updated_at)
        .where(Answer.client_id == User.id, enrolled)
        .correlate(User, Enrollment),
    ).subquery()
    last = select(func.max(moments.c.at)).scalar_subquery()
    new_answers = (
        select(func.count(func.distinct(Answer.exercise_id)))
        .where(Answer.client_id == User.id, unread(Enrollment.coach_seen_at))
        .scalar_subquery()
    )
    reminders = func.coalesce(Enrollment.reminders_sent, 0)
    # Without any activity the start counts: a moment at or before the cutoff when it lies
    # that far back, one after it when not (`last` is read once per row this way).
    at_cutoff, after = (bindparam(name, type_=UTCDateTime()) for name in ("cutoff", "after"))
    since = func.coalesce(last, case((_started_by(shape.zones), at_cutoff), else_=after))
    inactive = since <= at_cutoff
    reason = case(
        (and_(enrolled, Enrollment.finished_at.is_(None), reminders >= MAX_NUDGES), "reminders"),
        (and_(status.in_(("active", "all_unlocked")), inactive), "inactive"),
        else_=null(),
    )
    columns = [
        User.id.label("client_id"),
        User.name,
        User.email,
        User.coach_id,
        Enrollment.id.label("enrollment_id"),
        Enrollment.next_session_on,
        reminders.label("reminders_sent"),
        status.label("status"),
        last.label("last_activity_at"),
        case((enrolled, new_answers), else_=0).label("new_answers"),
        reason.label("attention_reason"),
    ]
    if shape.sort in SORTS_ON_ITEMS:  # the order needs every row's plan items
        key = (
            _DONE * 1.0 / func.coalesce(func.nullif(_TOTAL, 0), 1)
            if shape.sort == "progress"
            else _FLAGGED
        )
        items = select(key).where(PlanItem.enrollment_id == Enrollment.id).scalar_subquery()
        columns.append(func.coalesce(items, 0).label("item_order"))
    query = (
        select(*columns)
        .outerjoin(latest, latest.c.client_id == User.id)
        .outerjoin(Enrollment, Enrollment.id == latest.c.enrollment_id)
        .where(User.role == Role.CLIENT.value)
    )
    if not shape.admin:
        query = query.where(User.coach_id.in_(bindparam("coach_ids", expanding=True)))
    if shape.search:
        pattern = bindparam("pattern", type_=String())
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="/"),
                User.email.like(pattern, escape="/"),
            )
        )
    return query


def _started_by(zones: int):
    """Whether the (latest) enrollment started, at midnight where the client lives, no later
    than the cutoff: per timezone (`zone_N`) the last start date that did (`day_N`)."""
    per_zone = [
        and_(
            Enrollment.timezone == bindparam(f"zone_{n}", type_=String()),
            Enrollment.start_date <= bindparam(f"day_{n}", type_=Date()),
        )
        for n in range(zones)
    ]
    return or_(false(), *per_zone)


def _zone_days(session: Session, cutoff: datetime) -> list[tuple[str, date]]:
    """Each timezone of the enrollments with its last start date whose midnight there is at
    or before `cutoff`, from one DISTINCT query (an unknown zone is left out)."""
    zones = session.connection().execute(select(Enrollment.timezone).distinct()).scalars()
    days = ((zone, _last_start_day(zone, cutoff)) for zone in zones)
    return sorted((zone, day) for zone, day in days if day is not None)


def _last_start_day(zone: str, cutoff: datetime) -> date | None:
    """The last date whose midnight in `zone` is at or before `cutoff` (None: unknown zone)."""
    try:
        day = cutoff.astimezone(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return day if _start_moment(day, zone) <= cutoff else day - timedelta(days=1)


def _ordered(rows, sort: str):
    """The rows in one of SORTS, then by name and id (so no row moves between pages)."""
    c = rows.c
    by_name = (func.lower(c.name), c.client_id)
    if sort == "activity":
        keys = (c.last_activity_at.is_(None), c.last_activity_at.desc())
    elif sort == "progress":
        keys = (c.item_order,)
    elif sort == "session":
        keys = (c.next_session_on.is_(None), c.next_session_on)
    elif sort == "attention":
        keys = (c.attention_reason.is_(None),)
    elif sort == "new":
        keys = ((c.new_answers + c.item_order).desc(),)
    else:
        keys = ()
    return select(rows).order_by(*keys, *by_name)


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


@lru_cache(maxsize=4096)
def _start_moment(start_date: date, timezone: str) -> datetime:
    """Midnight of the start date where the client lives."""
    return datetime.combine(start_date, time(0, 0), ZoneInfo(timezone))
