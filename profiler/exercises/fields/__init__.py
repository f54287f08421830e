"""Field types of the exercise format; see docs/exercise-format.md."""

from __future__ import annotations

from .base import Field, FormData, RenderContext, Slot
from .choice import ChoiceField
from .group import GroupField
from .lines import ListField
from .month import MonthField
from .options import Option
from .pick import PickField
from .rank import RankDraft, RankField
from .registry import FIELD_TYPES, build_field
from .scale import Dimension, ScaleField, ScaleItem
from .show import ShowField
from .sourced import SourcedField
from .text import TextareaField, TextField

__all__ = [
    "FIELD_TYPES",
    "ChoiceField",
    "Dimension",
    "Field",
    "FormData",
    "GroupField",
    "ListField",
    "MonthField",
    "Option",
    "PickField",
    "RankDraft",
    "RankField",
    "RenderContext",
    "ScaleField",
    "ScaleItem",
    "ShowField",
    "Slot",
    "SourcedField",
    "TextField",
    "TextareaField",
    "build_field",
]
