"""Document pages: the overview, a preview with the client's choices, and the downloads."""

from __future__ import annotations

import base64
import io
from functools import partial

from flask import (
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage, ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from exports import PhotoError, render_docx, render_pdf_cached
from exports.labels import label, level_label
from exports.wording import format_period, speaking_time, word_count

from .. import access, audit, clock, document_builder
from ..extensions import db
from ..library import current_library
from ..models import Role, User
from ..user_admin import pdf_cache_dir, sweep_cached_documents_now_and_then
from . import bp
from . import choices as choice_service
from .filenames import download_name

PREVIEW_KINDS = "any(pitch, resume, cv)"
COACH_KINDS = "any(pitch, resume, cv, workbook)"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TITLES = {
    "pitch": _l("Elevator pitch"),
    "resume": _l("Resumé"),
    "cv": _l("Cv"),
    "workbook": _l("Werkdocument"),
}
SECTION_NAMES = {
    "profile": _l("Profiel"),
    "experience": _l("Werkervaring"),
    "education": _l("Opleidingen"),
    "courses": _l("Cursussen en certificaten"),
    "competences": _l("Competenties"),
    "skills": _l("Vaardigheden"),
    "languages": _l("Talen"),
    "interests": _l("Hobby’s en interesses"),
}
DETAIL_NAMES = {
    "city": _l("Woonplaats"),
    "phone": _l("Telefoonnummer"),
    "email": _l("E-mailadres"),
    "birth_year": _l("Geboortejaar"),
    "photo": _l("Pasfoto"),
}
PHOTO_MESSAGES = {
    "photo_empty": _l(
        "Je hebt nog geen foto gekozen. Kies eerst een foto en klik dan op Foto toevoegen."
    ),
    "photo_too_large": _l("De foto is te groot. Kies een foto kleiner dan 5 MB."),
    "photo_not_image": _l("Dit bestand is geen foto. Kies een JPG- of PNG-bestand."),
    "photo_too_many_pixels": _l("De foto heeft te veel pixels. Kies een kleinere foto."),
}
EDIT_EXERCISE = {"pitch": "pitch", "resume": "cv", "cv": "cv"}
# The personal details each document can print (the resumé has no birth year).
DETAILS_ON = {
    "resume": ("city", "phone", "email", "photo"),
    "cv": choice_service.DETAILS,
}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _build(kind: str, client: User, layout: str | None = None):
    chosen = choice_service.for_client(db.session, client)
    return document_builder.build(
        kind, db.session, client, current_library(), chosen, layout=layout
    )


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name
    )
    return _no_store(response)


def _pdf_response(kind: str, client: User) -> Response:
    sweep_cached_documents_now_and_then(db.session)  # deleted clients' PDFs, on any machine
    document = _build(kind, client)
    data = render_pdf_cached(document, cache_dir=pdf_cache_dir(), owner=str(client.id))
    return _download(data, PDF, download_name(kind, client.name, "pdf", document.lang))


def _docx_response(client: User) -> Response:
    document = _build("cv", client)
    name = download_name("cv", client.name, "docx", document.lang)
    return _download(render_docx(document), DOCX, name)


# ------------------------------------------------------------------------- client


@bp.get("/me/documents")
@access.role_required(Role.CLIENT)
def index():
    """The three documents and the working document, each with a preview and a download."""
    src = document_builder.sources(db.session, current_user, current_library())
    drafts = {"pitch": not src.text("pitch", "text"), "cv": not src.text("cv", "profile")}
    page = render_template("documents/index.html", drafts=drafts, titles=TITLES)
    return _no_store(make_response(page))


