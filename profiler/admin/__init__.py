"""The admin area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import (  # noqa: E402,F401
    audit_views,
    outbox_views,
    users,
    views,  # noqa: E402,F401
)
from . import exercise_views  # noqa: E402,F401
