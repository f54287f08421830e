"""The CV as Word document: same sections, same order, every job."""

from __future__ import annotations

import io

import docx

from exports import render_docx
from tests.exports import export_samples as samples


def paragraphs(data: bytes) -> list[str]:
    """Paragraph texts of a .docx."""
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_docx_contains_every_job_in_order():
    text = "\n".join(paragraphs(render_docx(samples.cv())))
    positions = [text.index(job.role) for job in samples.JOBS]
    assert positions == sorted(positions)
    for job in samples.JOBS:
        assert job.employer in text
    assert "september 2015 – heden" in text and "Coördinator" in text


def test_docx_follows_section_order_and_hidden_sections():
    cv = samples.cv(section_order=("skills", "experience"), hidden={"languages"})
    lines = paragraphs(render_docx(cv))
    assert lines.index("Vaardigheden") < lines.index("Werkervaring") < lines.index("Profiel")
    assert "Talen" not in lines


def test_docx_headings_and_properties():
    word = docx.Document(io.BytesIO(render_docx(samples.cv(lang="en"))))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Work experience" in headings and samples.JOBS[0].role in headings
    assert word.core_properties.author == samples.PERSON.name
    assert word.core_properties.language == "en"


def test_docx_survives_control_characters():
    cv = samples.cv(profile="Zin met \x00 nul\x0b en \x1f teken 😊")
    assert "Zin met  nul en  teken 😊" in paragraphs(render_docx(cv))
