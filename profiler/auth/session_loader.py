"""Load the logged-in user from the session; a bumped session version ends old sessions."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..models import User

# Client pages all need the enrollment: read it in the same query (staff get no rows). Built
# once, so its cache key is not worked out again on every request.
_USER = select(User).options(joinedload(User.enrollments)).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Identity is "<id>:<session_version>"; a stale version means logged out."""
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalars(_USER, {"user_id": int(user_id)}).unique().one_or_none()
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
