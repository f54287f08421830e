"""The `show` field: display an earlier answer, or the scores of a scale, without storing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from ..chart import score_chart_svg
from ..problem_text import _p
from ..spec_reader import SpecReader
from ..tags import tag, text
from ..wording import say
from .base import Field, RenderContext, Slot
from .sourced import SourcedField

SCORES = "scores"


@dataclass(eq=False)
class ShowField(SourcedField):
    """Read-only: an earlier answer as text, or scores as a chart with a table."""

    type: ClassVar[str] = "show"
    keys: ClassVar[tuple[str, ...]] = ("from",)
    stores: ClassVar[bool] = False

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Read from (required)."""
        if not reader.has("from"):
            reader.problem(
                None,
                _p(
                    "%(what)s mist 'from: <oefening>.<veld>' (het eerdere antwoord om te tonen)",
                    what=reader.what,
                ),
            )
        return cls(**common, **cls.read_source(reader, parts=(2, 3)))

    @property
    def shows_scores(self) -> bool:
        """Whether this shows the scores of a scale rather than an answer."""
        return self.source.endswith(f".{SCORES}") and self.source.count(".") == 2

    def validate(self, value: Any, lang: str) -> list[str]:
        """Nothing to check: show stores nothing."""
        return []

    def as_text(self, value: Any) -> str:
        """Nothing: show stores nothing."""
        return ""

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """The earlier answer or score chart under a label."""
        slot = slot or self.slot
        source = self.source_field
        label = self.label or (source.label if source else "")
        content = Markup()
        if source is not None and self.shows_scores:
            content = self._chart(ctx, label)
        elif source is not None:
            earlier = self.source_value(ctx)
            if earlier is not None and not source.is_empty(earlier):
                content = source.as_html(earlier)
        if not content:
            content = tag("p", text(say("no_answer_yet", ctx.lang)), class_="field__empty")
        heading = tag("p", text(label), class_="field__label") if label else Markup()
        hint = tag("p", text(self.hint), class_="field__hint") if self.hint else Markup()
        return tag(
            "div", heading + hint + content, class_="field field--show", id=f"{slot.dom}-field"
        )

    def _chart(self, ctx: RenderContext, title: str) -> Markup:
        source = self.source_field
        scores = ctx.scores.get(self.source_exercise, {}).get(self.source_id)
        if not scores:
            earlier = self.source_value(ctx)
            scores = source.scores(earlier) if earlier else {}
        if not scores:
            return Markup()
        return score_chart_svg(
            source.dimensions, scores, source.min, source.max, title, lang=ctx.lang
        )
