"""Reading rendered PDFs back as text, the way a recruiter's software would."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    """Extracted text per page, with hyphenation at line ends undone and whitespace collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    texts = []
    for page in reader.pages:
        text = page.extract_text() or ""
        text = re.sub(r"[-\u2010\u00ad]\n", "", text)
        texts.append(" ".join(text.split()))
    return texts


def text_of(pdf: bytes) -> str:
    """All text of a PDF as one string."""
    return " ".join(pages_text(pdf))
