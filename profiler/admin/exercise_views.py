"""Administrator pages for the exercise library: overview, Markdown editor, live preview."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from .. import audit, authoring, clock
from ..access import role_required
from ..exercises import Problem, render_preview
from ..extensions import db
from ..library import adopt_library, current_library, reload_library
from ..models import Role
from . import bp

SOURCE_ATTRS = {
    "rows": 28,
    "spellcheck": "false",
    "autocapitalize": "off",
    "autocomplete": "off",
    "class": "source-editor",
}
FILENAME_HINT = _l(
    "Twee cijfers, een streepje, het id van de oefening en dan .nl.md of .en.md. "
    "Bijvoorbeeld: 95-netwerken.nl.md. Het id bovenin de tekst moet hetzelfde zijn."
)
CONFLICTS = {
    "exists": _l("Er bestaat al een bestand met deze naam. Kies een ander nummer of id."),
    "missing": _l("Dit bestand bestaat niet meer. Je tekst staat hieronder nog."),
    "changed": _l(
        "Iemand anders heeft dit bestand veranderd terwijl jij het aanpaste. Er is niets "
        "opgeslagen. Kopieer je tekst, open het bestand opnieuw en voeg je wijziging toe."
    ),
}


class ExerciseSourceForm(FlaskForm):
    """The Markdown text of one exercise file, with a preview and a save button."""

    filename = HiddenField()
    source = TextAreaField(
        _l("Tekst van de oefening"),
        description=_l(
            "Markdown met bovenaan de instellingen tussen twee regels ---, en de vragen "
            "in blokken ```field. Zie de handleiding voor alle mogelijkheden."
        ),
        validators=[Length(max=authoring.MAX_SOURCE)],
        render_kw=SOURCE_ATTRS,
    )
    base = HiddenField()
    preview = SubmitField(_l("Voorbeeld bekijken"))
    save = SubmitField(_l("Opslaan"))


class NewExerciseForm(ExerciseSourceForm):
    """A new exercise file: the same editor plus the file name."""

    filename = StringField(
        _l("Bestandsnaam"), description=FILENAME_HINT, validators=[Length(max=120)]
    )


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _existing_path(filename: str) -> Path:
    """The file for `filename`, or 404 for a bad name or a file that does not exist."""
    try:
        path = authoring.exercise_path(_content_dir(), filename)
    except authoring.InvalidName:
        abort(404)
    if not path.is_file():
        abort(404)
    return path


def _lines(problems: list[Problem], filename: str) -> list[dict]:
    """Problems of this file as `regel N: ...`; problems of other files keep their name."""
    own = authoring.relative_name(filename)
    shown = []
    for problem in problems:
        mine = problem.path == own
        shown.append(
            {
                "line": problem.line if mine else None,
                "label": _("regel %(n)s", n=problem.line) if mine else problem.path,
                "message": problem.message if mine else f"{problem.line}: {problem.message}",
            }
        )
    return shown


def _preview(check: authoring.Check | None) -> dict:
    """The template variables of the preview pane."""
    if check is None or check.exercise is None:
        return {"exercise": None, "preview": None}
    return {"exercise": check.exercise, "preview": render_preview(check.exercise)}


@bp.get("/exercises")
@role_required(Role.ADMIN)
def exercises():
    """The library by part and kind, with the problems of each file, and the programs."""
    library = current_library()
    summary = authoring.overview(_content_dir(), library)
    return render_template("admin/exercises.html", overview=summary, optional=summary.optional)


@bp.route("/exercises/<filename>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def exercise_edit(filename: str):
    """Edit one exercise file: preview it, and save it only when it is valid."""
    path = _existing_path(filename)
    form = ExerciseSourceForm()
    if request.method == "GET":
        text = path.read_text(encoding="utf-8")
        form.source.data = text
        form.base.data = authoring.fingerprint(text)
        form.filename.data = filename
    return _editor(form, filename, create=False)


@bp.route("/exercises/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def exercise_new():
    """Write a new exercise file."""
    form = NewExerciseForm()
    if request.method == "GET":
        form.source.data = authoring.NEW_EXERCISE_NL
    return _editor(form, None, create=True)


def _editor(form: ExerciseSourceForm, filename: str | None, *, create: bool):
    """Show the editor; on POST preview or save (the typed text always stays)."""
    library = current_library()
    text = authoring.normalize(form.source.data or "")
    name = filename or (form.filename.data or "").strip()
    name_ok = bool(authoring.FILE_NAME.fullmatch(name))
    problems: list[Problem] = []
    if request.method == "POST" and form.validate():
        if create and not name_ok:
            form.filename.errors.append(_("Deze bestandsnaam kan niet."))
        elif form.save.data:
            done, problems = _save(form, name, text, library, create)
            if done is not None:
                return done
    preview_name = name if name_ok else _guess(text, name)
    check = authoring.check_text(text, preview_name, library)
    return render_template(
        "admin/exercise_edit.html",
        form=form,
        filename=filename,
        create=create,
        problems=_lines(problems, name),
        preview_problems=_lines(check.problems, preview_name),
        warnings=_lines(check.warnings, name) if name_ok else [],
        versions=authoring.history(_content_dir(), filename) if filename else [],
        **_preview(check),
    )


def _guess(text: str, name: str) -> str:
    return authoring.guess_filename(text, "en" if name.endswith(".en.md") else "nl")


def _save(form: ExerciseSourceForm, filename: str, text: str, library, create: bool):
    """Try to save: (redirect, []) when it worked, else (None, problems to show)."""
    now = clock.now()
    try:
        saved = authoring.save(
            _content_dir(),
            filename,
            text,
            library=library,
            now=now,
            base=None if create else (form.base.data or None),
            create=create,
        )
    except authoring.InvalidName:
        abort(404)
    except authoring.SaveConflict as conflict:
        flash(str(CONFLICTS[conflict.reason]), "error")
        return None, []
    except authoring.SaveRefused as refused:
        form.source.errors = [
            *form.source.errors,
            _("Niet opgeslagen: los eerst de fouten hieronder op. Je tekst staat er nog."),
        ]
        return None, refused.problems
    if saved.signature is not None:
        adopt_library(saved.library, saved.signature)
    else:
        reload_library()
    audit.record(
        db.session,
        actor=current_user,
        action="exercise.create" if saved.created else "exercise.save",
        now=now,
        ip=request.remote_addr,
        file=filename,
        previous=saved.history.name if saved.history else None,
    )
    db.session.commit()
    flash(_("Opgeslagen. Cliënten zien de nieuwe versie meteen."), "success")
    return redirect(url_for("admin.exercise_edit", filename=filename)), []


@bp.post("/exercises/preview")
@role_required(Role.ADMIN)
def exercise_preview():
    """The preview pane for the text typed so far (fetched by exercise-editor.js)."""
    form = NewExerciseForm()
    if not form.validate():
        return jsonify(error=_("Deze tekst is te lang voor een voorbeeld.")), 400
    text = authoring.normalize(form.source.data or "")
    name = (form.filename.data or "").strip()
    if not authoring.FILE_NAME.fullmatch(name):
        name = _guess(text, name)
    check = authoring.check_text(text, name, current_library())
    html = render_template(
        "admin/exercise_preview.html",
        preview_problems=_lines(check.problems, name),
        **_preview(check),
    )
    return jsonify(ok=check.ok, html=html, problems=len(check.problems))
