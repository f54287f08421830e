"""Mail: render templates, queue in the outbox (same transaction), send through a backend."""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from . import mailwire
from .database import upsert_insert
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


@dataclass
class QueuedMail:
    """One mail for `queue_many`: its unique key, kind, recipient and rendered content."""

    key: str
    kind: str
    user_id: int | None
    to: str
    mail: RenderedMail


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
    # A user (an ORM User or the logged-in SessionUser) or a bare address.
    user_id, address = (None, to) if isinstance(to, str) else (to.id, to.email)
    return bool(queue_many(session, [QueuedMail(key, kind, user_id, address, mail)], now))


def queue_many(session: Session, mails: Iterable[QueuedMail], now: datetime) -> set[str]:
    """Queue mails once per key; the keys that were new (now queued).

    Each row gets its stable Message-ID and its message bytes (`profiler.mailwire`), so
    the sender does not build the message again on every attempt.
    """
    return insert_rows(session, outbox_rows(mails, now))


def outbox_rows(mails: Iterable[QueuedMail], now: datetime) -> list[dict[str, Any]]:
    """The outbox rows of `mails` (in the app context), for `insert_rows`."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "profiler.local"
    date = formatdate(now.timestamp(), localtime=False)
    return [_row(item, domain, date, now) for item in mails]


def insert_rows(db: Session | Connection, rows: list[dict[str, Any]]) -> set[str]:
    """INSERT outbox rows once per key (no commit); the keys that were new."""
    if not rows:
        return set()
    dialect = db.dialect if isinstance(db, Connection) else db.get_bind().dialect
    result = db.execute(_queue_statement(dialect.name), rows)
    if result.rowcount == len(rows):  # the usual case: every key was new
        return {row["key"] for row in rows}
    ours = {row["key"]: row["message_id"] for row in rows}
    table = OutboxMail.__table__
    stored = db.execute(select(table.c.key, table.c.message_id).where(table.c.key.in_(list(ours))))
    return {key for key, message_id in stored if ours[key] == message_id}


def _row(item: QueuedMail, domain: str, date: str, now: datetime) -> dict[str, Any]:
    """The outbox row of one mail: pending, due now, with Message-ID and message bytes."""
    mail = item.mail
    message_id = make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain)
    raw = mailwire.message_bytes(
        to=item.to,
        subject=mail.subject,
        message_id=message_id,
        date=date,
        headers=mail.headers,
        text=mail.text,
        html=mail.html,
    )
    return dict(
        key=item.key,
        kind=item.kind,
        user_id=item.user_id,
        to_addr=item.to,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        headers=mail.headers,
        message_id=message_id,
        raw_message=raw,
        status=MailStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


_QUEUE_STATEMENTS: dict[str, Any] = {}


def _queue_statement(dialect: str) -> Any:
    """One INSERT .. ON CONFLICT DO NOTHING per dialect, values passed as parameters.

    Built once: a statement with inline `.values(...)` is a new statement every time, and
    SQLAlchemy spends more on its cache key and the ORM bulk path than on the INSERT (the
    delivery tick queues thousands of mails in a row). Without RETURNING a list of rows
    goes to the driver's executemany (one prepared statement, pipelined by psycopg); with
    it SQLAlchemy writes one INSERT with all rows inline, which psycopg spends more time
    parsing than PostgreSQL spends inserting. Which keys were new `queue_many` tells from
    the row count, or, when some were not, from the Message-IDs stored under the keys.
    """
    stmt = _QUEUE_STATEMENTS.get(dialect)
    if stmt is None:
        insert = upsert_insert(dialect)
        stmt = insert(OutboxMail.__table__).on_conflict_do_nothing(index_elements=["key"])
        # The driver's row count (summed over all rows) is kept only when asked for.
        stmt = stmt.execution_options(preserve_rowcount=True)
        _QUEUE_STATEMENTS[dialect] = stmt
    return stmt


def build_message(mail: Any, sender: str) -> EmailMessage:
    """The RFC 5322 message for an outbox row, with its stable Message-ID.

    Only for rows without stored bytes (queued before `raw_message` existed); see
    `outgoing`.
    """
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


@dataclass(frozen=True)
class Outgoing:
    """A message ready for the wire: the envelope and the bytes (CRLF line ends)."""

    sender: str  # envelope sender (MAIL FROM), a bare address
    to: str  # the one recipient (RCPT TO)
    data: bytes

    @property
    def international(self) -> bool:
        """True when an envelope address is not ASCII (needs SMTPUTF8)."""
        return not (self.sender + self.to).isascii()

    def message(self) -> EmailMessage:
        """The bytes parsed back into a message (the memory backend, tests)."""
        return message_from_bytes(self.data, policy=policy.default)


@lru_cache(maxsize=16)
def _from_header(sender: str) -> bytes:
    return mailwire.from_header(sender)


@lru_cache(maxsize=16)
def _envelope(sender: str) -> str:
    return parseaddr(sender)[1] or sender


def outgoing(mail: Any, sender: str) -> Outgoing:
    """What goes over the wire for an outbox row (an OutboxMail or a row with its columns).

    The stored bytes with the From header of `sender` in front; a row queued without
    bytes is built with the `email` package, as smtplib's send_message would send it.
    Raises ValueError or TypeError when such a row cannot be built.
    """
    envelope = _envelope(sender)
    raw = mail.raw_message
    if raw is not None:
        return Outgoing(envelope, mail.to_addr, _from_header(sender) + bytes(raw))
    msg = build_message(mail, sender)
    international = not (envelope + mail.to_addr).isascii()
    wire = msg.policy.clone(linesep="\r\n", utf8=international)
    return Outgoing(envelope, mail.to_addr, msg.as_bytes(policy=wire))


class Backend(Protocol):
    """Something that delivers messages; `close` ends a reused connection.

    `send` calls `before_data` (when given) before the message can be accepted: the
    outbox commits the previous mail's result meanwhile.
    """

    def send(self, message: Outgoing, before_data: Callable[[], object] | None = None) -> None: ...

    def close(self) -> None: ...


class PermanentFailure(Exception):
    """The mail can never be delivered as it is (bad address, 5xx)."""


class TransientFailure(Exception):
    """Try again later (connection trouble, 4xx)."""


class ConnectionFailure(TransientFailure):
    """The server could not be reached at all: stop this drain, try again later."""


@lru_cache(maxsize=256)  # the sender checks each address twice in a row (claim, send)
def address_problem(address: str) -> str | None:
    """Why `address` cannot be a recipient (None when it looks deliverable)."""
    _, addr = parseaddr(address)
    local, at, domain = addr.rpartition("@")
    if not at or not local or "." not in domain or any(c in addr for c in " \r\n<>,;"):
        return f"invalid address: {address!r}"
    return None


class MemoryBackend:
    """Keeps messages in a list, parsed back from their bytes (tests without a server)."""

    def __init__(self, outbox: list[EmailMessage]):
        self.outbox = outbox

    def send(self, message: Outgoing, before_data: Callable[[], object] | None = None) -> None:
        """Append the message."""
        if before_data is not None:
            before_data()
        self.outbox.append(message.message())

    def close(self) -> None:
        """Nothing to close."""


class FileBackend:
    """Writes each message as an .eml file in a folder (local development)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: Outgoing, before_data: Callable[[], object] | None = None) -> None:
        """Write the message to <folder>/<timestamp>.eml (with the platform's line ends)."""
        if before_data is not None:
            before_data()
        stem = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        (self.folder / f"{stem}.eml").write_bytes(message.data.replace(b"\r\n", b"\n"))

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

    def send(self, message: Outgoing, before_data: Callable[[], object] | None = None) -> None:
        """Send one message; classify failures as permanent (5xx) or transient.

        What smtplib's `sendmail` does, in two steps: the envelope (MAIL FROM, RCPT TO),
        then `before_data()`, then DATA, where the server accepts the message.
        """
        problem = address_problem(message.to)
        if problem:
            raise PermanentFailure(problem)
        conn = self._connection()
        with self._answers():
            self._envelope(conn, message)
        if before_data is not None:
            try:
                before_data()
            except BaseException:
                self._forget(conn)
                raise
        with self._answers():
            code, reply = conn.data(message.data)
            if code != 250:
                self._abort(conn, code)
                raise smtplib.SMTPDataError(code, reply)

    def _envelope(self, conn: smtplib.SMTP, message: Outgoing) -> None:
        """MAIL FROM (with SIZE, and SMTPUTF8 when needed) and RCPT TO, as sendmail does."""
        conn.ehlo_or_helo_if_needed()
        options: list[str] = []
        if conn.does_esmtp:
            if conn.has_extn("size"):
                options.append(f"size={len(message.data)}")
            options += self._options(conn, message)
        elif message.international:
            raise smtplib.SMTPNotSupportedError("the server does not support SMTPUTF8")
        code, reply = conn.mail(message.sender, options)
        if code != 250:
            self._abort(conn, code)
            raise smtplib.SMTPSenderRefused(code, reply, message.sender)
        code, reply = conn.rcpt(message.to)
        if code not in (250, 251):
            self._abort(conn, code)
            raise smtplib.SMTPRecipientsRefused({message.to: (code, reply)})

    @staticmethod
    def _abort(conn: smtplib.SMTP, code: int) -> None:
        """End a refused transaction as sendmail does: close on 421, RSET otherwise."""
        if code == 421:
            conn.close()
            return
        try:
            conn.rset()
        except smtplib.SMTPServerDisconnected:
            pass

    def _forget(self, conn: smtplib.SMTP) -> None:
        """RSET: the server forgets the envelope (a connection in doubt is closed)."""
        try:
            conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    @contextmanager
    def _answers(self) -> Iterator[None]:
        """Turn what smtplib raises into PermanentFailure (5xx) or TransientFailure."""
        try:
            yield
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._raise_for(codes[0] if codes else 550, str(exc.recipients))
        except smtplib.SMTPResponseException as exc:
            # The transaction is reset (or the connection closed on 421); keep it.
            if exc.smtp_code < 400:
                self._drop()
            self._raise_for(exc.smtp_code, str(exc.smtp_error))
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TransientFailure(str(exc)) from exc

    @staticmethod
    def _options(conn: smtplib.SMTP, message: Outgoing) -> list[str]:
        """SMTPUTF8 for a non-ASCII address, as smtplib's send_message does."""
        if not message.international:
            return []
        if not conn.has_extn("smtputf8"):
            raise smtplib.SMTPNotSupportedError("the server does not support SMTPUTF8")
        return ["SMTPUTF8", "BODY=8BITMIME"]

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
