"""Security headers on every route, and pages that obey the CSP (no inline script or style)."""

from __future__ import annotations

import re

import pytest

from profiler import create_app
from tests.security.conftest import client_as
from tests.security.routes import routes

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _ids(world):
    return {
        "client_id": world.client_a.id,
        "user_id": world.client_a.id,
        "exercise_id": "self_image",
        "mail_id": world.mail_id,
        "filename": "01-self_image.nl.md",
    }


def csp_parts(response) -> dict[str, str]:
    """The CSP header as directive -> value."""
    header = response.headers.get("Content-Security-Policy", "")
    parts = {}
    for item in header.split(";"):
        name, _, value = item.strip().partition(" ")
        if name:
            parts[name] = value
    return parts


def header_problems(response, where: str, authenticated: bool) -> list[str]:
    """What is missing from one response's headers."""
    problems = []
    csp = csp_parts(response)
    wanted = {"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"}
    for name, value in wanted.items():
        if csp.get(name) != value:
            problems.append(f"{where}: CSP {name} is {csp.get(name)!r}")
    for name in ("script-src", "style-src", "default-src"):
        if "unsafe-inline" in csp.get(name, "") or "unsafe-eval" in csp.get(name, ""):
            problems.append(f"{where}: CSP {name} allows inline code")
        if "*" in csp.get(name, "").split():
            problems.append(f"{where}: CSP {name} allows any host")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no nosniff")
    if response.headers.get("Referrer-Policy") not in (
        "same-origin",
        "no-referrer",
        "strict-origin",
    ):
        problems.append(f"{where}: Referrer-Policy {response.headers.get('Referrer-Policy')!r}")
    if authenticated and "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"{where}: a logged-in page without Cache-Control: no-store")
    return problems


def markup_problems(response, where: str) -> list[str]:
    """Inline script, inline handlers and style attributes break (or weaken) the CSP."""
    if not response.mimetype == "text/html":
        return []
    html = response.get_data(as_text=True)
    problems = []
    if INLINE_HANDLER.search(html):
        problems.append(f"{where}: inline event handler {INLINE_HANDLER.search(html).group(0)!r}")
    if STYLE_ATTR.search(html):
        problems.append(f"{where}: style attribute {STYLE_ATTR.search(html).group(0)[:80]!r}")
    if JS_URL.search(html):
        problems.append(f"{where}: javascript: URL")
    for attrs in SCRIPT_TAG.findall(html):
        if "src=" not in attrs and "nonce=" not in attrs and "application/json" not in attrs:
            problems.append(f"{where}: inline <script> without nonce")
    return problems


def test_every_route_sends_the_security_headers(app, world):
    app.config["MAIL_BACKEND"] = "file"
    table = [r for r in routes(app, _ids(world)) if r.method == "GET"]
    problems: list[str] = []
    for role in ("anonymous", "client_a", "coach_a", "admin"):
        http = client_as(app, world, role)
        for route in table:
            response = http.get(route.url)
            where = f"GET {route.url} as {role} ({response.status_code})"
            problems += header_problems(response, where, role != "anonymous")
            problems += markup_problems(response, where)
            if route.url.startswith(("/me", "/coach", "/admin")):
                if "no-store" not in response.headers.get("Cache-Control", ""):
                    problems.append(f"{where}: client-data area without no-store")
    assert problems == [], "\n".join(sorted(set(problems)))


def test_error_pages_and_static_files_have_the_headers_too(client):
    for url in ("/no-such-page", "/static/css/app.css", "/healthz"):
        response = client.get(url)
        assert header_problems(response, url, False) == []


def test_csp_nonce_changes_per_request_and_matches_the_scripts(client):
    first = csp_parts(client.get("/login"))["script-src"]
    second = csp_parts(client.get("/login"))["script-src"]
    assert "'nonce-" in first and first != second


def test_production_sends_hsts_and_uses_the_host_prefixed_cookie(tmp_path, monkeypatch):
    app = create_app(
        "config.Production",
        SECRET_KEY="x" * 40,
        BASE_URL="https://profiler.example.nl",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db",
        RATELIMIT_STORAGE_URI="database://",
        EMBEDDED_SCHEDULER=False,
    )
    response = app.test_client().get("/login", base_url="https://profiler.example.nl")
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie


@pytest.mark.parametrize(
    "overrides,problem",
    [
        ({"SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"BASE_URL": "http://profiler.example.nl"}, "BASE_URL"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(tmp_path, overrides, problem):
    settings = {
        "SECRET_KEY": "x" * 40,
        "BASE_URL": "https://profiler.example.nl",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
        "RATELIMIT_STORAGE_URI": "database://",
        "EMBEDDED_SCHEDULER": False,
        **overrides,
    }
    with pytest.raises(RuntimeError, match=problem):
        create_app("config.Production", **settings)
