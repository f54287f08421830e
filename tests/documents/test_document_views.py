"""Document pages and downloads: PDFs with the right text, choices, photo upload, access, cache."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document as WordDocument
from PIL import Image
from sqlalchemy import select

import exports.pdf
from profiler.demo_answers import (
    COURSE,
    JOBS,
    NAME,
    PITCH_TEXT,
    PRIVATE_MARKERS,
    save_sample_answers,
)
from profiler.documents.models import DocumentChoices
from profiler.extensions import db
from profiler.models import Answer, AuditEvent, Role
from profiler.user_admin import delete_client
from tests.conftest import T0, csrf_token, login, make_user
from tests.exports.pdf_reading import text_of

CV_PAGE = "/me/documents/cv"


def flat(text: str) -> str:
    return " ".join(text.split())


def choose(client, page=CV_PAGE, *, layout="classic", sections=None, details=None, **extra):
    """Post the choices form as the browser would (checked boxes only)."""
    data = {
        "csrf_token": csrf_token(client, page),
        "choices_form": "1",
        "layout": layout,
        "section": sections
        if sections is not None
        else [
            "profile",
            "experience",
            "education",
            "courses",
            "competences",
            "skills",
            "languages",
            "interests",
        ],
        "detail": details if details is not None else ["city", "phone", "email", "photo"],
        **extra,
    }
    return client.post(page, data=data, content_type="multipart/form-data")


def png_with_exif() -> bytes:
    image = Image.new("RGB", (800, 1000), (200, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif()
    return data


# ----------------------------------------------------------------------- pages


def test_overview_lists_the_documents_and_the_menu_points_there(sanne_client):
    response = sanne_client.get("/me/documents")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert 'href="/me/documents"' in html and "aria-current" in html
    for url in (
        "/me/documents/pitch",
        "/me/documents/resume.pdf",
        "/me/documents/cv.docx",
        "/me/workbook.pdf",
    ):
        assert f'href="{url}"' in html


def test_the_working_document_and_the_data_page_link_to_the_pdf(sanne_client):
    for page in ("/me/workbook", "/me/data", "/me/workbook"):  # the second time remembered
        html = sanne_client.get(page).get_data(as_text=True)
        assert 'href="/me/workbook.pdf"' in html, page


@pytest.mark.parametrize("kind", ["pitch", "resume", "cv"])
def test_preview_shows_the_document_without_inline_styles_or_scripts(sanne_client, kind):
    response = sanne_client.get(f"/me/documents/{kind}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert NAME in html
    assert " style=" not in html and "<script" not in html and "<iframe" not in html
    edit = "/me/exercises/pitch" if kind == "pitch" else "/me/exercises/cv"
    assert f'href="{edit}"' in html


def test_cv_preview_follows_the_choices(sanne_client):
    html = sanne_client.get(CV_PAGE).get_data(as_text=True)
    assert "Gemeente Utrecht" in html and COURSE in html
    assert html.index("Gemeente Utrecht") < html.index("Zorggroep Eemland")
    choose(sanne_client, layout="modern", sections=["profile", "experience"])
    html = sanne_client.get(CV_PAGE).get_data(as_text=True)
    assert "paper--modern" in html
    assert "Bedrijfshulpverlening" not in html.split('class="paper')[1]


def test_client_text_is_escaped_in_the_preview(app, sanne_client, sanne):
    from profiler.models import Answer

    answer = db.session.scalars(
        select(Answer).where(Answer.client_id == sanne.id, Answer.field_id == "profile")
    ).one()
    answer.value = '<script>alert(1)</script><img src="file:///etc/passwd">'
    db.session.commit()
    html = sanne_client.get(CV_PAGE).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_bad_kind_is_not_found(sanne_client):
    for url in (
        "/me/documents/letter",
        "/me/documents/letter.pdf",
        "/me/documents/pitch.docx",
        "/me/documents/workbook",
    ):
        assert sanne_client.get(url).status_code == 404


def test_only_clients_have_documents(client, users):
    assert client.get("/me/documents/cv.pdf").status_code == 302  # to the login page
    login(client, users["coach_a"].email)
    assert client.get("/me/documents").status_code == 404


# ------------------------------------------------------------------ downloads


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Cache-Control"] == "no-store"
    return response


def test_downloads_have_readable_text_names_and_no_private_answers(sanne_client):
    pitch = download(sanne_client, "/me/documents/pitch.pdf")
    assert pitch.mimetype == "application/pdf"
    assert pitch.headers["Content-Disposition"] == (
        'attachment; filename="Elevator pitch Sanne de Vries.pdf"'
    )
    assert flat(PITCH_TEXT) in text_of(pitch.data)

    resume = download(sanne_client, "/me/documents/resume.pdf")
    disposition = resume.headers["Content-Disposition"]
    assert "filename*=UTF-8''Resum%C3%A9%20Sanne%20de%20Vries.pdf" in disposition
    resume_text = text_of(resume.data)
    assert NAME in resume_text and "Anderen helpen" in resume_text

    cv = download(sanne_client, "/me/documents/cv.pdf")
    assert cv.headers["Content-Disposition"] == 'attachment; filename="CV Sanne de Vries.pdf"'
    text = text_of(cv.data)
    assert NAME in text
    positions = [text.index(job["employer"]) for job in JOBS]
    assert positions == sorted(positions)
    for job in JOBS:
        assert job["role"] in text
    for special in ("Coördinator planning", "Collega’s waarderen", "Café De Zwaan"):
        assert special in text
    assert "april 2017 – heden" in text

    workbook = download(sanne_client, "/me/workbook.pdf")
    assert "Werkdocument Sanne de Vries.pdf" in workbook.headers["Content-Disposition"]
    workbook_text = text_of(workbook.data)
    assert "Elevator pitch" in workbook_text and "Gemeente Utrecht" in workbook_text
    assert "Startvragenlijst" in workbook_text or "Vragenlijst" in workbook_text

    for data in (pitch.data, resume.data, cv.data, workbook.data):
        pdf_text = text_of(data)
        for marker in PRIVATE_MARKERS:
            assert marker not in pdf_text


def test_both_cv_layouts_download(sanne_client):
    classic = download(sanne_client, "/me/documents/cv.pdf").data
    choose(sanne_client, layout="modern")
    modern = download(sanne_client, "/me/documents/cv.pdf").data
    assert classic != modern
    text = text_of(modern)
    assert NAME in text and all(job["employer"] in text for job in JOBS)
    assert "Engels" in text and "B2" in text


def test_word_cv_holds_the_jobs_and_leaves_out_hidden_sections(sanne_client):
    response = download(sanne_client, "/me/documents/cv.docx")
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="CV Sanne de Vries.docx"'
    )
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(response.data)).paragraphs)
    for job in JOBS:
        assert job["employer"] in text
    assert COURSE in text
    choose(sanne_client, sections=["profile", "experience", "education"])
    hidden = download(sanne_client, "/me/documents/cv.docx").data
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(hidden)).paragraphs)
    assert COURSE not in text and "Gemeente Utrecht" in text


def test_hidden_sections_and_details_are_absent_from_the_pdf(sanne_client):
    assert COURSE in text_of(download(sanne_client, "/me/documents/cv.pdf").data)
    response = choose(
        sanne_client,
        sections=["profile", "experience", "education", "skills", "languages"],
        details=["city", "email"],
    )
    assert response.status_code == 302
    text = text_of(download(sanne_client, "/me/documents/cv.pdf").data)
    assert COURSE not in text
    assert "Nauwkeurig" not in text  # competences hidden
    assert "06 12 34 56 78" not in text and "1981" not in text
    assert "Amersfoort" in text and "Gemeente Utrecht" in text


def test_up_and_down_buttons_change_the_order_without_javascript(sanne_client):
    response = choose(sanne_client, move="skills:up")
    assert response.status_code == 302 and response.location.endswith("#order-skills")
    response = choose(sanne_client, move="skills:up")
    html = sanne_client.get(CV_PAGE).get_data(as_text=True)
    assert "Vaardigheden staat nu op plaats 4." in html
    order = re.findall(r'<li id="order-(\w+)"', html)
    assert order[:5] == ["profile", "experience", "education", "skills", "courses"]
    text = text_of(download(sanne_client, "/me/documents/cv.pdf").data)
    assert text.index("Vaardigheden") < text.index("Cursussen")


# ------------------------------------------------------------------------ photo


def test_a_text_file_named_jpg_is_refused_and_the_other_choices_are_kept(sanne_client, sanne):
    response = choose(
        sanne_client,
        layout="modern",
        action="photo",
        photo=(io.BytesIO(b"Dit is geen foto, maar tekst."), "pasfoto.jpg", "image/jpeg"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dit bestand is geen foto. Kies een JPG- of PNG-bestand." in html
    assert 'aria-invalid="true"' in html
    row = db.session.scalars(select(DocumentChoices)).one()
    assert row.layout == "modern" and row.photo is None
    assert 'id="layout-modern" value="modern" checked' in html


def test_a_real_png_is_stored_as_jpeg_without_exif_and_printed(sanne_client, sanne):
    response = choose(
        sanne_client, action="photo", photo=(io.BytesIO(png_with_exif()), "ik.png", "image/png")
    )
    assert response.status_code == 302
    row = db.session.scalars(select(DocumentChoices)).one()
    stored = Image.open(io.BytesIO(row.photo))
    assert stored.format == "JPEG" and max(stored.size) <= 600
    assert not stored.getexif() and b"CameraMaker" not in row.photo
    html = sanne_client.get(CV_PAGE).get_data(as_text=True)
    assert 'src="data:image/jpeg;base64,' in html and "Foto verwijderen" in html
    with_photo = download(sanne_client, "/me/documents/cv.pdf").data
    assert b"/Subtype /Image" in with_photo or b"/Subtype/Image" in with_photo

    choose(sanne_client, action="remove_photo")
    assert db.session.scalars(select(DocumentChoices)).one().photo is None


def test_photo_errors_are_messages_never_server_errors(sanne_client):
    empty = choose(sanne_client, action="photo")
    assert empty.status_code == 400
    assert "Je hebt nog geen foto gekozen." in empty.get_data(as_text=True)
    big = choose(sanne_client, action="photo", photo=(io.BytesIO(b"x" * 5_100_000), "a.jpg"))
    assert big.status_code == 400
    assert "De foto is te groot. Kies een foto kleiner dan 5 MB." in big.get_data(as_text=True)
    huge = choose(sanne_client, action="photo", photo=(io.BytesIO(b"x" * 9_000_000), "a.jpg"))
    assert huge.status_code == 413  # above the upload limit: refused before reading
    assert "De foto is te groot." in huge.get_data(as_text=True)


# ------------------------------------------------------------------------ coach


def test_coach_downloads_own_clients_documents_with_an_audit_event(client, users, sanne):
    login(client, users["coach_a"].email)
    for kind in ("pitch", "resume", "cv", "workbook"):
        response = download(client, f"/coach/clients/{sanne.id}/documents/{kind}.pdf")
        assert NAME in text_of(response.data)
    download(client, f"/coach/clients/{sanne.id}/documents/cv.docx")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.download")
    ).all()
    assert [(e.detail["kind"], e.detail["format"]) for e in events] == [
        ("pitch", "pdf"),
        ("resume", "pdf"),
        ("cv", "pdf"),
        ("workbook", "pdf"),
        ("cv", "docx"),
    ]
    assert all(e.client_id == sanne.id and e.actor_id == users["coach_a"].id for e in events)


def test_another_coach_gets_not_found(client, users, sanne):
    login(client, users["coach_b"].email)
    assert client.get(f"/coach/clients/{sanne.id}/documents/cv.pdf").status_code == 404
    assert client.get(f"/coach/clients/{sanne.id}/documents/cv.docx").status_code == 404
    assert client.get(f"/coach/clients/{sanne.id}/documents/letter.pdf").status_code == 404
    downloads = select(AuditEvent).where(AuditEvent.action == "document.download")
    assert not db.session.scalars(downloads).all()


def test_a_client_cannot_use_the_coach_download(sanne_client, sanne):
    assert sanne_client.get(f"/coach/clients/{sanne.id}/documents/cv.pdf").status_code == 404


# ------------------------------------------------------------------------ cache


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The kinds WeasyPrint really rendered, behind the cache."""
    calls: list[str] = []
    real = exports.pdf.render_pdf

    def counting(document):
        calls.append(document.kind)
        return real(document)

    monkeypatch.setattr(exports.pdf, "render_pdf", counting)
    return calls


