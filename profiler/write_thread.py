"""Database writes on a thread of their own, one job after the other, each committed.

The delivery tick and the outbox sender both alternate between work in Python (rendering
mails, talking SMTP) and waiting for the database. With the writes on a second thread, the
next piece of work starts while the database is still busy with the last one. Jobs run in
the order they are given and never side by side: `submit` first waits until the previous
job is committed, and raises what that job raised.

The connection is made on the thread that uses it (SQLite connections stay on their
thread), when the first job comes, and closed there by `close`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, Engine


def plain(engine: Engine) -> Connection:
    """A connection with transactions: a job's writes are committed together."""
    return engine.connect()


class WriteThread:
    """Runs `job(connection, *args)` then commits (rolls back when the job raises)."""

    def __init__(self, engine: Engine, connect: Callable[[Engine], Connection] = plain) -> None:
        self._engine = engine
        self._connect = connect
        self._thread: ThreadPoolExecutor | None = None
        self._conn: Connection | None = None
        self._pending: Future | None = None

    def submit(self, job: Callable[..., Any], *args: Any) -> None:
        """Start `job` once the previous one is committed (raises what that one raised)."""
        self.wait()
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writes")
        self._pending = self._thread.submit(self._run, job, *args)

    def run(self, job: Callable[..., Any], *args: Any) -> Any:
        """Like `submit`, and wait for it: what `job` returned."""
        self.submit(job, *args)
        return self.wait()

    def wait(self) -> Any:
        """Until the last job is committed: what it returned; raises what it raised."""
        pending, self._pending = self._pending, None
        return pending.result() if pending is not None else None

    def close(self) -> None:
        """Wait for the last job, then close the connection and the thread."""
        try:
            self.wait()
        finally:
            if self._thread is not None:
                self._thread.submit(self._close).result()
                self._thread.shutdown()
                self._thread = None

    def _run(self, job: Callable[..., Any], *args: Any) -> Any:
        if self._conn is None:
            self._conn = self._connect(self._engine)
        try:
            result = job(self._conn, *args)
            self._conn.commit()
        except BaseException:
            self._conn.rollback()
            raise
        return result

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
