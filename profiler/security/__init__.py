"""Security features that are not login itself: two-factor codes, rate-limit storage, privacy."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("security", __name__)

from . import views  # noqa: E402,F401
