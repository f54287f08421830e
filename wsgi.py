"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""

from __future__ import annotations

from config import config_for_env
from profiler import create_app

app = create_app(config_for_env())
