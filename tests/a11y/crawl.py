"""Visit every page a role can reach (URL map + links) and check each one in the browser."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException

from .checks import (
    BLOCKING,
    Violation,
    is_download,
    path_of,
    run_axe,
    watch,
    write_html,
)
from .world import World

# Not pages: JSON for scripts and monitoring (`client.autosave_session` answers autosave.js
# after a new login), files, and the logout.
SKIP_ENDPOINTS = {"static", "healthz", "auth.logout", "client.autosave_session"}
# Links with the same endpoint are the same template with other data; a few of each is enough
# for the generic pages, but every exercise a client can open is checked (each has its own
# field types).
PER_ENDPOINT = 3
EVERY_ONE = {"client.exercise"}


def allowed(access: str, role: str) -> bool:
    """Whether a view's access rule lets `role` in (public pages are for anonymous visitors)."""
    if access == "public":
        return role == "anonymous"
    if role == "anonymous":
        return False
    if access == "login":
        return True
    return access.startswith("role:") and role in access[5:].split(",")


def start_urls(app: Flask, world: World, role: str) -> list[str]:
    """Every GET URL of the URL map that `role` may open, with the world's ids filled in."""
    adapter = app.url_map.bind("127.0.0.1")
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in (rule.methods or ()):
            continue
        view = app.view_functions[rule.endpoint]
        if not allowed(getattr(view, "access_rule", ""), role):
            continue
        values = {}
        for arg in rule.arguments:
            if arg == "token":
                values[arg] = world.tokens[rule.endpoint]
            elif arg == "kind":
                values[arg] = sorted(rule._converters[arg].items)[0]  # noqa: SLF001
            else:
                values[arg] = world.url_values[arg]
        url = adapter.build(rule.endpoint, values)
        if not is_download(url):
            urls.append(url)
    return urls


def endpoint_of(app: Flask, path: str) -> str:
    """The endpoint that serves `path` ("?" when none)."""
    try:
        endpoint, _ = app.url_map.bind("127.0.0.1").match(urlsplit(path).path, method="GET")
    except HTTPException:
        return "?"
    return endpoint


@dataclass
class Checked:
    """One page as one role saw it."""

    role: str
    path: str
    endpoint: str
    status: int
    lang: str
    violations: list[Violation]
    problems: list[str]
    html_file: Path | None


@dataclass
class CrawlResult:
    """What a role's crawl found."""

    role: str
    pages: list[Checked] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def blocking(self) -> list[Violation]:
        """Serious and critical axe violations."""
        return [v for p in self.pages for v in p.violations if v.impact in BLOCKING]

    @property
    def minor(self) -> list[Violation]:
        """Moderate and minor axe violations (reported, not failing)."""
        return [v for p in self.pages for v in p.violations if v.impact not in BLOCKING]

    @property
    def problems(self) -> list[str]:
        """Console errors, failed requests and bad statuses."""
        return [f"{p.path}: {m}" for p in self.pages for m in p.problems]


LINKS = """() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"""


def crawl(page, app: Flask, role: str, start: list[str], html_dir: Path, base: str) -> CrawlResult:
    """Breadth-first over `start` and every same-origin link; axe, console and requests per page."""
    began = time.monotonic()
    result = CrawlResult(role)
    seen = watch(page)
    origin = urlsplit(base).netloc
    queue = deque(start)
    queued = set(start)
    done: set[str] = set()
    per_endpoint: dict[str, int] = {}
    while queue:
        path = queue.popleft()
        endpoint = endpoint_of(app, path)
        if endpoint not in EVERY_ONE and per_endpoint.get(endpoint, 0) >= PER_ENDPOINT:
            continue
        seen.clear()
        response = page.goto(path)
        page.wait_for_load_state("load")
        final = path_of(page.url)
        if final in done:
            continue
        done.add(final)
        endpoint = endpoint_of(app, final)
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        status = response.status if response else 0
        problems = [*seen.console, *seen.failed]
        if status != 200:
            problems.append(f"status {status}")
        html = response.text() if response else page.content()
        name = f"{role}-{len(result.pages):03d}"
        result.pages.append(
            Checked(
                role=role,
                path=final,
                endpoint=endpoint,
                status=status,
                lang=page.evaluate("() => document.documentElement.lang"),
                violations=run_axe(page),
                problems=problems,
                html_file=write_html(html_dir, name, html),
            )
        )
        for href in page.evaluate(LINKS):
            parts = urlsplit(urljoin(page.url, href))
            if parts.scheme not in ("http", "https") or parts.netloc != origin:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in queued or is_download(target) or parts.path.startswith("/static/"):
                continue
            if endpoint_of(app, target) in SKIP_ENDPOINTS:
                continue
            queued.add(target)
            queue.append(target)
    result.seconds = time.monotonic() - began
    return result
