"""The embedded scheduler starts only in a process that serves requests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from profiler.embedded import should_start

CLI = {"FLASK_RUN_FROM_CLI": "true"}


@pytest.mark.parametrize(
    ("argv", "environ", "debug", "expected"),
    [
        (["flask", "db", "upgrade"], CLI, False, False),
        (["flask", "seed-demo"], CLI, False, False),
        (["flask", "run"], CLI, False, True),
        (["flask", "run", "--debug"], CLI, True, False),  # the reloader's watcher
        (["flask", "run", "--debug"], {**CLI, "WERKZEUG_RUN_MAIN": "true"}, True, True),
        (["flask", "run", "--reload"], CLI, False, False),
        (["gunicorn", "wsgi:app"], {}, False, True),
    ],
)
def test_should_start(argv, environ, debug, expected):
    assert should_start(SimpleNamespace(debug=debug), argv, environ) is expected


def test_started_once_per_app(app, monkeypatch):
    from profiler import embedded

    monkeypatch.setattr(embedded, "should_start", lambda *a: True)
    try:
        assert embedded.start_embedded_scheduler(app) is True
        assert embedded.start_embedded_scheduler(app) is False
        assert {job.id for job in app.extensions["scheduler"].get_jobs()} == {
            "lease",
            "deliver",
            "outbox",
            "retention",
        }
    finally:
        app.extensions["scheduler"].shutdown(wait=False)
