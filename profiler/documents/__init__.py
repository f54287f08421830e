"""The documents: elevator pitch, resumé, CV and working document, previewed and downloaded."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("documents", __name__)

from . import views  # noqa: E402,F401
