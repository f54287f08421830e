"""A `limits` storage kept in the app's own SQL database, shared by every worker process.

Registered under the scheme ``database://``: Flask-Limiter then counts login attempts in the
table ``rate_limits`` of the application database (SQLite on one machine, PostgreSQL in
production), so all gunicorn workers and both app servers see the same counters. Redis
(``redis://host:6379/0``) is the alternative for a larger installation.
"""

from __future__ import annotations

import hashlib
import time

from flask import has_app_context
from limits.storage import Storage
from sqlalchemy import Float, Integer, String, case, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..database import upsert_insert
from ..extensions import db

SCHEME = "database"
MAX_KEY = 200


class RateLimitCounter(db.Model):
    """One fixed-window counter: how often `key` was hit until `expires_at` (epoch seconds)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(MAX_KEY), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


def _key(key: str) -> str:
    """Keys contain the typed e-mail address; long ones are hashed to fit the column."""
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class DatabaseStorage(Storage):
    """Fixed-window counters in the application database (one atomic upsert per hit).

    The windows follow `time.time()` because the `limits` library computes them that way;
    this is infrastructure, not business time, so it does not go through `profiler.clock`.
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        """The URI carries no address: the counters live in the app's database."""
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        """Database errors count as storage errors (Flask-Limiter may swallow them)."""
        return SQLAlchemyError

    @staticmethod
    def _engine():
        if not has_app_context():
            raise RuntimeError("the database rate-limit storage needs an app context")
        return db.engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter, starting a new window when the old one has expired."""
        engine = self._engine()
        now = time.time()
        table = RateLimitCounter.__table__
        insert = upsert_insert(engine.dialect.name)
        expired = table.c.expires_at <= now
        statement = (
            insert(table)
            .values(key=_key(key), count=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((expired, amount), else_=table.c.count + amount),
                    "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
                },
            )
            .returning(table.c.count)
        )
        with engine.begin() as conn:
            count = conn.execute(statement).scalar_one()
            # Keep the table small: windows that ended an hour ago are of no use.
            conn.execute(delete(table).where(table.c.expires_at < now - 3600))
        return int(count)

    def _row(self, key: str):
        table = RateLimitCounter.__table__
        with self._engine().connect() as conn:
            return conn.execute(
                select(table.c.count, table.c.expires_at).where(table.c.key == _key(key))
            ).first()

    def get(self, key: str) -> int:
        """The current count in the running window (0 when none)."""
        row = self._row(key)
        if row is None or row.expires_at <= time.time():
            return 0
        return int(row.count)

    def get_expiry(self, key: str) -> float:
        """When the running window ends (epoch seconds)."""
        row = self._row(key)
        if row is None or row.expires_at <= time.time():
            return time.time()
        return float(row.expires_at)

    def check(self) -> bool:
        """True when the table answers."""
        try:
            with self._engine().connect() as conn:
                conn.execute(select(RateLimitCounter.__table__.c.key).limit(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Remove every counter."""
        with self._engine().begin() as conn:
            return conn.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        """Remove one counter."""
        with self._engine().begin() as conn:
            table = RateLimitCounter.__table__
            conn.execute(delete(table).where(table.c.key == _key(key)))
