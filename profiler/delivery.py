"""The delivery tick: due enrollments in bulk -> unlock the next batch + queue one mail.

Everything a tick does for one enrollment (unlock, `last_unlock_on`, the mail) lands in one
transaction with the mail's unique key `unlock:<enrollment>:<local date>`. The key is
inserted first (INSERT .. ON CONFLICT DO NOTHING): when it already exists another tick
delivered today and this one leaves the enrollment alone, so two ticks racing (or a tick
repeated after a crash) never unlock twice on one day. APScheduler only triggers ticks;
what is due is read from the database, so a late or missed trigger loses nothing.

For speed (10,000 due enrollments in a few seconds, see docs/performance.md) the tick reads
plain rows instead of ORM objects, renders each mail shape once, writes in bulk per
batch, and writes one batch (on a `WriteThread`) while it reads and renders the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from markupsafe import escape
from sqlalchemy import Connection, String, and_, bindparam, case, cast, func, or_, select, update
from sqlalchemy.orm import Session

from . import mail, plans, tokens
from .accounts import external_url
from .models import Enrollment, PlanItem, User
from .write_thread import WriteThread

log = logging.getLogger(__name__)

BATCH_SIZE = 200
UNNUMBERED_IDS = {"evaluation": "evaluation", "checkin": "checkin"}


@dataclass
class TickReport:
    """What one delivery tick did."""

    examined: int = 0
    delivered: int = 0  # enrollments that got an unlock (and its mail)
    unlocked: int = 0  # plan items opened
    reminders: int = 0
    resumed: int = 0  # pauses that reached their end date
    already: int = 0  # another tick had delivered today (key existed)
    batches: int = 0


@dataclass
class ExerciseInfo:
    """What a mail shows of an exercise."""

    id: str
    title: str
    summary: str
    kind: str
    link: str = ""


def fallback_kind(exercise_id: str) -> str:
    """The kind of an exercise the library does not know: questionnaires are q_*."""
    if exercise_id.startswith("q_"):
        return "questionnaire"
    return UNNUMBERED_IDS.get(exercise_id, plans.NUMBERED)


def exercise_info(exercise_id: str, lang: str) -> ExerciseInfo:
    """Title, summary and kind from the library; the id when the library cannot tell."""
    try:
        from .library import current_library

        exercise = current_library().get(exercise_id, lang)
    except Exception:  # noqa: BLE001 - a broken library must never stop the daily mail
        log.debug("exercise library unavailable for %s", exercise_id, exc_info=True)
        exercise = None
    if exercise is None:
        return ExerciseInfo(exercise_id, exercise_id, "", fallback_kind(exercise_id))
    return ExerciseInfo(
        exercise_id,
        str(getattr(exercise, "title", "") or exercise_id),
        str(getattr(exercise, "summary", "") or ""),
        str(getattr(exercise, "kind", "") or fallback_kind(exercise_id)),
    )


def library_kind_of() -> Callable[[str], str]:
    """A cached `kind_of` for one tick, read from the exercise library."""
    cache: dict[str, str] = {}

    def kind_of(exercise_id: str) -> str:
        if exercise_id not in cache:
            cache[exercise_id] = exercise_info(exercise_id, "nl").kind
        return cache[exercise_id]

    return kind_of


def exercise_link(exercise_id: str) -> str:
    """Log in, then straight to the exercise."""
    return external_url("auth.login", next=f"/me/exercises/{exercise_id}")


def pause_token(enrollment: Any) -> str:
    """The signed token of the one-click pause link."""
    return tokens.dump({"e": enrollment.id, "u": enrollment.client_id}, "pause")


def _infos(items: list, lang: str) -> list[ExerciseInfo]:
    infos = [exercise_info(item.exercise_id, lang) for item in items]
    for info in infos:
        info.link = exercise_link(info.id)
    return infos


def _unlock_mail(user: Any, locale: str, batch: list, earlier: list, link: str):
    new = _infos(sorted(batch, key=lambda i: i.position), locale)
    main = next((info for info in new if info.kind == plans.NUMBERED), new[0])
    return mail.render_mail(
        "exercise",
        locale,
        user=user,
        new=new,
        main=main,
        earlier=_infos(earlier, locale),
        total=len(batch) + len(earlier),
        pause_link=link,
    )


def _reminder_mail(user: Any, locale: str, items: list, link: str):
    return mail.render_mail(
        "reminder", locale, user=user, open=_infos(items, locale), pause_link=link
    )


# Stand-ins rendered into a tick's shared copy of a mail, replaced per recipient.
NAME_MARK = "prflrname5f1cmark"
LINK_MARK = "https://prflr-pause-5f1c.invalid/mark"
TOKEN_MARK = "prflrtoken5f1cmark"  # URL-safe as it is, like a signed token


class _MarkUser:
    """The user as a shared mail sees it: only the name, as a stand-in."""

    name = NAME_MARK

    def __init__(self) -> None:
        self.other: list[str] = []

    def __getattr__(self, attr: str) -> Any:
        self.other.append(attr)  # the template reads more: this mail cannot be shared
        raise AttributeError(attr)


class MailMaker:
    """Renders a tick's mails: each shape once, then per recipient only name and link.

    10,000 clients on a few plans take a few template renders, not 10,000: the mail for
    the same exercises and language is rendered with stand-ins for the name and the pause
    link, which are replaced (HTML-escaped in the HTML part) per recipient. If the template
    reads anything else of the user, that mail is rendered per recipient with the real
    user. The pause URL is built once per tick; per enrollment only its token is signed.
    """

    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.shapes: dict[tuple, mail.RenderedMail | None] = {}
        self._pause_url = external_url("mailpause.pause", token=TOKEN_MARK)
        self._sign = tokens.dumper("pause")

    def pause_link(self, enrollment: Any) -> str:
        """The absolute one-click pause URL of `enrollment` (`/mail/pause/<token>`)."""
        token = self._sign({"e": enrollment.id, "u": enrollment.client_id})
        return self._pause_url.replace(TOKEN_MARK, token)

    def unlock(self, enrollment: Any, batch: list) -> mail.RenderedMail:
        """The daily mail: what opened today, plus what was already open (after a pause)."""
        new_ids = {item.exercise_id for item in batch}
        earlier = [i for i in plans.open_items(enrollment.items) if i.exercise_id not in new_ids]
        batch = sorted(batch, key=lambda i: i.position)
        locale = enrollment.client.locale
        key = (
            "unlock",
            locale,
            tuple(i.exercise_id for i in batch),
            tuple(i.exercise_id for i in earlier),
        )
        return self._render(
            key, enrollment, lambda user, link: _unlock_mail(user, locale, batch, earlier, link)
        )

    def reminder(self, enrollment: Any) -> mail.RenderedMail:
        """A nudge that names the open exercises."""
        items = plans.open_items(enrollment.items)
        locale = enrollment.client.locale
        key = ("reminder", locale, tuple(i.exercise_id for i in items))
        return self._render(
            key, enrollment, lambda user, link: _reminder_mail(user, locale, items, link)
        )

    def _render(
        self,
        key: tuple,
        enrollment: Any,
        render: Callable[[Any, str], mail.RenderedMail],
    ) -> mail.RenderedMail:
        link = self.pause_link(enrollment)
        if key not in self.shapes:
            stand_in = _MarkUser()
            shape = render(stand_in, LINK_MARK)
            self.shapes[key] = None if stand_in.other else shape
        shape = self.shapes[key]
        if shape is None:
            rendered = render(self._user(enrollment.client), link)
        else:
            rendered = _personal(shape, enrollment.client.name, link)
        rendered.headers.update(mail.one_click_headers(link))
        return rendered

    def _user(self, client: Any) -> Any:
        """The client as templates see it: the ORM user when the tick holds a plain row."""
        if isinstance(client, User) or self.session is None:
            return client
        return self.session.get(User, client.id)


def _personal(shape: mail.RenderedMail, name: str, link: str) -> mail.RenderedMail:
    """A shared mail with the stand-ins replaced by one recipient's name and link."""
    html_name, html_link = str(escape(name)), str(escape(link))
    return mail.RenderedMail(
        subject=shape.subject.replace(NAME_MARK, name).replace(LINK_MARK, link),
        text=shape.text.replace(NAME_MARK, name).replace(LINK_MARK, link),
        html=shape.html.replace(NAME_MARK, html_name).replace(LINK_MARK, html_link),
    )


