"""Crash-simulation driver: a scheduler-like process the simulation test kills with SIGKILL.

`python sim_driver.py <db_url> <smtp_port> <socket> <progress>` imports the app once and
then serves as a zygote: for every line `spawn <kill-spec>` on stdin it forks a worker.
A worker connects to the test's Unix socket, says `hello <pid>`, and runs what it is told:
`day <date>` runs that day's ticks (every 6 simulated hours: delivery tick + outbox drain,
remembering finished ticks in the progress file, as a restarted scheduler would continue
at the current time) and answers `done <date>`; `drain <iso>` sends what is left.
A kill spec `accept:N`, `tick:N` or `send:N` makes the worker SIGKILL itself at the N-th
such point (after the SMTP server accepted a mail / before a tick's commit / before an
SMTP send); `none` only dies when the test kills it.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from profiler import create_app  # noqa: E402
from profiler.delivery import deliver  # noqa: E402
from profiler.extensions import db  # noqa: E402
from profiler.mail import backend_for  # noqa: E402
from profiler.models import MailStatus, OutboxMail  # noqa: E402
from profiler.outbox import send_due  # noqa: E402

HOURS = range(0, 24, 6)
SENDER = "Profiler <noreply@profiler.local>"


def everything_is_a_step(_exercise_id: str) -> str:
    """The simulated plans hold numbered steps only: one item per delivery."""
    return "exercise"


class Killer:
    """Counts the points of one kind and dies at the chosen one."""

    def __init__(self, spec: str):
        kind, _, n = spec.partition(":")
        self.kind, self.at, self.seen = kind, int(n or 0), 0

    def point(self, kind: str) -> None:
        if kind != self.kind:
            return
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


class KillingBackend:
    """The real SMTP backend with a kill point before each send."""

    def __init__(self, inner, killer: Killer):
        self.inner, self.killer = inner, killer

    def send(self, message, before_data=None) -> None:
        self.killer.point("send")
        self.inner.send(message, before_data=before_data)

    def close(self) -> None:
        self.inner.close()


def run_worker(app, sock_path: str, progress: Path, killer: Killer) -> None:
    """Serve the test's commands until told to exit (or killed)."""
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(sock_path)
    stream = conn.makefile("rw", buffering=1)
    stream.write(f"hello {os.getpid()}\n")
    with app.app_context():
        for line in stream:
            command, _, arg = line.strip().partition(" ")
            if command == "day":
                run_day(app, date.fromisoformat(arg), progress, killer)
                stream.write(f"done {arg}\n")
            elif command == "drain":
                drain(app, datetime.fromisoformat(arg), killer)
                stream.write("drained\n")
            else:
                break
    os._exit(0)


def send(app, now: datetime, killer: Killer) -> None:
    backend = KillingBackend(backend_for(app), killer)
    send_due(db.session, backend, SENDER, now, after_accept=lambda _m: killer.point("accept"))


def run_day(app, day: date, progress: Path, killer: Killer) -> None:
    done = set(progress.read_text().split()) if progress.exists() else set()
    for hour in HOURS:
        mark = f"{day.isoformat()}T{hour:02d}"
        if mark in done:
            continue
        now = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        deliver(
            db.session,
            now,
            kind_of=everything_is_a_step,
            before_commit=lambda _r: killer.point("tick"),
        )
        send(app, now, killer)
        with progress.open("a") as fh:
            fh.write(mark + "\n")


def drain(app, start: datetime, killer: Killer) -> None:
    now = start
    for _ in range(60):
        send(app, now, killer)
        left = (
            db.session.query(OutboxMail)
            .filter(OutboxMail.status.in_([MailStatus.PENDING.value, MailStatus.SENDING.value]))
            .count()
        )
        db.session.rollback()
        if not left:
            return
        now += timedelta(hours=6)


def main() -> None:
    db_url, smtp_port, sock_path, progress = sys.argv[1:5]
    app = create_app(
        "config.Testing",
        SQLALCHEMY_DATABASE_URI=db_url,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=int(smtp_port),
        SMTP_TIMEOUT=5,
    )
    with app.app_context():
        try:  # load the exercise library once, before forking: workers start at once
            from profiler.library import current_library

            current_library()
        except Exception:  # noqa: BLE001 - mails fall back to exercise ids
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    for line in sys.stdin:
        command, _, spec = line.strip().partition(" ")
        if command != "spawn":
            break
        if os.fork() == 0:
            sys.stdin.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            run_worker(app, sock_path, Path(progress), Killer(spec))
        print("spawned", flush=True)


if __name__ == "__main__":
    main()
