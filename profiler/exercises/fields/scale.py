"""The `scale` field: statements answered on a number scale, scored per dimension."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from markupsafe import Markup

from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import tag, text
from ..wording import say
from .base import Field, FormData, RenderContext, Slot, box, first


@dataclass(frozen=True)
class Dimension:
    """What a group of items measures, with a plain, non-judging explanation."""

    id: str
    label: str
    explanation: str = ""


@dataclass(frozen=True)
class ScaleItem:
    """One statement; `reverse` items count as min + max - answer."""

    id: str
    text: str
    dimension: str
    reverse: bool = False


# Markup pieces per scale field (see ScaleField._item_html); dropped with the field when the
# library is reloaded.
_PIECES: WeakKeyDictionary = WeakKeyDictionary()


@dataclass(eq=False)
class ScaleField(Field):
    """A set of statements answered from `min` to `max`."""

    type: ClassVar[str] = "scale"
    keys: ClassVar[tuple[str, ...]] = (
        "min",
        "max",
        "min_label",
        "max_label",
        "dimensions",
        "items",
    )
    uses_fieldset: ClassVar[bool] = True

    min: int = 1
    max: int = 5
    min_label: str = ""
    max_label: str = ""
    dimensions: list[Dimension] = field(default_factory=list)
    items: list[ScaleItem] = field(default_factory=list)

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read the range, the dimensions and the items."""
        low = reader.integer("min", 1, minimum=0, maximum=10)
        high = reader.integer("max", 5, minimum=1, maximum=10)
        if low is not None and high is not None and high <= low:
            reader.problem(
                "max",
                _p(
                    "%(what)s: 'max' (%(high)s) moet groter zijn dan 'min' (%(low)s)",
                    what=reader.what,
                    high=high,
                    low=low,
                ),
            )
        dimensions = [
            Dimension(
                spec_reader.ident("id"),
                spec_reader.string("label"),
                spec_reader.string("explanation"),
            )
            for spec_reader in reader.children(
                "dimensions", _p("dimensie"), ("id", "label", "explanation"), ("id", "label")
            )
        ]
        known = [d.id for d in dimensions]
        items = []
        for item in reader.children(
            "items", _p("item"), ("id", "text", "dimension", "reverse"), ("id", "text", "dimension")
        ):
            dimension = item.string("dimension")
            if dimension and known and dimension not in known:
                item.problem(
                    "dimension",
                    _p(
                        "%(what)s: de dimensie '%(dimension)s' van een item staat niet bij de "
                        "dimensies (%(known)s); verbeter de spelling",
                        what=reader.what,
                        dimension=dimension,
                        known=", ".join(known),
                    ),
                )
            items.append(
                ScaleItem(
                    item.ident("id"), item.string("text"), dimension, item.boolean("reverse", False)
                )
            )
        reader.report_repeats("dimensions", [d.id for d in dimensions])
        reader.report_repeats("items", [i.id for i in items])
        for key in ("dimensions", "items"):
            if not reader.raw(key):
                reader.problem(
                    key if reader.has(key) else None,
                    _p(
                        "%(what)s heeft minstens één onderdeel onder '%(key)s' nodig",
                        what=reader.what,
                        key=key,
                    ),
                )
        return cls(
            **common,
            min=low or 0,
            max=high or 5,
            min_label=reader.string("min_label"),
            max_label=reader.string("max_label"),
            dimensions=dimensions,
            items=items,
        )

    def empty(self) -> dict[str, int]:
        """No statement answered."""
        return {}

    def parse(self, form: FormData, slot: Slot | None = None) -> dict[str, int]:
        """item id -> answer, keeping only whole numbers within the range."""
        slot = slot or self.slot
        answers = {}
        for item in self.items:
            raw = first(form, slot.child(item.id).name)
            if raw.isdigit() and self.min <= int(raw) <= self.max:
                answers[item.id] = int(raw)
        return answers

    def answered(self, value: Any) -> dict[str, int]:
        """The valid answers in a stored value."""
        if not isinstance(value, dict):
            return {}
        return {
            i.id: value[i.id]
            for i in self.items
            if isinstance(value.get(i.id), int) and self.min <= value[i.id] <= self.max
        }

    def validate(self, value: Any, lang: str) -> list[str]:
        """When required, every statement needs an answer."""
        open_count = len(self.items) - len(self.answered(value))
        if self.required and open_count:
            return [say("scale_missing", lang, count=open_count)]
        return []

    def scores(self, value: Any) -> dict[str, float]:
        """Mean per dimension (reverse items flipped), rounded to 1 decimal; unanswered left out."""
        answers = self.answered(value)
        totals: dict[str, list[int]] = {}
        for item in self.items:
            if item.id in answers:
                answer = answers[item.id]
                counted = self.min + self.max - answer if item.reverse else answer
                totals.setdefault(item.dimension, []).append(counted)
        return {
            d.id: round(sum(totals[d.id]) / len(totals[d.id]), 1)
            for d in self.dimensions
            if d.id in totals
        }

    def as_text(self, value: Any) -> str:
        """One line per answered statement: `statement: answer`."""
        answers = self.answered(value)
        return "\n".join(f"{i.text}: {answers[i.id]}" for i in self.items if i.id in answers)

    def shape(self) -> tuple:
        """Ids, type, range, items with their dimension and direction."""
        return (
            self.id,
            self.type,
            self.min,
            self.max,
            tuple(d.id for d in self.dimensions),
            tuple((i.id, i.dimension, i.reverse) for i in self.items),
        )

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """A group with one fieldset of radio buttons per statement."""
        slot = slot or self.slot
        answers = self.answered(value)
        ends = ""
        if self.min_label or self.max_label:
            ends = say(
                "scale_ends",
                ctx.lang,
                min=self.min,
                min_label=self.min_label,
                max=self.max,
                max_label=self.max_label,
            )

        def control(_: str | None, invalid: bool) -> Markup:
            return Markup("").join(
                self._item_html(item, answers.get(item.id), slot, invalid) for item in self.items
            )

        return self.frame(ctx, slot, control, extra_hint=ends)

    def _item_html(self, item: ScaleItem, answer: int | None, slot: Slot, invalid: bool) -> Markup:
        if invalid and answer is None:
            return self._build_item_html(item, answer, slot, invalid)
        # A questionnaire page has dozens of statements with five or more buttons each; the
        # markup only differs in which button is checked, so it is built once per field,
        # statement and place in the form, and put together from those pieces after that.
        pieces = _PIECES.setdefault(self, {})
        key = (item.id, slot.path)
        if key not in pieces:
            pieces[key] = self._item_pieces(item, slot)
        head, plain, checked, tail = pieces[key]
        numbers = range(self.min, self.max + 1)
        middle = "".join(checked[i] if n == answer else plain[i] for i, n in enumerate(numbers))
        return Markup(head + middle + tail)

    def _item_pieces(self, item: ScaleItem, slot: Slot) -> tuple[str, list, list, str]:
        """The statement's markup split around its buttons: (head, plain, checked, tail)."""
        marker = "\x00choices\x00"
        whole = str(self._build_item_html(item, None, slot, False, choices_marker=marker))
        head, tail = whole.split(marker)
        item_slot = slot.child(item.id)
        numbers = range(self.min, self.max + 1)
        plain = [str(self._choice_html(item_slot, n, False, False)) for n in numbers]
        checked = [str(self._choice_html(item_slot, n, True, False)) for n in numbers]
        return head, plain, checked, tail

    def _choice_html(self, item_slot: Slot, number: int, checked: bool, missing: bool) -> Markup:
        dom = f"{item_slot.dom}-{number}"
        return tag(
            "span",
            box("radio", item_slot.name, dom, number, number, checked, missing),
            class_="scale__choice",
        )

    def _build_item_html(
        self,
        item: ScaleItem,
        answer: int | None,
        slot: Slot,
        invalid: bool,
        choices_marker: str | None = None,
    ) -> Markup:
        item_slot = slot.child(item.id)
        missing = invalid and answer is None
        if choices_marker is not None:
            choices = [Markup(choices_marker)]
        else:
            choices = [
                self._choice_html(item_slot, number, answer == number, missing)
                for number in range(self.min, self.max + 1)
            ]
        classes = "scale__item" + (" scale__item--missing" if missing else "")
        return tag(
            "fieldset",
            tag("legend", text(item.text), class_="scale__statement")
            + tag("div", choices, class_="scale__choices"),
            class_=classes,
            id=f"{item_slot.dom}-field",
        )
