"""The `month` field: a month and year for CV periods, or "current" (until now)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from ..spec_reader import SpecReader
from ..tags import Flag, flag, tag, text
from ..wording import MONTHS, say
from .base import Field, FormData, RenderContext, Slot, box, filled, first

CURRENT = "current"
# "Tot nu" ticked while a month and year were filled in too: kept as "current 2019-03" (the
# typed parts after the space) so the page can show both and ask which one is meant.
BOTH = CURRENT + " "
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(eq=False)
class MonthField(Field):
    """A month select and a year box; `allow_current` adds an "until now" box."""

    type: ClassVar[str] = "month"
    keys: ClassVar[tuple[str, ...]] = ("allow_current", "not_before")
    uses_fieldset: ClassVar[bool] = True

    allow_current: bool = False
    not_before: str = ""  # in a group: the sub-field this month may not lie before (start)

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read allow_current and not_before (checked by the group it is in)."""
        return cls(
            **common,
            allow_current=reader.boolean("allow_current", False),
            not_before=reader.string("not_before", ""),
        )

    def order_messages(self, entry: dict[str, Any], earlier: Field | None, lang: str) -> list[str]:
        """In one group entry: this month lies before the `not_before` one (an end before
        its start), else nothing; "tot nu" and half-typed months are never before."""
        if earlier is None:
            return []
        mine, theirs = str(entry.get(self.id) or ""), str(entry.get(earlier.id) or "")
        if MONTH.match(mine) and MONTH.match(theirs) and mine < theirs:
            return [say("month_before", lang, other=earlier.label)]
        return []

    def parse(self, form: FormData, slot: Slot | None = None) -> str:
        """`YYYY-MM`, "current", "" or, when half filled in or filled in next to "tot nu", the
        typed parts for correction."""
        slot = slot or self.slot
        year, month = first(form, slot.child("year").name), first(form, slot.child("month").name)
        typed = f"{year}-{month}" if year or month else ""
        if self.allow_current and first(form, slot.child("current").name):
            return BOTH + typed if typed else CURRENT
        return typed

    def validate(self, value: Any, lang: str) -> list[str]:
        """A real month between 1900 and 2100, or "current" when allowed."""
        if not value:
            return [say("required", lang)] if self.required else []
        if value == CURRENT and self.allow_current:
            return []
        if self.allow_current and str(value).startswith(BOTH):
            return [say("month_or_current", lang)]
        match = MONTH.match(str(value))
        if not match:
            return [say("month_invalid", lang)]
        if not 1900 <= int(match.group(1)) <= 2100:
            return [say("month_year_range", lang)]
        return []

    def as_text(self, value: Any) -> str:
        """E.g. "maart 2019" or "tot nu"."""
        if value == CURRENT:
            return say("current", self.lang)
        if str(value).startswith(BOTH):  # not settled yet: both, as the client left them
            return f"{self.as_text(str(value).removeprefix(BOTH))} / {say('current', self.lang)}"
        match = MONTH.match(str(value or ""))
        if not match:
            return str(value or "")
        return f"{MONTHS.get(self.lang, MONTHS['nl'])[int(match.group(2)) - 1]} {match.group(1)}"

    def shape(self) -> tuple:
        """Ids, type and allow_current."""
        return (self.id, self.type, self.allow_current)

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """Month select, year input and optionally the "until now" check box."""
        slot = slot or self.slot
        value = str(value or "")
        current = value == CURRENT or value.startswith(BOTH)
        typed = "" if value == CURRENT else value.removeprefix(BOTH)
        year, _, month = typed.rpartition("-")

        def control(_: str | None, invalid: bool) -> Markup:
            pieces = self.stencil(
                (slot.path, ctx.lang, invalid),
                lambda marker: self.parts_html(
                    slot, ctx.lang, invalid, [Flag(marker)] * 12, marker, Flag(marker)
                ),
            )
            marks = [flag("selected", month == f"{n:02d}") for n in range(1, 13)]
            marks.append(year)
            if self.allow_current:
                marks.append(flag("checked", current))
            return filled(pieces, marks)

        return self.frame(ctx, slot, control)

    def parts_html(
        self,
        slot: Slot,
        lang: str,
        invalid: bool,
        selected: Sequence[bool | Flag],
        year: str,
        current: bool | Flag,
    ) -> Markup:
        """The month select (`selected`: for each of the twelve months), the year and the
        "until now" box (`current`: checked)."""
        month_slot, year_slot = slot.child("month"), slot.child("year")
        names = MONTHS.get(lang, MONTHS["nl"])
        aria_invalid = "true" if invalid else None
        months = [tag("option", text(say("no_month", lang)), value="")]
        months += [
            tag("option", text(name), value=f"{n:02d}", selected=mark)
            for n, (name, mark) in enumerate(zip(names, selected, strict=True), 1)
        ]
        html = tag(
            "span",
            tag("label", text(say("month", lang)), for_=month_slot.dom)
            + tag(
                "select",
                months,
                name=month_slot.name,
                id=month_slot.dom,
                class_="field__select",
                aria_invalid=aria_invalid,
            ),
            class_="month__part",
        )
        html += tag(
            "span",
            tag("label", text(say("year", lang)), for_=year_slot.dom)
            + tag(
                "input",
                type="text",
                inputmode="numeric",
                name=year_slot.name,
                id=year_slot.dom,
                value=year,
                size=4,
                autocomplete="off",
                class_="field__input field__input--year",
                aria_invalid=aria_invalid,
            ),
            class_="month__part",
        )
        if self.allow_current:
            until = slot.child("current")
            html += tag(
                "span",
                box("checkbox", until.name, until.dom, "1", say("current_box", lang), current),
                class_="month__part month__current",
            )
        return html
