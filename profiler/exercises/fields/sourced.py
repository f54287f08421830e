"""Fields that read an earlier answer through `from: <exercise>.<field>`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..problem_text import _p
from ..spec_reader import ID_PATTERN, SpecReader
from .base import Field, RenderContext


@dataclass(eq=False)
class SourcedField(Field):
    """A field with a `from:` reference, linked to the source field when the library loads."""

    source: str = ""
    from_line: int = 0
    source_field: Field | None = None

    @staticmethod
    def read_source(reader: SpecReader, parts: tuple[int, ...] = (2,)) -> dict[str, Any]:
        """Read `from` (as keyword arguments), checking its form `<exercise>.<field>`."""
        value = reader.string("from")
        pieces = value.split(".")
        if value and (len(pieces) not in parts or not all(ID_PATTERN.match(p) for p in pieces)):
            if 3 in parts:
                message = _p(
                    "%(what)s: 'from: %(value)s' moet de vorm <oefening>.<veld> (of "
                    "<oefening>.<veld>.scores) hebben, bijvoorbeeld 'from: values.chosen'",
                    what=reader.what,
                    value=value,
                )
            else:
                message = _p(
                    "%(what)s: 'from: %(value)s' moet de vorm <oefening>.<veld> hebben, "
                    "bijvoorbeeld 'from: values.chosen'",
                    what=reader.what,
                    value=value,
                )
            reader.problem("from", message)
        return {"source": value, "from_line": reader.line("from")}

    @property
    def source_exercise(self) -> str:
        """The exercise id part of `from`."""
        return self.source.split(".")[0] if self.source else ""

    @property
    def source_id(self) -> str:
        """The field id part of `from`."""
        pieces = self.source.split(".")
        return pieces[1] if len(pieces) > 1 else ""

    def source_value(self, ctx: RenderContext) -> Any:
        """The earlier answer this field reads, or None."""
        return ctx.answers.get(self.source_exercise, {}).get(self.source_id)

    def source_entries(self, answers: Any) -> list[tuple[str, str]]:
        """(value, label) pairs of the earlier answer, given all answers."""
        if self.source_field is None or not isinstance(answers, dict):
            return []
        value = answers.get(self.source_exercise, {}).get(self.source_id)
        return self.source_field.entries(value) if value is not None else []

    def label_of(self, value: str) -> str:
        """Labels come from the source field."""
        return self.source_field.label_of(value) if self.source_field else value

    def shape(self) -> tuple:
        """Ids, type and the reference."""
        return (self.id, self.type, self.source)
