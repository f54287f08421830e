"""Login, logout, password reset and invitation pages."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from .. import accounts, audit, clock, tokens
from ..access import login_required, public
from ..extensions import db, limiter
from ..i18n import current_lang
from ..models import User
from ..security import throttle, totp
from . import bp
from .forms import LoginForm, ResetRequestForm, SetPasswordForm
from .landing import landing_url, safe_next

TOKEN_MESSAGES = {
    "expired": _l("Deze link is verlopen. Vraag hieronder een nieuwe link aan."),
    "used": _l("Deze link is al gebruikt. Log in met je wachtwoord, of vraag een nieuwe link aan."),
    "invalid": _l("Deze link klopt niet. Controleer of je de hele link uit de mail hebt gebruikt."),
}

# Why the idle timeout ended the session (set by profiler.web), as the login page says it.
IDLE_MESSAGES = {
    "idle": _l("Je was een tijd niet actief. Log opnieuw in; je komt terug waar je was."),
    "saved": _l(
        "Je was een tijd niet actief, daarom ben je uitgelogd. Wat je typte, is bewaard. "
        "Log opnieuw in om verder te gaan."
    ),
    "check": _l(
        "Je was een tijd niet actief, daarom ben je uitgelogd. Bijna alles wat je typte, is "
        "bewaard. Een deel niet, bijvoorbeeld omdat een tekst te lang was. Log opnieuw in en "
        "kijk bij de oefening wat er mist."
    ),
}


def _limit_message(_limit=None) -> str:
    return _(
        "Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw, "
        "of vraag een nieuw wachtwoord aan."
    )


def _failed_login(response) -> bool:
    """Only failed attempts count against the per-IP limit (a shared office IP logs in a lot)."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    "30 per 15 minutes", methods=["POST"], error_message=_limit_message, deduct_when=_failed_login
)
@public
def login():
    """Log in with e-mail and password; then a code when two-factor login is on."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    idle = session.pop("idle_expired", None)
    if idle:
        message = IDLE_MESSAGES.get(idle, IDLE_MESSAGES["idle"])
        flash(str(message), "warning" if idle == "check" else "info")
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if throttle.blocked("login", email):
            return _too_many()
        user = accounts.authenticate(db.session, email, form.password.data)
        if user is None:
            throttle.failed("login", email)
            form.password.errors.append(
                _(
                    "Het e-mailadres of het wachtwoord klopt niet. Controleer ze en probeer het "
                    "opnieuw."
                )
            )
        else:
            now = clock.now()
            if totp.enabled(user):
                start_second_step(user, form.next.data, now)
                return redirect(url_for("auth.second_factor"))
            return finish_login(user, now, form.next.data, method="password")
    return render_template("auth/login.html", form=form)


def _too_many():
    """The Dutch 429 page for a locked account (same text as the per-IP limit)."""
    return render_template(
        "error.html", code=429, title=_("Even wachten"), message=_limit_message()
    ), 429


def start_second_step(user: User, target: str | None, now) -> None:
    """Remember, in a fresh session, who passed the password step (not yet logged in)."""
    session.clear()  # a fresh session: no fixation
    session["pending_2fa"] = {
        "uid": user.id,
        "v": user.session_version,
        "at": now.timestamp(),
        "next": target or "",
    }


def finish_login(user: User, now, target: str | None, *, method: str, message: str = ""):
    """Log `user` in with a fresh session and send them on."""
    session.clear()  # a fresh session: no fixation
    user.last_login_at = now
    throttle.clear("login", user.email)
    audit.record(
        db.session, actor=user, action="auth.login", now=now, ip=request.remote_addr, method=method
    )
    db.session.commit()
    login_user(user)
    session["seen"] = now.timestamp()
    if message:
        flash(message, "success")
    if (totp.required_for(user) and not totp.enabled(user)) or totp.needs_new_app(user):
        # No app yet, or its secret no longer decrypts (the keys changed; this login used a
        # recovery code): set the app up first.
        session["after_setup"] = target or ""
        return redirect(url_for("auth.two_factor"))
    return redirect(safe_next(user, target))


@bp.post("/logout")
@login_required
def logout():
    """End the session here and everywhere (server-side version bump)."""
    lang = current_lang()  # the login page after it stays in the language they used
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    session["lang"] = lang
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"], error_message=_limit_message)
@public
def reset():
    """Ask for a link to choose a new password."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if not throttle.blocked("reset", email, throttle.RESET_LIMIT):
            # Past the limit nothing is sent, and the page looks the same: no mail bombing.
            throttle.failed("reset", email, throttle.RESET_LIMIT)
            accounts.queue_reset(db.session, email, clock.now())
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
            throttle.clear("login", user.email)  # the owner is back: lift a lock-out
            if totp.enabled(user):
                # A mailbox alone must not be enough: the second factor is still asked.
                db.session.commit()
                start_second_step(user, "", now)
                flash(_("Je wachtwoord is opgeslagen. Vul nu de code uit je app in."), "success")
                return redirect(url_for("auth.second_factor"))
            return finish_login(
                user, now, "", method=purpose, message=_("Je wachtwoord is opgeslagen. Welkom!")
            )
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