@bp.route(f"/me/documents/<{PREVIEW_KINDS}:kind>", methods=["GET", "POST"])
@access.role_required(Role.CLIENT)
def preview(kind: str):
    """A preview of the document with the choices (layout, photo, sections) as a form."""
    if request.method == "GET":
        return _preview_page(kind)
    photo_error, message, anchor = _apply(kind, request.form, request.files)
    db.session.commit()  # the other choices stay saved, also when the photo was refused
    if photo_error:
        return _preview_page(kind, photo_error, 400)
    flash(message, "success")
    return redirect(url_for("documents.preview", kind=kind, _anchor=anchor))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A photo above the upload limit: the page again with a clear message, not an error page."""
    kind = (request.view_args or {}).get("kind")
    if request.endpoint == "documents.preview" and current_user.is_authenticated:
        if current_user.role == Role.CLIENT.value:
            return _preview_page(kind, str(PHOTO_MESSAGES["photo_too_large"]), 413)
    return error


def _apply(kind: str, form: ImmutableMultiDict, files: ImmutableMultiDict) -> tuple:
    """Save the posted choices; returns (photo error, success message, anchor)."""
    now = clock.now()
    message, anchor = str(_l("Je keuzes zijn opgeslagen.")), "choices"
    move = None
    if kind == "cv" and ":" in form.get("move", ""):
        section, direction = form["move"].split(":", 1)
        move = (section, direction)
    if form.get("choices_form"):
        on_page = set(DETAILS_ON[kind])
        before = choice_service.for_client(db.session, current_user).shown_details
        posted = on_page & set(form.getlist("detail"))
        choice_service.update(
            db.session,
            current_user,
            now=now,
            layout=form.get("layout") if kind == "cv" else None,
            visible_sections=form.getlist("section") if kind == "cv" else None,
            shown_details=(before - on_page) | posted,
            move=move,
        )
    if move is not None and move[0] in SECTION_NAMES:
        order = choice_service.for_client(db.session, current_user).section_order
        message = str(
            _l(
                "%(section)s staat nu op plaats %(place)d.",
                section=SECTION_NAMES[move[0]],
                place=order.index(move[0]) + 1,
            )
        )
        anchor = f"order-{move[0]}"
    action = form.get("action", "save")
    upload: FileStorage | None = files.get("photo")
    if action == "remove_photo":
        choice_service.remove_photo(db.session, current_user, now=now)
        return None, str(_l("Je foto is verwijderd.")), "photo"
    if action == "photo" or (upload is not None and upload.filename):
        data = upload.read() if upload is not None else b""
        try:
            choice_service.set_photo(db.session, current_user, data, now=now)
        except PhotoError as error:
            return str(PHOTO_MESSAGES.get(error.key, PHOTO_MESSAGES["photo_not_image"])), "", ""
        shown = choice_service.for_client(db.session, current_user).shown_details
        choice_service.update(db.session, current_user, now=now, shown_details={*shown, "photo"})
        return None, str(_l("Je foto is toegevoegd.")), "photo"
    return None, message, anchor


def _preview_page(kind: str, photo_error: str | None = None, status: int = 200) -> Response:
    chosen = choice_service.for_client(db.session, current_user)
    document = _build(kind, current_user)
    lang = document.lang
    photo = ""
    shown_photo = kind != "pitch" and document.person.photo and "photo" in chosen.shown_details
    if shown_photo:
        photo = "data:image/jpeg;base64," + base64.b64encode(document.person.photo).decode()
    sections = []
    if kind == "cv":
        sections = [
            {
                "key": key,
                "name": SECTION_NAMES[key],
                "visible": key not in chosen.hidden,
                "empty": not _has_content(document, key),
            }
            for key in chosen.section_order
        ]
    page = render_template(
        "documents/preview.html",
        kind=kind,
        title=TITLES[kind],
        doc=document,
        choices=chosen,
        sections=sections,
        details=[(key, DETAIL_NAMES[key]) for key in DETAILS_ON.get(kind, ())],
        photo_url=photo,
        has_photo=chosen.photo is not None,
        photo_error=photo_error,
        edit_exercise=EDIT_EXERCISE[kind],
        t=partial(label, lang),
        period=partial(format_period, lang=lang),
        level=partial(level_label, lang),
        speaking_time=speaking_time(document.text, lang) if kind == "pitch" else "",
        words=word_count(document.text) if kind == "pitch" else 0,
    )
    return _no_store(make_response(page, status))


def _has_content(cv, key: str) -> bool:
    """Whether a CV section has anything to print (empty sections are left out)."""
    content = {
        "profile": cv.profile,
        "experience": cv.jobs,
        "education": cv.diplomas,
        "courses": cv.courses,
        "competences": cv.competences,
        "skills": cv.skills,
        "languages": cv.languages,
        "interests": cv.interests,
    }[key]
    return bool(content.strip() if isinstance(content, str) else content)


@bp.get(f"/me/documents/<{PREVIEW_KINDS}:kind>.pdf")
@access.role_required(Role.CLIENT)
def pdf(kind: str):
    """Download the pitch, resumé or CV as PDF."""
    return _pdf_response(kind, current_user)


@bp.get("/me/documents/cv.docx")
@access.role_required(Role.CLIENT)
def cv_docx():
    """Download the CV as a Word document."""
    return _docx_response(current_user)


@bp.get("/me/workbook.pdf")
@access.role_required(Role.CLIENT)
def workbook_pdf():
    """Download the working document: every answer by part, with the charts."""
    return _pdf_response("workbook", current_user)


# -------------------------------------------------------------------------- coach


def _audit_download(client: User, kind: str, file_format: str) -> None:
    audit.record(
        db.session,
        actor=current_user,
        client=client,
        action="document.download",
        now=clock.now(),
        ip=request.remote_addr,
        kind=kind,
        format=file_format,
    )


@bp.get(f"/coach/clients/<int:client_id>/documents/<{COACH_KINDS}:kind>.pdf")
@access.role_required(Role.COACH, Role.ADMIN)
def coach_pdf(client_id: int, kind: str):
    """A coach downloads a client's document (own clients only; logged in the audit log)."""
    client = access.client_for_coach(current_user, client_id)
    response = _pdf_response(kind, client)
    _audit_download(client, kind, "pdf")
    db.session.commit()
    return response


@bp.get("/coach/clients/<int:client_id>/documents/cv.docx")
@access.role_required(Role.COACH, Role.ADMIN)
def coach_cv_docx(client_id: int):
    """A coach downloads a client's CV as Word (own clients only; logged)."""
    client = access.client_for_coach(current_user, client_id)
    response = _docx_response(client)
    _audit_download(client, "cv", "docx")
    db.session.commit()
    return response
