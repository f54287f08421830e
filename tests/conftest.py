"""Shared fixtures: app and database per test, SMTP server, live server + Chromium, PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server

from profiler import accounts, create_app
from profiler.extensions import db as _db
from profiler.models import Role, User

ROOT = Path(__file__).resolve().parent.parent
# Where the browser tests save their screenshots: docs/screenshots with `make screenshots`
# (PROFILER_SHOTS), else a folder under the system's temp dir, so that a test run leaves the
# repository's files as they were.
SHOTS = Path(
    os.environ.get("PROFILER_SHOTS") or Path(tempfile.gettempdir()) / "profiler-screenshots"
)
IN_CI = bool(os.environ.get("CI"))
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
# Coaches and administrators made by make_user get this authenticator secret, so `login`
# and `browser_login` can type the second-step code themselves.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FreshGClient(FlaskClient):
    """Test client whose requests start with an empty `g`, as in production.

    Tests keep an app context pushed (for the database); Flask reuses it for test requests,
    so without this `g` (current user, CSRF token) would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        """Clear `g` before the request."""
        if has_app_context():
            for name in list(vars(g)):
                delattr(g, name)
        return super().open(*args, **kwargs)


def make_app(db_url: str, **overrides):
    """A Testing app on `db_url` with its schema created."""
    app = create_app("config.Testing", SQLALCHEMY_DATABASE_URI=db_url, **overrides)
    app.test_client_class = FreshGClient
    with app.app_context():
        _db.create_all()
    return app


@pytest.fixture
def app(tmp_path) -> Iterator:
    """A fresh app with an empty SQLite database for each test."""
    application = make_app(f"sqlite:///{tmp_path}/test.db")
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


@pytest.fixture
def db(app):
    """The database session of the app under test."""
    return _db.session


def make_user(
    role: Role = Role.CLIENT,
    email: str = "sanne@example.nl",
    name: str = "Sanne",
    coach: User | None = None,
    password: str | None = PASSWORD,
    locale: str = "nl",
    two_factor: bool | None = None,
) -> User:
    """Create and commit a user; staff get two-factor login with TOTP_SECRET unless told not to.

    The secret is stored encrypted, as the app stores it.
    """
    user = accounts.create_user(
        _db.session,
        email=email,
        name=name,
        role=role,
        password=password,
        coach=coach,
        now=T0,
        locale=locale,
    )
    if two_factor is None:
        two_factor = role in (Role.COACH, Role.ADMIN)
    if two_factor:
        from profiler.security import totp

        totp.store_secret(user, TOTP_SECRET)
    _db.session.commit()
    return user


@pytest.fixture
def users(app):
    """Two coaches, each with a client, and an admin."""
    coach_a = make_user(Role.COACH, "coach.a@example.nl", "Karin")
    coach_b = make_user(Role.COACH, "coach.b@example.nl", "Mehmet")
    return {
        "admin": make_user(Role.ADMIN, "admin@example.nl", "Ada"),
        "coach_a": coach_a,
        "coach_b": coach_b,
        "client_a": make_user(Role.CLIENT, "client.a@example.nl", "Anna", coach=coach_a),
        "client_b": make_user(Role.CLIENT, "client.b@example.nl", "Bram", coach=coach_b),
    }


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    """The session-bound CSRF token, read from a page's form."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


SECOND_STEP = "/login/code"


def totp_code(email: str) -> str:
    """The current authenticator code of `email`, with the replay guard reset.

    A test may log the same person in several times within one 30-second step (or with the
    clock frozen); a real person would wait for the next code.
    """
    import pyotp

    from profiler import clock
    from profiler.security import totp

    user = _db.session.scalar(select(User).where(User.email == email.strip().lower()))
    secret = totp.secret_of(user) if user is not None else None
    assert secret, f"{email} has no two-factor secret (or it does not decrypt)"
    user.totp_last_step = None
    _db.session.commit()
    return pyotp.TOTP(secret).at(clock.now())


def login(client, email: str, password: str = PASSWORD):
    """Log in through the real form; types the authenticator code when one is asked."""
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    if response.status_code == 302 and urlsplit(response.headers["Location"]).path == SECOND_STEP:
        token = csrf_token(client, SECOND_STEP)
        response = client.post(SECOND_STEP, data={"code": totp_code(email), "csrf_token": token})
    return response


class SmtpSink:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages = []
        self.received: list[tuple[str, list[str], bytes]] = []  # sender, recipients, bytes
        self.reject_next: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        """Accept recipients unless a rejection is queued."""
        if self.reject_next:
            return self.reject_next.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Keep the parsed message, and the envelope as received."""
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    """The app sending mail over SMTP to the test server."""
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    return app


