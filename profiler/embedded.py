"""Run the scheduler's jobs inside the web process for a one-machine start."""

from __future__ import annotations

import os
import sys
import threading

from flask import Flask

_started = threading.Lock()


def should_start(app: Flask, argv: list[str], environ: dict[str, str]) -> bool:
    """True in a process that serves requests and is not the reloader's file watcher.

    `flask db upgrade`, `flask seed-demo` and other commands build the app too: they get
    no scheduler. With the reloader (`flask run --debug`) only the child that serves runs
    the jobs; gunicorn workers each try, and the database lease lets one of them work.
    """
    if environ.get("FLASK_RUN_FROM_CLI") == "true":
        if "run" not in argv[1:]:
            return False
        reloader = app.debug or "--reload" in argv
        if reloader and "--no-reload" not in argv and environ.get("WERKZEUG_RUN_MAIN") != "true":
            return False
        return True
    # app.run(debug=True) from a script: the reloader's parent has no WERKZEUG_RUN_MAIN.
    return not (app.debug and environ.get("WERKZEUG_RUN_MAIN") != "true")


def start_embedded_scheduler(app: Flask) -> bool:
    """Start the background jobs once per process; True when they were started now."""
    if not should_start(app, sys.argv, dict(os.environ)):
        return False
    with _started:
        if "scheduler" in app.extensions:
            return False
        from scheduler.runner import start_background

        start_background(app)
    return True
