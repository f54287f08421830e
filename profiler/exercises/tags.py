"""Tiny HTML builders: every text is escaped, attributes with None/False are left out."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

VOID = frozenset({"input", "br", "img", "hr"})


# The same entities markupsafe.escape writes, applied in one C call (str.translate): the
# fields build thousands of attributes per page, and wrapping each one in Markup adds up.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
_NAMES: dict[str, str] = {}


def escaped(value: object) -> str:
    """`str(markupsafe.escape(value))`, without making a Markup object on the way."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return (value if isinstance(value, str) else str(value)).translate(_ESCAPES)


def _name(key: str) -> str:
    name = _NAMES.get(key)
    if name is None:
        name = _NAMES[key] = key.rstrip("_").replace("_", "-")
    return name


class Flag(str):
    """A boolean attribute (`checked`, `selected`) left open in a stencil: `attrs` writes the
    text itself where the attribute goes, for the stencil to fill with `flag(name, on)`."""


def flag(name: str, on: bool) -> str:
    """What a boolean attribute adds to its element: ` name`, or nothing."""
    return f" {name}" if on else ""


def attrs(**values: object) -> str:
    """Render keyword arguments as HTML attributes; `class_` becomes `class`, `_` becomes `-`."""
    parts = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f" {_name(key)}")
        elif type(value) is Flag:
            parts.append(value)
        else:
            parts.append(f' {_name(key)}="{escaped(value)}"')
    return "".join(parts)


def tag(element: str, content: str | Iterable[str] = "", /, **attributes: object) -> Markup:
    """One element; plain-text content is escaped, Markup content is kept."""
    if isinstance(content, str):
        inner = escaped(content)
    else:
        inner = "".join(escaped(piece) for piece in content)
    if element in VOID:
        return Markup(f"<{element}{attrs(**attributes)}>")
    return Markup(f"<{element}{attrs(**attributes)}>{inner}</{element}>")


def text(value: object) -> Markup:
    """Escape plain text for use as element content."""
    return escape("" if value is None else str(value))


def paragraphs(value: str) -> Markup:
    """Plain text as paragraphs, single line breaks kept."""
    blocks = [block.strip() for block in value.replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(
        tag("p", Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
        if block
    )


def joined(ids: Iterable[str | None]) -> str | None:
    """Space-separated ids for aria-describedby, or None when there are none."""
    present = [i for i in ids if i]
    return " ".join(present) or None
