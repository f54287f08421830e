"""The audit log stays quick as it grows: a page of it is read through an index, not by
joining and sorting every event (PostgreSQL's plan before ix_audit_events_at_id)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, text

from profiler import audit
from profiler.extensions import db as _db
from profiler.models import AuditEvent, Role
from tests.conftest import T0, make_user

pytestmark = pytest.mark.postgres


def test_a_page_of_a_long_audit_log_is_read_through_the_index(pg_app):
    coach = make_user(Role.COACH, "karin@example.nl", "Karin")
    client = make_user(Role.CLIENT, "sanne@example.nl", "Sanne", coach=coach)
    _db.session.execute(
        insert(AuditEvent),
        [
            dict(
                at=T0 + timedelta(minutes=n),
                actor_id=coach.id,
                client_id=client.id,
                action="coach.viewed_answers",
                detail={},
            )
            for n in range(20_000)
        ],
    )
    _db.session.commit()
    _db.session.execute(text("ANALYZE audit_events"))
    page = audit.search().limit(101).offset(0)
    sql = page.compile(dialect=_db.engine.dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[0] for row in _db.session.execute(text(f"EXPLAIN {sql}")))
    assert "Index Scan Backward using ix_audit_events_at_id" in plan, plan
    assert "Sort" not in plan, plan
    newest = _db.session.execute(page).first()
    assert newest[0].at == T0 + timedelta(minutes=19_999) and newest[2].name == "Sanne"
