"""One URL of every page type per role: the URL map plus the states that use other templates."""

from __future__ import annotations

from .conftest import Site
from .crawl import start_urls

# Client pages with their own template or field types besides the URL map's sample values.
CLIENT_EXTRAS = [
    "/me/exercises/q_start",  # scale questionnaire with score chart
    "/me/exercises/work_history",  # repeatable groups and month fields
    "/me/exercises/pitch",  # locked exercise
    "/me/exercises/no-such-exercise",  # the client's "not found" page (404 by design)
    "/me/documents/pitch",
    "/me/documents/resume",
]
EXPECTED_STATUS = {"/me/exercises/no-such-exercise": 404}


def page_types(site: Site, role: str) -> list[str]:
    """Every page type `role` can open, once."""
    urls = start_urls(site.app, site.world, role)
    if role == "client":
        urls += [u for u in CLIENT_EXTRAS if u not in urls]
    if role == "coach":
        urls += site.world.coach_extras
    return urls


def shot_name(role: str, path: str) -> str:
    """A stable file-name part for a page: role and path without ids or tokens."""
    parts = [p for p in path.strip("/").split("/") if p and not p.isdigit() and len(p) < 40]
    return "-".join([role, *parts]).replace(".", "-").replace("_", "-") or role
