"""HTML to a tagged A4 PDF with WeasyPrint, fetching packaged assets only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import weasyprint

from exports.fetcher import AssetFetcher
from exports.html import PHOTO_NAME, render_html, shows_photo
from exports.models import Document
from exports.photo import PhotoError, clean_photo


def pdf_options() -> dict[str, Any]:
    """PDF/UA-1 where this WeasyPrint knows it, else plain tagging where it can."""
    try:
        from weasyprint.pdf import VARIANTS
    except ImportError:  # pragma: no cover - older WeasyPrint
        VARIANTS = {}
    if "pdf/ua-1" in VARIANTS:
        return {"pdf_variant": "pdf/ua-1"}
    if "pdf_tags" in weasyprint.DEFAULT_OPTIONS:  # pragma: no cover - older WeasyPrint
        return {"pdf_tags": True}
    return {}  # pragma: no cover


def with_clean_photo(document: Document) -> tuple[Document, dict[str, bytes]]:
    """The photo re-checked by Pillow for the fetcher; a photo that fails is left out."""
    if not shows_photo(document):
        return document, {}
    try:
        return document, {PHOTO_NAME: clean_photo(document.person.photo or b"")}
    except PhotoError:
        return replace(document, person=replace(document.person, photo=None)), {}


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes (A4, fonts embedded, metadata from the HTML head)."""
    document, memory = with_clean_photo(document)
    html = weasyprint.HTML(string=render_html(document), url_fetcher=AssetFetcher(memory))
    return html.write_pdf(**pdf_options())
