"""Walk the URL map: every route with sensible values, and who may use it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from werkzeug.routing import Rule

SKIP_METHODS = {"HEAD", "OPTIONS"}
ROLE_OF = {
    "client_a": "client",
    "client_b": "client",
    "coach_a": "coach",
    "coach_b": "coach",
    "admin": "admin",
}
OWNER_ARGS = ("client_id", "user_id")


@dataclass(frozen=True)
class Route:
    """One rule and method with a concrete URL."""

    endpoint: str
    method: str
    rule: str
    url: str
    access: str

    @property
    def names_a_client(self) -> bool:
        """The URL carries another person's id (ownership must be checked)."""
        return any(f"<{arg}>" in self.rule or f":{arg}>" in self.rule for arg in OWNER_ARGS)


def sample_values(rule: Rule, ids: dict[str, object]) -> dict[str, object]:
    """Sensible values for the rule's arguments: the world's ids, else something harmless."""
    values: dict[str, object] = {}
    for arg in rule.arguments:
        if arg in ids:
            values[arg] = ids[arg]
            continue
        converter = rule._converters.get(arg)  # noqa: SLF001 - the converter type decides
        name = type(converter).__name__ if converter else ""
        if name == "IntegerConverter":
            values[arg] = 1
        elif name == "AnyConverter":
            values[arg] = sorted(converter.items)[0]
        elif name == "PathConverter":
            values[arg] = "css/app.css"
        else:
            values[arg] = "x"
    return values


def routes(app: Flask, ids: dict[str, object]) -> list[Route]:
    """Every rule and method of the app except static files."""
    found = []
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        url = adapter.build(rule.endpoint, sample_values(rule, ids), force_external=False)
        for method in sorted((rule.methods or set()) - SKIP_METHODS):
            found.append(
                Route(rule.endpoint, method, rule.rule, url, getattr(view, "access_rule", ""))
            )
    return found


def allowed_roles(access: str) -> set[str] | None:
    """The roles a rule lets in; None for public routes."""
    if access == "public":
        return None
    if access == "login":
        return {"client", "coach", "admin"}
    if access.startswith("role:"):
        return set(access[5:].split(","))
    raise AssertionError(f"unknown access rule {access!r}")


def expected(route: Route, role: str) -> str:
    """What `role` should get: "public", "login" (sent to log in), "denied" (404) or "ok"."""
    roles = allowed_roles(route.access)
    if roles is None:
        return "public"
    if role == "anonymous":
        return "login"
    kind = ROLE_OF[role]
    if kind not in roles:
        return "denied"
    if route.names_a_client and role in ("client_b", "coach_b"):
        return "denied"  # the id in the URL is client A's
    return "ok"
