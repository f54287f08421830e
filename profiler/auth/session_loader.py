"""Load the logged-in user from the session; a bumped session version ends old sessions."""

from __future__ import annotations

from ..extensions import db, login_manager
from ..models import User


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Identity is "<id>:<session_version>"; a stale version means logged out."""
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
