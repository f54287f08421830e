"""The message bytes made once at queue time (profiler.mailwire), read back by `email`."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.utils import formatdate

import pytest

from profiler.mailwire import from_header, message_bytes

LONG_URL = "<https://profiler.example.nl/mail/pause/" + "eyJlIjoxMjM0NSwidSI6NjU0MzJ9" * 3 + ">"
HEADERS = {"List-Unsubscribe": LONG_URL, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
TEXT = "Hallo Zoë,\n\nEr staat een oefening klaar: Carrière = loopbaan \n.begint met een punt\n"
HTML = (
    "<p>Hallo Zoë,</p>\n<p>" + "een lange regel " * 40 + '</p>\n<a href="https://x.nl/?a=b">x</a>'
)


def build(**changes) -> bytes | None:
    values = dict(
        to="zoe@example.nl",
        subject="Je oefening voor vandaag: Interessegebieden",
        message_id="<177.abc@profiler.local>",
        date=formatdate(1772435100, localtime=False),
        headers=HEADERS,
        text=TEXT,
        html=HTML,
    )
    values.update(changes)
    return message_bytes(**values)


def parse(data: bytes):
    return message_from_bytes(
        from_header("Profiler <noreply@profiler.local>") + data, policy=policy.default
    )


def test_the_bytes_read_back_as_the_mail_that_was_rendered():
    message = parse(build())
    assert message["From"] == "Profiler <noreply@profiler.local>"
    assert message["To"] == "zoe@example.nl"
    assert message["Subject"] == "Je oefening voor vandaag: Interessegebieden"
    assert message["Message-ID"] == "<177.abc@profiler.local>"
    assert message["Date"] == formatdate(1772435100, localtime=False)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.replace("\r\n", "\n") == TEXT
    assert html.replace("\r\n", "\n") == HTML + "\n"


def test_the_one_click_link_stays_one_unencoded_url():
    data = build()
    assert message_from_bytes(data, policy=policy.default)["List-Unsubscribe"] == LONG_URL
    assert f"List-Unsubscribe: {LONG_URL}\r\n".encode() in data  # not RFC 2047 words


def test_lines_are_crlf_short_and_seven_bit():
    data = build(subject="Je oefening voor vandaag:" + " een heel lange titel" * 6)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.isascii()
    for line in data.split(b"\r\n"):
        assert len(line) <= 78 or LONG_URL.encode() in line, line  # a word is not cut


def test_a_long_or_non_ascii_subject_is_folded_or_encoded_and_reads_back():
    for subject in ("Oefening: " + "lang " * 30, "Je oefening: Carrière voor Zoë " * 4):
        assert parse(build(subject=subject.strip()))["Subject"] == subject.strip()


def test_a_non_ascii_sender_name_is_encoded():
    header = from_header("Loopbaan Zoë <noreply@profiler.local>")
    assert header.isascii() and header.endswith(b"<noreply@profiler.local>\r\n")
    assert message_from_bytes(header + build())["From"] is not None


@pytest.mark.parametrize(
    "changes",
    [
        {"to": "zoë@example.nl"},  # needs SMTPUTF8: the email package builds it
        {"to": "a@example.nl\r\nBcc: b@example.nl"},
        {"headers": {"X-Test": "line\r\nbreak"}},
        {"headers": {"Bad Name": "x"}},
        {"headers": {"X-Test": "ë"}},
    ],
)
def test_what_it_cannot_write_safely_is_left_to_the_email_package(changes):
    assert build(**changes) is None
