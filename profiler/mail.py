"""Mail: render templates, queue in the outbox (same transaction), send through a backend."""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import MailStatus, OutboxMail, User


@dataclass
class RenderedMail:
    """A mail ready for the outbox."""

    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def _plain_text_env():
    """The app's Jinja environment without HTML escaping, for the subject and text blocks.

    A name like "Tom & Jerry <3" must reach a plain-text mail as typed, not as "&amp; &lt;".
    """
    env = current_app.extensions.get("mail_text_env")
    if env is None:
        env = current_app.jinja_env.overlay(autoescape=False)
        current_app.extensions["mail_text_env"] = env
    return env


def render_mail(template: str, locale: str, **context: Any) -> RenderedMail:
    """Render mail/<template>.html's subject, text and html blocks in `locale`."""
    with force_locale(locale):
        env = _plain_text_env()
        tmpl = env.get_template(f"mail/{template}.html")
        ctx = tmpl.new_context({**current_app.jinja_env.globals, **_globals(), **context})
        subject = "".join(tmpl.blocks["subject"](ctx)).strip()
        text = "".join(tmpl.blocks["text"](ctx)).strip() + "\n"
        html = render_template(f"mail/{template}.html", **context)
    return RenderedMail(subject=" ".join(subject.split()), text=text, html=html)


def _globals() -> dict[str, Any]:
    app = current_app
    ctx: dict[str, Any] = {}
    for processor in app.template_context_processors[None]:
        ctx.update(processor())
    return ctx


def queue(
    session: Session,
    *,
    key: str,
    kind: str,
    to: User | str,
    mail: RenderedMail,
    now: datetime,
) -> bool:
    """Queue a mail once per key; False when a mail with this key is already queued."""
    user = to if isinstance(to, User) else None
    address = to.email if isinstance(to, User) else to
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "profiler.local"
    values = dict(
        key=key,
        kind=kind,
        user_id=user.id if user else None,
        to_addr=address,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        headers=mail.headers,
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
        status=MailStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    result = session.execute(_queue_statement(session.get_bind().dialect.name), values)
    return bool(result.rowcount)


_QUEUE_STATEMENTS: dict[str, Any] = {}


def _queue_statement(dialect: str) -> Any:
    """One INSERT .. ON CONFLICT DO NOTHING per dialect, values passed as parameters.

    Built once: a statement with inline `.values(...)` is a new statement every time, and
    SQLAlchemy spends more on its cache key and the ORM bulk path than on the INSERT (the
    delivery tick queues thousands of mails in a row).
    """
    stmt = _QUEUE_STATEMENTS.get(dialect)
    if stmt is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(OutboxMail.__table__).on_conflict_do_nothing(index_elements=["key"])
        _QUEUE_STATEMENTS[dialect] = stmt
    return stmt


def already_queued(session: Session, key: str) -> bool:
    """True when a mail with `key` exists in the outbox."""
    return session.scalar(select(OutboxMail.id).where(OutboxMail.key == key)) is not None


def build_message(mail: OutboxMail, sender: str) -> EmailMessage:
    """The RFC 5322 message for an outbox row, with its stable Message-ID."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = formatdate(mail.created_at.timestamp(), localtime=False)
    for name, value in (mail.headers or {}).items():
        msg[name] = value
    msg.set_content(mail.text_body)
    msg.add_alternative(mail.html_body, subtype="html")
    return msg


class Backend(Protocol):
    """Something that delivers messages; `close` ends a reused connection."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class PermanentFailure(Exception):
    """The mail can never be delivered as it is (bad address, 5xx)."""


class TransientFailure(Exception):
    """Try again later (connection trouble, 4xx)."""


class ConnectionFailure(TransientFailure):
    """The server could not be reached at all: stop this drain, try again later."""


def address_problem(address: str) -> str | None:
    """Why `address` cannot be a recipient (None when it looks deliverable)."""
    _, addr = parseaddr(address)
    local, at, domain = addr.rpartition("@")
    if not at or not local or "." not in domain or any(c in addr for c in " \r\n<>,;"):
        return f"invalid address: {address!r}"
    return None


class MemoryBackend:
    """Keeps messages in a list (tests that do not need a real server)."""

    def __init__(self, outbox: list[EmailMessage]):
        self.outbox = outbox

    def send(self, message: EmailMessage) -> None:
        """Append the message."""
        self.outbox.append(message)

    def close(self) -> None:
        """Nothing to close."""


class FileBackend:
    """Writes each message as an .eml file in a folder (local development)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> None:
        """Write the message to <folder>/<timestamp>-<id>.eml."""
        stem = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        (self.folder / f"{stem}.eml").write_bytes(bytes(message))

    def close(self) -> None:
        """Nothing to close."""


class SmtpBackend:
    """Sends over one SMTP connection, opened on first use and reused."""

    def __init__(
        self,
        host: str,
        port: int,
        user: str | None,
        password: str | None,
        starttls: bool,
        timeout: float,
    ):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.starttls, self.timeout = starttls, timeout
        self._conn: smtplib.SMTP | None = None
        self.connections_opened = 0

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None and getattr(self._conn, "sock", None) is None:
            self._conn = None  # smtplib closed it (421 from the server)
        if self._conn is None:
            try:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.starttls:
                    conn.starttls()
                if self.user:
                    conn.login(self.user, self.password or "")
            except (OSError, smtplib.SMTPException) as exc:
                raise ConnectionFailure(f"connect: {exc}") from exc
            self._conn = conn
            self.connections_opened += 1
        return self._conn

    def send(self, message: EmailMessage) -> None:
        """Send one message; classify failures as permanent (5xx) or transient."""
        problem = address_problem(str(message["To"] or ""))
        if problem:
            raise PermanentFailure(problem)
        conn = self._connection()
        try:
            refused = conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._raise_for(codes[0] if codes else 550, str(exc.recipients))
        except smtplib.SMTPResponseException as exc:
            # smtplib already reset the transaction (or closed on 421); keep the connection.
            if exc.smtp_code < 400:
                self._drop()
            self._raise_for(exc.smtp_code, str(exc.smtp_error))
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TransientFailure(str(exc)) from exc
        if refused:
            code = next(iter(refused.values()))[0]
            self._raise_for(code, str(refused))

    @staticmethod
    def _raise_for(code: int, text: str) -> None:
        if 500 <= code < 600:
            raise PermanentFailure(f"{code} {text}")
        raise TransientFailure(f"{code} {text}")

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except (OSError, smtplib.SMTPException):
                pass
        self._conn = None

    def close(self) -> None:
        """QUIT and close the reused connection."""
        if self._conn is not None:
            try:
                self._conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
        self._conn = None


def backend_for(app: Any) -> Backend:
    """The backend configured by MAIL_BACKEND."""
    cfg = app.config
    kind = cfg["MAIL_BACKEND"]
    if kind == "smtp":
        return SmtpBackend(
            cfg["SMTP_HOST"],
            int(cfg["SMTP_PORT"]),
            cfg.get("SMTP_USER"),
            cfg.get("SMTP_PASSWORD"),
            bool(cfg.get("SMTP_STARTTLS")),
            float(cfg.get("SMTP_TIMEOUT", 20)),
        )
    if kind == "memory":
        return MemoryBackend(app.extensions.setdefault("mail_memory", []))
    return FileBackend(Path(app.instance_path) / "mail")


def one_click_headers(pause_url: str) -> dict[str, str]:
    """RFC 2369/8058 headers: mail clients show an unsubscribe button that pauses by POST."""
    return {
        "List-Unsubscribe": f"<{pause_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
