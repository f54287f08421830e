"""Query budgets: every main page issues the same number of SQL statements, whatever the data.

Each page is requested on a small and on a large practice (more clients, answers, revisions,
comments, check-ins, outbox mails and audit events); the statements are counted with
SQLAlchemy's `before_cursor_execute`. A difference means a query inside a loop (N+1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import event

from profiler import clock
from profiler.extensions import db as _db
from profiler.library import current_library
from tests.conftest import CSRF_RE, login, make_app
from tests.perf.dataset import build

SIZES = {
    "small": dict(clients=3, answered=2, revisions=1, extra=1),
    "large": dict(clients=15, answered=6, revisions=4, extra=4),
}
CLIENT_PAGES = ["/me", "/me/exercises", "/me/exercises/{exercise}", "/me/workbook"]
COACH_PAGES = ["/coach", "/coach/clients/{client}", "/coach/clients/{client}/prepare"]
ADMIN_PAGES = ["/admin", "/admin/users", "/admin/outbox", "/admin/audit"]


@dataclass
class Practice:
    """An app filled with one size of data, and a logged-in test client per role."""

    app: object
    clients: dict
    values: dict


def statements(practice: Practice, role: str, page: str) -> list[str]:
    """The SQL statements of one GET of `page` (after a warm-up GET), with its status."""
    url = page.format(**practice.values)
    client = practice.clients[role]
    first = client.get(url)
    assert first.status_code == 200, f"{url}: {first.status_code}"
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split())[:140])

    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return seen


@pytest.fixture(scope="module")
def practices(tmp_path_factory) -> Iterator[dict[str, Practice]]:
    """Both sizes, each on its own SQLite database; statements counted per page."""
    made: dict[str, Practice] = {}
    contexts = []
    for size, options in SIZES.items():
        folder = tmp_path_factory.mktemp(size)
        app = make_app(f"sqlite:///{folder}/budget.db")
        ctx = app.app_context()
        ctx.push()
        contexts.append((ctx, app))
        data = build(_db.session, current_library(), clock.now(), **options)
        clients = {}
        for role, email in (
            ("client", data.client_email),
            ("coach", data.coach_email),
            ("admin", data.admin_email),
        ):
            clients[role] = app.test_client()
            response = login(clients[role], email)
            assert response.status_code == 302, f"login of {email}"
        made[size] = Practice(
            app,
            clients,
            {"exercise": data.exercise_id, "client": data.client_id, "field": data.field_id},
        )
        ctx.pop()
    yield made
    for _, app in contexts:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def counted(practices: dict[str, Practice], role: str, page: str) -> dict[str, list[str]]:
    """Statements of `page` for each size."""
    result = {}
    for size, practice in practices.items():
        with practice.app.app_context():
            result[size] = statements(practice, role, page)
    return result


def check(found: dict[str, list[str]]) -> None:
    small, large = found["small"], found["large"]
    assert len(small) == len(large), (
        f"{len(small)} statements on small data, {len(large)} on large data:\n"
        + "\n".join(f"  {s}" for s in small)
        + "\n---\n"
        + "\n".join(f"  {s}" for s in large)
    )


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_client_pages_have_a_fixed_query_count(practices, page):
    check(counted(practices, "client", page))


@pytest.mark.parametrize("page", COACH_PAGES)
def test_coach_pages_have_a_fixed_query_count(practices, page):
    check(counted(practices, "coach", page))


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_have_a_fixed_query_count(practices, page):
    check(counted(practices, "admin", page))


def test_the_exercise_page_stays_within_its_budget(practices):
    """The page a client opens from the daily mail: the user with the enrollment, the plan
    items, the answers (with open conflicts) and the comments."""
    found = counted(practices, "client", "/me/exercises/{exercise}")
    assert len(found["large"]) <= 4, "\n".join(found["large"])


def autosave_statements(practice: Practice, text: str) -> list[str]:
    """The statements of one autosave POST that changes one field, as the page sends it."""
    url = "/me/exercises/{exercise}".format(**practice.values)
    field = practice.values["field"]
    client = practice.clients["client"]
    html = client.get(url).get_data(as_text=True)
    rev = re.search(rf'name="_rev-{field}" value="(\d+)"', html).group(1)
    form = {"csrf_token": CSRF_RE.search(html).group(1), f"_rev-{field}": rev}
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        response = client.post(
            url, data={**form, f"f.{field}": text}, headers={"Accept": "application/json"}
        )
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)
    assert response.status_code == 200 and response.json["changed"] == [field], response.json
    return seen


def test_autosave_never_reads_the_revision_history(practices):
    """An autosave costs the same whether the field has 2 or 40 revisions, and never loads
    them: the history grows with every save while the client types."""
    for size, practice in practices.items():
        with practice.app.app_context():
            for n in range(2 if size == "small" else 40):
                autosave_statements(practice, f"tekst {n}")
    found = {}
    for size, practice in practices.items():
        with practice.app.app_context():
            found[size] = autosave_statements(practice, "nog een zin erbij")
    check(found)
    reads = [s for s in found["large"] if s.startswith("SELECT") and "answer_revisions" in s]
    assert reads == [], reads
    assert len(found["large"]) <= 5, "\n".join(found["large"])
    plan_reads = [s for s in found["large"] if s.startswith("SELECT") and "plan_items" in s]
    # A save reads only the item of its own exercise, not the whole plan.
    assert len(plan_reads) == 1 and "plan_items.exercise_id = " in plan_reads[0], plan_reads
