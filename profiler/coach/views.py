"""Coach pages: dashboard, invitation, plan control, answers with comments, preparation, report."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from babel.numbers import format_decimal
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import (
    access,
    accounts,
    activity_report,
    audit,
    checkins,
    clock,
    coach_notes,
    comments,
    dashboard,
    enrollments,
    exercise_reads,
    library,
    paging,
    plan_changes,
    plan_view,
    session_prep,
)
from ..access import role_required
from ..date_checks import WithToday
from ..extensions import db
from ..i18n import current_lang as _lang
from ..i18n import select_timezone
from ..models import Answer, CoachNote, Comment, Enrollment, Role, User
from ..plans import local_day
from . import bp, catalog, history, substitutes
from .answers_view import (
    answer_sections,
    dimension_labels,
    label_of,
    questionnaire_range,
    scores_of,
    text_of,
)
from .forms import (
    ROW_ID,
    ActionForm,
    AddOptionalForm,
    CadenceForm,
    CommentForm,
    ConfirmedDeleteForm,
    DeleteForm,
    InviteForm,
    ItemForm,
    MoveForm,
    NextSessionForm,
    NoteForm,
    PauseForm,
    ReorderForm,
    SubstituteForm,
    UnlockAllForm,
    WorkAheadForm,
)
from .wording import change_message, weekdays_text

COACHES = (Role.COACH, Role.ADMIN)
EXERCISE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ROW_ID_RE = re.compile(ROW_ID)  # a GET's ?item_id= is read as DeleteForm.item_id is


def _audit_view(client: User, action: str, **detail: object) -> None:
    """Every coach view of a client's data goes into the audit log."""
    audit.record(
        db.session,
        actor=current_user,
        client=client,
        action=action,
        now=clock.now(),
        ip=request.remote_addr,
        **detail,
    )


def _back(client_id: int, anchor: str | None = None, changed: str | None = None) -> Response:
    """Back to the client page; at a plan step, marked, when the change was about one step."""
    return redirect(url_for("coach.client", client_id=client_id, changed=changed, _anchor=anchor))


def _title(exercise_id: str) -> str:
    return catalog.title(exercise_id, _lang())


@bp.app_template_filter("score")
def score_filter(value: float, fixed: bool = True) -> str:
    """A score with one decimal (or none when whole and not `fixed`): "2,0", "2,3" in Dutch."""
    return format_decimal(round(float(value), 1), format="0.0" if fixed else "0.#", locale=_lang())


# ------------------------------------------------------------------ dashboard


# Rows per page of the client table: a coach with hundreds of clients gets a quick page, and
# "aandacht nodig eerst" still puts who needs attention on the first one.
DASHBOARD_PAGE_SIZE = 50


@bp.get("", endpoint="dashboard")
@role_required(*COACHES)
def dashboard_page():
    """The coach's own clients with progress, status and attention signals."""
    status = request.args.get("status") or None
    sort = request.args.get("sort") if request.args.get("sort") in dashboard.SORTS else "name"
    attention_only = request.args.get("attention") == "1"
    search = (request.args.get("q") or "").strip()[:100]
    shown, attention_count = dashboard.dashboard_page(
        db.session,
        current_user,
        clock.now(),
        paging.requested(request.args.get("page")),
        DASHBOARD_PAGE_SIZE,
        status=status if status in dashboard.STATUSES else None,
        attention_only=attention_only,
        search=search or None,
        sort=sort,
        unnumbered=catalog.unnumbered_ids(),
        attention_days=int(current_app.config.get("ATTENTION_DAYS", dashboard.ATTENTION_DAYS)),
    )
    return render_template(
        "coach/dashboard.html",
        rows=shown.items,
        page=shown,
        attention_count=attention_count,
        page_args=paging.link_args(
            q=search, status=status, sort=sort, attention="1" * attention_only
        ),
        status=status,
        sort=sort,
        attention_only=attention_only,
        search=search,
        statuses=dashboard.STATUSES,
        sorts=dashboard.SORTS,
        tz=select_timezone(),  # once, not in every row's date
    )


# ------------------------------------------------------------------ invitation


