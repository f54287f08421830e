"""Data rights: deletion removes everything, retention purges old enrollments, the privacy page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from profiler import audit
from profiler.extensions import db as _db
from profiler.models import (
    Answer,
    AnswerRevision,
    AuditEvent,
    CheckIn,
    CoachNote,
    Comment,
    Enrollment,
    OutboxMail,
    PlanItem,
    User,
)
from profiler.retention import months_before, purge_finished
from profiler.user_admin import delete_client
from tests.conftest import LOGGED_ABOUT_CLIENT, csrf_token
from tests.security.conftest import MARKER, client_as, enroll_open

NOW = datetime(2028, 6, 1, 12, 0, tzinfo=UTC)


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return _db.session.scalar(query)


def _everything_of(client_id: int) -> dict[str, int]:
    counts = {
        "answers": _count(Answer, client_id=client_id),
        "comments": _count(Comment, client_id=client_id),
        "notes": _count(CoachNote, client_id=client_id),
        "checkins": _count(CheckIn, client_id=client_id),
        "mails": _count(OutboxMail, user_id=client_id),
        "enrollments": _count(Enrollment, client_id=client_id),
        "audit": _count(AuditEvent, client_id=client_id),
        "user": _count(User, id=client_id),
    }
    try:
        from profiler.documents.models import DocumentChoices

        counts["documents"] = _count(DocumentChoices, client_id=client_id)
    except ImportError:  # the documents feature is not there yet
        pass
    return counts


def _add_document_choices(client) -> None:
    try:
        from profiler.documents.models import DocumentChoices
    except ImportError:
        return
    _db.session.add(
        DocumentChoices(
            client_id=client.id,
            layout="classic",
            section_order=[],
            hidden=[],
            shown_details=[],
            photo=b"\xff\xd8 jpeg bytes",
            updated_at=NOW,
        )
    )
    _db.session.commit()


def test_deleting_a_client_leaves_nothing_behind(app, world):
    client = world.client_a
    _add_document_choices(client)
    cache = Path(app.instance_path) / "pdf-cache"
    (cache / str(client.id)).mkdir(parents=True, exist_ok=True)
    (cache / str(client.id) / "pitch-abc.pdf").write_bytes(b"%PDF " + MARKER.encode())
    (cache / "pitch-def.pdf").write_bytes(b"%PDF " + MARKER.encode())  # from before owners
    (cache / str(world.client_b.id)).mkdir()
    (cache / str(world.client_b.id) / "pitch-ghi.pdf").write_bytes(b"%PDF Bram")
    assert all(_everything_of(client.id).values())
    client_id = client.id
    delete_client(_db.session, client, by=world.admin, now=NOW)
    _db.session.commit()
    assert not any(_everything_of(client_id).values()), _everything_of(client_id)
    assert _db.session.scalar(select(func.count()).select_from(AnswerRevision)) == 1  # Bram's
    assert [path.name for path in cache.iterdir()] == [str(world.client_b.id)]  # Bram's stays
    # Nothing with the marker is left in any table, the audit log included.
    for table in _db.metadata.sorted_tables:
        for row in _db.session.execute(select(table)).all():
            assert MARKER not in repr(row), table.name


def test_retention_removes_clients_whose_enrollments_finished_long_ago(app, world):
    session = _db.session
    world.client_a.enrollment.finished_at = datetime(2026, 5, 1, tzinfo=UTC)
    world.client_b.enrollment.finished_at = datetime(2026, 7, 1, tzinfo=UTC)
    session.commit()
    client_a_id = world.client_a.id
    result = purge_finished(session, NOW, months=24)
    session.commit()
    assert (result.clients, result.enrollments) == (1, 1)
    assert session.get(User, client_a_id) is None
    assert not any(_everything_of(client_a_id).values())
    assert session.get(User, world.client_b.id) is not None  # finished only 23 months ago
    again = purge_finished(session, NOW, months=24)  # idempotent
    assert (again.clients, again.enrollments) == (0, 0)


def test_retention_keeps_a_client_who_started_again(app, world):
    session = _db.session
    world.client_a.enrollment.finished_at = datetime(2025, 1, 1, tzinfo=UTC)
    session.commit()
    enroll_open(world.client_a)  # a second, running enrollment
    session.commit()
    result = purge_finished(session, NOW, months=24)
    session.commit()
    assert (result.clients, result.enrollments) == (0, 1)
    session.expire_all()
    client = session.get(User, world.client_a.id)
    assert len(client.enrollments) == 1 and client.enrollments[0].finished_at is None
    assert _count(Answer, client_id=client.id) == 2
    assert _count(PlanItem) > 0


def test_months_before_clamps_to_the_end_of_the_month():
    assert months_before(datetime(2028, 3, 31, tzinfo=UTC), 1) == datetime(2028, 2, 29, tzinfo=UTC)
    assert months_before(datetime(2028, 6, 1, tzinfo=UTC), 24) == datetime(2026, 6, 1, tzinfo=UTC)


def test_the_client_sees_who_looked_at_their_data(app, world):
    coach_http = client_as(app, world, "coach_a")
    assert coach_http.get(f"/coach/clients/{world.client_a.id}").status_code == 200
    audit.record(
        _db.session, actor=world.admin, client=world.client_a, action="user.coach_assigned", now=NOW
    )
    _db.session.commit()
    http = client_as(app, world, "client_a")
    page = http.get("/me/privacy")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert "Karin" in html and "bekeek je overzicht" in html
    assert "Ada" in html and "beheerder" in html
    assert "127.0.0.1" in html  # the client's own logins, with where from
    other = client_as(app, world, "client_b").get("/me/privacy").get_data(as_text=True)
    assert "Karin" not in other and MARKER not in other


def test_every_coach_view_of_client_data_is_logged_with_ip(app, world):
    http = client_as(app, world, "coach_a")
    before = _count(AuditEvent, client_id=world.client_a.id)
    for url in (
        f"/coach/clients/{world.client_a.id}",
        f"/coach/clients/{world.client_a.id}/exercises/self_image",
        f"/coach/clients/{world.client_a.id}/prepare",
    ):
        assert http.get(url).status_code == 200
    events = _db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.client_id == world.client_a.id)
        .order_by(AuditEvent.id.desc())
        .limit(3)
    ).all()
    assert _count(AuditEvent, client_id=world.client_a.id) == before + 3
    assert all(e.actor_id == world.coach_a.id and e.ip == "127.0.0.1" for e in events)


def test_changes_made_inside_services_are_logged_with_ip_too(app, world):
    http = client_as(app, world, "coach_a")
    token = csrf_token(http, "/account/two-factor")
    url = f"/coach/clients/{world.client_a.id}/notes"
    assert http.post(url, data={"body": "Gesprek ging goed", "csrf_token": token}).status_code < 400
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "note.added").order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None and event.ip == "127.0.0.1"


def test_the_data_export_has_everything_and_is_escaped(app, world):
    http = client_as(app, world, "client_a")
    data = http.get("/me/data.json").get_json()
    dumped = repr(data)
    assert dumped.count(MARKER) >= 3  # name, answers, comments
    page = http.get("/me/data").get_data(as_text=True)
    assert "<script" not in page.split("</footer>")[0].lower() or "nonce" in page


def test_the_privacy_page_says_every_change_in_words(app, world):
    for n, (action, detail) in enumerate(LOGGED_ABOUT_CLIENT):
        actor = None if action.startswith("retention.") else world.coach_a
        audit.record(
            _db.session,
            actor=actor,
            client=world.client_a,
            action=action,
            now=NOW.replace(minute=n),
            **detail,
        )
    _db.session.commit()
    html = client_as(app, world, "client_a").get("/me/privacy").get_data(as_text=True)
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    for action, _detail in LOGGED_ABOUT_CLIENT:
        assert action not in table, f"{action} is shown as a code"
    # The reason a coach gives for a pause is for staff only: the pause form promises so.
    assert "vakantie" not in html and "reden" not in table
    for words in [
        "zette je training op pauze tot",
        "zette Zelfbeeld voor je open",
        "zette Zelfbeeld een plek naar voren in je plan",
        "plande jullie volgende gesprek op",
        "zette je maildagen op maandag en woensdag om 08:00",
        "sloot je training af",
        "noteerde dat jullie een gesprek hadden",
        "zette je account uit",
        "Profiler (automatisch)",
    ]:
        assert words in table, words
