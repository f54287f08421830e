"""PDF output: real text in reading order, special characters, pages, metadata, validity."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from exports import render_pdf
from exports.models import (
    CvDocument,
    Job,
    Person,
    PitchDocument,
    ResumeDocument,
    WorkbookDocument,
)
from tests.exports import export_samples as samples
from tests.exports.export_samples import SAMPLES
from tests.exports.pdf_reading import pages_text, text_of


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    """Each sample document rendered to PDF once for this module."""
    return {kind: render_pdf(make()) for kind, make in SAMPLES.items()}


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_kind_carries_the_client_name(rendered, kind):
    assert samples.PERSON.name in text_of(rendered[kind])


@pytest.mark.parametrize("kind", ["cv-classic", "cv-modern"])
def test_cv_lists_every_job_in_order(rendered, kind):
    text = text_of(rendered[kind])
    positions = [text.index(job.role) for job in samples.JOBS]
    assert positions == sorted(positions)
    for job in samples.JOBS:
        assert job.employer in text
    assert "september 2015 – heden" in text
    assert "maart 2010 – augustus 2015" in text


def test_cv_sections_follow_the_clients_order_and_hide_hidden_ones():
    document = samples.cv(
        section_order=("languages", "experience", "profile"), hidden={"courses"}, photo=False
    )
    text = text_of(render_pdf(document))
    assert text.index("Talen") < text.index("Werkervaring") < text.index("Profiel")
    assert "Cursussen" not in text and samples.JOBS[0].role in text


def test_english_cv_uses_english_labels_and_month_names():
    text = text_of(render_pdf(samples.cv(lang="en", photo=False)))
    assert "Work experience" in text and "September 2015 – present" in text
    assert "Werkervaring" not in text


def test_pitch_text_and_special_characters_survive(rendered):
    text = text_of(rendered["pitch"])
    assert " ".join(samples.PITCH_TEXT.split()) in text
    for needle in ("collega’s", "financiële", "Coördinator", "Çelik"):
        assert needle in text


def test_pitch_shows_the_speaking_time(rendered):
    # 95 words at about 130 words per minute is about 45 seconds.
    assert "Spreektijd: ongeveer 45 seconden" in text_of(rendered["pitch"])


def test_euro_and_accents_render_with_the_packaged_fonts_only():
    document = samples.pitch()
    document = type(document)(lang="nl", person=document.person, text="Salaris € 3.100, café, ë.")
    pdf = render_pdf(document)
    assert "Salaris € 3.100, café, ë." in text_of(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # The @font-face families from exports/static/fonts, never a system fallback like DejaVu.
    assert fonts and all("+Profiler-" in name for name in fonts), fonts


def test_emoji_are_left_out_instead_of_showing_tofu():
    document = samples.pitch()
    document = type(document)(
        lang="nl", person=document.person, text="Ik ben blij 😊 met werk 👍🏽!"
    )
    text = text_of(render_pdf(document))
    assert "Ik ben blij met werk !" in text
    assert "😊" not in text and "\ufffd" not in text


@pytest.mark.parametrize("layout", ["classic", "modern"])
def test_long_cv_flows_over_pages_without_splitting_an_entry(layout):
    pages = pages_text(render_pdf(samples.long_cv(layout)))
    assert len(pages) >= 3
    for n in range(1, 16):
        starts = [i for i, text in enumerate(pages) if f"Functie nummer {n:02d}" in text]
        ends = [i for i, text in enumerate(pages) if f"Einde taken {n:02d}." in text]
        assert len(starts) == 1 and starts == ends, f"job {n} split: {starts} {ends}"
    assert (
        pages[-1].endswith(f"{len(pages)} / {len(pages)}")
        or f"{len(pages)} / {len(pages)}" in pages[-1]
    )


@pytest.mark.parametrize("kind", SAMPLES)
def test_metadata_title_author_and_language(rendered, kind):
    reader = PdfReader(io.BytesIO(rendered[kind]))
    assert reader.metadata.author == samples.PERSON.name
    assert reader.metadata.title.endswith(f"– {samples.PERSON.name}")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root  # tagged PDF
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_a4_pages(rendered):
    box = PdfReader(io.BytesIO(rendered["cv-classic"])).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
@pytest.mark.parametrize("kind", SAMPLES)
def test_qpdf_check_passes(rendered, kind, tmp_path):
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(rendered[kind])
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_workbook_has_every_answer_and_the_chart_numbers(rendered):
    text = text_of(rendered["workbook"])
    document = samples.workbook()
    for part in document.parts:
        assert part.title in text
        for exercise in part.exercises:
            assert exercise.title in text
    assert "Nog niet ingevuld." in text  # the empty "Resultaat" answer
    assert "Verbondenheid" in text and "Halverwege" in text and "7.5" in text


@pytest.mark.parametrize(
    "document",
    [
        PitchDocument(lang="nl", person=Person(name="Jan"), text=""),
        ResumeDocument(lang="en", person=Person(name="Jan"), profile=""),
        CvDocument(lang="nl", person=Person(name="Jan"), layout="modern"),
        CvDocument(lang="xx", person=Person(name="Jan"), jobs=(Job("", "", start="2020-13"),)),
        WorkbookDocument(lang="nl", person_name="Jan"),
    ],
    ids=["pitch", "resume", "cv-modern", "cv-odd-values", "workbook"],
)
def test_nearly_empty_documents_still_render(document):
    text = text_of(render_pdf(document))
    assert "Jan" in text
    assert "Werkervaring" not in text or "2020-13" in text  # empty sections are left out