@bp.route("/clients/new", methods=["GET", "POST"])
@role_required(*COACHES)
def new_client():
    """Invite a client: account without password, enrollment, invitation mail; one transaction."""
    programs = catalog.programs(_lang())
    form = InviteForm(today=local_day(clock.now(), select_timezone()))
    form.program.choices = [(p.id, p.title) for p in programs.values()]
    if request.method == "GET":
        now = clock.now()
        form.start_date.data = now.date()
        form.weekdays.data = ["0", "1", "2", "3", "4"]
        form.send_time.data = datetime.strptime("08:00", "%H:%M").time()
        form.language.data = "nl"
    if form.validate_on_submit():
        program = programs[form.program.data]
        now = clock.now()
        try:
            person = accounts.create_user(
                db.session,
                email=form.email.data,
                name=form.name.data,
                role=Role.CLIENT,
                now=now,
                coach=current_user if current_user.is_coach else None,
                locale=form.language.data,
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            enrollments.enroll(
                db.session,
                person,
                program_id=program.id,
                steps=program.steps,
                start_date=form.start_date.data,
                now=now,
                weekdays=tuple(int(d) for d in form.weekdays.data),
                send_time=form.send_time.data,
            )
            accounts.queue_invitation(db.session, person, current_user, now)
            db.session.commit()
            flash(
                _(
                    "%(name)s is uitgenodigd. De uitnodiging met een link om een wachtwoord "
                    "te kiezen gaat naar %(email)s.",
                    name=person.name,
                    email=person.email,
                ),
                "success",
            )
            return redirect(url_for("coach.client", client_id=person.id))
    return render_template("coach/new_client.html", form=form, has_programs=bool(programs))


# ------------------------------------------------------------------ one client


def _plan(enrollment: Enrollment):
    return plan_view.build(db.session, enrollment, library.current_library(), _lang(), clock.now())


@bp.get("/clients/<int:client_id>")
@role_required(*COACHES)
def client(client_id: int):
    """The plan with every control, notes and the history of changes."""
    person = access.client_for_coach(current_user, client_id)
    _audit_view(person, "coach.viewed_client")
    return _client_page(person)


def _client_page(person: User, **kept):
    """The client page; `kept` are forms as they were sent (with their errors), so a
    coach who mistyped sees the message next to what they typed instead of losing it."""
    enrollment = person.enrollment
    now = clock.now()
    if enrollment is None:
        db.session.commit()
        return render_template("coach/client.html", client=person, enrollment=None)
    plan = _plan(enrollment)
    program = catalog.program(enrollment.program_id, _lang())
    in_plan = {s.exercise_id for s in plan.steps}
    unread = exercise_reads.unread_exercises(db.session, person.id, enrollment.coach_seen_at)
    changed = unread & in_plan
    add_form = AddOptionalForm(formdata=None)
    add_form.exercise_id.choices = [
        (e, _title(e)) for e in (program.optional if program else []) if e not in in_plan
    ]
    add_form.position.choices = _positions(plan)
    today = local_day(now, enrollment.timezone)  # the client's own day, for the dates
    forms = {
        "pause_form": PauseForm(formdata=None, today=today),
        "action_form": ActionForm(formdata=None),
        "item_form": ItemForm(formdata=None),
        "reorder_form": ReorderForm(formdata=None),
        "add_form": add_form,
        "cadence_form": CadenceForm(
            formdata=None,
            weekdays=[str(d) for d in sorted(enrollment.weekday_set)],
            send_time=enrollment.send_time,
        ),
        "work_ahead_form": WorkAheadForm(formdata=None, allowed=enrollment.work_ahead_allowed),
        "session_form": NextSessionForm(formdata=None, today=today, day=enrollment.next_session_on),
        "note_form": NoteForm(formdata=None),
    } | kept
    events = history.plan_history(db.session, person.id, _title)
    notes = coach_notes.notes_for(db.session, person.id)
    db.session.commit()
    return render_template(
        "coach/client.html",
        client=person,
        enrollment=enrollment,
        plan=plan,
        program=program,
        changed=changed,
        just_changed=request.args.get("changed", ""),
        locked_ids=[s.exercise_id for s in plan.steps if s.unlocked_at is None],
        notes=notes,
        events=events,
        weekdays_text=weekdays_text(enrollment.weekday_set),
        status=dashboard.status_of(enrollment),
        **forms,
    )


def _not_saved(form) -> None:
    """One line at the top of the page for a form that was sent back: which field, what."""
    for name, errors in form.errors.items():
        if name != "csrf_token" and errors:
            flash(
                _(
                    "Niet bewaard. %(label)s: %(error)s",
                    label=form[name].label.text,
                    error=errors[0],
                ),
                "error",
            )
            return
    flash(_("Dat lukte niet. Laad de pagina opnieuw en probeer het nog eens."), "error")


def _positions(plan) -> list[tuple[str, str]]:
    """Where an optional exercise can go: before any locked step, or at the end."""
    choices = []
    for index, step in enumerate(plan.steps):
        if step.unlocked_at is None:
            label = step.title if step.number is None else f"{step.number}. {step.title}"
            choices.append((str(index), _("Vóór %(title)s", title=label)))
    choices.append((str(len(plan.steps)), _("Aan het eind")))
    return choices


def _change(
    client_id: int,
    form,
    apply: Callable[[Enrollment, User, datetime], object],
    kind: str,
    anchor: str | None = None,
    changed: str | None = None,
    keep: str | None = None,
    **wording: object,
):
    """Load, check, validate, apply one plan change, commit, explain it in plain words.

    `keep` names the page's form this one is (e.g. "pause_form"): when it does not pass,
    the page is shown again with it as sent, its message next to the field."""
    enrollment = access.enrollment_for_coach(current_user, client_id)
    if isinstance(form, WithToday):  # its dates are checked against the client's own day
        form.today = local_day(clock.now(), enrollment.timezone)
    if not form.validate_on_submit():
        _not_saved(form)
        if keep is None:  # buttons only: a tampered or outdated page, nothing typed to keep
            return _back(client_id)
        return _client_page(enrollment.client, **{keep: form})
    now = clock.now()
    try:
        result = apply(enrollment, current_user, now)
    except plan_changes.PlanError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        if keep is None:
            return _back(client_id, anchor, changed)
        return _client_page(enrollment.client, **{keep: form})
    db.session.flush()
    plan = _plan(enrollment)
    message = change_message(kind, enrollment, plan, now, result=result, **wording)
    db.session.commit()
    flash(message, "success")
    return _back(client_id, anchor, changed)


@bp.post("/clients/<int:client_id>/pause")
@role_required(*COACHES)
def pause(client_id: int):
    """Pause the daily exercises and mails."""
    form = PauseForm()

    def apply(enrollment: Enrollment, by: User, now: datetime) -> None:
        plan_changes.pause(
            db.session, enrollment, by=by, now=now, reason=form.reason.data, until=form.until.data
        )

    return _change(client_id, form, apply, "paused", keep="pause_form")


@bp.post("/clients/<int:client_id>/read-all")
@role_required(*COACHES)
def read_all(client_id: int):
    """Mark every answer read without opening each exercise."""
    enrollment = access.enrollment_for_coach(current_user, client_id)
    form = ActionForm()
    if not form.validate_on_submit():
        _not_saved(form)
        return _back(client_id)
    enrollment.coach_seen_at = clock.now()
    db.session.commit()
    flash(_("Alle antwoorden staan nu op gelezen."), "success")
    return _back(client_id, "plan-title")


@bp.post("/clients/<int:client_id>/resume")
@role_required(*COACHES)
def resume(client_id: int):
    """Continue where the plan stood."""
    return _change(
        client_id,
        ActionForm(),
        lambda e, by, now: plan_changes.resume(db.session, e, by=by, now=now),
        "resumed",
    )


@bp.route("/clients/<int:client_id>/unlock-all", methods=["GET", "POST"])
@role_required(*COACHES)
def unlock_all(client_id: int):
    """Open every exercise at once, once the coach has confirmed on a page that says so."""
    form = UnlockAllForm()
    if not form.confirmed:  # the plan page's button (or a GET): ask first
        enrollment = access.enrollment_for_coach(current_user, client_id)
        if form.is_submitted() and not form.validate():
            _not_saved(form)
            return _back(client_id)
        if enrollment.all_unlocked:
            return _back(client_id, "open-title")
        return render_template(
            "coach/confirm_unlock_all.html",
            client=enrollment.client,
            closed=len(plan_changes.still_closed(enrollment)),
        )
    return _change(
        client_id,
        form,
        lambda e, by, now: plan_changes.unlock_all(db.session, e, by=by, now=now),
        "unlocked_all",
    )


def _item_change(client_id: int, form, apply, kind: str):
    exercise_id = form.exercise_id.data or ""
    known = bool(EXERCISE_ID_RE.match(exercise_id))
    return _change(
        client_id,
        form,
        lambda e, by, now: apply(e, exercise_id, by, now),
        kind,
        anchor=f"step-{exercise_id}" if known else None,
        changed=exercise_id if known else None,
        title=_title(exercise_id),
    )


@bp.post("/clients/<int:client_id>/unlock")
@role_required(*COACHES)
def unlock_one(client_id: int):
    """Open one exercise now."""
    return _item_change(
        client_id,
        ItemForm(),
        lambda e, x, by, now: plan_changes.unlock_one(db.session, e, x, by=by, now=now),
        "unlocked",
    )


@bp.post("/clients/<int:client_id>/move")
@role_required(*COACHES)
def move(client_id: int):
    """Move a locked exercise one place up or down."""
    form = MoveForm()
    offset = -1 if form.direction.data == "up" else 1
    return _item_change(
        client_id,
        form,
        lambda e, x, by, now: plan_changes.move(db.session, e, x, offset, by=by, now=now),
        "moved_up" if offset < 0 else "moved_down",
    )


@bp.post("/clients/<int:client_id>/reorder")
@role_required(*COACHES)
def reorder(client_id: int):
    """A new order of the locked exercises (from drag and drop)."""
    form = ReorderForm()
    order = (form.order.data or "").split(",")
    return _change(
        client_id,
        form,
        lambda e, by, now: plan_changes.reorder(db.session, e, order, by=by, now=now),
        "reordered",
        anchor="plan",
    )


@bp.post("/clients/<int:client_id>/skip")
@role_required(*COACHES)
def skip(client_id: int):
    """Leave an exercise out."""
    return _item_change(
        client_id,
        ItemForm(),
        lambda e, x, by, now: plan_changes.skip(db.session, e, x, by=by, now=now),
        "skipped",
    )


@bp.post("/clients/<int:client_id>/restore")
@role_required(*COACHES)
def restore(client_id: int):
    """Put a skipped exercise back."""
    return _item_change(
        client_id,
        ItemForm(),
        lambda e, x, by, now: plan_changes.restore(db.session, e, x, by=by, now=now),
        "restored",
    )


@bp.post("/clients/<int:client_id>/add")
@role_required(*COACHES)
def add_optional(client_id: int):
    """Add an optional exercise at a place in the plan."""
    enrollment = access.enrollment_for_coach(current_user, client_id)
    program = catalog.program(enrollment.program_id, _lang())
    allowed = frozenset(program.optional if program else [])
    form = AddOptionalForm()
    form.exercise_id.choices = [(e, e) for e in sorted(allowed)]
    form.position.choices = [(str(n), str(n)) for n in range(len(enrollment.items) + 1)]
    exercise_id = form.exercise_id.data or ""
    return _change(
        client_id,
        form,
        lambda e, by, now: plan_changes.add_optional(
            db.session, e, exercise_id, int(form.position.data), by=by, now=now, allowed=allowed
        ),
        "added",
        title=_title(exercise_id),
    )


@bp.post("/clients/<int:client_id>/cadence")
@role_required(*COACHES)
def cadence(client_id: int):
    """Change the mail days and time."""
    form = CadenceForm()
    return _change(
        client_id,
        form,
        lambda e, by, now: plan_changes.set_cadence(
            db.session,
            e,
            {int(d) for d in form.weekdays.data or []},
            form.send_time.data,
            by=by,
            now=now,
        ),
        "cadence",
        keep="cadence_form",
    )


@bp.post("/clients/<int:client_id>/work-ahead")
@role_required(*COACHES)
def work_ahead(client_id: int):
    """Allow or stop working ahead."""
    form = WorkAheadForm()
    return _change(
        client_id,
        form,
        lambda e, by, now: plan_changes.allow_work_ahead(
            db.session, e, bool(form.allowed.data), by=by, now=now
        ),
        "work_ahead_on" if form.allowed.data else "work_ahead_off",
    )


@bp.post("/clients/<int:client_id>/next-session")
@role_required(*COACHES)
def next_session(client_id: int):
    """Set (or clear) the date of the next coaching session."""
    form = NextSessionForm()
    return _change(
        client_id,
        form,
        lambda e, by, now: plan_changes.set_next_session(
            db.session, e, form.day.data, by=by, now=now
        ),
        "next_session",
        keep="session_form",
    )


# ------------------------------------------------------------------ notes


@bp.post("/clients/<int:client_id>/notes")
@role_required(*COACHES)
def add_note(client_id: int):
    """Add a private note about the client."""
    person = access.client_for_coach(current_user, client_id)
    form = NoteForm()
    if not form.validate_on_submit():
        _not_saved(form)
        return _client_page(person, note_form=form)
    try:
        coach_notes.add_note(
            db.session, person, form.body.data, author=current_user, now=clock.now()
        )
    except coach_notes.NoteError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        _not_saved(form)
        return _client_page(person, note_form=form)
    db.session.commit()
    flash(_("Je notitie over %(name)s is bewaard.", name=person.name), "success")
    return _back(client_id, "notes")


def _to_delete(
    model: type[CoachNote] | type[Comment], person: User, form: ConfirmedDeleteForm
) -> CoachNote | Comment:
    """The note or comment about `person` that the form (or a GET's ?item_id=) names.

    A tampered form is a 400 as before; an id that names nothing of this client's is a 404.
    """
    if form.is_submitted():
        if not form.validate():
            abort(400)
        raw = form.item_id.data
    else:
        raw = request.args.get("item_id", "")
    found = db.session.get(model, int(raw)) if ROW_ID_RE.match(raw) else None
    if found is None or found.client_id != person.id:
        abort(404)
    return found


@bp.route("/clients/<int:client_id>/notes/delete", methods=["GET", "POST"])
@role_required(*COACHES)
def delete_note(client_id: int):
    """Remove a private note, once the coach has confirmed on a page that quotes it."""
    person = access.client_for_coach(current_user, client_id)
    back = url_for("coach.client", client_id=client_id, _anchor="notes")
    form = ConfirmedDeleteForm()
    if not form.is_submitted() and "item_id" not in request.args:
        return redirect(back)  # an old link or a reload: nothing named, back to the notes
    note = _to_delete(CoachNote, person, form)
    try:
        if not form.confirmed:
            coach_notes.check_deletable(note, current_user)
            return render_template(
                "coach/confirm_delete_note.html", client=person, note=note, back=back
            )
        coach_notes.delete_note(db.session, note, by=current_user, now=clock.now())
    except coach_notes.NoteError as exc:
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(_("De notitie is verwijderd."), "success")
    return redirect(back)


# ------------------------------------------------------------------ answers and comments


@bp.get("/clients/<int:client_id>/exercises/<exercise_id>")
@role_required(*COACHES)
def exercise(client_id: int, exercise_id: str):
    """One exercise with the client's answers, read-only, and the comments."""
    return _exercise_page(access.client_for_coach(current_user, client_id), exercise_id)


def _exercise_page(person: User, exercise_id: str, comment_form: CommentForm | None = None):
    """The answers and comments page; `comment_form` as sent when it did not pass."""
    enrollment = person.enrollment
    found = catalog.exercise(exercise_id, _lang())
    in_plan = enrollment is not None and any(i.exercise_id == exercise_id for i in enrollment.items)
    has_answers = db.session.scalar(
        select(func.count(Answer.id)).where(
            Answer.client_id == person.id, Answer.exercise_id == exercise_id
        )
    )
    if not in_plan and not has_answers:
        abort(404)
    _audit_view(person, "coach.viewed_answers", exercise=exercise_id)
    exercise_reads.mark_read(db.session, person.id, exercise_id, clock.now())
    sections = answer_sections(db.session, person, exercise_id, found, _lang())
    item = (
        next((i for i in enrollment.items if i.exercise_id == exercise_id), None)
        if (enrollment)
        else None
    )
    page = render_template(
        "coach/exercise.html",
        client=person,
        exercise_id=exercise_id,
        exercise=found,
        title=_title(exercise_id),
        item=item,
        sections=sections,
        comments=comments.comments_for(db.session, person.id, exercise_id),
        comment_form=comment_form or CommentForm(formdata=None),
        delete_form=DeleteForm(formdata=None),
    )
    db.session.commit()
    return page


@bp.post("/clients/<int:client_id>/exercises/<exercise_id>/comments")
@role_required(*COACHES)
def add_comment(client_id: int, exercise_id: str):
    """Comment on an exercise; the client reads it there and on their start page."""
    person = access.client_for_coach(current_user, client_id)
    target = url_for(
        "coach.exercise", client_id=client_id, exercise_id=exercise_id, _anchor="comments"
    )
    enrollment = person.enrollment
    if enrollment is None or not any(i.exercise_id == exercise_id for i in enrollment.items):
        abort(404)
    form = CommentForm()
    if not form.validate_on_submit():
        _not_saved(form)
        return _exercise_page(person, exercise_id, form)
    try:
        comments.add_comment(
            db.session, person, exercise_id, form.body.data, author=current_user, now=clock.now()
        )
    except comments.CommentError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        _not_saved(form)
        return _exercise_page(person, exercise_id, form)
    db.session.commit()
    flash(
        _("%(name)s ziet je opmerking bij %(title)s.", name=person.name, title=_title(exercise_id)),
        "success",
    )
    return redirect(target)


@bp.route("/clients/<int:client_id>/comments/delete", methods=["GET", "POST"])
@role_required(*COACHES)
def delete_comment(client_id: int):
    """Remove one of your comments, once you have confirmed on a page that quotes it."""
    person = access.client_for_coach(current_user, client_id)
    form = ConfirmedDeleteForm()
    if not form.is_submitted() and "item_id" not in request.args:
        return redirect(url_for("coach.client", client_id=client_id))  # nothing named
    comment = _to_delete(Comment, person, form)
    back = url_for(
        "coach.exercise", client_id=client_id, exercise_id=comment.exercise_id, _anchor="comments"
    )
    try:
        if not form.confirmed:
            comments.check_deletable(comment, current_user)
            return render_template(
                "coach/confirm_delete_comment.html",
                client=person,
                comment=comment,
                title=_title(comment.exercise_id),
                back=back,
            )
        comments.delete_comment(db.session, comment, by=current_user, now=clock.now())
    except comments.CommentError as exc:
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(_("De opmerking is verwijderd."), "success")
    return redirect(back)


# ------------------------------------------------------------------ session preparation


@bp.get("/clients/<int:client_id>/prepare")
@role_required(*COACHES)
def prepare(client_id: int):
    """What changed since the last session; printable."""
    enrollment = access.enrollment_for_coach(current_user, client_id)
    person = enrollment.client
    lang = _lang()
    _audit_view(person, "coach.viewed_preparation")
    prep = session_prep.prepare(
        db.session,
        enrollment,
        title_of=_title,
        label_of=lambda x, f: label_of(x, f, lang),
        text_of=lambda x, f, v: text_of(x, f, v, lang),
        scores_of=lambda q: scores_of(db.session, person, q),
    )
    enrollment.coach_seen_at = clock.now()
    checkin_names = {
        "uncertainty": _("Onzekerheid over het traject"),
        "confidence": _("Vertrouwen in eigen kwaliteiten"),
    }
    page = render_template(
        "coach/prepare.html",
        client=person,
        enrollment=enrollment,
        prep=prep,
        checkin_names=checkin_names,
        checkin_chart=checkins.checkin_chart(
            prep.checkins,
            list(checkin_names.items()),
            low=1,
            high=10,
            title=_("Verloop van de check-ins; de getallen staan in de tabel eronder."),
        )
        if prep.checkins
        else None,
        dimension_labels=dimension_labels(lang),
        q_range=questionnaire_range(lang),
        titles={c.exercise_id: _title(c.exercise_id) for c in prep.open_comments},
        plan=_plan(enrollment),
        action_form=ActionForm(),
    )
    db.session.commit()
    return page


@bp.post("/clients/<int:client_id>/session-held")
@role_required(*COACHES)
def session_held(client_id: int):
    """Record that the coaching session took place now."""
    enrollment = access.enrollment_for_coach(current_user, client_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    session_prep.record_session(db.session, enrollment, by=current_user, now=clock.now())
    db.session.commit()
    flash(
        _(
            "Het gesprek met %(name)s is vastgelegd. De volgende voorbereiding toont wat er "
            "vanaf nu verandert.",
            name=enrollment.client.name,
        ),
        "success",
    )
    return redirect(url_for("coach.prepare", client_id=client_id))


# ------------------------------------------------------------------ activity report


def _report(client_id: int):
    enrollment = access.enrollment_for_coach(current_user, client_id)
    program = catalog.program(enrollment.program_id, _lang())
    report = activity_report.build_report(
        db.session,
        enrollment,
        now=clock.now(),
        title_of=_title,
        program_title=program.title if program else enrollment.program_id,
    )
    return enrollment, report


def _download_name(name: str, suffix: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "client"
    return f"activiteiten-{safe}.{suffix}"


@bp.get("/clients/<int:client_id>/report.csv")
@role_required(*COACHES)
def report_csv(client_id: int):
    """The activity report as CSV."""
    enrollment, report = _report(client_id)
    _audit_view(enrollment.client, "coach.report", format="csv")
    db.session.commit()
    return Response(
        "\ufeff" + activity_report.to_csv(report),
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; filename="
            + _download_name(report.client_name, "csv")
        },
    )


@bp.get("/clients/<int:client_id>/report.pdf")
@role_required(*COACHES)
def report_pdf(client_id: int):
    """The activity report as PDF."""
    enrollment, report = _report(client_id)
    _audit_view(enrollment.client, "coach.report", format="pdf")
    html = render_template(
        "coach/report_pdf.html", report=report, kind_label=activity_report.kind_label
    )
    pdf = activity_report.render_pdf(html)
    db.session.commit()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": "attachment; filename="
            + _download_name(report.client_name, "pdf")
        },
    )


