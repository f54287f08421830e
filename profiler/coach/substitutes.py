"""Substitutes: a coach links a colleague who may see and act for their clients during absence.

access.clients_query already honours these rows; this module only creates and removes them
and writes the audit events.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import Role, Substitute, User
from ..user_admin import coaches


class SubstituteError(Exception):
    """A link that cannot be made; the message is for the user."""


def colleagues(session: Session, coach: User) -> list[User]:
    """Other active coaches, by name."""
    return [other for other in coaches(session) if other.id != coach.id]


def substitutes_of(session: Session, coach: User) -> list[User]:
    """The colleagues who may act for `coach`."""
    return list(
        session.scalars(
            select(User)
            .join(Substitute, Substitute.substitute_id == User.id)
            .where(Substitute.coach_id == coach.id)
            .order_by(User.name)
        )
    )


def substituting_for(session: Session, coach: User) -> list[User]:
    """The coaches `coach` may act for."""
    return list(
        session.scalars(
            select(User)
            .join(Substitute, Substitute.coach_id == User.id)
            .where(Substitute.substitute_id == coach.id)
            .order_by(User.name)
        )
    )


def link(session: Session, coach: User, colleague: User, *, now: datetime) -> Substitute:
    """Let `colleague` see and act for `coach`'s clients."""
    if colleague.id == coach.id or colleague.role != Role.COACH.value or not colleague.active:
        raise SubstituteError(str(_l("Kies een andere coach als vervanger.")))
    existing = session.scalar(
        select(Substitute).where(
            Substitute.coach_id == coach.id, Substitute.substitute_id == colleague.id
        )
    )
    if existing is not None:
        return existing
    row = Substitute(coach_id=coach.id, substitute_id=colleague.id, created_at=now)
    session.add(row)
    audit.record(
        session,
        actor=coach,
        action="substitute.linked",
        now=now,
        substitute_id=colleague.id,
        substitute=colleague.name,
    )
    session.flush()
    return row


def unlink(session: Session, coach: User, colleague: User, *, now: datetime) -> bool:
    """End the substitution; False when there was none."""
    row = session.scalar(
        select(Substitute).where(
            Substitute.coach_id == coach.id, Substitute.substitute_id == colleague.id
        )
    )
    if row is None:
        return False
    session.delete(row)
    audit.record(
        session,
        actor=coach,
        action="substitute.unlinked",
        now=now,
        substitute_id=colleague.id,
        substitute=colleague.name,
    )
    return True
