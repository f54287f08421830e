"""The `list` field: a fixed number of short lines, empty lines dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import tag, text
from ..wording import say
from .base import Field, FormData, RenderContext, Slot, filled


@dataclass(eq=False)
class ListField(Field):
    """N short lines of text, stored as a list without the empty ones."""

    type: ClassVar[str] = "list"
    keys: ClassVar[tuple[str, ...]] = ("items", "min", "max_length")
    uses_fieldset: ClassVar[bool] = True

    items: int = 3
    min: int = 1
    max_length: int = 200

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read items (required), min and max_length."""
        if not reader.has("items"):
            reader.problem(
                None,
                _p(
                    "%(what)s mist de sleutel 'items' (hoeveel regels); voeg bijvoorbeeld "
                    "'items: 5' toe",
                    what=reader.what,
                ),
            )
        items = reader.integer("items", 3, minimum=1, maximum=50) or 3
        minimum = reader.integer("min", 1, minimum=0, maximum=items)
        return cls(
            **common,
            items=items,
            min=minimum if minimum is not None else 1,
            max_length=reader.integer("max_length", 200, minimum=1) or 200,
        )

    def empty(self) -> list[str]:
        """No lines."""
        return []

    def parse(self, form: FormData, slot: Slot | None = None) -> list[str]:
        """The non-empty lines in order."""
        values = (v.strip() for v in form.getlist((slot or self.slot).name))
        return [v for v in values if v]

    def validate(self, value: Any, lang: str) -> list[str]:
        """Enough lines when required, not too many, none too long."""
        lines = value if isinstance(value, list) else []
        messages = []
        needed = max(self.min, 1) if self.required else 0
        if len(lines) < needed:
            messages.append(
                say("too_few_lines", lang, min=needed) if needed > 1 else say("required", lang)
            )
        if len(lines) > self.items:
            messages.append(say("too_many_lines", lang, max=self.items))
        messages += [
            say("item_too_long", lang, n=n, max=self.max_length)
            for n, line in enumerate(lines, 1)
            if len(str(line)) > self.max_length
        ]
        return messages

    def as_text(self, value: Any) -> str:
        """One line per item."""
        return "\n".join(str(v) for v in value) if isinstance(value, list) else ""

    def as_html(self, value: Any) -> Markup:
        """A bulleted list."""
        return tag("ul", (tag("li", text(v)) for v in value)) if value else Markup("")

    def entries(self, value: Any) -> list[tuple[str, str]]:
        """Every line is an entry."""
        return [(str(v), str(v)) for v in value] if isinstance(value, list) else []

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """A fieldset with one numbered text input per line."""
        slot = slot or self.slot
        lines = value if isinstance(value, list) else []

        def control(_: str | None, invalid: bool) -> Markup:
            count = max(self.items, len(lines))
            pieces = self.stencil(
                (slot.path, ctx.lang, invalid, count),
                lambda marker: self._rows(slot, ctx.lang, invalid, [marker] * count),
            )
            return filled(pieces, [str(line) for line in lines] + [""] * (count - len(lines)))

        return self.frame(ctx, slot, control)

    def _rows(self, slot: Slot, lang: str, invalid: bool, lines: list[str]) -> Markup:
        """The numbered list of inputs holding `lines`."""
        rows = []
        for n, line in enumerate(lines, 1):
            dom = f"{slot.dom}-{n}"
            rows.append(
                tag(
                    "li",
                    tag("label", text(say("line", lang, n=n)), for_=dom, class_="visually-hidden")
                    + tag(
                        "input",
                        type="text",
                        name=slot.name,
                        id=dom,
                        value=line,
                        class_="field__input",
                        aria_invalid="true" if invalid else None,
                    ),
                )
            )
        return tag("ol", rows, class_="field__lines")
