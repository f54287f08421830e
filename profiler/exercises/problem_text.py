"""Problem messages in the reader's language, chosen when they are shown.

The library is loaded once and shown to administrators in Dutch or English, and
`flask --app wsgi exercises check` prints it too: a message keeps its Dutch text (the
msgid, extracted by `make messages` through the `_p` keyword) and its values, and is
translated each time it is turned into text. Unlike Flask-Babel's LazyString it has no
`__html__`, so a template escapes it like any other text (the values are what an
administrator typed), and it compares and hashes by msgid and values, not by the words of
the current language.
"""

from __future__ import annotations

from functools import total_ordering

from flask_babel import gettext


@total_ordering
class Text:
    """A translatable message with its values; `str()` gives it in the current language."""

    __slots__ = ("msgid", "values")

    def __init__(self, msgid: str, values: dict[str, object]) -> None:
        self.msgid = msgid
        self.values = tuple(sorted(values.items()))

    def __str__(self) -> str:
        if not self.values:
            return gettext(self.msgid)
        return gettext(self.msgid, **{key: str(value) for key, value in self.values})

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, {dict(self.values)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (self.msgid, self.values) == (other.msgid, other.values)

    def __hash__(self) -> int:
        return hash((self.msgid, self.values))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return str(self) < str(other)


def _p(msgid: str, **values: object) -> Text:
    """A problem message: Dutch `msgid` with %(name)s placeholders, translated when shown."""
    return Text(msgid, values)
