"""Run the scheduler's jobs inside the web process for a one-machine start."""

from __future__ import annotations

import os

from flask import Flask


def start_embedded_scheduler(app: Flask) -> None:
    """Start the background jobs once (not in the reloader's watcher process)."""
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    from scheduler.runner import start_background

    start_background(app)
