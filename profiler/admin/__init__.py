"""The admin area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import (  # noqa: E402,F401
    audit_views,
    exercise_views,  # noqa: E402,F401
    outbox_views,
    users,
    views,  # noqa: E402,F401
)
