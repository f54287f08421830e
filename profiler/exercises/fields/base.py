"""The field base class: naming of form inputs, the accessible frame and shared behaviour."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol
from weakref import WeakKeyDictionary

from markupsafe import Markup

from ..spec_reader import SpecReader
from ..tags import Flag, escaped, joined, paragraphs, tag, text
from ..wording import say

COMMON_KEYS = ("id", "type", "label", "hint", "required")

# A field's frame (wrapper, label or legend, hint) without errors, split around its control,
# per field, place in the form, language and extra hint: only the control changes with the
# answer. Dropped with the field when the library is reloaded; bounded per field.
_FRAMES: WeakKeyDictionary = WeakKeyDictionary()
_FRAMES_PER_FIELD = 256
_CONTROL = "\x00control\x00"  # never in escaped text: it marks where the control goes
# A control's markup split where its values go, per field and key (place, wiring, number of
# lines): a page then only escapes the answers into it. Same life and bound as the frames.
_STENCILS: WeakKeyDictionary = WeakKeyDictionary()
_VALUE = "\x00value\x00"  # never in escaped text: it marks where a value goes


class FormData(Protocol):
    """What parse needs from a form: werkzeug's MultiDict fits."""

    def getlist(self, key: str) -> list[str]: ...

    def __iter__(self) -> Any: ...


@dataclass(frozen=True)
class Slot:
    """Where a field sits in the form; gives its input name, DOM id and error key."""

    path: tuple[str, ...]

    @property
    def name(self) -> str:
        """Form input name, e.g. `f.jobs.0.employer`."""
        return "f." + ".".join(self.path)

    @property
    def dom(self) -> str:
        """HTML id, e.g. `f-jobs-0-employer`."""
        return "f-" + "-".join(self.path)

    @property
    def key(self) -> str:
        """Key in the errors mapping, e.g. `jobs.0.employer`."""
        return ".".join(self.path)

    def child(self, *parts: str | int) -> Slot:
        """A slot below this one."""
        return Slot(self.path + tuple(str(p) for p in parts))


@dataclass
class RenderContext:
    """Everything a field needs to render besides its own value."""

    lang: str
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    scores: Mapping[str, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)
    errors: Mapping[str, Sequence[str]] = field(default_factory=dict)
    blank_entries: Mapping[str, int] = field(default_factory=dict)

    def errors_at(self, slot: Slot) -> list[str]:
        """The error messages for this slot."""
        return list(self.errors.get(slot.key, ()))


def first(form: FormData, name: str) -> str:
    """The first submitted value of `name`, stripped, or ''."""
    values = form.getlist(name)
    return values[0].strip() if values else ""


