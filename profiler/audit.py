"""Audit log: record who viewed or changed which client's data (in the spirit of NEN 7513)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

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


def search(
    *,
    person: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Select[Any]:
    """Events (with their actor and client, each a User or None), newest first: about or by
    a person whose name or e-mail contains `person`, with the action `action` (every action of
    a kind when it ends in a dot, like `plan.`), on the days from `since` to `until` (UTC)
    inclusive.

    Newest first by time and id, which the index ix_audit_events_at_id serves: a page of a
    log of millions of events reads one page of them.
    """
    actor, client = aliased(User), aliased(User)
    query = (
        select(AuditEvent, actor, client)
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .outerjoin(client, AuditEvent.client_id == client.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if person:
        typed = person.strip().lower()  # `%` and `_` as letters, not wildcards
        query = query.where(
            or_(
                func.lower(actor.name).contains(typed, autoescape=True),
                actor.email.contains(typed, autoescape=True),
                func.lower(client.name).contains(typed, autoescape=True),
                client.email.contains(typed, autoescape=True),
            )
        )
    if action and action.endswith("."):  # a kind of action: "plan." is every plan change
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    elif action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.at >= datetime.combine(since, time(), UTC))
    if until:
        query = query.where(
            AuditEvent.at < datetime.combine(until, time(), UTC) + timedelta(days=1)
        )
    return query
