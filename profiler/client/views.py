"""Client pages: today, the overview, exercises, the working document, check-in, settings, data."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from .. import accounts, checkins, clock, data_export, plan_changes, plan_view
from .. import answers as answer_service
from .. import comments as comment_service
from .. import exercises as engine
from ..access import own_enrollment, role_required
from ..auth.passwords import verify_password
from ..extensions import db
from ..i18n import clock_time, date_time
from ..i18n import current_lang as _lang
from ..library import current_library
from ..models import MAX_INTEGER, Role
from ..plans import local_day
from . import bp, pages, progress
from .forms import (
    CadenceForm,
    CheckInForm,
    CloseConflictsForm,
    DeletionForm,
    ExerciseForm,
    LanguageForm,
    PasswordForm,
    PauseForm,
    RemindersForm,
    ResumeForm,
    WorkAheadForm,
)

REV_PREFIX = "_rev-"


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _plan(now) -> plan_view.PlanView | None:
    enrollment = own_enrollment(current_user)
    if enrollment is None:
        return None
    items = plan_view.read_items(db.session, enrollment)  # these pages only show the plan
    return plan_view.build(db.session, enrollment, current_library(), _lang(), now, items=items)


def _endpoint_for_rule(rule: str) -> str | None:
    """The endpoint serving `rule`, if another part of the app registered it; looked up once
    per app (Flask adds no route after the first request)."""
    known = current_app.extensions.setdefault("profiler.rule_endpoints", {})
    if rule not in known:
        rules = current_app.url_map.iter_rules()
        known[rule] = next((r.endpoint for r in rules if r.rule == rule), None)
    return known[rule]


def _kind_of(exercise_id: str) -> str:
    found = current_library().get(exercise_id, _lang())
    return str(getattr(found, "kind", "exercise") or "exercise")


# ------------------------------------------------------------------------------ today


@bp.get("")
@role_required(Role.CLIENT)
def today():
    """Today: the exercise waiting, progress, what comes next, comments, the check-in."""
    now = clock.now()
    plan = _plan(now)
    unread = comment_service.unread_comments(db.session, current_user.id)
    checkin_due = False
    if plan is not None and any(s.available for s in plan.steps):
        checkin_due = checkins.is_due(checkins.last(db.session, current_user), now)
    titles = {s.exercise_id: s.title for s in plan.steps} if plan else {}
    return render_template(
        "client/today.html",
        plan=plan,
        enrollment=plan.enrollment if plan else None,
        unread=unread,
        titles=titles,
        checkin_due=checkin_due,
    )


@bp.get("/exercises")
@role_required(Role.CLIENT)
def overview():
    """All exercises by part with their state and a progress bar."""
    plan = _plan(clock.now())
    return render_template("client/overview.html", plan=plan)


# --------------------------------------------------------------------------- exercise


def _expected(form) -> dict[str, int]:
    """The revision each field had when the page was loaded (`_rev-<field>` markers)."""
    expected = {}
    for name in form:
        if name.startswith(REV_PREFIX):
            try:
                revision = int(form.get(name, "0"))
            except ValueError:
                continue
            # Above MAX_INTEGER no answer can match: kept at it, the save is a conflict.
            expected[name[len(REV_PREFIX) :]] = min(max(0, revision), MAX_INTEGER)
    return expected


@bp.route("/exercises/<exercise_id>", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def exercise(exercise_id: str):
    """One exercise: read, fill in (autosave posts here too), flag, mark done."""
    now = clock.now()
    lang = _lang()
    enrollment = own_enrollment(current_user)
    saving = request.method == "POST"
    items = None
    if enrollment is None:
        item = None
    elif saving:  # a save (an autosave every few seconds) needs only this exercise's item
        item = plan_view.load_item(db.session, enrollment, exercise_id)
    else:  # showing the page changes nothing in the plan: read-only rows
        items = plan_view.read_items(db.session, enrollment)
        item = next((i for i in items if i.exercise_id == exercise_id), None)
    definition = current_library().get(exercise_id, lang) if item else None
    if item is None or definition is None:
        if _wants_json():
            return jsonify(error=_("Deze oefening bestaat niet.")), 404
        return render_template("client/not_found.html", exercise_id=exercise_id), 404
    if item.unlocked_at is None:
        if saving and _wants_json():
            return jsonify(error=_("Deze oefening is nog niet open.")), 409
        plan = plan_view.build(db.session, enrollment, current_library(), lang, now, items=items)
        return render_template("client/locked.html", step=plan.step(exercise_id), plan=plan)
    form = ExerciseForm()
    if not saving:
        form.flagged.data = bool(item.flagged)
        form.flag_note.data = item.flag_note or ""
        return _exercise_page(
            enrollment, items, item, definition, form, {}, None, lang, now, mark_read=True
        )
    if "close_conflicts" in request.form and CloseConflictsForm().validate_on_submit():
        stored = answer_service.answers_for(db.session, current_user, exercise_id)
        answer_service.close_conflicts(db.session, stored.values())
        db.session.commit()
        return redirect(url_for(".exercise", exercise_id=exercise_id))
    if _wants_json() and not request.form.keys() - {"csrf_token"}:
        # An autosave always sends the whole form; without it (a broken or cut-off body)
        # nothing was read, and "saved" would be a promise the page cannot keep.
        return jsonify(error=_("Er kwam niets mee om op te slaan. Laad de pagina opnieuw.")), 400
    form.validate()  # CSRF was checked before the view; this checks the note's length
    everything = (
        answer_service.all_answers(db.session, current_user)
        if engine.reads_other_answers(definition)
        else None
    )
    # Only fields the page actually sent (each carries its revision marker) are read and
    # saved: a post without a field must never empty its stored answer.
    expected = _expected(request.form)
    values, errors = engine.parse_answers(definition, request.form, everything, lang, only=expected)
    blanks = engine.blank_entries_requested(definition, request.form)
    submission = progress.Submission(
        values=values,
        errors=errors,
        expected=expected,
        flagged=bool(form.flagged.data),
        flag_note=None if form.flag_note.errors else form.flag_note.data,
        finishing=bool(form.done.data) and not _wants_json(),
        lang=lang,
    )
    # The time in the message is formatted first: the user's time zone is read before the
    # save takes SQLite's write lock, and the commit does not make us read the user again.
    moment = clock_time(now)
    outcome = _submit_with_retry(item, definition, submission, now)
    db.session.commit()
    if g.get("logout_after_save"):
        # The idle timeout ends the session after this save (profiler.web): what the login
        # page says, and the typed text that could not be stored, to give back, not lose.
        g.idle_unsaved = _refused_texts(definition, outcome.refused, form)
        g.idle_save = "check" if outcome.refused or form.flag_note.errors else "saved"
    message = _save_message(outcome, moment)
    if _wants_json():
        return jsonify(
            saved=not outcome.errors,
            revisions=_new_markers(outcome, expected),
            changed=outcome.result.changed,
            stale=outcome.result.stale,
            conflicts=[c.field_id for c in outcome.result.conflicts],
            errors=outcome.errors,
            message=message,
        )
    if outcome.errors or form.flag_note.errors or blanks:
        return _exercise_page(
            enrollment,
            plan_view.read_items(db.session, enrollment),
            item,
            definition,
            form,
            outcome.errors,
            values,
            lang,
            now,
            blank_entries=blanks,
        )
    if submission.finishing:
        flash(
            _("Goed gedaan! %(title)s is klaar.", title=definition.title)
            if outcome.done_now
            else _("Je wijzigingen zijn opgeslagen."),
            "success",
        )
        return redirect(url_for(".overview"))
    flash(message, "warning" if outcome.result.conflicts else "success")
    return redirect(url_for(".exercise", exercise_id=exercise_id))


def _submit_with_retry(item, definition, submission, now) -> progress.Outcome:
    """Save; when another request saved the same field at the same moment, read again once."""

    def attempt(plan_item):
        return progress.submit(
            db.session,
            current_user,
            plan_item,
            definition,
            submission,
            now=now,
            scores_of=lambda values: engine.scores_for(definition, values),
        )

    try:
        return attempt(item)
    except IntegrityError:
        db.session.rollback()
        return attempt(progress.item_for(db.session, current_user, item.exercise_id))


def _new_markers(outcome: progress.Outcome, expected: dict[str, int]) -> dict[str, int]:
    """The revision markers the page takes over after an autosave: of the fields it sent,
    except the ones this save refused (a text too long). A refused field's marker stays
    where the page loaded it: an edit here after another tab's change is still a conflict."""
    refused = {key.split(".", 1)[0] for key in outcome.refused}
    return {
        field_id: revision
        for field_id, revision in outcome.result.revisions.items()
        if field_id in expected and field_id not in refused
    }


