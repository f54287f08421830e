"""Accounts: login, logout, password reset, invitations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import two_factor, views  # noqa: E402,F401
