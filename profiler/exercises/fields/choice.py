"""The `choice` field: one or several options, optionally with a free 'other' answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from markupsafe import Markup

from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import Flag, flag, tag, text
from ..wording import say
from .base import Field, FormData, RenderContext, Slot, box, filled, first
from .options import Option, read_options

OTHER = "other"
OTHER_MAX = 200


def selected_of(value: Any) -> list[str]:
    """The chosen option values of any stored choice value."""
    if isinstance(value, dict):
        value = value.get("selected", [])
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value] if isinstance(value, list) else []


def other_of(value: Any) -> str:
    """The free 'other' text of a stored choice value."""
    return str(value.get("other") or "") if isinstance(value, dict) else ""


@dataclass(eq=False)
class ChoiceField(Field):
    """Radio buttons (one answer) or check boxes (`multiple: true`)."""

    type: ClassVar[str] = "choice"
    keys: ClassVar[tuple[str, ...]] = ("options", "multiple", "other", "min", "max")
    uses_fieldset: ClassVar[bool] = True

    options: list[Option] = field(default_factory=list)
    multiple: bool = False
    other: bool = False
    min: int | None = None
    max: int | None = None

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read options, multiple, other, min and max."""
        other = reader.boolean("other", False)
        options = read_options(reader, reserved=OTHER if other else "")
        if not options:
            reader.problem(
                "options" if reader.has("options") else None,
                _p(
                    "%(what)s mist 'options': een lijst van regels als "
                    "'- {value: ..., label: ...}'",
                    what=reader.what,
                ),
            )
        multiple = reader.boolean("multiple", False)
        count = len(options) + (1 if other else 0)
        minimum = reader.integer("min", None, minimum=0, maximum=count)
        maximum = reader.integer("max", None, minimum=max(1, minimum or 0))
        if not multiple:
            for key in ("min", "max"):
                if reader.has(key):
                    reader.problem(
                        key,
                        _p(
                            "%(what)s: '%(key)s' werkt alleen met 'multiple: true'; voeg dat "
                            "toe of haal '%(key)s' weg",
                            what=reader.what,
                            key=key,
                        ),
                    )
        return cls(
            **common, options=options, multiple=multiple, other=other, min=minimum, max=maximum
        )

    def empty(self) -> Any:
        """Nothing chosen, in the stored shape of this field."""
        if self.other:
            return {"selected": [], "other": ""}
        return [] if self.multiple else ""

    def is_empty(self, value: Any) -> bool:
        """Nothing chosen."""
        return not selected_of(value)

    def allowed(self) -> list[str]:
        """The option values a client may send."""
        return [o.value for o in self.options] + ([OTHER] if self.other else [])

    def parse(self, form: FormData, slot: Slot | None = None) -> Any:
        """The chosen values; typing an 'other' text also chooses 'other'."""
        slot = slot or self.slot
        chosen = [v.strip() for v in form.getlist(slot.name) if v.strip()]
        if not self.multiple:
            chosen = chosen[:1]
        if not self.other:
            return chosen if self.multiple else (chosen[0] if chosen else "")
        other_text = first(form, f"{slot.name}.{OTHER}")
        if other_text and OTHER not in chosen and (self.multiple or not chosen):
            chosen.append(OTHER)
        return {"selected": chosen, "other": other_text}

    def validate(self, value: Any, lang: str) -> list[str]:
        """Required, allowed options, counts and the 'other' text."""
        chosen = selected_of(value)
        if any(v not in self.allowed() for v in chosen):
            return [say("unknown_choice", lang)]
        messages = []
        needed = (self.min or 1) if self.required else (self.min or 0) if chosen else 0
        if len(chosen) < needed:
            messages.append(
                say("too_few_choices", lang, min=needed) if needed > 1 else say("choose_one", lang)
            )
        if self.max is not None and len(chosen) > self.max:
            messages.append(say("too_many_choices", lang, max=self.max))
        other_text = other_of(value)
        if OTHER in chosen and not other_text:
            messages.append(say("other_missing", lang))
        if len(other_text) > OTHER_MAX:
            messages.append(say("too_long", lang, max=OTHER_MAX, count=len(other_text)))
        return messages

    def label_of(self, value: str) -> str:
        """The option label, or the value itself for free text."""
        return next((o.label for o in self.options if o.value == value), value)

    def entries(self, value: Any) -> list[tuple[str, str]]:
        """The chosen options; the 'other' text counts as an entry of its own."""
        found = []
        for chosen in selected_of(value):
            if chosen == OTHER:
                if other_of(value):
                    found.append((other_of(value), other_of(value)))
            else:
                found.append((chosen, self.label_of(chosen)))
        return found

    def as_text(self, value: Any) -> str:
        """The labels of the chosen options, comma separated."""
        return ", ".join(label for _, label in self.entries(value))

    def shape(self) -> tuple:
        """Ids, type, option values and the multiple/other switches."""
        return (self.id, self.type, tuple(o.value for o in self.options), self.multiple, self.other)

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """A fieldset of radio buttons or check boxes."""
        slot = slot or self.slot
        chosen = selected_of(value)
        other_text = other_of(value)
        allowed = self.allowed()  # one box each, in this order

        def control(_: str | None, invalid: bool) -> Markup:
            other_invalid = invalid and not other_text
            pieces = self.stencil(
                (slot.path, ctx.lang, invalid, other_invalid),
                lambda marker: self.options_html(
                    slot, ctx.lang, invalid, other_invalid, [Flag(marker)] * len(allowed), marker
                ),
            )
            marks = [flag("checked", v in chosen) for v in allowed]
            return filled(pieces, [*marks, other_text] if self.other else marks)

        return self.frame(ctx, slot, control)

    def options_html(
        self,
        slot: Slot,
        lang: str,
        invalid: bool,
        other_invalid: bool,
        checked: Sequence[bool | Flag],
        other_text: str,
    ) -> Markup:
        """The boxes in the order of `allowed()`, each `checked` or not, and the 'other' text."""
        kind = "checkbox" if self.multiple else "radio"
        items = [(o.value, o.label) for o in self.options]
        if self.other:
            items.append((OTHER, say("other_option", lang)))
        rows = []
        for (option_value, label), mark in zip(items, checked, strict=True):
            dom = f"{slot.dom}-{option_value}"
            row = box(kind, slot.name, dom, option_value, label, mark, invalid)
            rows.append(tag("div", row, class_="field__option"))
        if self.other:
            dom = f"{slot.dom}-{OTHER}-text"
            rows.append(
                tag(
                    "div",
                    tag("label", text(say("other_label", lang)), for_=dom)
                    + tag(
                        "input",
                        type="text",
                        name=f"{slot.name}.{OTHER}",
                        id=dom,
                        value=other_text,
                        class_="field__input",
                        aria_invalid="true" if other_invalid else None,
                    ),
                    class_="field__other",
                )
            )
        return Markup("").join(rows)
