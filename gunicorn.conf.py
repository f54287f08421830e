"""gunicorn settings for Profiler: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from __future__ import annotations

import gc
import multiprocessing
import os

bind = os.environ.get("PROFILER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PROFILER_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# One thread per worker: the pages are CPU-bound Python, and a second thread in the same
# process waits for the GIL after every database call (up to the 5 ms switch interval each
# time). Measured with bench/bench_web.py at 20 connections: the exercise page served
# 54 req/s with 2 threads per worker and 125 req/s with 1. gthread still keeps connections
# alive between requests.
threads = int(os.environ.get("PROFILER_THREADS", "1"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# One JSON object per line, so log shippers can parse access logs too. Behind nginx "remote" is
# the visitor's address: the app takes it from nginx's X-Forwarded-For (PROFILER_PROXY_HOPS).
access_log_format = (
    '{"ts":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
    '"bytes":"%(B)s","duration_ms":%(M)s,"agent":"%(a)s"}'
)
forwarded_allow_ips = os.environ.get("PROFILER_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The web process never runs the scheduler in production: `python -m scheduler` does.
_embedded = os.environ.get("PROFILER_EMBEDDED_SCHEDULER", "0")
raw_env = ["PROFILER_EMBEDDED_SCHEDULER=" + _embedded]
# Import the app and load the exercise library (1-3 s of CPU) once, in the master, before
# forking: workers start in milliseconds and share that memory, also when max_requests
# recycles them. New code therefore needs a restart (or USR2), not a HUP.
preload_app = os.environ.get("PROFILER_PRELOAD", "1") == "1" and _embedded != "1"


def _warm(app) -> None:
    """Load the exercise library now, so no request pays for it."""
    from profiler.library import current_library

    with app.app_context():
        current_library()


def when_ready(server) -> None:
    """Master, preloaded app: warm it before the first worker is forked.

    Then move everything loaded so far out of the garbage collector's reach: the workers
    share those pages with the master instead of copying them when a collection touches
    them, and collections only walk what a request allocates.
    """
    if server.cfg.preload_app:
        _warm(server.app.wsgi())
        gc.collect()
        gc.freeze()


def post_fork(server, worker) -> None:
    """A forked worker must not reuse database connections the master may have opened."""
    if server.cfg.preload_app:
        from profiler.extensions import db

        app = server.app.wsgi()
        with app.app_context():
            db.engine.dispose(close=False)


def post_worker_init(worker) -> None:
    """Without preloading, each worker loads the library before it takes requests."""
    if not worker.cfg.preload_app:
        _warm(worker.wsgi)
