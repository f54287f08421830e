"""The scheduler's jobs and the lease that keeps exactly one scheduler active.

APScheduler only triggers: the delivery tick reads what is due from the database and the
sender reads what is pending, so a late, missed or repeated trigger loses and doubles
nothing. The lease row decides which process may run the jobs: the holder renews it every
LEASE_RENEW seconds; it expires after 3x that, when another process takes over.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from profiler import clock
from profiler.delivery import deliver
from profiler.extensions import db
from profiler.mail import backend_for
from profiler.models import SchedulerLease
from profiler.outbox import send_due
from profiler.retention import purge_finished, purge_outbox
from profiler.user_admin import sweep_cached_documents

log = logging.getLogger("scheduler")

LEASE_NAME = "scheduler"
DEFAULTS = {
    "SCHEDULER_TICK_SECONDS": 60,
    "SCHEDULER_SEND_SECONDS": 5,
    "SCHEDULER_LEASE_SECONDS": 10,
}


def setting(app: Flask, name: str) -> float:
    """A scheduler interval: app config, else PROFILER_<name>, else the default."""
    value = app.config.get(name) or os.environ.get(f"PROFILER_{name}") or DEFAULTS[name]
    return float(value)


def acquire_lease(session: Session, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; True when `holder` holds it until now + ttl. Commits."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(SchedulerLease)
        .values(name=LEASE_NAME, holder=holder, expires_at=now - timedelta(seconds=1))
        .on_conflict_do_nothing(index_elements=["name"])
    )
    result = session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == LEASE_NAME,
            or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now),
        )
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def release_lease(session: Session, holder: str, now: datetime) -> None:
    """Give the lease up at once (graceful stop), so a standby takes over quickly."""
    session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
        .values(expires_at=now - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    session.commit()


class Runner:
    """The jobs of one scheduler process (or of the web process in embedded mode)."""

    def __init__(self, app: Flask, holder: str | None = None):
        self.app = app
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.renew = setting(app, "SCHEDULER_LEASE_SECONDS")
        self.ttl = timedelta(seconds=3 * self.renew)
        self.valid_until: datetime | None = None
        self.stopping = threading.Event()
        self._tick_lock = threading.Lock()
        self._send_lock = threading.Lock()

    def is_active(self) -> bool:
        """True while this process holds an unexpired lease (by its own clock)."""
        return self.valid_until is not None and clock.now() < self.valid_until

    def keep_lease(self) -> None:
        """Job: take or renew the lease."""
        if self.stopping.is_set():
            return
        with self.app.app_context():
            now = clock.now()
            try:
                held = acquire_lease(db.session, self.holder, now, self.ttl)
            except SQLAlchemyError:
                db.session.rollback()
                log.exception("lease: database error")
                held = False
            finally:
                db.session.remove()
        was = self.is_active()
        # A renewal counts from before the query: never trust the lease longer than granted.
        self.valid_until = now + self.ttl - timedelta(seconds=self.renew) if held else None
        if held and not was:
            log.info("lease acquired by %s", self.holder)
        elif was and not held:
            log.warning("lease lost by %s", self.holder)

    def tick(self) -> None:
        """Job: one delivery tick, when this process is the active scheduler."""
        if not self.is_active() or self.stopping.is_set():
            return
        with self._tick_lock, self.app.app_context():
            try:
                report = deliver(db.session, clock.now())
                if report.delivered or report.reminders or report.resumed:
                    log.info(
                        "delivered %d, reminders %d, resumed %d (holder %s)",
                        report.delivered,
                        report.reminders,
                        report.resumed,
                        self.holder,
                    )
            except Exception:
                db.session.rollback()
                log.exception("delivery tick failed")
            finally:
                db.session.remove()

    def send(self) -> None:
        """Job: drain the outbox, when this process is the active scheduler."""
        if not self.is_active() or self.stopping.is_set():
            return
        with self._send_lock, self.app.app_context():
            try:
                report = send_due(
                    db.session, backend_for(self.app), self.app.config["MAIL_FROM"], clock.now()
                )
                if report.handled:
                    log.info(
                        "outbox: sent %d, retry %d, failed %d (holder %s)",
                        report.sent,
                        report.retried,
                        report.failed,
                        self.holder,
                    )
            except Exception:
                db.session.rollback()
                log.exception("outbox drain failed")
            finally:
                db.session.remove()

    def purge(self) -> None:
        """Job: remove what is past its retention period, enrollments and mails (idempotent)."""
        if not self.is_active() or self.stopping.is_set():
            return
        with self._tick_lock, self.app.app_context():
            try:
                purged = purge_finished(
                    db.session, clock.now(), int(self.app.config["RETENTION_MONTHS"])
                )
                db.session.commit()
                swept = sweep_cached_documents(db.session)  # PDFs of clients deleted earlier
                if swept:
                    log.info("retention: removed the cached PDFs of %d deleted clients", swept)
                if purged.clients or purged.enrollments:
                    log.info(
                        "retention: removed %d clients, %d enrollments",
                        purged.clients,
                        purged.enrollments,
                    )
            except Exception:
                db.session.rollback()
                log.exception("retention purge failed")
            try:
                days = int(self.app.config["OUTBOX_KEEP_DAYS"])
                removed = purge_outbox(db.session, clock.now(), days)
                if removed:
                    log.info("retention: removed %d outbox mails older than %d days", removed, days)
            except Exception:
                db.session.rollback()
                log.exception("outbox purge failed")
            finally:
                db.session.remove()

    def add_jobs(self, scheduler: BaseScheduler) -> None:
        """The jobs; coalesced, one instance each, generous misfire grace."""
        now = datetime.now(scheduler.timezone)
        common: dict[str, Any] = dict(coalesce=True, max_instances=1, misfire_grace_time=3600)
        scheduler.add_job(
            self.keep_lease,
            "interval",
            seconds=self.renew,
            id="lease",
            next_run_time=now,
            **common,
        )
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=setting(self.app, "SCHEDULER_TICK_SECONDS"),
            id="deliver",
            next_run_time=now + timedelta(seconds=1),
            **common,
        )
        scheduler.add_job(
            self.send,
            "interval",
            seconds=setting(self.app, "SCHEDULER_SEND_SECONDS"),
            id="outbox",
            next_run_time=now + timedelta(seconds=2),
            **common,
        )
        scheduler.add_job(
            self.purge,
            "interval",
            hours=6,
            id="retention",
            next_run_time=now + timedelta(minutes=1),
            **common,
        )

    def stop(self) -> None:
        """Stop taking work, let running jobs finish (they commit), give the lease back."""
        self.stopping.set()
        with self._tick_lock, self._send_lock:
            pass
        if self.valid_until is None:
            return
        self.valid_until = None
        with self.app.app_context():
            try:
                release_lease(db.session, self.holder, clock.now())
            except SQLAlchemyError:
                log.exception("lease release failed")
            finally:
                db.session.remove()
        log.info("lease released by %s", self.holder)


def start_background(app: Flask) -> BackgroundScheduler:
    """Start the jobs in a background thread of this process (embedded mode), once."""
    existing = app.extensions.get("scheduler")
    if existing is not None:
        return existing
    runner = Runner(app)
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    runner.add_jobs(scheduler)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    app.extensions["scheduler_runner"] = runner
    return scheduler


def run_forever(app: Flask) -> None:
    """`python -m scheduler`: block, run the jobs, stop gracefully on SIGTERM or Ctrl-C."""
    runner = Runner(app)
    scheduler = BlockingScheduler(timezone="UTC")
    runner.add_jobs(scheduler)

    def _stop(signum: int, _frame: object) -> None:
        log.info("signal %s: stopping after the running jobs", signum)
        runner.stopping.set()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("scheduler %s starting (waits for the lease)", runner.holder)
    try:
        scheduler.start()
    finally:
        runner.stop()
        log.info("scheduler %s stopped", runner.holder)