def unlock_key(enrollment_id: int, day: date) -> str:
    """The outbox key of an enrollment's delivery on a local day."""
    return f"unlock:{enrollment_id}:{day.isoformat()}"


def reminder_key(enrollment_id: int, day: date) -> str:
    """The outbox key of an enrollment's reminder on a local day."""
    return f"remind:{enrollment_id}:{day.isoformat()}"


# The tick reads plain rows (Core selects of the columns it needs), not ORM objects:
# building, tracking and expiring 200,000 plan item objects cost more than the rest of
# the tick. Changes go back in bulk UPDATEs per batch.
ENROLLMENTS = Enrollment.__table__
ITEMS = PlanItem.__table__
USERS = User.__table__
# Enrollment columns a tick may change; with these it is compared when written back.
CHANGEABLE = (
    "paused_by",
    "paused_at",
    "pause_reason",
    "pause_until",
    "reminders_sent",
    "last_unlock_on",
    "last_reminder_at",
)
ENROLLMENT_COLUMNS = (
    "id",
    "client_id",
    "weekdays",
    "send_time",
    "timezone",
    "start_date",
    "all_unlocked",
    "finished_at",
    "reminders",
    *CHANGEABLE,
)
CLIENT_COLUMNS = ("email", "name", "locale", "last_activity_at")
# An item opened before this tick: the rules only ask whether it is open, not since when.
OPENED = datetime.min.replace(tzinfo=UTC)
UNIT, RECORD = "\x1f", "\x1e"  # separators in a packed list of items (ids are [a-z0-9_])


