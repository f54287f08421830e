"""Keep only characters the shipped fonts can draw, so a PDF never shows tofu boxes."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS_DIR = Path(__file__).resolve().parent / "static" / "fonts"
FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSerif-Regular.ttf")
_KEEP = frozenset("\n\t")
# XML 1.0 forbids these; python-docx refuses them and they carry nothing readable.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Joiners and variation selectors only glue emoji together; without the emoji they are debris.
_EMOJI_GLUE = re.compile("[\u200d\u20e3\ufe00-\ufe0f]")


@cache
def covered() -> frozenset[int]:
    """Code points every shipped body/heading font has a glyph for."""
    maps = [set(TTFont(FONTS_DIR / name, lazy=True).getBestCmap()) for name in FONT_FILES]
    return frozenset(set.intersection(*maps))


def printable(text: str) -> str:
    """NFC text without characters the fonts lack (emoji, pictographs, stray controls)."""
    text = _EMOJI_GLUE.sub("", xml_safe(text))
    glyphs = covered()
    return "".join(ch for ch in text if ord(ch) in glyphs or ch in _KEEP)


def xml_safe(text: str) -> str:
    """NFC text without control characters that Word documents cannot hold."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)
