"""A mail's bytes as they go over the wire, made once when the mail is queued.

Python's `email` package (EmailMessage with `policy.default`) costs several milliseconds
per message in header parsing and folding: more than the SMTP exchange itself. The outbox
mails all have one shape (a few headers, a text and an HTML part), so they are written
here directly: headers folded at spaces (RFC 2047 encoded words for a non-ASCII subject),
both parts quoted-printable (7-bit clean, so no server needs 8BITMIME, and the boundary
`=_…` can never occur in them), CRLF line ends. The sender only puts the From header in
front (`from_header`), so the configured sender applies when the mail is sent.

`message_bytes` returns None for a mail it cannot write safely (a non-ASCII address, a line
break in a header); the sender then builds that one with the `email` package as before.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Iterable
from email.utils import formataddr, parseaddr

CRLF = "\r\n"
MAX_LINE = 78  # RFC 5322: lines SHOULD be at most 78 characters
HARD_LINE = 998  # and MUST be at most 998
HEADER_NAME = re.compile(r"[!-9;-~]+\Z")  # printable ASCII without ":" (RFC 5322 ftext)
WORD_BYTES = 42  # UTF-8 bytes per encoded word: "=?utf-8?b?" + 56 + "?=" fits a line


def _plain(value: str) -> bool:
    """ASCII without control characters: can go into a header as it is."""
    return value.isascii() and value.isprintable()


def fold(name: str, value: str) -> str | None:
    """`Name: value` folded at spaces to lines of at most 78 characters where possible.

    A word longer than a line (a long URL) keeps a line of its own, unbroken. None when the
    value is not plain ASCII or a line would pass the hard limit of 998 characters.
    """
    if not _plain(value) or not HEADER_NAME.match(name):
        return None
    line = f"{name}: {value}"
    if len(line) <= MAX_LINE:
        return line + CRLF
    if "  " in value or value != value.strip():  # folding would change the spaces: keep it
        return line + CRLF if len(line) <= HARD_LINE else None
    first, *words = value.split(" ")
    lines: list[str] = []
    current = f"{name}: {first}"
    for word in words:
        if len(current) + 1 + len(word) > MAX_LINE and current.strip():
            lines.append(current)
            current = ""
        current += " " + word
    lines.append(current)
    if any(len(part) > HARD_LINE for part in lines):
        return None
    return CRLF.join(lines) + CRLF


def _encoded_words(value: str) -> Iterable[str]:
    """RFC 2047 base64 encoded words of at most WORD_BYTES bytes, cut between characters."""
    chunk = bytearray()
    for char in value:
        data = char.encode("utf-8")
        if len(chunk) + len(data) > WORD_BYTES:
            yield f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?="
            chunk.clear()
        chunk += data
    if chunk:
        yield f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?="


def text_header(name: str, value: str) -> str | None:
    """An unstructured header (Subject): plain when it can be, encoded words otherwise."""
    if _plain(value):
        return fold(name, value)
    if not value.isprintable() or not HEADER_NAME.match(name):
        return None
    return f"{name}: " + f"{CRLF} ".join(_encoded_words(value)) + CRLF


def from_header(sender: str) -> bytes:
    """The From header for `sender` ("Name <address>"), encoding a non-ASCII name."""
    name, address = parseaddr(sender)
    line = fold("From", formataddr((name, address), charset="utf-8"))
    if line is None:  # pragma: no cover - formataddr gives ASCII; a very long name
        line = f"From: {address}{CRLF}"
    return line.encode("ascii")


def quoted_printable(body: str) -> bytes:
    """A body as quoted-printable with CRLF line ends, ending in a line break."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return binascii.b2a_qp(text.replace("\n", CRLF).encode("utf-8"), istext=True)


def message_bytes(
    *,
    to: str,
    subject: str,
    message_id: str,
    date: str,
    headers: dict[str, str] | None,
    text: str,
    html: str,
) -> bytes | None:
    """The whole message except its From header, or None when it needs the `email` package.

    `date` is an RFC 5322 date (`email.utils.formatdate`). Headers come in the order the
    `email` package used: To, Subject, Message-ID, Date, the extra ones, the MIME headers.
    """
    if not _plain(to):  # a non-ASCII address needs SMTPUTF8: the email package does that
        return None
    lines = [
        fold("To", to),
        text_header("Subject", subject),
        fold("Message-ID", message_id),
        fold("Date", date),
    ]
    lines += [fold(name, str(value)) for name, value in (headers or {}).items()]
    if any(line is None for line in lines):
        return None
    boundary = f"=_{uuid.uuid4().hex}"
    head = "".join(lines) + (
        f"MIME-Version: 1.0{CRLF}"
        f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"{CRLF}{CRLF}'
    )
    part = '--{b}\r\nContent-Type: text/{sub}; charset="utf-8"\r\n' + (
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    return b"".join(
        (
            head.encode("ascii"),
            part.format(b=boundary, sub="plain").encode("ascii"),
            quoted_printable(text),
            CRLF.encode("ascii"),
            part.format(b=boundary, sub="html").encode("ascii"),
            quoted_printable(html),
            f"{CRLF}--{boundary}--{CRLF}".encode("ascii"),
        )
    )