@bp.get("/session")
@role_required(Role.CLIENT)
def autosave_session():
    """Who is logged in, and a CSRF token of this session: after a new login in another tab,
    an open exercise page takes the token to save its text, if the page is this person's
    (autosave.js). Apart from the session's own activity time it reads and changes nothing
    (no comment is marked read); logged out, the answer is a 401, not the login page."""
    return jsonify(owner=current_user.id, csrf_token=generate_csrf())


def _refused_texts(definition, refused, form) -> list[tuple[str, str]]:
    """(question, text) for every typed value the save refused, as the client sent it."""
    texts = []
    for key in refused:
        field = definition.field(key.split(".", 1)[0])
        typed = "\n".join(v for v in request.form.getlist(f"f.{key}") if v.strip())
        if typed:
            texts.append((str(field.label) if field is not None else key, typed))
    if form.flag_note.errors and (form.flag_note.data or "").strip():
        texts.append((str(form.flag_note.label.text), form.flag_note.data))
    return texts


def _save_message(outcome: progress.Outcome, moment: str) -> str:
    """What the page says after a save; `moment` is the time of the save, as HH:mm."""
    result = outcome.result
    if outcome.done_refused:
        return _(
            "Je wijzigingen zijn opgeslagen. Maar de oefening is nog niet klaar: "
            "kijk bij de vragen met een melding."
        )
    if outcome.errors:
        return _(
            "Niet alles is opgeslagen. Kijk bij de vragen met een melding. Je tekst staat er nog."
        )
    if result.conflicts:
        return _(
            "Let op: je hebt dit ook in een ander venster veranderd. Je tekst hier is "
            "opgeslagen om %(time)s. De tekst uit het andere venster is ook bewaard. "
            "Laad de pagina opnieuw om hem te zien.",
            time=moment,
        )
    if result.stale:
        return _(
            "Opgeslagen om %(time)s. Een deel is in een ander venster veranderd. "
            "Laad de pagina opnieuw om de nieuwste tekst te zien.",
            time=moment,
        )
    return _("Opgeslagen om %(time)s", time=moment)


