"""Client text is text: no markup, no fetch outside the packaged assets."""

from __future__ import annotations

import pytest

import exports.pdf
from exports import render_html, render_pdf
from exports.fetcher import ALLOWED, SCHEME, AssetFetcher, FetchRefused, asset_url
from exports.models import (
    Competence,
    Course,
    CvDocument,
    Diploma,
    Job,
    Language,
    Person,
    PitchDocument,
    ResumeDocument,
    WorkbookDocument,
    WorkbookExercise,
    WorkbookPart,
)
from tests.exports import export_samples as samples
from tests.exports.pdf_reading import text_of

PAYLOADS = (
    '<img src="file:///etc/passwd">',
    "<script>alert(1)</script>",
    "<link href=http://example.com/x.css>",
    "url(http://evil)",
)
EVIL = " ".join(PAYLOADS)


def hostile_documents() -> dict[str, object]:
    """Every kind with the payloads in every text field."""
    person = Person(
        name=f"Eve {EVIL}",
        headline=EVIL,
        city=EVIL,
        phone=EVIL,
        email=EVIL,
        birth_year=EVIL,
        photo=b'<svg onload="alert(1)">',  # not an image: must be left out quietly
    )
    cv = CvDocument(
        lang="nl",
        person=person,
        profile=EVIL,
        jobs=(Job(EVIL, EVIL, EVIL, EVIL, "current", EVIL),),
        diplomas=(Diploma(EVIL, EVIL, EVIL, EVIL, False),),
        courses=(Course(EVIL, EVIL, EVIL),),
        skills=(EVIL,),
        competences=(Competence(EVIL, EVIL),),
        languages=(Language(EVIL, EVIL),),
        interests=EVIL,
    )
    return {
        "pitch": PitchDocument(lang="nl", person=person, text=EVIL),
        "resume": ResumeDocument(
            lang="nl",
            person=person,
            profile=EVIL,
            values=(EVIL,),
            strengths=(EVIL,),
            interests=(EVIL,),
            goal=EVIL,
            workplace=EVIL,
        ),
        "cv-classic": cv,
        "cv-modern": CvDocument(**{**cv.__dict__, "layout": "modern"}),
        "workbook": WorkbookDocument(
            lang="nl",
            person_name=person.name,
            parts=(WorkbookPart(EVIL, (WorkbookExercise(EVIL, EVIL, ((EVIL, EVIL),)),)),),
        ),
    }


class RecordingFetcher(AssetFetcher):
    """The real fetcher, remembering every URL WeasyPrint asked for."""

    calls: list[str] = []

    def __call__(self, url, *args, **kwargs):
        RecordingFetcher.calls.append(url)
        return super().__call__(url, *args, **kwargs)


@pytest.mark.parametrize("kind", list(hostile_documents()))
def test_markup_in_every_field_is_printed_as_text(kind, monkeypatch):
    document = hostile_documents()[kind]
    RecordingFetcher.calls = []
    monkeypatch.setattr(exports.pdf, "AssetFetcher", RecordingFetcher)
    text = "".join(text_of(render_pdf(document)).split())
    for payload in PAYLOADS:
        assert "".join(payload.split()) in text, payload
    assert RecordingFetcher.calls, "the fetcher was not used at all"
    for url in RecordingFetcher.calls:
        assert url.startswith(SCHEME + "/") and url[len(SCHEME) + 1 :] in ALLOWED, url


@pytest.mark.parametrize("kind", list(hostile_documents()))
def test_html_contains_no_client_markup(kind):
    html = render_html(hostile_documents()[kind])
    assert "<script" not in html and '<img src="file:' not in html and "<link href=http" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_photo_is_served_only_after_pillow_checked_it(monkeypatch):
    RecordingFetcher.calls = []
    monkeypatch.setattr(exports.pdf, "AssetFetcher", RecordingFetcher)
    render_pdf(samples.cv(layout="modern"))
    assert asset_url("photo.jpg") in RecordingFetcher.calls
    RecordingFetcher.calls = []
    render_pdf(hostile_documents()["cv-modern"])  # its "photo" is not an image
    assert asset_url("photo.jpg") not in RecordingFetcher.calls


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.css",
        "https://example.com/font.ttf",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "ftp://example.com/x",
        "profiler-asset:/../../../../etc/passwd",
        "profiler-asset:/css/../../fetcher.py",
        "profiler-asset:/css/%2e%2e/%2e%2e/fetcher.py",
        "profiler-asset:/fonts/OFL.txt",
        "profiler-asset:/photo.jpg",
        "profiler-asset://evil.example/css/base.css",
        "profiler-asset:/css//base.css",
        "/etc/passwd",
        "css/base.css",
    ],
)
def test_fetcher_refuses_anything_but_packaged_assets(url):
    with pytest.raises(FetchRefused):
        AssetFetcher()(url)


def test_fetcher_serves_a_packaged_asset():
    result = AssetFetcher()(asset_url("css/base.css"))
    assert result["mime_type"] == "text/css" and b"@font-face" in result["string"]


def test_photo_is_served_only_to_the_fetcher_that_was_given_it():
    assert AssetFetcher({"photo.jpg": b"jpeg"})(asset_url("photo.jpg"))["string"] == b"jpeg"
    with pytest.raises(FetchRefused):
        AssetFetcher()(asset_url("photo.jpg"))
