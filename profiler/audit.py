"""Audit log: record who viewed or changed which client's data (in the spirit of NEN 7513)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, User


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    now: datetime,
    client: User | None = None,
    ip: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one audit event to the session (the caller commits)."""
    event = AuditEvent(
        at=now,
        actor_id=actor.id if actor else None,
        client_id=client.id if client else None,
        action=action,
        detail=detail,
        ip=ip,
    )
    session.add(event)
    return event
