"""Migrations: first migration -> head on a database with data, and a downgrade/upgrade trip.

On SQLite and on PostgreSQL, with the app (flask_migrate.upgrade/downgrade) as operations
run them (`flask db upgrade`).
"""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from profiler import create_app
from profiler.extensions import db as _db
from tests.conftest import ROOT

MIGRATIONS = str(ROOT / "migrations")
FIRST = "e8f12e868831"  # 0001_initial_schema
ROWS = {
    "users": "INSERT INTO users (id, email, name, role, password_hash, active, locale, timezone,"
    " session_version, created_at) VALUES (1, 'sanne@example.nl', 'Sanne', 'client', 'x', "
    ":yes, 'nl', 'Europe/Amsterdam', 1, '2026-03-01 08:00:00')",
    "enrollments": "INSERT INTO enrollments (id, client_id, program_id, start_date, weekdays,"
    " send_time, timezone, reminders, all_unlocked, work_ahead_allowed, reminders_sent,"
    " created_at) VALUES (1, 1, 'persoonlijk_profiel', '2026-03-02', '0,1,2,3,4', '08:00:00',"
    " 'Europe/Amsterdam', 'weekly', :no, :no, 0, '2026-03-01 08:00:00')",
    "plan_items": "INSERT INTO plan_items (id, enrollment_id, exercise_id, position, optional,"
    " skipped, flagged, unlocked_at) VALUES (1, 1, 'self_image', 0, :no, :no, :no,"
    " '2026-03-02 07:00:00')",
    "answers": "INSERT INTO answers (id, client_id, exercise_id, field_id, value, revision,"
    " created_at, updated_at) VALUES (1, 1, 'self_image', 'then_now', '\"Rustiger\"', 1,"
    " '2026-03-02 09:00:00', '2026-03-02 09:00:00')",
    "outbox": "INSERT INTO outbox (id, key, kind, user_id, to_addr, subject, text_body, html_body,"
    " headers, message_id, status, attempts, next_attempt_at, created_at) VALUES (1,"
    " 'unlock:1:2026-03-02', 'exercise', 1, 'sanne@example.nl', 'Oefening', 'Hallo', '<p>Hallo"
    "</p>', '{}', '<m1@profiler.local>', 'sent', 1, '2026-03-02 07:00:00',"
    " '2026-03-02 07:00:00')",
}


def fill_first_schema() -> None:
    """Rows in the tables of the first migration."""
    with _db.engine.begin() as conn:
        for sql in ROWS.values():
            conn.execute(text(sql), {"yes": True, "no": False})


def counts() -> dict[str, int]:
    with _db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ROWS}


def test_upgrade_from_the_first_migration_keeps_the_data(empty_app):
    upgrade(directory=MIGRATIONS, revision=FIRST)
    fill_first_schema()
    upgrade(directory=MIGRATIONS)
    assert counts() == {table: 1 for table in ROWS}
    columns = {c["name"] for c in inspect(_db.engine).get_columns("users")}
    assert {"totp_secret", "totp_last_step", "recovery_codes"} <= columns
    tables = set(inspect(_db.engine).get_table_names())
    assert {"rate_limits", "document_choices"} <= tables
    outbox = {c["name"] for c in inspect(_db.engine).get_columns("outbox")}
    assert "raw_message" in outbox  # a mail queued before it has none: built when sent
    due = {i["name"]: i["column_names"] for i in inspect(_db.engine).get_indexes("outbox")}
    assert due["ix_outbox_due"] == ["status", "next_attempt_at", "id"]
    log = {i["name"]: i["column_names"] for i in inspect(_db.engine).get_indexes("audit_events")}
    assert log["ix_audit_events_at_id"] == ["at", "id"] and "ix_audit_events_at" not in log


def test_downgrade_to_the_first_migration_and_up_again(empty_app):
    upgrade(directory=MIGRATIONS, revision=FIRST)
    fill_first_schema()
    upgrade(directory=MIGRATIONS)
    downgrade(directory=MIGRATIONS, revision=FIRST)
    assert counts() == {table: 1 for table in ROWS}
    assert "rate_limits" not in set(inspect(_db.engine).get_table_names())
    assert "raw_message" not in {c["name"] for c in inspect(_db.engine).get_columns("outbox")}
    upgrade(directory=MIGRATIONS)
    assert counts() == {table: 1 for table in ROWS}
    downgrade(directory=MIGRATIONS, revision="base")
    assert "users" not in set(inspect(_db.engine).get_table_names())
    upgrade(directory=MIGRATIONS)
    assert "document_choices" in set(inspect(_db.engine).get_table_names())


def test_the_migrations_build_the_schema_the_models_describe(empty_app):
    """What `flask db upgrade` makes is what the code expects: no table, column, index or
    type that a migration forgot (or a model lost)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    upgrade(directory=MIGRATIONS)
    with _db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), _db.metadata)
    assert differences == []


@pytest.mark.postgres
def test_a_failed_concurrent_index_build_is_not_kept(pg_url):
    """docs/deployment.md has the audit index built by hand first, concurrently. If that
    build failed, PostgreSQL keeps an invalid index under the name: the migration must build
    it again, not keep it and drop the good old index."""
    app = create_app("config.Testing", SQLALCHEMY_DATABASE_URI=pg_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="b7e3c91f4a26")
        with _db.engine.begin() as conn:
            for _ in range(2):  # the same moment twice: a unique index on it cannot be built
                conn.execute(
                    text(
                        "INSERT INTO audit_events (at, action, detail)"
                        " VALUES ('2026-03-02 08:00:00', 'auth.login', '{}')"
                    )
                )
        with _db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            with pytest.raises(IntegrityError):
                conn.execute(
                    text(
                        "CREATE UNIQUE INDEX CONCURRENTLY ix_audit_events_at_id"
                        " ON audit_events (at)"
                    )
                )
        upgrade(directory=MIGRATIONS)
        with _db.engine.connect() as conn:
            valid = conn.execute(
                text(
                    "SELECT i.indisvalid FROM pg_index i JOIN pg_class c"
                    " ON c.oid = i.indexrelid WHERE c.relname = 'ix_audit_events_at_id'"
                )
            ).scalar_one()
        log = {
            i["name"]: i["column_names"] for i in inspect(_db.engine).get_indexes("audit_events")
        }
        assert valid and log["ix_audit_events_at_id"] == ["at", "id"]
        _db.session.remove()
        _db.engine.dispose()
