"""Load the logged-in user from the session; a bumped session version ends old sessions."""

from __future__ import annotations

from ..extensions import login_manager
from .session_user import SessionUser, read_session_user


@login_manager.user_loader
def load_user(identity: str) -> SessionUser | None:
    """Identity is "<id>:<session_version>"; a stale version means logged out.

    The user comes as plain values with the latest enrollment (see session_user): one query
    and no ORM objects for the many requests that only read them.
    """
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = read_session_user(int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