class LiveServer:
    """The app served by a real HTTP server in a thread."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        """Serve in the background."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()


@pytest.fixture
def live_server(app):
    """The test app behind a real HTTP server."""
    app.config["BASE_URL"] = "http://127.0.0.1"
    server = LiveServer(app).start()
    app.config["BASE_URL"] = server.url
    yield server
    server.stop()


def chromium_available() -> bool:
    """True when Debian's Chromium is installed."""
    return Path(CHROMIUM).exists()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not chromium_available():
        if IN_CI:
            pytest.fail("Chromium is missing in CI: install the Debian package 'chromium'.")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page (own cookies) pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL"
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def table_fit(table) -> dict:
    """What a phone test compares for a table (a Playwright locator): its width and right
    edge, how far the region around it scrolls sideways, the screen's width and its header."""
    return table.evaluate(
        "t => ({width: Math.round(t.getBoundingClientRect().width),"
        " right: Math.round(t.getBoundingClientRect().right),"
        " scroll: t.parentElement.scrollWidth - t.parentElement.clientWidth,"
        " viewport: document.documentElement.clientWidth,"
        " head: t.tHead ? t.tHead.innerText.trim().replace(/\\s+/g, ' ') : ''})"
    )


def browser_login(pg, email: str, password: str = PASSWORD) -> None:
    """Log in through the login page in the browser."""
    pg.goto("/login")
    pg.fill("#email", email)
    pg.fill("#password", password)
    pg.click("button[type=submit].primary")
    pg.wait_for_load_state()
    if urlsplit(pg.url).path == SECOND_STEP:
        pg.fill("#code", totp_code(email))
        pg.click("button[type=submit].primary")
        pg.wait_for_load_state()


def open_at_width(pg, email: str, path: str, width: int) -> None:
    """Log in as `email` in the browser, make the window `width` px wide and open `path`."""
    browser_login(pg, email)
    pg.set_viewport_size({"width": width, "height": 900})
    pg.goto(path)


LEGEND_ITEM_RE = re.compile(
    r'<li><span class="swatch swatch-(\d+)" aria-hidden="true"></span>([^<]+)</li>'
)


def legend_items(html: str) -> list[tuple[int, str]]:
    """(swatch number, label) of each line in a chart's legend (templates/_chart.html)."""
    return [(int(n), label) for n, label in LEGEND_ITEM_RE.findall(html)]


def chart_labels(chart, width: int, selector: str = "text") -> list[dict]:
    """The boxes of an SVG chart's visible labels (`chart` a Playwright locator), each
    checked to be legible (at least 9 px high) and inside the chart."""
    box = chart.bounding_box()
    shown = [label.bounding_box() for label in chart.locator(selector).all() if label.is_visible()]
    for label in shown:
        assert label["height"] >= 9, f"a label is {label['height']:.1f}px high at {width}px"
        assert box["x"] - 1 <= label["x"], f"a label sticks out on the left at {width}px"
        assert label["x"] + label["width"] <= box["x"] + box["width"] + 1, (
            f"a label sticks out on the right at {width}px"
        )
    return shown


# ---------------------------------------------------------------- PostgreSQL


def _pg_bin() -> Path | None:
    for version in ("17", "16", "15", "14", "13"):
        path = Path(f"/usr/lib/postgresql/{version}/bin")
        if (path / "initdb").exists():
            return path
    return None


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temp folder, run as the postgres user."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="profiler-pg-"))
        self.port = free_port()
        self.data = self.dir / "data"

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        """initdb, start on a free port with the socket in the temp folder."""
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.dir / "log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=200",
            "start",
        )
        return self

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole test session."""
    bindir = _pg_bin()
    if bindir is None:
        if IN_CI:
            pytest.fail("PostgreSQL is missing in CI: install the Debian package 'postgresql'.")
        pytest.skip("PostgreSQL not installed")
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


_pg_counter = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(postgres) -> str:
    """A fresh empty PostgreSQL database for one test."""
    return postgres.create_database(f"t{next(_pg_counter)}_{int(time.time())}")


BOTH_DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def database_url(request, tmp_path: Path) -> str:
    """For a fixture with `params=BOTH_DATABASES`: a new SQLite file, or a fresh PostgreSQL
    database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=BOTH_DATABASES)
