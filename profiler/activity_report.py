"""The activity report for the UWV file: what a client did in the training, as CSV and PDF.

It lists facts only (dates, exercises opened and done, pauses and who paused, sessions,
comments) and never the content of answers or private coach notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent, Comment, Enrollment, Role, User

PAUSE_ACTIONS = ("plan.paused", "plan.resumed")


@dataclass
class ReportEvent:
    """One line of the report."""

    day: date
    kind: str  # start, opened, done, skipped, paused, resumed, session, comment
    text: str
    by: str = ""


@dataclass
class ActivityReport:
    """The facts of one client's training."""

    client_name: str
    coach_name: str
    program: str
    start_date: date
    made_on: date
    opened: int
    done: int
    total: int
    pauses: int
    sessions: int
    comments: int
    events: list[ReportEvent] = field(default_factory=list)


KIND_LABELS = {
    "start": "Start training",
    "opened": "Oefening geopend",
    "done": "Oefening afgerond",
    "skipped": "Oefening overgeslagen",
    "paused": "Pauze",
    "resumed": "Hervat",
    "session": "Gesprek gehouden",
    "comment": "Opmerking van coach",
}


def kind_label(kind: str) -> str:
    """The translated label of an event kind."""
    labels = {
        "start": _("Start training"),
        "opened": _("Oefening geopend"),
        "done": _("Oefening afgerond"),
        "skipped": _("Oefening overgeslagen"),
        "paused": _("Pauze"),
        "resumed": _("Hervat"),
        "session": _("Gesprek gehouden"),
        "comment": _("Opmerking van coach"),
    }
    return labels.get(kind, kind)


def _who(actor: User | None, client: User) -> str:
    if actor is None:
        return _("automatisch")
    if actor.id == client.id:
        return _("cliënt")
    if actor.role == Role.ADMIN.value:
        return _("beheerder (%(name)s)", name=actor.name)
    return _("coach (%(name)s)", name=actor.name)


def build_report(
    session: Session,
    enrollment: Enrollment,
    *,
    now: datetime,
    title_of: Callable[[str], str],
    program_title: str,
) -> ActivityReport:
    """Collect the report's facts for `enrollment` up to `now`."""
    client = enrollment.client
    tz = ZoneInfo(enrollment.timezone)

    def day(moment: datetime) -> date:
        return moment.astimezone(tz).date()

    events = [ReportEvent(enrollment.start_date, "start", program_title)]
    items = [i for i in enrollment.items]
    for item in items:
        if item.unlocked_at:
            events.append(ReportEvent(day(item.unlocked_at), "opened", title_of(item.exercise_id)))
        if item.done_at:
            events.append(ReportEvent(day(item.done_at), "done", title_of(item.exercise_id)))
    audit_rows = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.client_id == client.id,
            AuditEvent.action.in_((*PAUSE_ACTIONS, "session.held", "plan.skipped")),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    pauses = sessions = 0
    for event in audit_rows:
        who = _who(event.actor, client)
        detail = event.detail or {}
        if event.action == "plan.paused":
            pauses += 1
            parts = [detail.get("reason") or ""]
            if detail.get("until"):
                parts.append(_("tot %(day)s", day=detail["until"]))
            events.append(
                ReportEvent(day(event.at), "paused", " ".join(p for p in parts if p), who)
            )
        elif event.action == "plan.resumed":
            events.append(ReportEvent(day(event.at), "resumed", "", who))
        elif event.action == "plan.skipped":
            events.append(
                ReportEvent(day(event.at), "skipped", title_of(str(detail.get("exercise"))), who)
            )
        else:
            sessions += 1
            events.append(ReportEvent(day(event.at), "session", "", who))
    comments = session.scalars(
        select(Comment).where(Comment.client_id == client.id).order_by(Comment.created_at)
    ).all()
    for comment in comments:
        events.append(
            ReportEvent(
                day(comment.created_at),
                "comment",
                title_of(comment.exercise_id),
                _who(comment.author, client),
            )
        )
    order = list(KIND_LABELS)
    events.sort(key=lambda e: (e.day, order.index(e.kind) if e.kind in order else 99))
    counted = [i for i in items if not i.skipped]
    return ActivityReport(
        client_name=client.name,
        coach_name=client.coach.name if client.coach else "",
        program=program_title,
        start_date=enrollment.start_date,
        made_on=day(now),
        opened=sum(1 for i in counted if i.unlocked_at),
        done=sum(1 for i in counted if i.done_at),
        total=len(counted),
        pauses=pauses,
        sessions=sessions,
        comments=len(comments),
        events=events,
    )


def _cell(value: object) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: ActivityReport) -> str:
    """The report as CSV (semicolon-separated, as Dutch spreadsheet programs expect)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Datum"), _("Wat"), _("Oefening of toelichting"), _("Door")])
    for event in report.events:
        writer.writerow(
            [
                event.day.isoformat(),
                _cell(kind_label(event.kind)),
                _cell(event.text),
                _cell(event.by),
            ]
        )
    return out.getvalue()


def refuse_all(url: str, *args: object, **kwargs: object) -> dict:
    """A WeasyPrint URL fetcher that fetches nothing (the report needs no outside files)."""
    raise ValueError(f"refused: {url[:80]!r}")


def render_pdf(html: str) -> bytes:
    """The report's HTML as PDF, fetching only the packaged assets of `exports`."""
    import weasyprint

    try:
        from exports.fetcher import AssetFetcher
        from exports.pdf import pdf_options

        fetcher: Callable = AssetFetcher()
        options = pdf_options()  # tagged (PDF/UA where this WeasyPrint knows it)
    except ImportError:  # pragma: no cover - exports not installed
        fetcher, options = refuse_all, {}
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(**options)
