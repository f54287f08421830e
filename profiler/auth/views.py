"""Login, logout, password reset and invitation pages."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from .. import accounts, audit, clock, tokens
from ..access import login_required, public
from ..extensions import db, limiter
from . import bp
from .forms import LoginForm, ResetRequestForm, SetPasswordForm
from .landing import landing_url, safe_next

TOKEN_MESSAGES = {
    "expired": _l("Deze link is verlopen. Vraag hieronder een nieuwe link aan."),
    "used": _l("Deze link is al gebruikt. Log in met je wachtwoord, of vraag een nieuwe link aan."),
    "invalid": _l("Deze link klopt niet. Controleer of je de hele link uit de mail hebt gebruikt."),
}


def _login_key() -> str:
    """Rate-limit key per account (the e-mail typed)."""
    return "login:" + (request.form.get("email") or "").strip().lower()


def _limit_message(_limit=None) -> str:
    return _(
        "Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw, "
        "of vraag een nieuw wachtwoord aan."
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], error_message=_limit_message)
@limiter.limit(
    "10 per 15 minutes", methods=["POST"], key_func=_login_key, error_message=_limit_message
)
@public
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if session.pop("idle_expired", False):
        flash(_("Je was een tijd niet actief. Log opnieuw in; je komt terug waar je was."), "info")
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(
                _(
                    "Het e-mailadres of het wachtwoord klopt niet. Controleer ze en probeer het "
                    "opnieuw."
                )
            )
        else:
            now = clock.now()
            session.clear()  # a fresh session: no fixation
            user.last_login_at = now
            audit.record(
                db.session, actor=user, action="auth.login", now=now, ip=request.remote_addr
            )
            db.session.commit()
            login_user(user)
            session["seen"] = now.timestamp()
            return redirect(safe_next(user, form.next.data))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session here and everywhere (server-side version bump)."""
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"], error_message=_limit_message)
@public
def reset():
    """Ask for a link to choose a new password."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.queue_reset(db.session, form.email.data, clock.now())
        db.session.commit()
        flash(
            _(
                "Als er een account is met dit e-mailadres, staat er nu een mail met een link "
                "voor je klaar. De link werkt twee uur."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


def _set_password_page(token: str, purpose: str, max_age_key: str, template: str):
    try:
        user = tokens.read_account_token(token, purpose, current_app.config[max_age_key])
    except tokens.TokenError as exc:
        return render_template(
            "auth/token_problem.html",
            message=TOKEN_MESSAGES[exc.reason],
            reset_form=ResetRequestForm(),
        ), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data)
        except accounts.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            now = clock.now()
            audit.record(
                db.session,
                actor=user,
                action=f"auth.{purpose}_password_set",
                now=now,
                ip=request.remote_addr,
            )
            user.last_login_at = now
            db.session.commit()
            session.clear()
            login_user(user)
            session["seen"] = now.timestamp()
            flash(_("Je wachtwoord is opgeslagen. Welkom!"), "success")
            return redirect(landing_url(user))
    return render_template(template, form=form, user=user)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_token(token: str):
    """Choose a new password from a reset link."""
    return _set_password_page(token, "reset", "RESET_TOKEN_MAX_AGE", "auth/reset_password.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def invite(token: str):
    """Accept an invitation by choosing a password."""
    return _set_password_page(token, "invite", "INVITE_TOKEN_MAX_AGE", "auth/invite.html")
