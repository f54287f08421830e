"""The administrator's long lists come in pages from the database (SQLite and PostgreSQL):
people (50 a page) and mails (100 a page), with the filters kept in the page links."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from profiler.models import OutboxMail
from tests.conftest import add_invited_clients, csrf_token, login, queue_mails


@pytest.fixture
def app(app_both):
    """Every test here on SQLite, then on PostgreSQL."""
    return app_both


def _people(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/admin/users/\d+">([^<]+)</a></th>', html)


def test_the_people_list_comes_in_pages_and_reaches_everyone(users, client, db):
    add_invited_clients(users["coach_a"], 120)  # with the five of `users`: 125 people
    login(client, "admin@example.nl")
    first = client.get("/admin/users").get_data(as_text=True)
    assert len(_people(first)) == 50
    assert "125 mensen" in first and "Je ziet 1 tot en met 50." in first
    assert 'href="/admin/users?page=2"' in first and 'href="/admin/users?page=3"' in first
    last = client.get("/admin/users?page=3").get_data(as_text=True)
    assert _people(last)[-3:] == ["Klant 120", "Karin", "Mehmet"] and len(_people(last)) == 25
    seen = set()
    for number in (1, 2, 3):
        seen |= set(_people(client.get(f"/admin/users?page={number}").get_data(as_text=True)))
    assert len(seen) == 125
    assert _people(client.get("/admin/users?page=99").get_data(as_text=True)) == _people(last)


def test_paging_keeps_the_search_and_the_role(users, client, db):
    add_invited_clients(users["coach_a"], 60)
    login(client, "admin@example.nl")
    html = client.get("/admin/users?q=klant&role=client").get_data(as_text=True)
    assert "60 mensen" in html and len(_people(html)) == 50
    assert 'href="/admin/users?page=2&amp;q=klant&amp;role=client"' in html
    second = client.get("/admin/users?page=2&q=klant&role=client").get_data(as_text=True)
    assert _people(second) == [f"Klant {n:03}" for n in range(51, 61)]
    assert 'value="klant"' in second


def test_the_people_page_asks_the_database_for_one_page(users, client, db):
    """The database sends 50 people, not everyone: the page stays quick at 10,000 clients."""
    add_invited_clients(users["coach_a"], 80)
    login(client, "admin@example.nl")
    client.get("/admin/users")
    seen: list[tuple[str, list]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # SQLite's driver takes a tuple of values, psycopg a dict of named values.
        values = parameters.values() if isinstance(parameters, dict) else parameters
        seen.append((statement, list(values)))

    event.listen(db.get_bind(), "before_cursor_execute", record)
    try:
        html = client.get("/admin/users?page=2").get_data(as_text=True)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", record)
    people = [(s, p) for s, p in seen if "FROM users" in s and "ORDER BY users.role" in s]
    assert len(people) == 1, seen
    statement, parameters = people[0]
    assert "LIMIT" in statement and "OFFSET" in statement and parameters[-2:] == [50, 50]
    assert len(_people(html)) == 35


def test_older_failed_mails_are_reached_by_paging_and_a_retry_returns_to_its_page(
    app, db, client, users
):
    """A busy morning sends thousands of mails: a failure from yesterday must stay reachable."""
    queue_mails(["failed"] * 130, lambda n, status: f"Mail {n:03}")
    login(client, "admin@example.nl")
    first = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Mail 129" in first and "Mail 029" not in first
    assert "Je ziet 1 tot en met 100." in first
    assert 'href="/admin/outbox?page=2&amp;status=failed"' in first
    second = client.get("/admin/outbox?page=2&status=failed").get_data(as_text=True)
    assert "Mail 029" in second and "Mail 000" in second and "Mail 030" not in second
    oldest = db.scalars(select(OutboxMail).order_by(OutboxMail.id)).first()
    token = csrf_token(client, "/admin/outbox?page=2&status=failed")
    assert 'name="page" value="2"' in second
    response = client.post(
        f"/admin/outbox/{oldest.id}/retry",
        data={"csrf_token": token, "status": "failed", "page": "2"},
    )
    assert response.headers["Location"] == "/admin/outbox?status=failed&page=2"