@pytest.fixture
def bram(users):
    """A second client, Bram, of coach A, with the same answers as Sanne."""
    user = make_user(Role.CLIENT, "bram@example.nl", "Bram Jansen", coach=users["coach_a"])
    save_sample_answers(db.session, user, now=T0)
    return user


def test_a_repeated_download_comes_from_the_cache(app, sanne_client, sanne, renders):
    from exports.cache import MEMORY

    first = download(sanne_client, "/me/documents/pitch.pdf").data
    cache_dir = Path(app.instance_path) / "pdf-cache" / str(sanne.id)
    files = list(cache_dir.glob("pitch-*.pdf"))
    assert len(files) == 1 and files[0].read_bytes() == first
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    MEMORY.clear()  # as after a restart: the folder still answers
    second = download(sanne_client, "/me/documents/pitch.pdf").data
    third = download(sanne_client, "/me/documents/pitch.pdf").data
    assert first == second == third
    assert renders == ["pitch"]


def test_deleting_a_client_removes_only_that_clients_cached_pdfs(
    app, sanne_client, sanne, bram, users, renders
):
    from exports.cache import MEMORY

    download(sanne_client, "/me/documents/pitch.pdf")
    other = app.test_client()
    login(other, "bram@example.nl")
    brams = download(other, "/me/documents/pitch.pdf").data
    root = Path(app.instance_path) / "pdf-cache"
    legacy = root / "cv-0123abcd-4567ef.pdf"  # named by content only, from before owners
    legacy.write_bytes(b"%PDF old")
    (bram_file,) = (root / str(bram.id)).glob("pitch-*.pdf")
    assert (root / str(sanne.id)).is_dir() and len(MEMORY) == 2
    assert renders == ["pitch", "pitch"]

    delete_client(db.session, sanne, by=users["admin"], now=T0)
    db.session.commit()

    assert sorted(path.name for path in root.iterdir()) == [str(bram.id)]
    assert not legacy.exists()
    assert bram_file.read_bytes() == brams and len(MEMORY) == 1
    assert download(other, "/me/documents/pitch.pdf").data == brams  # from memory
    MEMORY.clear()
    assert download(other, "/me/documents/pitch.pdf").data == brams  # from Bram's folder
    assert renders == ["pitch", "pitch"]


