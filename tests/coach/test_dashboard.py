"""The dashboard read model: statuses, signals, sorting, and a fixed number of SQL queries."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from profiler import dashboard
from profiler.coach import catalog
from profiler.dashboard import dashboard_page, dashboard_rows
from profiler.extensions import db as _db
from profiler.models import Answer, Enrollment, PlanItem, Role, User
from tests.conftest import T0, make_user

from .conftest import program_steps

CLIENT_LINK = re.compile(r'href="/coach/clients/\d+"')
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def add_clients(coach: User, count: int, start: int = 0) -> None:
    """`count` enrolled clients with some progress, answers and flags (bulk, no hashing)."""
    session = _db.session
    steps = program_steps()
    for n in range(start, start + count):
        user = User(
            email=f"c{n}@example.nl",
            name=f"Cliënt {n:03d}",
            role=Role.CLIENT.value,
            active=True,
            locale="nl",
            timezone="Europe/Amsterdam",
            session_version=1,
            created_at=T0,
            coach_id=coach.id,
            last_activity_at=NOW - timedelta(days=n % 10),
        )
        enrollment = Enrollment(
            client=user,
            program_id="persoonlijk_profiel",
            start_date=date(2026, 3, 2),
            weekdays="0,1,2,3,4",
            timezone="Europe/Amsterdam",
            reminders="weekly",
            all_unlocked=False,
            work_ahead_allowed=False,
            reminders_sent=n % 4,
            created_at=T0,
            paused_by=("coach", "client", None)[n % 3],
            next_session_on=date(2026, 3, 25) if n % 2 else None,
        )
        enrollment.items = [
            PlanItem(
                exercise_id=e,
                position=i,
                optional=False,
                skipped=False,
                flagged=(i == 2 and n % 5 == 0),
                unlocked_at=T0 if i < 4 else None,
                done_at=T0 if i < 3 else None,
            )
            for i, e in enumerate(steps)
        ]
        session.add(enrollment)
        session.flush()
        for field in ("a", "b"):
            session.add(
                Answer(
                    client_id=user.id,
                    exercise_id="self_image",
                    field_id=field,
                    value="x",
                    revision=1,
                    created_at=T0,
                    updated_at=T0 + timedelta(days=1),
                )
            )
    session.commit()


def count_statements(fn) -> int:
    """How many SQL statements `fn` runs."""
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_dashboard_runs_the_same_number_of_queries_for_20_and_200_clients(karin_client, team):
    karin = team["karin"]
    add_clients(karin, 19)  # with Sanne: 20 clients

    def page():
        _db.session.expire_all()  # start each request from a cold session, as in production
        response = karin_client.get("/coach?sort=attention")
        assert response.status_code == 200
        return response

    page()  # warm up (library loading, template compilation)
    with_20 = count_statements(page)
    assert len(CLIENT_LINK.findall(page().get_data(as_text=True))) == 20
    add_clients(karin, 180, start=19)
    with_200 = count_statements(page)
    html = page().get_data(as_text=True)
    assert len(CLIENT_LINK.findall(html)) == 50  # the first page; the pager reaches the rest
    started = time.perf_counter()
    page()
    took = time.perf_counter() - started
    print(f"dashboard page: {with_20} statements for 20 clients, {with_200} for 200; {took:.2f}s")
    assert with_20 == with_200, (with_20, with_200)
    assert with_200 <= 10

    _db.session.refresh(karin)  # page() expired her: count the service's own statements only
    service_20 = count_statements(lambda: dashboard_rows(_db.session, karin, NOW))
    assert service_20 == 4  # substitutes, clients + enrollments, plan items, answers


def test_rows_show_status_progress_new_answers_flags_and_attention(team, db):
    karin = team["karin"]
    sanne = team["sanne"]
    enrollment = sanne.enrollment
    items = enrollment.items
    for item in items[:3]:
        item.unlocked_at = T0
        item.done_at = T0
    items[3].flagged = True
    db.add(
        Answer(
            client_id=sanne.id,
            exercise_id="self_image",
            field_id="x",
            value="hoi",
            revision=1,
            created_at=T0,
            updated_at=NOW - timedelta(days=1),
        )
    )
    db.commit()
    [row] = dashboard_rows(db, karin, NOW)
    assert row.name == "Sanne" and row.status == "active"
    assert (row.done, row.total) == (3, len(items))
    assert row.flagged == 1 and row.new_answers == 1
    # As on the plan pages: only the 17 numbered exercises count toward progress.
    [numbered] = dashboard_rows(db, karin, NOW, unnumbered=catalog.unnumbered_ids())
    assert (numbered.done, numbered.total) == (2, 17)  # q_start done, but it has no number
    assert row.last_activity_at == NOW - timedelta(days=1)
    assert not row.needs_attention

    enrollment.coach_seen_at = NOW - timedelta(hours=1)  # the coach looked after that answer
    db.commit()
    assert dashboard_rows(db, karin, NOW)[0].new_answers == 0

    later = NOW + timedelta(days=8)
    [row] = dashboard_rows(db, karin, later)
    assert row.needs_attention and row.attention_reason == "inactive"

    enrollment.reminders_sent = 3
    db.commit()
    [row] = dashboard_rows(db, karin, NOW)
    assert row.attention_reason == "reminders"


def test_statuses(team, db):
    karin = team["karin"]
    enrollment = team["sanne"].enrollment
    cases = [
        ({"paused_by": "coach"}, "paused_coach"),
        ({"paused_by": "client"}, "paused_client"),
        ({"paused_by": None, "all_unlocked": True}, "all_unlocked"),
        ({"finished_at": NOW}, "finished"),
    ]
    assert dashboard_rows(db, karin, NOW)[0].status == dashboard.status_of(enrollment) == "active"
    for changes, expected in cases:
        for key, value in changes.items():
            setattr(enrollment, key, value)
        db.commit()
        assert dashboard_rows(db, karin, NOW)[0].status == expected
        assert dashboard.status_of(enrollment) == expected  # the SQL and its Python twin agree
    assert dashboard.status_of(None) == "not_enrolled"


def test_filter_search_and_sort(team, db):
    karin = team["karin"]
    add_clients(karin, 6)
    rows = dashboard_rows(db, karin, NOW, sort="name")
    assert [r.name for r in rows] == sorted(r.name for r in rows)
    paused = dashboard_rows(db, karin, NOW, status="paused_coach")
    assert paused and all(r.status == "paused_coach" for r in paused)
    assert [r.name for r in dashboard_rows(db, karin, NOW, search="sAnN")] == ["Sanne"]
    for typed in ("%", "_", "s_nne", "/"):  # letters, not wildcards: nobody is called that
        assert dashboard_rows(db, karin, NOW, search=typed) == [], typed
    attention = dashboard_rows(db, karin, NOW, attention_only=True)
    assert attention and all(r.needs_attention for r in attention)
    first = dashboard_rows(db, karin, NOW, sort="attention")
    assert first[0].needs_attention
    by_activity = dashboard_rows(db, karin, NOW, sort="activity")
    moments = [r.last_activity_at for r in by_activity if r.last_activity_at]
    assert moments == sorted(moments, reverse=True)
    by_session = dashboard_rows(db, karin, NOW, sort="session")
    assert by_session[0].next_session_on is not None and by_session[-1].next_session_on is None


def test_dashboard_page_filters_through_the_query_string(karin_client, team):
    html = karin_client.get("/coach?q=zzz").get_data(as_text=True)
    assert "Geen cliënten gevonden" in html
    html = karin_client.get("/coach?status=active&sort=progress").get_data(as_text=True)
    assert "Sanne" in html
    assert karin_client.get("/coach?status=bogus&sort=bogus").status_code == 200


@pytest.mark.postgres
def test_dashboard_query_runs_on_postgresql_with_fixed_queries(pg_app):
    karin = make_user(Role.COACH, "karin@example.nl", "Karin")
    add_clients(karin, 5)
    _db.session.expire_all()
    assert karin.role == "coach"  # loaded again before counting
    rows = []
    count = count_statements(lambda: rows.extend(dashboard_rows(_db.session, karin, NOW)))
    assert len(rows) == 5 and count == 4
    assert all(r.new_answers == 1 and r.last_activity_at is not None for r in rows)
    assert {r.status for r in rows} >= {"paused_coach", "paused_client", "active"}


def test_the_client_table_comes_in_pages_that_keep_the_choices(karin_client, team):
    """200 clients: four pages of 50, each client once, filters and sort kept in the links."""
    add_clients(team["karin"], 199)  # with Sanne: 200 clients
    seen: list[str] = []
    for number in (1, 2, 3, 4):
        html = karin_client.get(f"/coach?sort=name&q=&page={number}").get_data(as_text=True)
        links = CLIENT_LINK.findall(html)
        assert len(links) == 50, number
        seen += links
        assert f'aria-current="page"><span class="visually-hidden">Pagina </span>{number}' in html
        first = (number - 1) * 50 + 1
        assert f"Je ziet cliënt {first} tot en met {first + 49}." in html
        assert "200 cliënten" in html
    assert len(set(seen)) == 200
    html = karin_client.get("/coach?sort=name&page=2").get_data(as_text=True)
    assert 'href="/coach?page=1&amp;sort=name" rel="prev"' in html
    assert 'href="/coach?page=3&amp;sort=name" rel="next"' in html
    # Past the end, or not a number: the last or the first page, never an error or no rows.
    last = karin_client.get("/coach?page=99").get_data(as_text=True)
    assert "Je ziet cliënt 151 tot en met 200." in last and 'rel="next"' not in last
    odd = karin_client.get("/coach?page=-3%27").get_data(as_text=True)
    assert "Je ziet cliënt 1 tot en met 50." in odd and 'rel="prev"' not in odd


def test_one_page_of_clients_shows_no_pager(karin_client, team):
    add_clients(team["karin"], 9)
    html = karin_client.get("/coach").get_data(as_text=True)
    assert len(CLIENT_LINK.findall(html)) == 10
    assert 'class="pagination"' not in html and "Je ziet" not in html


def _item_aggregate_ids(fn) -> list[int]:
    """For each run of the plan-item aggregate during `fn`: how many enrollments it read."""
    asked: list[int] = []

    def listener(conn, clause, multiparams, params, execution_options):
        if clause is dashboard._ITEM_AGGREGATES:
            asked.append(len(params["enrollment_ids"]))

    event.listen(_db.engine, "before_execute", listener)
    try:
        fn()
    finally:
        event.remove(_db.engine, "before_execute", listener)
    return asked


@pytest.mark.parametrize("sort", ["name", "progress", "new", "attention"])
def test_a_page_has_the_same_rows_as_the_full_list(team, db, sort):
    """Progress and flags are read for the shown page only, whatever the order."""
    karin = team["karin"]
    add_clients(karin, 60)
    for item in db.query(PlanItem).join(Enrollment).join(User).filter(User.name.like("%0")):
        item.done_at = None  # every tenth client has done nothing: progress differs
    db.commit()
    unnumbered = catalog.unnumbered_ids()
    everything = dashboard_rows(db, karin, NOW, sort=sort, unnumbered=unnumbered)
    progress = {row.progress for row in everything}
    assert len(everything) > 50 and 0 in progress and len(progress) >= 2
    result: list = []
    asked = _item_aggregate_ids(
        lambda: result.extend(
            dashboard_page(db, karin, NOW, 2, 25, sort=sort, unnumbered=unnumbered)
        )
    )
    page, attention_count = result
    assert page.items == everything[25:50]  # every field, the counts included
    assert attention_count == sum(row.needs_attention for row in everything) > 0
    # The shown clients' plan items only: an order on progress or flags is worked out by the
    # database inside the sorting query, and the counts shown are read for the page.
    assert asked == [25]


@pytest.mark.parametrize(
    ("zone", "midnight"),
    [
        ("Europe/Amsterdam", datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),
        ("Pacific/Kiritimati", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),  # UTC+14
        ("Pacific/Pago_Pago", datetime(2026, 3, 2, 11, 0, tzinfo=UTC)),  # UTC-11
    ],
)
def test_without_activity_attention_comes_a_week_after_the_local_start(team, db, zone, midnight):
    """Counted from midnight of the start day where the client lives."""
    karin, enrollment = team["karin"], team["sanne"].enrollment
    team["sanne"].last_activity_at = None  # no answers either: only the start counts
    enrollment.timezone = zone
    db.commit()
    week = timedelta(days=dashboard.ATTENTION_DAYS)
    [before] = dashboard_rows(db, karin, midnight + week - timedelta(seconds=1))
    [after] = dashboard_rows(db, karin, midnight + week)
    assert (before.attention_reason, after.attention_reason) == (None, "inactive")
    assert before.last_activity_at is None and before.status == "active"


def test_attention_follows_the_status_the_reminders_and_a_start_still_to_come(team, db):
    karin, sanne = team["karin"], team["sanne"]
    enrollment = sanne.enrollment
    sanne.last_activity_at = NOW - timedelta(days=30)
    enrollment.paused_by = "client"
    db.commit()
    [paused] = dashboard_rows(db, karin, NOW)
    assert paused.status == "paused_client" and paused.attention_reason is None
    enrollment.reminders_sent = 3  # three reminders without a reply count, paused or not
    db.commit()
    assert dashboard_rows(db, karin, NOW)[0].attention_reason == "reminders"
    enrollment.finished_at = NOW
    db.commit()
    assert dashboard_rows(db, karin, NOW)[0].attention_reason is None
    enrollment.finished_at, enrollment.paused_by, enrollment.reminders_sent = None, None, 0
    enrollment.start_date = date(2026, 4, 1)  # starts after NOW, nothing done yet
    sanne.last_activity_at = None
    db.commit()
    [waiting] = dashboard_rows(db, karin, NOW)
    assert waiting.status == "active" and waiting.attention_reason is None


def test_a_client_without_a_plan_is_listed_without_signals(team, db):
    karin = team["karin"]
    make_user(Role.CLIENT, "nora@example.nl", "Nora", coach=karin)
    rows = {r.name: r for r in dashboard_rows(db, karin, NOW + timedelta(days=60))}
    nora = rows["Nora"]
    assert nora.status == "not_enrolled" and nora.enrollment_id is None
    assert (nora.total, nora.done, nora.new_answers, nora.attention_reason) == (0, 0, 0, None)
    assert rows["Sanne"].attention_reason == "inactive"  # two months later she does need it
    page, attention_count = dashboard_page(db, karin, NOW + timedelta(days=60), 1, 50)
    assert [r.name for r in page.items] == ["Nora", "Sanne"] and attention_count == 1
    only, count = dashboard_page(db, karin, NOW, 1, 50, status="not_enrolled")
    assert [r.name for r in only.items] == ["Nora"] and count == 0 and only.total == 1


@pytest.mark.postgres
def test_pages_on_postgresql_match_the_full_list_in_every_order(pg_app):
    karin = make_user(Role.COACH, "karin@example.nl", "Karin")
    add_clients(karin, 60)
    make_user(Role.CLIENT, "nora@example.nl", "Nora", coach=karin)
    session = _db.session
    unnumbered = catalog.unnumbered_ids()
    for sort in dashboard.SORTS:
        everything = dashboard_rows(session, karin, NOW, sort=sort, unnumbered=unnumbered)
        page, attention_count = dashboard_page(
            session, karin, NOW, 2, 25, sort=sort, unnumbered=unnumbered
        )
        assert page.total == 61 and page.items == everything[25:50], sort
        assert attention_count == sum(r.needs_attention for r in everything) > 0
    by_activity = dashboard_rows(session, karin, NOW, sort="activity")
    assert by_activity[-1].name == "Nora" and by_activity[-1].last_activity_at is None
    assert all(r.last_activity_at.tzinfo is not None for r in by_activity[:-1])


def test_an_unknown_timezone_in_a_plan_does_not_break_the_list(karin_client, team, db):
    team["sanne"].last_activity_at = None
    team["sanne"].enrollment.timezone = "Mars/Olympus_Mons"
    db.commit()
    [row] = dashboard_rows(db, team["karin"], NOW + timedelta(days=60))
    assert row.status == "active" and row.attention_reason is None  # no start to count from
    assert karin_client.get("/coach").status_code == 200


def test_one_built_statement_serves_every_coach_search_moment_and_rule(team, db):
    """The SQL of a dashboard is built once per shape and reused: what differs between two
    requests of the same shape (the coach, the search text, now, the attention days) is bound,
    so no answer leaks from one request into the next."""
    karin, mehmet = team["karin"], team["mehmet"]
    sanne = team["sanne"]
    sanne.last_activity_at = NOW - timedelta(days=3)
    db.commit()
    dashboard._statements.cache_clear()

    def names(coach, now=NOW, **choices):
        return [r.name for r in dashboard_rows(db, coach, now, **choices)]

    assert names(karin) == ["Sanne"]
    assert names(mehmet) == ["Bram"]
    assert names(karin, search="san") == ["Sanne"]
    assert names(karin, search="bra") == []
    assert names(mehmet, search="bra") == ["Bram"]
    # Three days without activity: not yet a signal at 7 days, one at 2 days or 8 days later.
    assert names(karin, attention_only=True) == []
    assert names(karin, attention_only=True, attention_days=2) == ["Sanne"]
    assert names(karin, NOW + timedelta(days=5), attention_only=True) == ["Sanne"]
    assert names(karin, attention_only=True) == []
    info = dashboard._statements.cache_info()
    assert info.currsize == 3  # plain, with a search, only who needs attention
    assert info.hits == 6
