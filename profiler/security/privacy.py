"""Queries behind the client's privacy page, and what each logged event says in words."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import stored_day
from ..models import AuditEvent, User

# What someone else did, after their name ("Karin (coach)" / "bekeek je overzicht").
ACTION_LABELS = {
    "coach.viewed_client": _l("bekeek je overzicht"),
    "coach.viewed_answers": _l("las je antwoorden"),
    "coach.viewed_preparation": _l("bereidde een gesprek voor met je antwoorden"),
    "coach.report": _l("maakte een verslag van je antwoorden"),
    "comment.added": _l("schreef een reactie"),
    "comment.deleted": _l("verwijderde een reactie"),
    "note.added": _l("schreef een notitie over je"),
    "note.deleted": _l("verwijderde een notitie"),
    "document.download": _l("downloadde een document"),
    "user.coach_assigned": _l("koppelde je aan een coach"),
    "user.invited": _l("nodigde je uit"),
    "user.activated": _l("zette je account aan"),
    "user.deactivated": _l("zette je account uit"),
    "auth.two_factor_disabled": _l("zette de extra beveiliging van je inlog uit"),
    "session.held": _l("noteerde dat jullie een gesprek hadden"),
    "retention.enrollments_removed": _l(
        "verwijderde een afgerond traject: het was langer geleden dan we gegevens bewaren"
    ),
    "plan.changed": _l("veranderde je plan"),
}

LIMIT = 200


def views_of(session: Session, client: User, limit: int = LIMIT) -> list[AuditEvent]:
    """The latest audit events about `client` caused by someone else (coach, admin)."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.client_id == client.id)
            .where((AuditEvent.actor_id != client.id) | AuditEvent.actor_id.is_(None))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def recent_logins(session: Session, user: User, limit: int = 10) -> list[AuditEvent]:
    """The user's own latest logins, so they can spot one that was not theirs."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.actor_id == user.id, AuditEvent.action == "auth.login")
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


# A change to the plan, after the name of who made it ("Karin (coach)" / "zette je training
# op pauze"); `%(title)s` is the exercise's title.
PLAN_LABELS = {
    "plan.resumed": _l("liet je training weer doorgaan"),
    "plan.unlocked_all": _l("zette alle oefeningen voor je open"),
    "plan.unlocked": _l("zette %(title)s voor je open"),
    "plan.skipped": _l("sloeg %(title)s over in je plan"),
    "plan.restored": _l("zette %(title)s terug in je plan"),
    "plan.added": _l("voegde %(title)s toe aan je plan"),
    "plan.reordered": _l("veranderde de volgorde van je oefeningen"),
    "plan.work_ahead": _l("opende de volgende oefening"),
    "plan.reminders": _l("veranderde je herinneringen"),
    "plan.finished": _l("sloot je training af: alle oefeningen zijn klaar"),
}


def what_happened(event: AuditEvent, title_of: Callable[[str], str]) -> str:
    """The event in words for the client, after the name of who did it; never the raw code.

    A pause says until when, never the reason the coach gave: the pause form promises the
    client does not see it.
    """
    action, detail = event.action, event.detail or {}
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if not action.startswith("plan."):
        return _("deed iets met je gegevens")
    title = title_of(str(detail["exercise"])) if detail.get("exercise") else ""
    if action in PLAN_LABELS:
        return str(PLAN_LABELS[action]) % {"title": title}
    if action == "plan.paused":
        if detail.get("until"):
            day = stored_day(detail["until"])
            return _("zette je training op pauze tot %(day)s", day=day)
        return _("zette je training op pauze")
    if action == "plan.moved":
        if int(detail.get("offset", 0)) < 0:
            return _("zette %(title)s een plek naar voren in je plan", title=title)
        return _("zette %(title)s een plek naar achteren in je plan", title=title)
    if action == "plan.cadence":
        from ..coach.wording import weekdays_text  # the coach package imports this module's users

        days = weekdays_text(frozenset(detail.get("weekdays", [])))
        return _(
            "zette je maildagen op %(days)s om %(time)s",
            days=days,
            time=detail.get("send_time", ""),
        )
    if action == "plan.work_ahead_allowed":
        if detail.get("allowed"):
            return _("gaf je de ruimte om vooruit te werken")
        return _("zette vooruitwerken voor je uit")
    if action == "plan.next_session":
        if detail.get("day"):
            day = stored_day(detail["day"])
            return _("plande jullie volgende gesprek op %(day)s", day=day)
        return _("haalde de datum van jullie volgende gesprek weg")
    return str(ACTION_LABELS["plan.changed"])  # a change this version does not name yet
