"""Queries behind the client's privacy page, and what each logged event says in words."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

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


def what_happened(event: AuditEvent, title_of: Callable[[str], str]) -> str:
    """The event in words for the client: a change to the plan as the coach's history says
    it ("Gepauzeerd tot 1 apr."), anything else from ACTION_LABELS; never the raw code."""
    if event.action in ACTION_LABELS:
        return str(ACTION_LABELS[event.action])
    if event.action.startswith("plan."):
        from ..coach.history import describe  # the coach package imports this module's users

        return describe(event, title_of, for_client=True)
    return _("deed iets met je gegevens")