@dataclass(slots=True)
class TickClient:
    """What a tick needs of a client."""

    id: int
    email: str
    name: str
    locale: str
    last_activity_at: datetime | None


@dataclass(slots=True, eq=False)
class TickItem:
    """What a tick needs of a plan item (plans.ItemLike).

    Only items that are locked, or open and not done, and not skipped are loaded (see
    `_load_items`). `unlocked_at` is loaded as OPENED or None; `done_at` is not loaded
    (None): the rules read it only of open items, and the open ones loaded are not done.
    """

    id: int
    exercise_id: str
    position: int
    unlocked_at: datetime | None
    done_at: datetime | None = None
    skipped: bool = False


class TickEnrollment:
    """An enrollment as a tick reads it (plans.EnrollmentLike), remembering what it loaded."""

    __slots__ = (*ENROLLMENT_COLUMNS, "client", "items", "weekday_set", "_loaded")

    def __init__(self, row: Any) -> None:
        """From a row of ENROLLMENT_COLUMNS followed by CLIENT_COLUMNS."""
        for name, value in zip(ENROLLMENT_COLUMNS, row, strict=False):
            setattr(self, name, value)
        self.client = TickClient(self.client_id, *row[len(ENROLLMENT_COLUMNS) :])
        self.items: list[TickItem] = []
        self.weekday_set = _weekday_set(self.weekdays)
        self._loaded = tuple(getattr(self, name) for name in CHANGEABLE)

    def changes(self) -> dict[str, Any]:
        """The changeable columns whose value differs from what was loaded."""
        return {
            name: getattr(self, name)
            for name, loaded in zip(CHANGEABLE, self._loaded, strict=True)
            if getattr(self, name) != loaded
        }


@lru_cache(maxsize=128)
def _weekday_set(weekdays: str) -> frozenset[int]:
    """Allowed weekdays as numbers, as Enrollment.weekday_set reads them (few distinct)."""
    return frozenset(int(d) for d in weekdays.split(",") if d.strip() != "")


def _may_need_a_tick():
    """Enrollments a tick may have to act on: running, active client, not paused for good."""
    return and_(
        ENROLLMENTS.c.finished_at.is_(None),
        USERS.c.active.is_(True),
        USERS.c.deletion_requested_at.is_(None),
        or_(ENROLLMENTS.c.paused_by.is_(None), ENROLLMENTS.c.pause_until.is_not(None)),
        or_(ENROLLMENTS.c.all_unlocked.is_(False), ENROLLMENTS.c.reminders != "none"),
    )


def _candidate_ids(session: Session) -> list[int]:
    """The ids of the enrollments a tick may have to act on, in id order."""
    query = (
        select(ENROLLMENTS.c.id)
        .join(USERS, USERS.c.id == ENROLLMENTS.c.client_id)
        .where(_may_need_a_tick())
        .order_by(ENROLLMENTS.c.id)
    )
    return list(session.scalars(query).all())


def _candidates(session: Session, ids: list[int]) -> list[TickEnrollment]:
    """One batch of enrollments (by id), with their clients, read as the tick needs them.

    The conditions are checked again: the batch is read when its turn comes.
    """
    query = (
        select(
            *(ENROLLMENTS.c[name] for name in ENROLLMENT_COLUMNS),
            *(USERS.c[name] for name in CLIENT_COLUMNS),
        )
        .join(USERS, USERS.c.id == ENROLLMENTS.c.client_id)
        .where(_among(ENROLLMENTS.c.id, ids), _may_need_a_tick())
        .order_by(ENROLLMENTS.c.id)
    )
    return [TickEnrollment(row) for row in session.execute(query).all()]


