"""The main menu per role; entries whose page does not exist are left out."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

CLIENT = [
    ("client.overview", _l("Oefeningen")),
    ("client.workbook", _l("Werkdocument")),
    ("documents.index", _l("Documenten")),
    ("client.settings", _l("Instellingen")),
    ("security.privacy", _l("Privacy")),
]
COACH = [("coach.new_client", _l("Nieuwe cliënt")), ("coach.substitutes_page", _l("Vervanging"))]
ADMIN = [
    ("admin.users", _l("Gebruikers")),
    ("admin.exercises", _l("Oefeningen")),
    ("admin.outbox", _l("Mail")),
    ("admin.audit", _l("Logboek")),
]


def menus() -> dict:
    """Template globals with the menus, limited to registered endpoints."""
    known = current_app.view_functions

    def keep(items: list) -> list:
        return [(endpoint, label) for endpoint, label in items if endpoint in known]

    return {"client_nav": keep(CLIENT), "coach_nav": keep(COACH), "admin_nav": keep(ADMIN)}