def _exercise_page(
    enrollment,
    items,
    item,
    definition,
    form,
    errors,
    typed,
    lang,
    now,
    blank_entries=None,
    mark_read=False,
):
    """The exercise page: plan, fields with the stored (or just typed) answers, comments.

    `items` are the plan's items (read-only rows will do). Reads the answers and the
    comments once and gives the plan view their counts, so the page costs a fixed handful
    of queries. With `mark_read`, the coach's comments on this exercise count as read from
    now on (the plan still shows them as new on this page).
    """
    library = current_library()
    found = answer_service.for_exercise_page(db.session, current_user.id, item.exercise_id)
    comments = comment_service.for_exercise_page(db.session, current_user.id, item.exercise_id)
    plan = plan_view.build(
        db.session,
        enrollment,
        library,
        lang,
        now,
        items=items,
        answered=found.answered,
        unread=comments.unread,
        expected=False,  # an open exercise's page shows no "opens on" dates
    )
    if mark_read and comments.mark_read(db.session, now):
        db.session.commit()
    step = plan.step(item.exercise_id)
    everything = found.values
    everything[item.exercise_id] = {**pages.stored_values(found.stored), **(typed or {})}
    scores = pages.all_scores(library, everything, lang)
    before, after = plan.neighbours(item.exercise_id)
    return render_template(
        "client/exercise.html",
        plan=plan,
        step=step,
        exercise=definition,
        form=form,
        fields_html=engine.render_exercise(
            definition, everything, scores, errors, lang, blank_entries=blank_entries
        ),
        errors=errors,
        revisions=answer_service.current_revisions(found.stored),
        input_ids=[f.id for f in definition.input_fields],
        score_blocks=pages.score_blocks(definition, scores.get(item.exercise_id, {}), lang),
        earlier=pages.earlier_answers(definition, found.stored),
        kept=pages.kept_texts(definition, found.conflicts),
        close_form=CloseConflictsForm() if found.conflicts else None,
        comments=comments.on_exercise,
        before=before,
        after=after,
    )


