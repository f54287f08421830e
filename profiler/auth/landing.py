"""Where each role starts after login."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from ..models import Role, User

LANDING = {
    Role.CLIENT.value: "client.today",
    Role.COACH.value: "coach.dashboard",
    Role.ADMIN.value: "admin.index",
}
AREA = {Role.CLIENT.value: "/me", Role.COACH.value: "/coach", Role.ADMIN.value: "/admin"}


def landing_url(user: User) -> str:
    """The start page of the user's role."""
    return url_for(LANDING[user.role])


def safe_next(user: User, target: str | None) -> str:
    """A local return address inside the user's own area, else their start page."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and target.startswith(AREA[user.role])
        ):
            return target
    return landing_url(user)
