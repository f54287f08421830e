"""Build and start the APScheduler jobs."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from profiler import clock
from profiler.extensions import db
from profiler.mail import backend_for
from profiler.outbox import send_due


def send_outbox(app: Flask) -> None:
    """One drain of the outbox."""
    with app.app_context():
        send_due(db.session, backend_for(app), app.config["MAIL_FROM"], clock.now())
        db.session.remove()


def start_background(app: Flask) -> BackgroundScheduler:
    """Start the jobs in a background thread of this process."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        send_outbox,
        "interval",
        seconds=15,
        args=[app],
        id="outbox",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=300,
    )
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    return scheduler
