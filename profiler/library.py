"""The app's exercise library: loaded from CONTENT_DIR and reloaded when the folder changes.

Every worker process keeps its own copy. `current_library()` compares a cheap signature of
`exercises/` and `programs/` (name, mtime, size of every file) at most once per second, so an
administrator's save in one gunicorn worker is picked up by all the others without a restart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

CHECK_INTERVAL = 1.0  # seconds between two looks at the content folder
WATCHED = ("exercises", "programs")
EXTENSION_KEY = "exercise_library"

Signature = tuple[str, tuple[tuple[str, int, int], ...]]

_lock = threading.Lock()


@dataclass
class _State:
    """The loaded library of one app, and what the folder looked like when it was loaded."""

    library: Any
    signature: Signature
    checked: float  # time.monotonic() of the last look at the folder


def content_signature(content_dir: Path | str) -> Signature:
    """Name, mtime and size of every file under exercises/ and programs/ (plus the folder)."""
    root = Path(content_dir)
    entries: list[tuple[str, int, int]] = []
    for sub in WATCHED:
        try:
            with_stats = [(p, p.stat()) for p in (root / sub).iterdir() if p.is_file()]
        except OSError:
            continue  # a missing folder is reported by the loader
        entries += [(f"{sub}/{p.name}", st.st_mtime_ns, st.st_size) for p, st in with_stats]
    return str(root.resolve()), tuple(sorted(entries))


def _content_dir(app: Flask) -> Path:
    return Path(app.config["CONTENT_DIR"])


def current_library() -> Any:
    """The loaded library (profiler.exercises.Library), reloaded when the content changed."""
    app = current_app._get_current_object()
    state: _State | None = app.extensions.get(EXTENSION_KEY)
    # A monotonic timer only throttles disk checks; it is not "the current time" of clock.py.
    moment = time.monotonic()
    if state is not None and moment - state.checked < CHECK_INTERVAL:
        return state.library
    signature = content_signature(_content_dir(app))
    if state is not None:
        state.checked = moment
        if state.signature == signature:
            return state.library
        # Another thread is already reloading: keep serving the previous library meanwhile.
        if not _lock.acquire(blocking=False):
            return state.library
        try:
            return _load(app, signature).library
        finally:
            _lock.release()
    with _lock:
        state = app.extensions.get(EXTENSION_KEY)
        if state is not None and state.signature == signature:
            return state.library
        return _load(app, signature).library


def reload_library() -> Any:
    """Load the library again from disk now (e.g. after an edit outside the admin editor)."""
    app = current_app._get_current_object()
    with _lock:
        return _load(app, content_signature(_content_dir(app))).library


def adopt_library(library: Any, signature: Signature) -> None:
    """Use `library`, already loaded from content matching `signature` (an admin save)."""
    app = current_app._get_current_object()
    with _lock:
        app.extensions[EXTENSION_KEY] = _State(library, signature, time.monotonic())


# Loaded libraries by signature, shared by every app in this process (tests and the
# simulation build many apps over the same content; loading it again would cost seconds).
_loaded: dict[Signature, Any] = {}
_LOADED_MAX = 4


def _load(app: Flask, signature: Signature) -> _State:
    from .exercises import load_library

    library = _loaded.get(signature)
    if library is None:
        library = load_library(_content_dir(app))
        if len(_loaded) >= _LOADED_MAX:
            _loaded.pop(next(iter(_loaded)))
        _loaded[signature] = library
    state = _State(library, signature, time.monotonic())
    app.extensions[EXTENSION_KEY] = state
    return state
