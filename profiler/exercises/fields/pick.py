"""The `pick` field: choose a subset of an earlier answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import tag, text
from ..wording import say
from .base import Field, FormData, RenderContext, Slot
from .sourced import SourcedField


@dataclass(eq=False)
class PickField(SourcedField):
    """Check boxes for the entries of an earlier list, multiple choice or group answer."""

    type: ClassVar[str] = "pick"
    keys: ClassVar[tuple[str, ...]] = ("from", "min", "max")
    uses_fieldset: ClassVar[bool] = True

    min: int | None = None
    max: int | None = None

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read from (required), min and max."""
        if not reader.has("from"):
            reader.problem(
                None,
                _p(
                    "%(what)s mist 'from: <oefening>.<veld>' (het eerdere antwoord om uit te "
                    "kiezen)",
                    what=reader.what,
                ),
            )
        minimum = reader.integer("min", None, minimum=0)
        return cls(
            **common,
            **cls.read_source(reader),
            min=minimum,
            max=reader.integer("max", None, minimum=max(1, minimum or 0)),
        )

    def empty(self) -> list[str]:
        """Nothing picked."""
        return []

    def parse(self, form: FormData, slot: Slot | None = None) -> list[str]:
        """The ticked entries, each once."""
        return list(dict.fromkeys(v for v in form.getlist((slot or self.slot).name) if v))

    def validate(self, value: Any, lang: str) -> list[str]:
        """Required, min and max."""
        picked = value if isinstance(value, list) else []
        needed = (self.min or 1) if self.required else (self.min or 0) if picked else 0
        if len(picked) < needed:
            return [
                say("too_few_choices", lang, min=needed) if needed > 1 else say("choose_one", lang)
            ]
        if self.max is not None and len(picked) > self.max:
            return [say("too_many_choices", lang, max=self.max)]
        return []

    def entries(self, value: Any) -> list[tuple[str, str]]:
        """The picked values with their labels."""
        return [(str(v), self.label_of(str(v))) for v in value] if isinstance(value, list) else []

    def as_text(self, value: Any) -> str:
        """One picked entry per line."""
        return "\n".join(label for _, label in self.entries(value))

    def as_html(self, value: Any) -> Markup:
        """A bulleted list."""
        entries = self.entries(value)
        return tag("ul", (tag("li", text(label)) for _, label in entries)) if entries else Markup()

    def shape(self) -> tuple:
        """Ids, type, reference and limits."""
        return (*super().shape(), self.min, self.max)

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """Check boxes for every entry of the earlier answer."""
        slot = slot or self.slot
        picked = value if isinstance(value, list) else []
        choices = self.source_entries(ctx.answers)

        def control(_: str | None, invalid: bool) -> Markup:
            if not choices:
                label = self.source_field.label if self.source_field else self.source
                return tag(
                    "p", text(say("nothing_to_order", ctx.lang, label=label)), class_="field__empty"
                )
            rows = []
            for n, (entry_value, label) in enumerate(choices, 1):
                dom = f"{slot.dom}-{n}"
                rows.append(
                    tag(
                        "div",
                        tag(
                            "input",
                            type="checkbox",
                            name=slot.name,
                            id=dom,
                            value=entry_value,
                            checked=entry_value in picked,
                            class_="field__check",
                            aria_invalid="true" if invalid else None,
                        )
                        + tag("label", text(label), for_=dom),
                        class_="field__option",
                    )
                )
            return Markup("").join(rows)

        return self.frame(ctx, slot, control)
