"""The delivery tick: due enrollments in bulk -> unlock the next batch + queue one mail.

Everything a tick does for one enrollment (unlock, `last_unlock_on`, the mail) lands in one
transaction with the mail's unique key `unlock:<enrollment>:<local date>`. The key is
inserted first (INSERT .. ON CONFLICT DO NOTHING): when it already exists another tick
delivered today and this one leaves the enrollment alone, so two ticks racing (or a tick
repeated after a crash) never unlock twice on one day. APScheduler only triggers ticks;
what is due is read from the database, so a late or missed trigger loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import escape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from . import mail, plans, tokens
from .accounts import external_url
from .models import Enrollment, PlanItem, User

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


def pause_token(enrollment: Enrollment) -> str:
    """The signed token of the one-click pause link."""
    return tokens.dump({"e": enrollment.id, "u": enrollment.client_id}, "pause")


def pause_link(enrollment: Enrollment) -> str:
    """The absolute one-click pause URL for mails."""
    return external_url("mailpause.pause", token=pause_token(enrollment))


def _infos(items: list[PlanItem], lang: str) -> list[ExerciseInfo]:
    infos = [exercise_info(item.exercise_id, lang) for item in items]
    for info in infos:
        info.link = exercise_link(info.id)
    return infos


def _unlock_mail(user: Any, locale: str, batch: list[PlanItem], earlier: list[PlanItem], link: str):
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


# Stand-ins rendered into a tick's shared copy of a mail, replaced per recipient.
NAME_MARK = "prflrname5f1cmark"
LINK_MARK = "https://prflr-pause-5f1c.invalid/mark"


class _MarkUser:
    """The user as a shared mail sees it: only the name, as a stand-in."""

    name = NAME_MARK

    def __init__(self) -> None:
        self.other: list[str] = []

    def __getattr__(self, attr: str) -> Any:
        self.other.append(attr)  # the template reads more: this mail cannot be shared
        raise AttributeError(attr)


def render_unlock(
    enrollment: Enrollment, batch: list[PlanItem], shared: dict | None = None
) -> mail.RenderedMail:
    """The daily mail: what opened today, plus what was already open (after a pause).

    With `shared` (one dict per tick), the mail for the same exercises and language is
    rendered once, with stand-ins for the name and the pause link that are then replaced
    per recipient: 10,000 clients on a few plans take a few renders, not 10,000.
    """
    user = enrollment.client
    new_ids = {item.exercise_id for item in batch}
    earlier = [i for i in plans.open_items(enrollment.items) if i.exercise_id not in new_ids]
    link = pause_link(enrollment)
    key = (
        user.locale,
        tuple(i.exercise_id for i in sorted(batch, key=lambda i: i.position)),
        tuple(i.exercise_id for i in earlier),
    )
    shape = shared.get(key) if shared is not None else None
    if shared is not None and key not in shared:
        stand_in = _MarkUser()
        shape = _unlock_mail(stand_in, user.locale, batch, earlier, LINK_MARK)
        shape = shared[key] = None if stand_in.other else shape
    if shape is not None:
        html_name, html_link = str(escape(user.name)), str(escape(link))
        rendered = mail.RenderedMail(
            subject=shape.subject.replace(NAME_MARK, user.name).replace(LINK_MARK, link),
            text=shape.text.replace(NAME_MARK, user.name).replace(LINK_MARK, link),
            html=shape.html.replace(NAME_MARK, html_name).replace(LINK_MARK, html_link),
        )
    else:
        rendered = _unlock_mail(user, user.locale, batch, earlier, link)
    rendered.headers.update(mail.one_click_headers(link))
    return rendered


def render_reminder(enrollment: Enrollment) -> mail.RenderedMail:
    """A nudge that names the open exercises."""
    user = enrollment.client
    link = pause_link(enrollment)
    rendered = mail.render_mail(
        "reminder",
        user.locale,
        user=user,
        open=_infos(plans.open_items(enrollment.items), user.locale),
        pause_link=link,
    )
    rendered.headers.update(mail.one_click_headers(link))
    return rendered


def unlock_key(enrollment_id: int, day: date) -> str:
    """The outbox key of an enrollment's delivery on a local day."""
    return f"unlock:{enrollment_id}:{day.isoformat()}"


