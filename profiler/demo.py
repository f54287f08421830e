"""Demo data for a local start: an admin, two coaches and four clients at different stages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import accounts
from .models import Role, User

DEMO_PASSWORD = "profiler-demo-2026"

PEOPLE = [
    (Role.ADMIN, "admin@profiler.test", "Ada Beheer", None),
    (Role.COACH, "coach@profiler.test", "Karin de Coach", None),
    (Role.COACH, "coach2@profiler.test", "Mehmet Yilmaz", None),
    (Role.CLIENT, "sanne@profiler.test", "Sanne de Vries", "coach@profiler.test"),
    (Role.CLIENT, "peter@profiler.test", "Peter Jansen", "coach@profiler.test"),
    (Role.CLIENT, "fatima@profiler.test", "Fatima El Amrani", "coach@profiler.test"),
    (Role.CLIENT, "joost@profiler.test", "Joost Bakker", "coach2@profiler.test"),
]


def seed(session: Session, now: datetime, config: Any) -> list[tuple[str, str, str]]:
    """Create the demo people (idempotent) and return (role, email, password) rows."""
    logins = []
    by_email: dict[str, User] = {}
    for role, email, name, coach_email in PEOPLE:
        user = accounts.find_by_email(session, email)
        if user is None:
            coach = by_email.get(coach_email) if coach_email else None
            user = accounts.create_user(
                session,
                email=email,
                name=name,
                role=role,
                password=DEMO_PASSWORD,
                coach=coach,
                now=now,
            )
        by_email[email] = user
        logins.append((role.value, email, DEMO_PASSWORD))
    return logins
