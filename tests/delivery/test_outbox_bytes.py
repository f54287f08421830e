"""The message bytes stored at queue time are what the SMTP server receives (SQLite, PG)."""

from __future__ import annotations

import random
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from profiler import outbox, tokens
from profiler.extensions import db as _db
from profiler.mail import (
    Outgoing,
    PermanentFailure,
    QueuedMail,
    RenderedMail,
    SmtpBackend,
    backend_for,
    queue,
    queue_many,
)
from profiler.mailwire import from_header
from profiler.models import MailStatus, OutboxMail
from tests.conftest import T0

SENDER = "Profiler <noreply@profiler.local>"
PAUSE = "<https://profiler.example/mail/pause/" + "eyJlIjoxLCJ1IjoyfQ" * 4 + ">"
RENDERED = RenderedMail(
    "Je oefening voor vandaag: Carrière",
    "Hallo Zoë,\n\nEr staat een oefening voor je klaar.\n",
    "<p>Hallo Zoë,</p>\n<p>Er staat een oefening voor je klaar.</p>\n",
    {"List-Unsubscribe": PAUSE, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
)


@pytest.fixture
def raw_app(any_app, smtp_server):
    """`any_app` sending to the test SMTP server."""
    any_app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    return any_app


def put(session, key: str = "bytes:1") -> OutboxMail:
    assert queue(session, key=key, kind="test", to="zoe@example.nl", mail=RENDERED, now=T0)
    session.commit()
    return session.scalars(select(OutboxMail).where(OutboxMail.key == key)).one()


def drain(app, session, now=T0) -> outbox.SendReport:
    return outbox.send_due(session, backend_for(app), SENDER, now, rng=random.Random(1))


def test_the_stored_bytes_are_what_the_server_receives(raw_app, session, smtp_server):
    mail = put(session)
    stored = bytes(mail.raw_message)
    assert drain(raw_app, session).sent == 1
    [(sender, recipients, content)] = smtp_server.received
    assert (sender, recipients) == ("noreply@profiler.local", ["zoe@example.nl"])
    assert content == from_header(SENDER) + stored
    message = message_from_bytes(content, policy=policy.default)
    assert message["Message-ID"] == mail.message_id
    assert message["Subject"] == RENDERED.subject
    assert message["List-Unsubscribe"] == PAUSE
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.replace("\r\n", "\n") == RENDERED.text


def test_a_retry_sends_the_same_bytes(raw_app, session, smtp_server):
    mail = put(session)
    smtp_server.reject_next = ["451 4.7.1 try again later"]
    assert drain(raw_app, session).retried == 1
    assert drain(raw_app, session, T0 + timedelta(minutes=1)).sent == 1
    [(_, _, content)] = smtp_server.received
    assert content == from_header(SENDER) + bytes(mail.raw_message)


def test_a_mail_queued_without_bytes_is_built_when_sent(raw_app, session, smtp_server):
    """Mails queued before the bytes were stored (before the migration) still go out."""
    mail = put(session)
    session.execute(update(OutboxMail).values(raw_message=None))
    session.commit()
    assert drain(raw_app, session).sent == 1
    [(sender, recipients, content)] = smtp_server.received
    assert (sender, recipients) == ("noreply@profiler.local", ["zoe@example.nl"])
    message = message_from_bytes(content, policy=policy.default)
    assert message["Message-ID"].strip() == mail.message_id  # as the email package folds it
    assert message["Subject"] == RENDERED.subject
    assert message["From"] == SENDER
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.replace("\r\n", "\n") == RENDERED.text
    session.expire_all()
    assert session.get(OutboxMail, mail.id).status == MailStatus.SENT.value


def test_queue_many_tells_the_new_keys_from_those_already_queued(any_app, session):
    def mails(*keys: str) -> list[QueuedMail]:
        return [QueuedMail(key, "test", None, f"{key}@example.nl", RENDERED) for key in keys]

    assert queue_many(session, mails("k1", "k2"), T0) == {"k1", "k2"}
    before = session.scalars(select(OutboxMail.message_id).where(OutboxMail.key == "k2")).one()
    assert queue_many(session, mails("k2", "k3"), T0) == {"k3"}
    session.commit()
    after = session.scalars(select(OutboxMail.message_id).where(OutboxMail.key == "k2")).one()
    assert after == before  # the first one stays: same Message-ID, same bytes


def test_before_data_runs_after_the_envelope_and_before_the_server_accepts(smtp_server):
    backend = SmtpBackend("127.0.0.1", smtp_server.port, None, None, False, 10)
    message = Outgoing("noreply@profiler.local", "zoe@example.nl", b"Subject: x\r\n\r\nhi\r\n")
    seen: list[int] = []
    backend.send(message, before_data=lambda: seen.append(len(smtp_server.received)))
    assert seen == [0] and len(smtp_server.received) == 1

    def fails() -> None:
        raise RuntimeError("the previous result could not be written")

    with pytest.raises(RuntimeError):
        backend.send(message, before_data=fails)
    assert len(smtp_server.received) == 1  # not accepted; the envelope was reset
    backend.send(message)  # the connection goes on
    assert len(smtp_server.received) == 2
    assert backend.connections_opened == 1
    backend.close()


def test_a_recipient_refused_at_rcpt_is_permanent_and_the_connection_goes_on(smtp_server):
    backend = SmtpBackend("127.0.0.1", smtp_server.port, None, None, False, 10)
    message = Outgoing("noreply@profiler.local", "zoe@example.nl", b"Subject: x\r\n\r\nhi\r\n")
    smtp_server.reject_next = ["550 5.1.1 no such user"]
    with pytest.raises(PermanentFailure, match="550"):
        backend.send(message)
    backend.send(message)
    assert len(smtp_server.received) == 1 and backend.connections_opened == 1
    backend.close()


def test_pause_tokens_signed_in_bulk_read_like_the_others(app):
    sign = tokens.dumper("pause")
    token = sign({"e": 7, "u": 3})
    assert tokens.load(token, "pause", 60) == {"e": 7, "u": 3}
    assert token.count(".") == tokens.dump({"e": 7, "u": 3}, "pause").count(".") == 2
    with pytest.raises(tokens.TokenError):
        tokens.load(token, "invite", 60)


def test_the_sender_reads_the_bytes_not_the_bodies(any_app, session):
    put(session)
    [row] = outbox.claim(session, T0, 10)
    assert row.raw_message is not None
    assert "text_body" not in row._fields  # bodies are read only for mails without bytes
    _db.session.commit()
