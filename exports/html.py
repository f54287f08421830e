"""Documents to HTML with Jinja: autoescaped, and stripped of glyphs the fonts lack."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from exports.charts import layout_chart
from exports.fetcher import asset_url
from exports.glyphs import printable
from exports.labels import label, level_label
from exports.models import CvDocument, Document, PitchDocument, ResumeDocument, WorkbookDocument
from exports.wording import format_month, speaking_time, word_count

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PHOTO_NAME = "photo.jpg"


def _finalize(value: Any) -> Any:
    """Every printed value passes here before escaping; our own markup is left alone."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    finalize=_finalize,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.globals["asset_url"] = asset_url


def template_name(document: Document) -> str:
    """The template for a document kind (and CV layout)."""
    if isinstance(document, CvDocument):
        return f"cv_{'modern' if document.layout == 'modern' else 'classic'}.html"
    return f"{document.kind}.html"


def title(document: Document) -> str:
    """Document title for <title> and the PDF metadata: "Curriculum vitae – Anna de Vries"."""
    return f"{label(document.lang, document.kind)} – {author(document)}"


def author(document: Document) -> str:
    """The client's name."""
    if isinstance(document, WorkbookDocument):
        return document.person_name
    return document.person.name


def shows_photo(document: Document) -> bool:
    """Whether the document places the client's photo."""
    if isinstance(document, CvDocument):
        return bool(document.person.photo) and "photo" in document.show
    return isinstance(document, ResumeDocument) and bool(document.person.photo)


def _extra(document: Document) -> dict[str, Any]:
    """Kind-specific values the templates need."""
    if isinstance(document, PitchDocument):
        return {
            "speaking_time": speaking_time(document.text, document.lang),
            "words": word_count(document.text),
        }
    if isinstance(document, WorkbookDocument):
        return {"charts": [layout_chart(chart) for chart in document.charts]}
    return {}


def render_html(document: Document) -> str:
    """The document as a standalone HTML page; assets use profiler-asset: URLs."""
    lang = document.lang if document.lang in ("nl", "en") else "nl"
    context = {
        "doc": document,
        "lang": lang,
        "title": title(document),
        "stylesheet": template_name(document).replace(".html", ".css"),
        "author": author(document),
        "t": partial(label, lang),
        "month": partial(format_month, lang=lang),
        "level": partial(level_label, lang),
        "photo_url": asset_url(PHOTO_NAME) if shows_photo(document) else "",
        **_extra(document),
    }
    return ENV.get_template(template_name(document)).render(context)