def reminder_key(enrollment_id: int, day: date) -> str:
    """The outbox key of an enrollment's reminder on a local day."""
    return f"remind:{enrollment_id}:{day.isoformat()}"


def _candidates(session: Session, after_id: int, limit: int) -> list[Enrollment]:
    """One batch of enrollments a tick may have to act on, with their clients."""
    query = (
        select(Enrollment)
        .join(Enrollment.client)
        .where(
            Enrollment.id > after_id,
            Enrollment.finished_at.is_(None),
            User.active.is_(True),
            User.deletion_requested_at.is_(None),
            or_(Enrollment.paused_by.is_(None), Enrollment.pause_until.is_not(None)),
            or_(Enrollment.all_unlocked.is_(False), Enrollment.reminders != "none"),
        )
        .options(contains_eager(Enrollment.client), lazyload(Enrollment.items))
        .order_by(Enrollment.id)
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query).unique())


def _load_items(session: Session, enrollments: list[Enrollment]) -> None:
    """Load the plan items of `enrollments` in one query (no query per enrollment)."""
    by_id: dict[int, list[PlanItem]] = {e.id: [] for e in enrollments}
    if by_id:
        query = (
            select(PlanItem)
            .where(PlanItem.enrollment_id.in_(list(by_id)))
            .order_by(PlanItem.enrollment_id, PlanItem.position)
            .execution_options(populate_existing=True)
        )
        for item in session.scalars(query):
            by_id[item.enrollment_id].append(item)
    for enrollment in enrollments:
        set_committed_value(enrollment, "items", by_id[enrollment.id])


def apply_tick(
    session: Session,
    enrollment: Enrollment,
    now: datetime,
    kind_of: Callable[[str], str],
    report: TickReport,
    shared: dict | None = None,
) -> None:
    """Do what the rules say for one enrollment (flush, no commit)."""
    decision = plans.plan_tick(enrollment, now, kind_of, enrollment.client.last_activity_at)
    if decision.idle:
        return
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
    if decision.unlock:
        rendered = render_unlock(enrollment, decision.unlock, shared)
        queued = mail.queue(
            session,
            key=unlock_key(enrollment.id, today),
            kind="exercise",
            to=enrollment.client,
            mail=rendered,
            now=now,
        )
        if not queued:
            report.already += 1
            return
        for item in decision.unlock:
            item.unlocked_at = now
        enrollment.last_unlock_on = today
        report.delivered += 1
        report.unlocked += len(decision.unlock)
    elif decision.remind:
        queued = mail.queue(
            session,
            key=reminder_key(enrollment.id, today),
            kind="reminder",
            to=enrollment.client,
            mail=render_reminder(enrollment),
            now=now,
        )
        if queued:
            enrollment.reminders_sent += 1
            enrollment.last_reminder_at = now
            report.reminders += 1


def deliver(
    session: Session,
    now: datetime,
    *,
    kind_of: Callable[[str], str] | None = None,
    batch_size: int = BATCH_SIZE,
    before_commit: Callable[[TickReport], None] | None = None,
) -> TickReport:
    """Run one delivery tick at `now`; commits once per batch of enrollments.

    `before_commit` is a test hook (crash simulation) called before each batch commit.
    """
    kind_of = kind_of or library_kind_of()
    report = TickReport()
    shared: dict = {}  # mails rendered once per tick, see render_unlock
    after_id = 0
    while True:
        batch = _candidates(session, after_id, batch_size)
        if not batch:
            break
        report.batches += 1
        report.examined += len(batch)
        # Only enrollments at (or past) their moment today, or whose pause ends, need items.
        acting = [e for e in batch if plans.may_act(e, now)]
        _load_items(session, acting)
        # One flush per batch (below), not one per queued mail: everything needed is loaded.
        with session.no_autoflush:
            for enrollment in acting:
                apply_tick(session, enrollment, now, kind_of, report, shared)
        after_id = batch[-1].id
        session.flush()
        if before_commit is not None:
            before_commit(report)
        session.commit()
        if len(batch) < batch_size:
            break
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
