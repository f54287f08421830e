"""The `rank` field: put options or earlier answers in order (a number select per option)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from markupsafe import Markup

from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import tag, text
from ..wording import say
from .base import Field, FormData, RenderContext, Slot
from .options import Option, read_options
from .sourced import SourcedField


class RankDraft(list):
    """A ranking as typed, remembering the numbers given (for doubles) and how many there were."""

    def __init__(
        self, ranked: list[str], positions: dict[str, int], available: int, doubles: list[int]
    ) -> None:
        super().__init__(ranked)
        self.positions = positions
        self.available = available
        self.doubles = doubles


@dataclass(eq=False)
class RankField(SourcedField):
    """Order `options`, or the entries of an earlier answer (`from`); `top` limits how many."""

    type: ClassVar[str] = "rank"
    keys: ClassVar[tuple[str, ...]] = ("options", "from", "top")
    uses_fieldset: ClassVar[bool] = True

    options: list[Option] = field(default_factory=list)
    top: int | None = None

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read options or from (exactly one of them) and top."""
        if reader.has("options") == reader.has("from"):
            reader.problem(
                "from" if reader.has("from") else None,
                _p(
                    "%(what)s heeft 'options' of 'from' nodig (een van beide, niet allebei)",
                    what=reader.what,
                ),
            )
        return cls(
            **common,
            options=read_options(reader),
            **cls.read_source(reader),
            top=reader.integer("top", None, minimum=1),
        )

    def empty(self) -> list[str]:
        """Nothing ranked."""
        return []

    def choices(self, answers: Any) -> list[tuple[str, str]]:
        """What can be ranked: the options, or the entries of the earlier answer."""
        if self.options:
            return [(o.value, o.label) for o in self.options]
        return self.source_entries(answers)

    def parse(self, form: FormData, slot: Slot | None = None) -> RankDraft:
        """The options that got a number, ordered by that number."""
        slot = slot or self.slot
        options = form.getlist(slot.child("option").name)
        numbers = form.getlist(slot.child("position").name)
        positions: dict[str, int] = {}
        for option, number in zip(options, numbers, strict=False):
            if number.strip().isdigit() and option not in positions:
                positions[option] = int(number)
        ranked = sorted(positions, key=lambda o: positions[o])
        taken = list(positions.values())
        doubles = sorted({n for n in taken if taken.count(n) > 1})
        return RankDraft(ranked, positions, len(dict.fromkeys(options)), doubles)

    def needed(self, available: int) -> int:
        """How many must be ranked when the field is required."""
        return min(self.top or available, available)

    def validate(self, value: Any, lang: str) -> list[str]:
        """No number twice; when required, the top N all ranked; never more than top."""
        ranked = value if isinstance(value, list) else []
        if getattr(value, "doubles", None):
            return [say("rank_double", lang, n=value.doubles[0])]
        if self.options:
            available = len(self.options)
            if any(v not in {o.value for o in self.options} for v in ranked):
                return [say("unknown_choice", lang)]
        else:
            available = getattr(value, "available", len(ranked))
        if self.top and len(ranked) > self.top:
            return [say("rank_too_many", lang, count=self.top)]
        needed = self.needed(available)
        if self.required and len(ranked) < needed:
            return [
                say("rank_too_few", lang, count=needed) if needed > 1 else say("choose_one", lang)
            ]
        return []

    def label_of(self, value: str) -> str:
        """Option label, or the source's label."""
        if self.options:
            return next((o.label for o in self.options if o.value == value), value)
        return super().label_of(value)

    def entries(self, value: Any) -> list[tuple[str, str]]:
        """The ranked values in order (a ranking can be picked from or shown)."""
        return [(str(v), self.label_of(str(v))) for v in value] if isinstance(value, list) else []

    def as_text(self, value: Any) -> str:
        """Numbered lines: `1. label`."""
        return "\n".join(f"{n}. {label}" for n, (_, label) in enumerate(self.entries(value), 1))

    def as_html(self, value: Any) -> Markup:
        """An ordered list."""
        entries = self.entries(value)
        return tag("ol", (tag("li", text(label)) for _, label in entries)) if entries else Markup()

    def shape(self) -> tuple:
        """Ids, type, reference, option values and top."""
        return (*super().shape(), tuple(o.value for o in self.options), self.top)

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """Per option a hidden value and a select with the numbers 1..N."""
        slot = slot or self.slot
        choices = self.choices(ctx.answers)
        ranked = value if isinstance(value, list) else []
        positions = getattr(value, "positions", None) or {v: n for n, v in enumerate(ranked, 1)}
        count = self.needed(len(choices))

        def control(_: str | None, invalid: bool) -> Markup:
            if not choices:
                label = self.source_field.label if self.source_field else self.source
                return tag(
                    "p", text(say("nothing_to_order", ctx.lang, label=label)), class_="field__empty"
                )
            rows = []
            for n, (option_value, label) in enumerate(choices, 1):
                dom = f"{slot.dom}-{n}"
                numbers = [tag("option", text(say("no_position", ctx.lang)), value="")]
                numbers += [
                    tag("option", text(k), value=k, selected=positions.get(option_value) == k)
                    for k in range(1, count + 1)
                ]
                rows.append(
                    tag(
                        "div",
                        tag(
                            "input",
                            type="hidden",
                            name=slot.child("option").name,
                            value=option_value,
                        )
                        + tag("label", text(label), for_=dom, class_="rank__label")
                        + tag(
                            "select",
                            numbers,
                            name=slot.child("position").name,
                            id=dom,
                            class_="field__select",
                            aria_invalid="true" if invalid else None,
                        ),
                        class_="rank__option",
                    )
                )
            return Markup("").join(rows)

        return self.frame(ctx, slot, control, extra_hint=say("rank_hint", ctx.lang))
