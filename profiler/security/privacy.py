"""Queries behind the client's privacy page (plain functions, no request)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEvent, User

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
