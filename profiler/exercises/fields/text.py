"""Free text fields: `text` (one line) and `textarea` (several lines), with optional prefill."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from ..prefill import render_prefill, template_problem
from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import tag, text
from ..wording import say
from .base import Field, FormData, RenderContext, Slot, filled, first


@dataclass(eq=False)
class TextField(Field):
    """One line of free text."""

    type: ClassVar[str] = "text"
    keys: ClassVar[tuple[str, ...]] = ("max_length", "prefill")
    default_max: ClassVar[int] = 200

    max_length: int = 200
    prefill: str = ""

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read max_length and prefill (checking the template)."""
        prefill = reader.string("prefill")
        if prefill and (problem := template_problem(prefill)):
            reader.problem(
                "prefill", _p("%(what)s: %(problem)s", what=reader.what, problem=problem)
            )
        extra = cls.read_extra(reader)
        max_length = reader.integer("max_length", cls.default_max, minimum=1)
        return cls(**common, max_length=max_length, prefill=prefill, **extra)

    @classmethod
    def read_extra(cls, reader: SpecReader) -> dict[str, Any]:
        """Keys only the subclass has."""
        return {}

    def initial(self, ctx: RenderContext) -> Any:
        """The prefill result, or empty."""
        if not self.prefill:
            return ""
        return render_prefill(self.prefill, ctx.answers, ctx.scores)

    def parse(self, form: FormData, slot: Slot | None = None) -> str:
        """The submitted text, stripped; Windows line ends become plain ones."""
        return first(form, (slot or self.slot).name).replace("\r\n", "\n")

    def validate(self, value: Any, lang: str) -> list[str]:
        """Required and maximum length."""
        value = value if isinstance(value, str) else ""
        if self.required and not value:
            return [say("required", lang)]
        if len(value) > self.max_length:
            return [say("too_long", lang, max=self.max_length, count=len(value))]
        return []

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """A labelled text input."""
        slot = slot or self.slot

        def control(described: str | None, invalid: bool) -> Markup:
            pieces = self.stencil(
                (slot.path, described, invalid),
                lambda marker: self.control(marker, slot, described, invalid),
            )
            return filled(pieces, (value if isinstance(value, str) else "",))

        return self.frame(ctx, slot, control)

    def control(self, value: str, slot: Slot, described: str | None, invalid: bool) -> Markup:
        """The input element itself."""
        return tag(
            "input",
            type="text",
            name=slot.name,
            id=slot.dom,
            value=value,
            class_="field__input",
            aria_describedby=described,
            aria_invalid="true" if invalid else None,
            aria_required="true" if self.required else None,
        )


@dataclass(eq=False)
class TextareaField(TextField):
    """Several lines of free text."""

    type: ClassVar[str] = "textarea"
    keys: ClassVar[tuple[str, ...]] = ("max_length", "rows", "prefill")
    default_max: ClassVar[int] = 5000

    max_length: int = 5000
    rows: int = 6

    @classmethod
    def read_extra(cls, reader: SpecReader) -> dict[str, Any]:
        """Read rows."""
        return {"rows": reader.integer("rows", 6, minimum=1, maximum=40)}

    def control(self, value: str, slot: Slot, described: str | None, invalid: bool) -> Markup:
        """The textarea element itself."""
        # A leading newline would be eaten by the HTML parser, so one is always added.
        return tag(
            "textarea",
            "\n" + text(value),
            name=slot.name,
            id=slot.dom,
            rows=self.rows,
            class_="field__textarea",
            aria_describedby=described,
            aria_invalid="true" if invalid else None,
            aria_required="true" if self.required else None,
        )
