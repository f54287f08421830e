"""Field types by name, and building a field from its YAML block."""

from __future__ import annotations

from collections.abc import Sequence

from ..problem_text import _p
from ..spec_reader import SpecReader
from .base import COMMON_KEYS, Field
from .choice import ChoiceField
from .group import GroupField
from .lines import ListField
from .month import MonthField
from .pick import PickField
from .rank import RankField
from .scale import ScaleField
from .show import ShowField
from .text import TextareaField, TextField

FIELD_TYPES: dict[str, type[Field]] = {
    cls.type: cls
    for cls in (
        TextField,
        TextareaField,
        ListField,
        ChoiceField,
        ScaleField,
        RankField,
        PickField,
        GroupField,
        MonthField,
        ShowField,
    )
}


def build_field(
    reader: SpecReader, lang: str, types: Sequence[str] = tuple(FIELD_TYPES)
) -> Field | None:
    """A field from its YAML mapping; problems are reported through the reader."""
    if not reader.what:
        field_id = reader.raw("id")
        reader.what = _p("veld '%(id)s'", id=field_id) if field_id else _p("veld")
    kind = reader.raw("type")
    if kind is None:
        reader.problem(
            None,
            _p(
                "%(what)s mist 'type'; kies uit: %(types)s",
                what=reader.what,
                types=", ".join(types),
            ),
        )
        return None
    if kind not in types:
        reader.problem(
            "type",
            _p(
                "%(what)s heeft een onbekend type '%(kind)s'; kies uit: %(types)s",
                what=reader.what,
                kind=kind,
                types=", ".join(types),
            ),
        )
        return None
    cls = FIELD_TYPES[kind]
    common_keys = tuple(k for k in COMMON_KEYS if not (cls.stores is False and k == "required"))
    required = ("id",) if cls is ShowField else ("id", "label")
    reader.check_keys(common_keys + cls.keys, required)
    common = {
        "id": reader.ident("id"),
        "label": reader.string("label"),
        "hint": reader.string("hint"),
        "required": reader.boolean("required", False) if cls.stores else False,
        "line": reader.line(),
        "lang": lang,
    }
    return cls.read(reader, common)
