"""Administrator pages for people: list, invite staff, (de)activate, assign, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from .. import accounts, clock, paging, user_admin
from ..access import role_required
from ..extensions import db
from ..models import Role, User
from . import bp
from .forms import AssignCoachForm, ConfirmDeleteForm, NewStaffForm

ROLES = ("client", "coach", "admin")
# People per page: the database sends one page, so the list stays quick for 10,000 clients.
PEOPLE_PAGE_SIZE = 50


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users():
    """All people, filterable; a form to invite a coach or administrator."""
    form = NewStaffForm()
    if form.validate_on_submit():
        now = clock.now()
        try:
            user = accounts.create_user(
                db.session,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                now=now,
            )
        except accounts.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            accounts.queue_invitation(db.session, user, current_user, now)
            db.session.commit()
            flash(
                _(
                    "%(name)s is uitgenodigd. De uitnodiging staat in de mailwachtrij.",
                    name=user.name,
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    role = request.args.get("role", "")
    q = request.args.get("q", "").strip()[:120]
    query = select(User).order_by(User.role, User.name, User.id)
    if role not in ROLES:
        role = ""
    if role:
        query = query.where(User.role == role)
    if q:
        typed = q.lower()  # `%` and `_` as letters, not wildcards
        query = query.where(
            or_(
                func.lower(User.name).contains(typed, autoescape=True),
                User.email.contains(typed, autoescape=True),
            )
        )
    number = paging.requested(request.args.get("page"))
    people = paging.page_of_query(db.session, query, number, PEOPLE_PAGE_SIZE)
    coach_names = dict(
        db.session.execute(select(User.id, User.name).where(User.role == Role.COACH.value)).all()
    )
    return render_template(
        "admin/users.html",
        form=form,
        people=people.items,
        page=people,
        page_args=paging.link_args(q=q, role=role),
        role=role,
        q=q,
        coach_names=coach_names,
        roles=ROLES,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int):
    """One person: status, coach, actions."""
    person = _user_or_404(user_id)
    form = AssignCoachForm(coach_id=person.coach_id or 0)
    form.coach_id.choices = [(0, _("Geen coach"))] + [
        (c.id, c.name) for c in user_admin.coaches(db.session)
    ]
    if person.is_client and form.validate_on_submit():
        coach = db.session.get(User, form.coach_id.data) if form.coach_id.data else None
        try:
            user_admin.assign_coach(db.session, person, coach, by=current_user, now=clock.now())
        except accounts.AccountError as exc:
            form.coach_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("De coach van %(name)s is aangepast.", name=person.name), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template(
        "admin/user.html", person=person, form=form, delete_form=ConfirmDeleteForm()
    )


@bp.post("/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def set_active(user_id: int):
    """Switch an account on or off."""
    person = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        user_admin.set_active(db.session, person, active, by=current_user, now=clock.now())
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("%(name)s kan weer inloggen.", name=person.name)
            if active
            else _("%(name)s kan niet meer inloggen.", name=person.name),
            "success",
        )
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<int:user_id>/invite")
@role_required(Role.ADMIN)
def reinvite(user_id: int):
    """Send a new invitation mail."""
    person = _user_or_404(user_id)
    refusal = None
    if not person.active:
        refusal = _("Het account van %(name)s staat uit. Zet het eerst weer aan.", name=person.name)
    elif person.password_hash:
        # Someone with a password asks for a new one on the login page; a new invitation
        # would only tell a colleague already at work to "choose a password".
        refusal = _(
            "%(name)s heeft al een wachtwoord. Vergeten? Via “Wachtwoord vergeten” op de "
            "inlogpagina kiest %(name)s zelf een nieuw.",
            name=person.name,
        )
    if refusal is not None:
        flash(refusal, "error")
        return redirect(url_for("admin.user", user_id=person.id))
    accounts.queue_invitation(db.session, person, current_user, clock.now())
    db.session.commit()
    flash(_("Er is een nieuwe uitnodiging naar %(email)s gestuurd.", email=person.email), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def delete_user(user_id: int):
    """Delete a client with everything attached, after typing their name."""
    person = _user_or_404(user_id)
    form = ConfirmDeleteForm()
    if not person.is_client:
        flash(_("Alleen cliënten kunnen worden verwijderd. Zet andere accounts uit."), "error")
        return redirect(url_for("admin.user", user_id=person.id))
    if form.validate_on_submit():
        if form.confirm_name.data.strip().casefold() != person.name.strip().casefold():
            form.confirm_name.errors.append(_("De naam klopt niet. Er is niets verwijderd."))
        else:
            name = person.name
            user_admin.delete_client(db.session, person, by=current_user, now=clock.now())
            db.session.commit()
            flash(_("%(name)s en alle gegevens zijn verwijderd.", name=name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/delete_user.html", person=person, form=form)
