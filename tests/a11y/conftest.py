"""One app, one world and one live server for all the read-only accessibility checks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from profiler.extensions import db as _db
from tests.conftest import LiveServer, browser_login, make_app

from .checks import axe_source
from .world import World, build_world


@dataclass
class Site:
    """The app under test, its live server and the people in it."""

    app: object
    server: LiveServer
    world: World

    @property
    def url(self) -> str:
        """Base URL of the live server."""
        return self.server.url


def write_sample_mail(folder: Path) -> None:
    """One .eml file as the file mail backend writes it, for the development mail page."""
    folder.mkdir(parents=True, exist_ok=True)
    message = EmailMessage()
    message["From"] = "Profiler <noreply@example.nl>"
    message["To"] = "sanne@example.nl"
    message["Subject"] = "Je oefening voor vandaag: Interessegebieden"
    message.set_content("Hallo Sanne,\n\nEr staat een nieuwe oefening voor je klaar.\n")
    message.add_alternative(
        "<p>Hallo Sanne,</p><p>Er staat een nieuwe oefening klaar.</p>", subtype="html"
    )
    (folder / "20260302-070000-exercise.eml").write_bytes(bytes(message))


@pytest.fixture(scope="package")
def site(tmp_path_factory) -> Iterator[Site]:
    """The app with the world built once, served over HTTP for the whole package."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the report
    folder = tmp_path_factory.mktemp("a11y")
    app = make_app(f"sqlite:///{folder}/a11y.db", MAIL_BACKEND="file")
    app.instance_path = str(folder)  # the development mail page reads instance/mail/*.eml
    write_sample_mail(folder / "mail")
    with app.app_context():
        world = build_world()
    server = LiveServer(app).start()
    app.config["BASE_URL"] = server.url
    try:
        yield Site(app, server, world)
    finally:
        server.stop()
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture(scope="package")
def axe_script() -> str:
    """axe-core's source, read once."""
    return axe_source()


@contextmanager
def role_page(browser, site: Site, role: str, axe: str | None = None, **options):
    """A new context logged in as `role` ("anonymous", "client", "coach", "admin") and its page."""
    settings = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"} | options
    context = browser.new_context(base_url=site.url, **settings)
    if axe:
        context.add_init_script(script=axe)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        email = site.world.emails[role]
        if email:
            with site.app.app_context():
                browser_login(page, email)
        yield page
    finally:
        context.close()