def test_after_a_changed_answer_only_the_newest_pdf_of_that_kind_is_kept(
    app, sanne_client, sanne, renders
):
    from exports.cache import MEMORY

    old = download(sanne_client, "/me/documents/pitch.pdf").data
    download(sanne_client, "/me/documents/cv.pdf")
    folder = Path(app.instance_path) / "pdf-cache" / str(sanne.id)
    answer = db.session.scalars(
        select(Answer).where(
            Answer.client_id == sanne.id,
            Answer.exercise_id == "pitch",
            Answer.field_id == "text",
        )
    ).one()
    answer.value = "Ik ben Sanne. Mijn pitch heeft nu een Slotzin."
    db.session.commit()

    new = download(sanne_client, "/me/documents/pitch.pdf").data
    assert "Slotzin" in text_of(new) and "Slotzin" not in text_of(old)
    (pitch_file,) = folder.glob("pitch-*.pdf")
    assert pitch_file.read_bytes() == new
    assert len(list(folder.glob("cv*.pdf"))) == 1  # the CV did not change and stays
    assert len(MEMORY) == 2  # the new pitch and the CV; the old pitch is gone
    assert renders == ["pitch", "cv", "pitch"]


def test_resume_choices_keep_the_birth_year_choice_of_the_cv(sanne_client):
    choose(sanne_client, details=["city", "email", "birth_year"])
    choose(sanne_client, page="/me/documents/resume", details=["city"])
    row = db.session.scalars(select(DocumentChoices)).one()
    assert set(row.shown_details) == {"city", "birth_year"}
    text = text_of(download(sanne_client, "/me/documents/resume.pdf").data)
    assert "Amersfoort" in text and "sanne.devries@example.nl" not in text


def test_pdfs_of_a_client_deleted_meanwhile_are_swept_from_disk_and_memory(
    app, sanne_client, sanne, renders
):
    """A download racing a deletion (or a web process on another machine) can keep a deleted
    client's PDFs; the sweep that runs with deletions, daily and hourly in each web process
    finds them by the missing account."""
    from exports.cache import MEMORY
    from profiler.user_admin import sweep_cached_documents

    download(sanne_client, "/me/documents/pitch.pdf")
    root = Path(app.instance_path) / "pdf-cache"
    stale = root / "999999"  # no such user: left behind
    stale.mkdir(mode=0o700)
    (stale / "pitch-abc-def.pdf").write_bytes(b"%PDF someone deleted")
    MEMORY.put("999998/cv-abc-def", b"%PDF only in memory")
    assert sweep_cached_documents(db.session) == 2
    assert sorted(path.name for path in root.iterdir()) == [str(sanne.id)]
    assert MEMORY.owners() == {str(sanne.id)}
    assert sweep_cached_documents(db.session) == 0  # nothing more to do; Sanne's PDF stays
    assert download(sanne_client, "/me/documents/pitch.pdf").status_code == 200
    assert renders == ["pitch"]