@dataclass(eq=False)
class Field:
    """A question in an exercise; subclasses define one `type` each."""

    type: ClassVar[str] = ""
    keys: ClassVar[tuple[str, ...]] = ()
    stores: ClassVar[bool] = True
    uses_fieldset: ClassVar[bool] = False

    id: str
    label: str = ""
    hint: str = ""
    required: bool = False
    line: int = 0
    lang: str = "nl"

    @classmethod
    def read(cls, reader: SpecReader, common: dict[str, Any]) -> Field:
        """Build the field from its YAML; type-specific keys are read by subclasses."""
        return cls(**common)

    # --- values ---------------------------------------------------------------------------
    def empty(self) -> Any:
        """The value of an unanswered field."""
        return ""

    def is_empty(self, value: Any) -> bool:
        """Whether the value counts as not filled in."""
        return value in (None, "", [], {})

    def initial(self, ctx: RenderContext) -> Any:
        """The value shown before the client saved anything."""
        return self.empty()

    def parse(self, form: FormData, slot: Slot | None = None) -> Any:
        """Read this field's value from submitted form data."""
        return first(form, (slot or self.slot).name)

    def validate(self, value: Any, lang: str) -> list[str]:
        """Messages about what is wrong with the value, in `lang`; empty when fine."""
        if self.required and self.is_empty(value):
            return [say("required", lang)]
        return []

    def check(self, value: Any, lang: str, slot: Slot | None = None) -> dict[str, list[str]]:
        """Messages keyed by error key (groups add keys for their sub-fields)."""
        messages = self.validate(value, lang)
        return {(slot or self.slot).key: messages} if messages else {}

    def as_text(self, value: Any) -> str:
        """The value as plain text for documents and the working document."""
        if self.is_empty(value):
            return ""
        return str(value)

    def as_html(self, value: Any) -> Markup:
        """The value as escaped HTML for reading back (used by `show`)."""
        return paragraphs(self.as_text(value))

    def label_of(self, value: str) -> str:
        """The label of a stored option value (identity for free text)."""
        return value

    def entries(self, value: Any) -> list[tuple[str, str]]:
        """(value, label) pairs another field can rank or pick from; empty if not a source."""
        return []

    def shape(self) -> tuple:
        """What must be equal in the nl and en versions of this field."""
        return (self.id, self.type)

    # --- rendering ------------------------------------------------------------------------
    @property
    def slot(self) -> Slot:
        """The top-level slot of this field."""
        return Slot((self.id,))

    def render(self, value: Any, ctx: RenderContext, slot: Slot | None = None) -> Markup:
        """Accessible HTML for this field holding `value`."""
        raise NotImplementedError

    def frame(
        self,
        ctx: RenderContext,
        slot: Slot,
        control: Callable[[str | None, bool], Markup],
        extra_hint: str = "",
    ) -> Markup:
        """Label or legend, hint, error and the control, wired with aria-describedby."""
        errors = ctx.errors_at(slot)
        if errors:
            return self._frame(ctx, slot, control, extra_hint, errors)
        head, described, tail = _remembered(
            _FRAMES,
            self,
            (slot.path, ctx.lang, extra_hint),
            lambda: self._frame_pieces(ctx, slot, extra_hint),
        )
        return Markup("".join((head, control(described, False), tail)))

    def stencil(self, key: tuple, build: Callable[[str], Markup]) -> list[str]:
        """The markup `build(marker)` gives, split at every place it put the marker, kept per
        field and `key`; `key` must hold everything the markup depends on but the values."""
        return _remembered(_STENCILS, self, key, lambda: str(build(_VALUE)).split(_VALUE))

    def _frame_pieces(self, ctx: RenderContext, slot: Slot, extra_hint: str) -> tuple:
        """The error-free frame before and after the control, and what the control is
        described by."""
        seen: list[str | None] = []

        def marker(described: str | None, invalid: bool) -> Markup:
            seen.append(described)
            return Markup(_CONTROL)

        head, tail = str(self._frame(ctx, slot, marker, extra_hint, [])).split(_CONTROL)
        return head, seen[0], tail

    def _frame(
        self,
        ctx: RenderContext,
        slot: Slot,
        control: Callable[[str | None, bool], Markup],
        extra_hint: str,
        errors: list[str],
    ) -> Markup:
        hint = " ".join(h for h in (self.hint, extra_hint) if h)
        hint_id = f"{slot.dom}-hint" if hint else None
        error_id = f"{slot.dom}-error" if errors else None
        described = joined([hint_id, error_id])
        caption = text(self.label)
        if self.required:
            caption += Markup(" ") + tag(
                "span", text(say("required_mark", ctx.lang)), class_="field__required"
            )
        parts = []
        if hint:
            parts.append(tag("p", text(hint), class_="field__hint", id=hint_id))
        if errors:
            parts.append(error_html(errors, error_id, ctx.lang))
        classes = f"field field--{self.type}" + (" field--invalid" if errors else "")
        if self.uses_fieldset:
            inner = tag("legend", caption, class_="field__label") + Markup("").join(parts)
            inner += control(None, bool(errors))
            return tag(
                "fieldset",
                inner,
                class_=classes,
                id=f"{slot.dom}-field",
                aria_describedby=described,
            )
        inner = tag("label", caption, class_="field__label", for_=slot.dom) + Markup("").join(parts)
        inner += control(described, bool(errors))
        return tag("div", inner, class_=classes, id=f"{slot.dom}-field")


def _remembered(store: WeakKeyDictionary, field: Field, key: tuple, build: Callable[[], Any]):
    """`store[field][key]`, built the first time; at most `_FRAMES_PER_FIELD` per field (past
    that the field's entries start afresh)."""
    entries = store.setdefault(field, {})
    value = entries.get(key)
    if value is None:
        if len(entries) >= _FRAMES_PER_FIELD:
            entries.clear()
        value = entries[key] = build()
    return value


def filled(pieces: list[str], values: Sequence[object]) -> Markup:
    """A stencil with the values escaped into it, in order: the same markup as building the
    control with those values, since attribute values and text are escaped alike."""
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        out.append(escaped(value))
        out.append(piece)
    return Markup("".join(out))


def box(
    kind: str,
    name: str,
    dom: str,
    value: object,
    label: object,
    checked: bool | Flag,
    invalid: bool = False,
) -> Markup:
    """A radio button or check box (`kind`) with its label after it."""
    return tag(
        "input",
        type=kind,
        name=name,
        id=dom,
        value=value,
        checked=checked,
        class_="field__check",
        aria_invalid="true" if invalid else None,
    ) + tag("label", text(label), for_=dom)


def error_html(errors: Sequence[str], error_id: str | None, lang: str) -> Markup:
    """The error message paragraph that inputs point to."""
    prefix = tag("span", text(say("error_prefix", lang)), class_="visually-hidden")
    return tag("p", prefix + " " + text(" ".join(errors)), class_="field__error", id=error_id)