def _among(column: Any, ids: list[int]) -> Any:
    """`column IN ids`, bounded by the smallest and largest id as well.

    PostgreSQL without fresh statistics (right after an import of thousands of clients)
    reads the whole table for a list of ids, but an index range for bounds; with the
    bounds it reads the range and keeps the listed ids. The ids (integers) are written
    into the SQL: hundreds of parameters cost the driver more than the query.
    """
    listed = bindparam(None, list(ids), expanding=True, literal_execute=True)
    return and_(column.in_(listed), column.between(min(ids), max(ids)))


def _load_items(session: Session, enrollments: list[TickEnrollment]) -> None:
    """Load the plan items of `enrollments` in one query (no query per enrollment).

    Skipped items and finished ones (open and done) play no part in the rules and are
    left out. The database packs each enrollment's items into one string (id, position,
    open or not, exercise id): one row per enrollment instead of one per item, which
    costs a fifth of the time for 200,000 items.
    """
    by_id = {e.id: e.items for e in enrollments}
    if not by_id:
        return
    for enrollment_id, packed in session.execute(_items_query(list(by_id))).all():
        items = by_id[enrollment_id]
        for record in packed.split(RECORD):
            item_id, position, opened, exercise_id = record.split(UNIT, 3)
            unlocked_at = OPENED if opened == "1" else None
            items.append(TickItem(int(item_id), exercise_id, int(position), unlocked_at))
        items.sort(key=_position)


def _items_query(enrollment_ids: list[int]) -> Any:
    """Per enrollment: its locked and open items, packed as `id␟position␟0|1␟exercise␞…`."""
    opened = case((ITEMS.c.unlocked_at.is_(None), "0"), else_="1")
    packed = (
        cast(ITEMS.c.id, String)
        + UNIT
        + cast(ITEMS.c.position, String)
        + UNIT
        + opened
        + UNIT
        + ITEMS.c.exercise_id
    )
    return (
        select(ITEMS.c.enrollment_id, func.aggregate_strings(packed, RECORD))
        .where(
            _among(ITEMS.c.enrollment_id, enrollment_ids),
            ITEMS.c.skipped.is_(False),
            or_(ITEMS.c.unlocked_at.is_(None), ITEMS.c.done_at.is_(None)),
        )
        .group_by(ITEMS.c.enrollment_id)
    )


def _position(item: TickItem) -> int:
    return item.position


@dataclass
class _Pending:
    """A mail a tick wants to queue, and what to do for its enrollment once it is queued."""

    enrollment: TickEnrollment
    queued: mail.QueuedMail
    unlock: list  # the items to open (empty for a reminder)
    today: date


def decide(
    enrollment: TickEnrollment,
    now: datetime,
    kind_of: Callable[[str], str],
    report: TickReport,
    maker: MailMaker,
) -> _Pending | None:
    """Apply what the rules say that needs no mail; the mail to queue, if any."""
    decision = plans.plan_tick(enrollment, now, kind_of, enrollment.client.last_activity_at)
    if decision.idle:
        return None
    today = plans.local_day(now, enrollment.timezone)
    if decision.resume:
        enrollment.paused_by = None
        enrollment.paused_at = None
        enrollment.pause_reason = None
        enrollment.pause_until = None
        enrollment.reminders_sent = 0
        report.resumed += 1
    if decision.reset_nudges:
        enrollment.reminders_sent = 0
    client = enrollment.client
    if decision.unlock:
        rendered = maker.unlock(enrollment, decision.unlock)
        key, kind = unlock_key(enrollment.id, today), "exercise"
    elif decision.remind:
        rendered = maker.reminder(enrollment)
        key, kind = reminder_key(enrollment.id, today), "reminder"
    else:
        return None
    queued = mail.QueuedMail(key, kind, client.id, client.email, rendered)
    return _Pending(enrollment, queued, decision.unlock, today)


def settle(pending: _Pending, queued: bool, now: datetime, report: TickReport) -> list[int]:
    """After queueing: unlock (or count the reminder) only if the mail's key was new.

    Returns the ids of the plan items to open.
    """
    enrollment = pending.enrollment
    if not pending.unlock:
        if queued:
            enrollment.reminders_sent += 1
            enrollment.last_reminder_at = now
            report.reminders += 1
        return []
    if not queued:
        report.already += 1
        return []
    for item in pending.unlock:
        item.unlocked_at = now
    enrollment.last_unlock_on = pending.today
    report.delivered += 1
    report.unlocked += len(pending.unlock)
    return [item.id for item in pending.unlock]


