"""Download names such as "CV Sanne de Vries.pdf": readable, and safe on every system."""

from __future__ import annotations

import re
import unicodedata

TITLES = {
    "nl": {"pitch": "Elevator pitch", "resume": "Resumé", "cv": "CV", "workbook": "Werkdocument"},
    "en": {
        "pitch": "Elevator pitch",
        "resume": "Personal profile",
        "cv": "CV",
        "workbook": "Working document",
    },
}
UNSAFE = re.compile(r'[\\/:*?"<>|;%]')
MAX_NAME = 80


def safe_part(text: str) -> str:
    """Text without path separators, quotes, control characters or leading dots."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    text = UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text[:MAX_NAME].strip(" .")


def download_name(kind: str, person_name: str, extension: str, lang: str = "nl") -> str:
    """ "CV Sanne de Vries.pdf"; just "CV.pdf" when nothing of the name is left."""
    title = TITLES.get(lang, TITLES["nl"]).get(kind, kind)
    name = safe_part(person_name)
    return f"{title} {name}.{extension}" if name else f"{title}.{extension}"
