"""The history of changes to a client's plan, from the audit log, in plain words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..i18n import stored_day
from ..models import AuditEvent, User
from .wording import weekdays_text

SHOWN = ("session.held", "comment.added", "user.invited")


@dataclass
class HistoryLine:
    """One change: when, by whom, what."""

    at: datetime
    who: str
    text: str


def _who(actor: User | None, client_id: int) -> str:
    if actor is None:
        return _("Profiler (automatisch)")
    if actor.id == client_id:
        return _("%(name)s (cliënt)", name=actor.name)
    return actor.name


def describe(event: AuditEvent, title_of: Callable[[str], str]) -> str:
    """What happened, in plain words (a change to the plan; the events in SHOWN). For staff:
    a pause says the coach's reason (the client's privacy page has its own words)."""
    d = event.detail or {}
    exercise = title_of(str(d.get("exercise", ""))) if d.get("exercise") else ""
    action = event.action
    if action == "plan.paused":
        text = _("Gepauzeerd")
        if d.get("until"):
            text += " " + _("tot %(day)s", day=stored_day(d["until"]))
        if d.get("reason"):
            text += " " + _("(reden: %(reason)s)", reason=d["reason"])
        return text
    simple = {
        "plan.resumed": _("Hervat"),
        "plan.unlocked_all": _("Alle oefeningen opengezet"),
        "plan.unlocked": _("%(title)s opengezet", title=exercise),
        "plan.skipped": _("%(title)s overgeslagen", title=exercise),
        "plan.restored": _("%(title)s teruggezet in het plan", title=exercise),
        "plan.added": _("%(title)s toegevoegd aan het plan", title=exercise),
        "plan.reordered": _("Volgorde van de oefeningen aangepast"),
        "plan.work_ahead": _("Zelf vooruitgewerkt: volgende oefening geopend"),
        "plan.reminders": _("Herinneringen aangepast"),
        "plan.finished": _("Alle oefeningen klaar: het traject is afgerond"),
        "plan.changed": _("Plan aangepast"),
        "session.held": _("Gesprek gehouden"),
        "comment.added": _("Opmerking geplaatst bij %(title)s", title=exercise),
        "user.invited": _("Uitnodiging verstuurd"),
    }
    if action in simple:
        return simple[action]
    if action == "plan.moved":
        if int(d.get("offset", 0)) < 0:
            return _("%(title)s een plek naar voren gezet", title=exercise)
        return _("%(title)s een plek naar achteren gezet", title=exercise)
    if action == "plan.cadence":
        return _(
            "Maildagen: %(days)s om %(time)s",
            days=weekdays_text(frozenset(d.get("weekdays", []))),
            time=d.get("send_time", ""),
        )
    if action == "plan.work_ahead_allowed":
        return _("Vooruitwerken toegestaan") if d.get("allowed") else _("Vooruitwerken uitgezet")
    if action == "plan.next_session":
        if d.get("day"):
            day = stored_day(d["day"])
            return _("Volgend gesprek gepland op %(day)s", day=day)
        return _("Geplande gesprekdatum gewist")
    return _("Plan aangepast")  # a change this version does not name yet: never a raw code


def plan_history(
    session: Session, client_id: int, title_of: Callable[[str], str], limit: int = 50
) -> list[HistoryLine]:
    """The latest changes to the client's plan, newest first."""
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.client_id == client_id,
            or_(AuditEvent.action.like("plan.%"), AuditEvent.action.in_(SHOWN)),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [HistoryLine(e.at, _who(e.actor, client_id), describe(e, title_of)) for e in events]