# ------------------------------------------------------------------ substitutes


@bp.route("/substitutes", methods=["GET", "POST"])
@role_required(Role.COACH)
def substitutes_page():
    """Link a colleague who may act for your clients while you are away."""
    form = SubstituteForm()
    options = substitutes.colleagues(db.session, current_user)
    form.colleague.choices = [(str(u.id), f"{u.name} ({u.email})") for u in options]
    if form.validate_on_submit():
        colleague = db.session.get(User, int(form.colleague.data))
        if colleague is None:
            abort(404)
        try:
            substitutes.link(db.session, current_user, colleague, now=clock.now())
        except substitutes.SubstituteError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s kan nu je cliënten zien en voor hen zorgen tot je dit weer uitzet.",
                    name=colleague.name,
                ),
                "success",
            )
            return redirect(url_for("coach.substitutes_page"))
    return render_template(
        "coach/substitutes.html",
        form=form,
        mine=substitutes.substitutes_of(db.session, current_user),
        others=substitutes.substituting_for(db.session, current_user),
        remove_form=DeleteForm(),
    )


@bp.post("/substitutes/remove")
@role_required(Role.COACH)
def remove_substitute():
    """End a substitution."""
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    colleague = db.session.get(User, int(form.item_id.data))
    if colleague is None or not substitutes.unlink(
        db.session, current_user, colleague, now=clock.now()
    ):
        abort(404)
    db.session.commit()
    flash(_("%(name)s is geen vervanger meer.", name=colleague.name), "success")
    return redirect(url_for("coach.substitutes_page"))