def app_both(request, tmp_path) -> Iterator:
    """Like `app`, on SQLite and then on a fresh PostgreSQL database. A module runs on both
    by defining `app` as this fixture."""
    application = make_app(database_url(request, tmp_path))
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


def add_invited_clients(coach: User, count: int) -> None:
    """`count` invited clients of `coach`, "Klant 001" to …, klant001@example.nl (no password
    hashing: quick for hundreds)."""
    for n in range(1, count + 1):
        _db.session.add(
            User(
                email=f"klant{n:03}@example.nl",
                name=f"Klant {n:03}",
                role=Role.CLIENT.value,
                coach_id=coach.id,
                created_at=T0,
            )
        )
    _db.session.commit()


# What others (a coach, an administrator, Profiler itself) can record about a client, with
# the details the services store. The privacy page and the coach's plan history must say
# each in words, never as a code.
LOGGED_ABOUT_CLIENT = [
    ("plan.paused", {"reason": "vakantie", "until": "2026-04-01"}),
    ("plan.resumed", {}),
    ("plan.unlocked_all", {"opened": 3}),
    ("plan.unlocked", {"exercise": "self_image"}),
    ("plan.moved", {"exercise": "self_image", "offset": -1}),
    ("plan.reordered", {"order": ["self_image"]}),
    ("plan.skipped", {"exercise": "self_image"}),
    ("plan.restored", {"exercise": "self_image"}),
    ("plan.added", {"exercise": "self_image", "position": 2}),
    ("plan.cadence", {"weekdays": [0, 2], "send_time": "08:00"}),
    ("plan.reminders", {"choice": "weekly"}),
    ("plan.work_ahead_allowed", {"allowed": True}),
    ("plan.next_session", {"day": "2026-04-02"}),
    ("plan.work_ahead", {"exercises": ["self_image"]}),
    ("plan.finished", {"enrollment_id": 1}),
    ("plan.changed", {}),
    ("session.held", {}),
    ("user.activated", {}),
    ("user.deactivated", {}),
    ("auth.two_factor_disabled", {}),
    ("retention.enrollments_removed", {"count": 1}),
    ("some.future_action", {}),
]


def queue_mails(statuses: list[str], subject: Callable[[int, str], str]) -> None:
    """One queued mail per status, to person<n>@example.nl with subject(n, status), then
    given that status; a failed one has tried once and has an SMTP error."""
    from profiler.mail import RenderedMail, queue
    from profiler.models import OutboxMail

    for n, status in enumerate(statuses):
        queue(
            _db.session,
            key=f"k{n}",
            kind="test",
            to=f"person{n}@example.nl",
            mail=RenderedMail(subject(n, status), "t\n", "<p>h</p>"),
            now=T0,
        )
    _db.session.flush()
    mails = _db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))
    for mail, status in zip(mails, statuses, strict=True):
        mail.status = status
        if status == "failed":
            mail.last_error = f"550 5.1.1 <{mail.to_addr}>: no such user"
            mail.attempts = 1
    _db.session.commit()


@pytest.fixture(params=BOTH_DATABASES)
def empty_app(request, tmp_path):
    """An app on an empty database (no schema, for migration tests): SQLite, then PostgreSQL."""
    application = create_app(
        "config.Testing", SQLALCHEMY_DATABASE_URI=database_url(request, tmp_path)
    )
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


class Clock:
    """A clock a test sets and moves: monkeypatch it over `profiler.clock.now`."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


@pytest.fixture
def pg_app(pg_url):
    """An app on a fresh PostgreSQL database, schema made by the real migrations."""
    from flask_migrate import upgrade

    application = create_app("config.Testing", SQLALCHEMY_DATABASE_URI=pg_url)
    application.test_client_class = FreshGClient
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        yield application
        _db.session.remove()
        _db.engine.dispose()
