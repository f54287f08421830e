"""The admin area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import views  # noqa: E402,F401
from . import audit_views, users  # noqa: E402,F401
