"""Tiny HTML builders: every text is escaped, attributes with None/False are left out."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

VOID = frozenset({"input", "br", "img", "hr"})


def attrs(**values: object) -> str:
    """Render keyword arguments as HTML attributes; `class_` becomes `class`, `_` becomes `-`."""
    parts = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f" {name}" if value is True else f' {name}="{escape(value)}"')
    return "".join(parts)


def tag(element: str, content: str | Iterable[str] = "", /, **attributes: object) -> Markup:
    """One element; plain-text content is escaped, Markup content is kept."""
    content = escape(content) if isinstance(content, str) else Markup("").join(content)
    if element in VOID:
        return Markup(f"<{element}{attrs(**attributes)}>")
    return Markup(f"<{element}{attrs(**attributes)}>{content}</{element}>")


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
