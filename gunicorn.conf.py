"""gunicorn settings for Profiler: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("PROFILER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PROFILER_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PROFILER_THREADS", "2"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# One JSON object per line, so log shippers can parse access logs too.
access_log_format = (
    '{"ts":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
    '"bytes":"%(B)s","duration_ms":%(M)s,"agent":"%(a)s"}'
)
forwarded_allow_ips = os.environ.get("PROFILER_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The web process never runs the scheduler in production: `python -m scheduler` does.
raw_env = ["PROFILER_EMBEDDED_SCHEDULER=" + os.environ.get("PROFILER_EMBEDDED_SCHEDULER", "0")]