# --------------------------------------------------------------------------- workbook


@bp.get("/workbook")
@role_required(Role.CLIENT)
def workbook():
    """The working document: every answer by part, printable."""
    now = clock.now()
    plan = _plan(now)
    parts = (
        pages.workbook(db.session, current_user, plan, current_library(), _lang()) if plan else []
    )
    return render_template(
        "client/workbook.html",
        plan=plan,
        parts=parts,
        pdf_endpoint=_endpoint_for_rule("/me/workbook.pdf"),
    )


# ---------------------------------------------------------------------------- checkin


def _checkin_exercise():
    library = current_library()
    enrollment = own_enrollment(current_user)
    program = library.programs.get(enrollment.program_id) if enrollment else None
    exercise_id = getattr(program, "checkin", None) or checkins.CHECKIN
    return library.get(exercise_id, _lang())


@bp.route("/checkin", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def checkin():
    """The 1-10 check-in, any time; the results over time as a chart and a table."""
    now = clock.now()
    lang = _lang()
    definition = _checkin_exercise()
    if definition is None:
        abort(404)
    form = CheckInForm()
    errors: dict[str, list[str]] = {}
    typed: dict[str, Any] = {}
    if form.validate_on_submit():
        typed, errors = engine.parse_answers(definition, request.form, lang=lang)
        if not errors:
            scores = engine.scores_for(definition, typed) or {}
            flat: dict[str, float] = {}
            for field_scores in scores.values():
                flat.update(field_scores)
            note = next(
                (
                    typed[f.id]
                    for f in definition.input_fields
                    if f.type in ("text", "textarea") and typed.get(f.id)
                ),
                None,
            )
            checkins.record(db.session, current_user, flat, now=now, note=note)
            progress.touch(current_user, now)
            db.session.commit()
            flash(_("Dank je wel. Je check-in is opgeslagen."), "success")
            return redirect(url_for(".checkin"))
    history = checkins.history(db.session, current_user)
    dimensions = _checkin_dimensions(definition)
    chart = None
    if history:
        low, high = _checkin_range(definition)
        chart = checkins.checkin_chart(
            [(c.created_at, c.values) for c in history],
            [(d.id, d.label) for d in dimensions],
            low=low,
            high=high,
            title=_("Je check-ins door de tijd"),
        )
    everything = answer_service.all_answers(db.session, current_user)
    everything[definition.id] = typed
    return render_template(
        "client/checkin.html",
        exercise=definition,
        form=form,
        fields_html=engine.render_exercise(definition, everything, {}, errors, lang),
        errors=errors,
        history=list(reversed(history)),
        dimensions=dimensions,
        chart=chart,
    )


def _checkin_dimensions(definition) -> list:
    for item in definition.input_fields:
        if item.type == "scale":
            return list(item.dimensions)
    return []


def _checkin_range(definition) -> tuple[int, int]:
    for item in definition.input_fields:
        if item.type == "scale":
            return item.min, item.max
    return 1, 10


# ---------------------------------------------------------------------------- settings

SETTINGS_FORMS = {
    "cadence": CadenceForm,
    "reminders": RemindersForm,
    "pause": PauseForm,
    "resume": ResumeForm,
    "language": LanguageForm,
    "password": PasswordForm,
    "ahead": WorkAheadForm,
}


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def settings():
    """Mail days and time, reminders, pause and resume, language, password, work ahead."""
    now = clock.now()
    enrollment = own_enrollment(current_user)
    tz = enrollment.timezone if enrollment else current_user.timezone
    today_local = local_day(now, tz)
    forms = {
        name: (cls(prefix=name, today=today_local) if cls is PauseForm else cls(prefix=name))
        for name, cls in SETTINGS_FORMS.items()
    }
    if request.method == "POST":
        submitted = next((n for n, f in forms.items() if f.submit.data), None)
        if submitted is not None and forms[submitted].validate():
            try:
                message = _apply_setting(submitted, forms[submitted], enrollment, now)
            except (plan_changes.PlanError, accounts.AccountError) as exc:
                _field_error(submitted, forms[submitted], str(exc))
            else:
                progress.touch(current_user, now)
                db.session.commit()
                if submitted == "password":
                    login_user(current_user)  # the version bump ended the old session
                # Shown in the section just saved, where the page opens (not at the top).
                section = "pause" if submitted == "resume" else submitted
                flash(message, f"saved:{section}")
                return redirect(url_for(".settings") + f"#{section}")
    if enrollment is not None and not request.method == "POST":
        forms["cadence"].weekdays.data = [str(d) for d in sorted(enrollment.weekday_set)]
        forms["cadence"].send_time.data = enrollment.send_time
        forms["reminders"].reminders.data = enrollment.reminders
    if not request.method == "POST":
        forms["language"].language.data = current_user.locale
    plan = _plan(now) if enrollment else None
    return render_template("client/settings.html", forms=forms, enrollment=enrollment, plan=plan)


def _field_error(name: str, form, message: str) -> None:
    target = {"password": "current", "cadence": "weekdays"}.get(name)
    if target is not None:
        form[target].errors = [*form[target].errors, message]
    else:
        flash(message, "error")


def _apply_setting(name: str, form, enrollment, now) -> str:
    """Call the service for the submitted settings form; returns the message to show."""
    session = db.session
    if name == "language":
        current_user.locale = form.language.data
        return _("Je taal is opgeslagen.")
    if name == "password":
        if not verify_password(current_user.password_hash, form.current.data):
            raise accounts.AccountError(_("Je huidige wachtwoord klopt niet."))
        accounts.set_password(current_user, form.password.data)
        return _("Je nieuwe wachtwoord is opgeslagen.")
    if enrollment is None:
        raise plan_changes.PlanError(_("Je training is nog niet gestart."))
    if name == "cadence":
        days = {int(d) for d in form.weekdays.data}
        plan_changes.set_cadence(
            session, enrollment, days, form.send_time.data, by=current_user, now=now
        )
        return _("Je dagen en tijd zijn opgeslagen. Dit geldt vanaf de volgende oefening.")
    if name == "reminders":
        plan_changes.set_reminders(
            session, enrollment, form.reminders.data, by=current_user, now=now
        )
        return _("Je keuze voor herinneringen is opgeslagen.")
    if name == "pause":
        plan_changes.pause(
            session,
            enrollment,
            by=current_user,
            now=now,
            reason=form.reason.data,
            until=form.until.data,
        )
        return _("Je training staat op pauze. Je krijgt geen nieuwe oefeningen en geen mails.")
    if name == "resume":
        plan_changes.resume(session, enrollment, by=current_user, now=now)
        return _("Fijn dat je verdergaat. Je plan gaat verder waar het was.")
    if name == "ahead":
        opened = plan_changes.work_ahead(
            session, enrollment, by=current_user, now=now, kind_of=_kind_of
        )
        return _("De volgende oefening staat voor je open.") if opened else ""
    raise plan_changes.PlanError(_("Dit kan niet."))


# -------------------------------------------------------------------------------- data


@bp.route("/data", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def data():
    """Download all own data; ask for deletion."""
    now = clock.now()
    if request.method == "GET" and _wants_json():
        return _data_download(now, attachment=False)
    form = DeletionForm()
    if form.validate_on_submit():
        if data_export.request_deletion(db.session, current_user, now=now):
            progress.touch(current_user, now)
            db.session.commit()
            flash(
                _(
                    "Je verzoek is verstuurd. Je coach neemt contact met je op. "
                    "Tot die tijd blijven je gegevens bewaard."
                ),
                "success",
            )
        else:
            flash(_("Je had dit al gevraagd. Je coach neemt contact met je op."), "info")
        return redirect(url_for(".data"))
    return render_template(
        "client/data.html",
        form=form,
        pdf_endpoint=_endpoint_for_rule("/me/workbook.pdf"),
        requested=current_user.deletion_requested_at,
        requested_text=date_time(current_user.deletion_requested_at)
        if current_user.deletion_requested_at
        else "",
    )


@bp.get("/data.json")
@role_required(Role.CLIENT)
def data_json():
    """All own data as a JSON file."""
    return _data_download(clock.now(), attachment=True)


def _data_download(now, attachment: bool) -> Response:
    payload = data_export.export(db.session, current_user, now)
    from .. import audit

    audit.record(
        db.session, actor=current_user, client=current_user, action="client.export", now=now
    )
    db.session.commit()
    response = Response(
        json.dumps(payload, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    if attachment:
        name = f"profiler-gegevens-{now.date().isoformat()}.json"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
