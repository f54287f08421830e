"""The `group` field: a repeatable set of sub-fields, like a job or a diploma."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from markupsafe import Markup

from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import tag, text
from ..wording import say
from .base import Field, FormData, RenderContext, Slot

SUB_TYPES = ("text", "textarea", "month", "list", "choice")
MAX_POSTED_ENTRIES = 100


@dataclass(eq=False)
class GroupField(Field):
    """Entries of sub-fields; renders the saved entries plus empty ones and an add button."""

    type: ClassVar[str] = "group"
    keys: ClassVar[tuple[str, ...]] = ("fields", "min", "max", "entry_label")
    uses_fieldset: ClassVar[bool] = True

    fields: list[Field] = field(default_factory=list)
    min: int = 0
    max: int = 10
    entry_label: str = ""

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read the sub-fields (no prefill inside a group), min, max and entry_label."""
        from .registry import build_field

        subs = []
        for spec in reader.mappings("fields"):
            child = reader.child(
                spec, _p("%(what)s, subveld '%(id)s'", what=reader.what, id=spec.get("id", "?"))
            )
            if "prefill" in spec:
                child.problem(
                    "prefill",
                    _p("%(what)s: 'prefill' kan niet in een group; haal het weg", what=child.what),
                )
            sub = build_field(child, common["lang"], SUB_TYPES)
            if sub is not None:
                subs.append(sub)
        if not subs:
            reader.problem(
                "fields" if reader.has("fields") else None,
                _p(
                    "%(what)s mist 'fields': een lijst van subvelden met id, type en label",
                    what=reader.what,
                ),
            )
        reader.report_repeats("fields", [s.id for s in subs])
        months = {s.id for s in subs if s.type == "month"}
        for sub in subs:
            earlier = getattr(sub, "not_before", "")
            if earlier and (earlier not in months or earlier == sub.id):
                others = ", ".join(sorted(months - {sub.id})) or _p("geen")
                reader.problem(
                    "fields",
                    _p(
                        "%(what)s, subveld '%(id)s': 'not_before: %(earlier)s' moet een ander "
                        "month-subveld van deze group noemen (een van: %(others)s)",
                        what=reader.what,
                        id=sub.id,
                        earlier=earlier,
                        others=others,
                    ),
                )
        minimum = reader.integer("min", 0, minimum=0, maximum=50) or 0
        maximum = reader.integer("max", 10, minimum=max(1, minimum), maximum=50) or 10
        return cls(
            **common,
            fields=subs,
            min=minimum,
            max=maximum,
            entry_label=reader.string("entry_label"),
        )

    def empty(self) -> list[dict[str, Any]]:
        """No entries."""
        return []

    def entries_of(self, value: Any) -> list[dict[str, Any]]:
        """The stored entries that are mappings."""
        return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []

    def blank(self, entry: dict[str, Any]) -> bool:
        """Whether every sub-field of an entry is empty."""
        return all(sub.is_empty(entry.get(sub.id)) for sub in self.fields)

    def posted_indexes(self, form: FormData, slot: Slot) -> list[int]:
        """The entry numbers present in the form, in order."""
        prefix = slot.name + "."
        found = set()
        for key in form:
            head = key[len(prefix) :].split(".")[0] if key.startswith(prefix) else ""
            if head.isdigit() and len(head) < 4:
                found.add(int(head))
        return sorted(found)[:MAX_POSTED_ENTRIES]

    def posted_entries(self, form: FormData, slot: Slot) -> list[dict[str, Any]]:
        """Every posted entry, empty ones included."""
        return [
            {sub.id: sub.parse(form, slot.child(n, sub.id)) for sub in self.fields}
            for n in self.posted_indexes(form, slot)
        ]

    def parse(self, form: FormData, slot: Slot | None = None) -> list[dict[str, Any]]:
        """The filled-in entries in form order; entries left completely empty are dropped."""
        return [e for e in self.posted_entries(form, slot or self.slot) if not self.blank(e)]

    def count_messages(self, entries: list[dict[str, Any]], lang: str) -> list[str]:
        """Messages about the number of entries."""
        entry = self.entry_label or say("entry", lang)
        # Not required: empty is fine (as for a list), the minimum counts once there are entries.
        needed = max(self.min, 1) if self.required else (self.min if entries else 0)
        if len(entries) < needed:
            return [
                say("too_few_entries", lang, min=needed, entry=entry)
                if needed > 1
                else say("required", lang)
            ]
        if len(entries) > self.max:
            return [say("too_many_entries", lang, max=self.max, entry=entry)]
        return []

    def check(self, value: Any, lang: str, slot: Slot | None = None) -> dict[str, list[str]]:
        """Messages for the group and, per entry, for each sub-field."""
        slot = slot or self.slot
        entries = self.entries_of(value)
        found = {slot.key: m} if (m := self.count_messages(entries, lang)) else {}
        for n, entry in enumerate(entries):
            for sub in self.fields:
                found |= sub.check(entry.get(sub.id, sub.empty()), lang, slot.child(n, sub.id))
        return found

    def validate(self, value: Any, lang: str) -> list[str]:
        """All messages, those of sub-fields prefixed with entry and sub-field name."""
        entries = self.entries_of(value)
        messages = self.count_messages(entries, lang)
        entry_label = self.entry_label or say("entry", lang)
        for n, entry in enumerate(entries, 1):
            for sub in self.fields:
                own = sub.validate(entry.get(sub.id, sub.empty()), lang)
                if not own and getattr(sub, "not_before", ""):
                    own = sub.order_messages(entry, self._sub(sub.not_before), lang)
                messages += [f"{entry_label} {n}, {sub.label}: {message}" for message in own]
        return messages

    def _sub(self, sub_id: str) -> Field | None:
        return next((s for s in self.fields if s.id == sub_id), None)

    def entries(self, value: Any) -> list[tuple[str, str]]:
        """Each entry, named by its first filled-in text sub-field."""
        found = []
        for entry in self.entries_of(value):
            texts = [
                sub.as_text(entry.get(sub.id)) for sub in self.fields if sub.type == "text"
            ] + [sub.as_text(entry.get(sub.id)) for sub in self.fields]
            name = next((t.split("\n")[0][:80] for t in texts if t), "")
            if name:
                found.append((name, name))
        return found

    def as_text(self, value: Any) -> str:
        """Entries separated by an empty line; each filled sub-field as `label: text`."""
        blocks = []
        for entry in self.entries_of(value):
            lines = [
                f"{sub.label}: {sub.as_text(entry.get(sub.id))}"
                for sub in self.fields
                if not sub.is_empty(entry.get(sub.id))
            ]
            blocks.append("\n".join(lines))
        return "\n\n".join(b for b in blocks if b)

    def as_html(self, value: Any) -> Markup:
        """A description list per entry."""
        blocks = []
        for entry in self.entries_of(value):
            pairs = [
                tag("dt", text(sub.label)) + tag("dd", sub.as_html(entry.get(sub.id)))
                for sub in self.fields
                if not sub.is_empty(entry.get(sub.id))
            ]
            blocks.append(tag("dl", pairs, class_="group__answer"))
        return Markup("").join(blocks)

    def shape(self) -> tuple:
        """Ids, type and the shapes of the sub-fields."""
        return (self.id, self.type, tuple(sub.shape() for sub in self.fields))

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """Saved entries, empty entries to fill in, and an add button (works without JS)."""
        slot = slot or self.slot
        entries = self.entries_of(value)
        blanks = max(ctx.blank_entries.get(slot.key, 1), self.min - len(entries))
        blanks = max(0, min(blanks, self.max - len(entries)))
        entry_label = self.entry_label or say("entry", ctx.lang)
        hint = say("remove_hint", ctx.lang) if self.max > 1 else ""

        def control(_: str | None, invalid: bool) -> Markup:
            html = []
            for n, entry in enumerate(entries + [{}] * blanks):
                subs = Markup("").join(
                    sub.render(entry.get(sub.id, sub.empty()), ctx, slot.child(n, sub.id))
                    for sub in self.fields
                )
                html.append(
                    tag(
                        "fieldset",
                        tag("legend", text(f"{entry_label} {n + 1}"), class_="group__legend")
                        + subs,
                        class_="group__entry",
                        id=f"{slot.dom}-{n}",
                    )
                )
            if len(entries) + blanks < self.max:
                html.append(
                    tag(
                        "button",
                        text(say("add_entry", ctx.lang, entry=entry_label)),
                        type="submit",
                        name=f"_add_{self.id}",
                        value="1",
                        formnovalidate=True,
                        class_="button button--secondary group__add",
                    )
                )
            return Markup("").join(html)

        return self.frame(ctx, slot, control, extra_hint=hint)
