"""Property-based fuzzing of every form endpoint (every POST route in the URL map).

Random strings, huge inputs, wrong types, missing fields, broken JSON: the answer is never a
server error, and client A's stored answer is never changed by a post that does not validly
carry it.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profiler import answers
from profiler.extensions import db as _db
from tests.conftest import csrf_token
from tests.security.conftest import EXERCISE, MARKER, client_as
from tests.security.routes import allowed_roles, routes

EXAMPLES = 25
TOO_LONG = "y" * 200_000  # longer than any text field allows
WATCHED = "f.then_now"  # the input of client A's stored answer
NAME_RE = re.compile(r'name="([^"]+)"')
SPECIAL = [
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "\ufeff\u202e",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "[]",
    "{}",
    "null",
    "2026-02-30",
    "25:99",
    "../../../etc/passwd",
    "' OR '1'='1' --",
    "<script>alert(1)</script>",
    "😀" * 1000,
]
values = st.one_of(st.text(max_size=60), st.sampled_from(SPECIAL), st.integers().map(str))


def _ids(world):
    return {
        "client_id": world.client_a.id,
        "user_id": world.client_a.id,
        "exercise_id": EXERCISE,
        "mail_id": world.mail_id,
        "filename": "01-self_image.nl.md",
    }


def _actor(access: str) -> str:
    roles = allowed_roles(access)
    if roles is None:
        return "anonymous"
    if "coach" in roles:
        return "coach_a"
    if "admin" in roles:
        return "admin"
    return "client_a"


def _stored(world) -> object:
    _db.session.expire_all()
    found = answers.answers_for(_db.session, world.client_a, EXERCISE).get("then_now")
    return found.value if found else None


def _restore_logins(world) -> None:
    """Admin routes may (legitimately) deactivate people or change them: undo that."""
    from profiler.auth.passwords import hash_password
    from tests.conftest import PASSWORD

    _db.session.rollback()
    for role in ("client_a", "client_b", "coach_a", "coach_b", "admin"):
        user = _db.session.get(type(world.client_a), getattr(world, role).id)
        if user is None:
            continue
        user.active = True
        user.password_hash = hash_password(PASSWORD)
        user.totp_last_step = None
    _db.session.commit()


def _fuzz(http, route, token: str, forms) -> int:
    """Post EXAMPLES generated forms (or raw bodies) to one route; none may give a 500."""
    posted = []

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        form=forms,
        with_token=st.booleans(),
        as_json=st.booleans(),
        raw=st.one_of(st.none(), st.binary(max_size=200)),
    )
    def post(form, with_token, as_json, raw):
        headers = {"Accept": "application/json"} if as_json else {}
        if route.endpoint == "client.exercise":
            form = {**form, WATCHED: TOO_LONG}  # present, but invalid
        if with_token:
            form = {**form, "csrf_token": token}
            headers["X-CSRFToken"] = token
        if raw is not None:
            response = http.post(
                route.url, data=raw, content_type="application/json", headers=headers
            )
        else:
            response = http.post(route.url, data=form, headers=headers)
        posted.append(response.status_code)
        assert response.status_code < 500, f"{route.endpoint}: {response.status_code}"

    post()
    return len(posted)


def test_no_form_post_gives_a_server_error_or_changes_a_stored_answer(app, world):
    table = [r for r in routes(app, _ids(world)) if r.method == "POST"]
    assert len(table) >= 20
    before = _stored(world)
    assert before
    totals = {"routes": 0, "posts": 0}
    for route in table:
        if route.endpoint == "auth.logout":
            continue
        role = _actor(route.access)
        _restore_logins(world)
        http = client_as(app, world, role)
        page = http.get(route.url)
        known = set(NAME_RE.findall(page.get_data().decode("utf-8", "replace")))
        known.discard(WATCHED)  # the stored answer under watch is never posted validly
        token = csrf_token(http, "/login" if role == "anonymous" else "/account/two-factor")
        names = st.sampled_from(sorted(known)) if known else st.text(min_size=1, max_size=20)
        forms = st.dictionaries(
            st.one_of(names, st.text(min_size=1, max_size=20)).filter(lambda n: n != WATCHED),
            st.one_of(values, st.lists(values, max_size=3)),
            max_size=8,
        )

        totals["posts"] += _fuzz(http, route, token, forms)
        totals["routes"] += 1
        assert _stored(world) == before, f"{route.endpoint} changed client A's answer"
    assert totals["routes"] >= 20 and totals["posts"] >= 20 * EXAMPLES
    print(totals)


def test_a_post_missing_a_text_field_leaves_its_answer_alone(app, world):
    http = client_as(app, world, "client_a")
    token = csrf_token(http, "/account/two-factor")
    http.post(
        f"/me/exercises/{EXERCISE}", data={"csrf_token": token, "f.own_words": ["a", "b", "c"]}
    )
    assert _stored(world) == MARKER