def _write(
    db: Session | Connection, enrollments: list[TickEnrollment], item_ids: list[int], now: datetime
) -> None:
    """Write a batch's changes back: one UPDATE per distinct change, one for the items.

    Most enrollments of a batch change alike (`last_unlock_on` = today), so that is one
    or a few statements per batch, not one per enrollment.
    """
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for enrollment in enrollments:
        changes = enrollment.changes()
        if changes:
            groups.setdefault(tuple(sorted(changes.items())), []).append(enrollment.id)
    for changes, ids in groups.items():
        for part in _chunks(ids):
            db.execute(
                update(ENROLLMENTS).where(_among(ENROLLMENTS.c.id, part)).values(dict(changes))
            )
    for part in _chunks(item_ids):
        db.execute(update(ITEMS).where(_among(ITEMS.c.id, part)).values(unlocked_at=now))


def _write_and_check(
    conn: Connection,
    acting: list[TickEnrollment],
    pending: list[_Pending],
    rows: list[dict[str, Any]],
    now: datetime,
    report: TickReport,
    before_commit: Callable[[TickReport], None] | None,
) -> None:
    """A batch's job on the write thread, which commits after it."""
    write_batch(conn, acting, pending, rows, now, report)
    if before_commit is not None:
        before_commit(report)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    """`ids` in lists of at most `size` (bound parameters per statement stay few)."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def prepare_batch(
    session: Session,
    enrollments: list[TickEnrollment],
    now: datetime,
    kind_of: Callable[[str], str],
    report: TickReport,
    maker: MailMaker,
) -> tuple[list[TickEnrollment], list[_Pending], list[dict[str, Any]]]:
    """Read a batch's items and decide: who acts, their mails and those mails' rows."""
    acting = [e for e in enrollments if plans.may_act(e, now)]
    _load_items(session, acting)
    pending = [p for e in acting if (p := decide(e, now, kind_of, report, maker)) is not None]
    return acting, pending, mail.outbox_rows([p.queued for p in pending], now)


def write_batch(
    db: Session | Connection,
    acting: list[TickEnrollment],
    pending: list[_Pending],
    rows: list[dict[str, Any]],
    now: datetime,
    report: TickReport,
) -> None:
    """Queue all mails of a batch in one statement, then unlock (no commit).

    Queueing comes first: an enrollment whose key already existed (another tick delivered
    today) is left alone; the rest is unlocked in the same transaction as its mail.
    """
    new_keys = mail.insert_rows(db, rows)
    item_ids: list[int] = []
    for p in pending:
        item_ids += settle(p, p.queued.key in new_keys, now, report)
    _write(db, acting, item_ids, now)


def deliver(
    session: Session,
    now: datetime,
    *,
    kind_of: Callable[[str], str] | None = None,
    batch_size: int = BATCH_SIZE,
    before_commit: Callable[[TickReport], None] | None = None,
) -> TickReport:
    """Run one delivery tick at `now`; commits once per batch of enrollments.

    `session` reads, a `WriteThread` writes: while one batch's mails and unlocks go to
    the database (and are committed), the next batch is read and its mails rendered.
    Batches hold different enrollments, so they never wait for each other. `before_commit`
    is a test hook (crash simulation) called before each batch commit.
    """
    kind_of = kind_of or library_kind_of()
    report = TickReport()
    maker = MailMaker(session)
    writes = WriteThread(session.get_bind().engine)
    try:
        for ids in _chunks(_candidate_ids(session), batch_size):
            batch = _candidates(session, ids)
            report.batches += 1
            report.examined += len(batch)
            prepared = prepare_batch(session, batch, now, kind_of, report, maker)
            session.commit()  # ends the read; the session writes nothing
            writes.submit(_write_and_check, *prepared, now, report, before_commit)
        writes.wait()
    finally:
        writes.close()
    session.commit()  # the tick leaves no transaction open
    log.info(
        "tick %s: examined %d, delivered %d (%d items), reminders %d, resumed %d, already %d",
        now.isoformat(timespec="minutes"),
        report.examined,
        report.delivered,
        report.unlocked,
        report.reminders,
        report.resumed,
        report.already,
    )
    return report
