"""The generated access matrix: every route and method, as six different people.

The expectation comes from each view's access rule (profiler.access) and whether the URL
names a client; the world's ids point at client A. Wrong people must get 404 (or the login
page when anonymous), and no response for them may contain client A's marker.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from tests.conftest import csrf_token
from tests.security.conftest import MARKER, ROLES, client_as
from tests.security.routes import expected, routes

# Routes whose GET legitimately answers 4xx for a harmless sample value (a made-up token).
TOKEN_ROUTES = {"auth.invite", "auth.reset_token", "mailpause.pause", "mailpause.pause_post"}


def _ids(world) -> dict[str, object]:
    return {
        "client_id": world.client_a.id,
        "user_id": world.client_a.id,
        "exercise_id": "self_image",
        "mail_id": world.mail_id,
        "filename": "01-self_image.nl.md",
    }


def _token(http, role: str) -> str:
    return csrf_token(http, "/login" if role == "anonymous" else "/account/two-factor")


def _check(route, role, response, outcome, problems):
    status = response.status_code
    body = response.get_data().decode("utf-8", "replace")
    where = f"{route.method} {route.url} ({route.endpoint}) as {role}: {status}"
    if status >= 500:
        problems.append(f"{where}: server error")
    if outcome == "login":
        location = urlsplit(response.headers.get("Location", "")).path
        if not (status == 302 and location == "/login") and status != 401:
            problems.append(f"{where}: expected the login page")
    elif outcome == "denied":
        if status != 404:
            problems.append(f"{where}: expected 404")
    elif outcome == "ok":
        if status in (401, 403, 404) and route.endpoint not in TOKEN_ROUTES:
            problems.append(f"{where}: expected access")
    if role in ("anonymous", "client_b", "coach_b") and MARKER in body:
        problems.append(f"{where}: shows client A's data")
    location = response.headers.get("Location", "")
    if role in ("anonymous", "client_b", "coach_b") and MARKER in location:
        problems.append(f"{where}: redirects with client A's data")


def test_access_matrix(app, world):
    app.config["MAIL_BACKEND"] = "file"  # the development mail page exists only then
    table = routes(app, _ids(world))
    assert len(table) >= 50
    problems: list[str] = []
    outcomes: Counter[str] = Counter()
    for role in ROLES:
        http = client_as(app, world, role)
        token = _token(http, role)
        for route in sorted(table, key=lambda r: (r.method != "GET", r.url)):
            outcome = expected(route, role)
            outcomes[outcome] += 1
            if route.method == "GET":
                response = http.get(route.url)
            else:
                response = http.open(route.url, method=route.method, data={"csrf_token": token})
            _check(route, role, response, outcome, problems)
            if route.endpoint in ("auth.logout", "set_language") or (
                role != "anonymous" and http.get("/healthz").status_code != 200
            ):
                http = client_as(app, world, role)  # logged out by the route: log in again
                token = _token(http, role)
            elif role != "anonymous" and outcome == "ok" and route.method != "GET":
                if urlsplit(http.get("/").headers.get("Location", "")).path == "/login":
                    http = client_as(app, world, role)
                    token = _token(http, role)
    assert problems == [], "\n".join(problems)
    assert outcomes["denied"] > 50 and outcomes["ok"] > 50 and outcomes["login"] > 40
