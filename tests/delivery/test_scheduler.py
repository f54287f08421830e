"""The scheduler lease, and real scheduler processes against one database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from profiler.extensions import db as _db
from profiler.models import OutboxMail
from scheduler.runner import acquire_lease, release_lease
from tests.conftest import ROOT, T0, make_app

from .conftest import make_enrollment

TTL = timedelta(seconds=30)


def test_only_one_holder_until_the_lease_expires(any_app):
    engine = _db.engine
    a, b = Session(bind=engine), Session(bind=engine)
    assert acquire_lease(a, "A", T0, TTL)
    assert not acquire_lease(b, "B", T0 + timedelta(seconds=5), TTL)
    assert acquire_lease(a, "A", T0 + timedelta(seconds=10), TTL)  # renewed
    assert not acquire_lease(b, "B", T0 + timedelta(seconds=35), TTL)  # renewal counts
    assert acquire_lease(b, "B", T0 + timedelta(seconds=41), TTL)  # A died: B takes over
    assert not acquire_lease(a, "A", T0 + timedelta(seconds=42), TTL)
    release_lease(b, "B", T0 + timedelta(seconds=43))
    assert acquire_lease(a, "A", T0 + timedelta(seconds=44), TTL)  # graceful hand-over
    a.close()
    b.close()


def start_scheduler(db_url: str, smtp_port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PROFILER_ENV": "development",
        "PROFILER_DATABASE_URL": db_url,
        "PROFILER_MAIL_BACKEND": "smtp",
        "PROFILER_SMTP_HOST": "127.0.0.1",
        "PROFILER_SMTP_PORT": str(smtp_port),
        "PROFILER_EMBEDDED_SCHEDULER": "0",
        "PROFILER_SCHEDULER_TICK_SECONDS": "1",
        "PROFILER_SCHEDULER_SEND_SECONDS": "0.5",
        "PROFILER_SCHEDULER_LEASE_SECONDS": "0.5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_two_scheduler_processes_only_one_delivers_and_the_other_takes_over(tmp_path, smtp_server):
    db_url = f"sqlite:///{tmp_path}/two.db"
    app = make_app(db_url)
    everyday = (0, 1, 2, 3, 4, 5, 6)
    with app.app_context():
        for n in range(5):
            make_enrollment(
                f"c{n}@example.nl",
                weekdays=everyday,
                send_time=clock_time(0, 0),
                start=date(2020, 1, 1),
                tz="UTC",
            )
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start_scheduler(db_url, smtp_server.port, log) for log in logs]
    try:
        wait_for(lambda: len(smtp_server.messages) >= 5)
        time.sleep(1.5)  # give a second scheduler every chance to (wrongly) deliver too
        texts = [log.read_text() for log in logs]
        leaders = [n for n, text in enumerate(texts) if "lease acquired" in text]
        assert len(leaders) == 1, texts
        leader = leaders[0]
        standby = 1 - leader
        assert "delivered 5" in texts[leader]
        assert "delivered" not in texts[standby] and "outbox: sent" not in texts[standby]
        assert len(smtp_server.messages) == 5

        procs[leader].send_signal(signal.SIGKILL)
        procs[leader].wait(10)
        with app.app_context():
            for n in range(5, 8):
                make_enrollment(
                    f"c{n}@example.nl",
                    weekdays=everyday,
                    send_time=clock_time(0, 0),
                    start=date(2020, 1, 1),
                    tz="UTC",
                )
        wait_for(lambda: len(smtp_server.messages) >= 8)
        time.sleep(1)
        assert "lease acquired" in logs[standby].read_text()
        ids = [m["Message-ID"].strip() for m in smtp_server.messages]
        assert len(ids) == 8 and len(set(ids)) == 8

        procs[standby].send_signal(signal.SIGTERM)
        assert procs[standby].wait(15) == 0
        assert "lease released" in logs[standby].read_text()
        with app.app_context():
            keys = _db.session.scalars(select(OutboxMail.key)).all()
            assert len(keys) == 8
            _db.session.remove()
            _db.engine.dispose()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
