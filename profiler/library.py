"""The app's exercise library: loaded once from CONTENT_DIR, reloaded after an admin edit."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import current_app

_lock = threading.Lock()


def current_library() -> Any:
    """The loaded library (profiler.exercises.Library) of the current app."""
    app = current_app._get_current_object()
    library = app.extensions.get("exercise_library")
    if library is None:
        with _lock:
            library = app.extensions.get("exercise_library")
            if library is None:
                library = reload_library()
    return library


def reload_library() -> Any:
    """Load the library again from disk (after an admin saved a file)."""
    from .exercises import load_library

    app = current_app._get_current_object()
    library = load_library(Path(app.config["CONTENT_DIR"]))
    app.extensions["exercise_library"] = library
    return library
