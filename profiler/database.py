"""Database engine settings: SQLite with WAL, foreign keys and a busy timeout; the INSERT
with ON CONFLICT of each supported dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine


def configure_engine(engine: Engine) -> None:
    """Apply per-connection pragmas on SQLite; PostgreSQL needs nothing here."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def upsert_insert(dialect: str) -> Any:
    """`insert` with `on_conflict_do_*` for the dialect: PostgreSQL's, or SQLite's."""
    return pg_insert if dialect == "postgresql" else sqlite_insert
