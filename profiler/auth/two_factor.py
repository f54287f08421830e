"""Two-factor pages: the code step of logging in, and setting up or managing the app."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..access import login_required, public
from ..extensions import db, limiter
from ..models import User
from ..security import throttle, totp
from . import bp
from .forms import CodeForm, TwoFactorManageForm, TwoFactorSetupForm
from .landing import landing_url, safe_next
from .views import _failed_login, _limit_message, _too_many, finish_login

PENDING_MINUTES = 5


def _pending_user(now) -> User | None:
    """The user who passed the password step in this session a few minutes ago."""
    pending = session.get("pending_2fa")
    if not isinstance(pending, dict):
        return None
    try:
        started = float(pending["at"])
        user = db.session.get(User, int(pending["uid"]))
        version = int(pending["v"])
    except (KeyError, TypeError, ValueError):
        return None
    if now.timestamp() - started > timedelta(minutes=PENDING_MINUTES).total_seconds():
        return None
    if user is None or not user.active or user.session_version != version:
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(
    "30 per 15 minutes", methods=["POST"], error_message=_limit_message, deduct_when=_failed_login
)
@public
def second_factor():
    """Second step of logging in: a code from the app or a recovery code."""
    now = clock.now()
    user = _pending_user(now)
    if user is None:
        session.pop("pending_2fa", None)
        flash(_("Log opnieuw in; de vorige poging is verlopen."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if throttle.blocked("code", str(user.id), throttle.CODE_LIMIT):
            return _too_many()
        method = totp.check_second_factor(db.session, user, form.code.data, now)
        if method is not None:
            throttle.clear("code", str(user.id), throttle.CODE_LIMIT)
            target = session["pending_2fa"].get("next", "")
            message = ""
            if method == "recovery":
                message = _(
                    "Je bent ingelogd met een herstelcode. Je hebt er nog %(left)d over.",
                    left=totp.recovery_codes_left(user),
                )
            return finish_login(user, now, target, method=method, message=message)
        throttle.failed("code", str(user.id), throttle.CODE_LIMIT)
        form.code.errors.append(_("Deze code klopt niet of is al gebruikt. Probeer de volgende."))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Set up the authenticator app (required for staff), or manage it once it is on."""
    now = clock.now()
    user = current_user
    if totp.enabled(user) and not totp.needs_new_app(user):
        return _manage(user, now)
    # No app yet, or one whose secret the keys no longer decrypt (logged in with a recovery
    # code): set up a new one.
    secret = session.get("totp_setup")
    if not isinstance(secret, str) or len(secret) != 32:
        secret = totp.new_secret()
        session["totp_setup"] = secret
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        codes = totp.enable(db.session, user, secret, form.code.data, now)
        if codes is not None:
            db.session.commit()
            session.pop("totp_setup", None)
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=_after_setup(user)
            )
        form.code.errors.append(
            _("Deze code klopt niet. Controleer de tijd op je telefoon en probeer de volgende.")
        )
    uri = totp.provisioning_uri(user, secret, current_app.config["TOTP_ISSUER"])
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        qr=totp.qr_svg(uri),
        secret=secret,
        required=totp.required_for(user),
    )


def _after_setup(user: User) -> str:
    return safe_next(user, session.pop("after_setup", "") or "")


def _manage(user: User, now):
    form = TwoFactorManageForm()
    if form.validate_on_submit():
        action = request.form.get("action")
        if not totp.verify_code(user, form.code.data, now):
            form.code.errors.append(_("Deze code klopt niet of is al gebruikt."))
        elif action == "codes":
            codes = totp.new_recovery_codes(user)
            db.session.commit()
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=landing_url(user)
            )
        elif action == "off" and not totp.required_for(user):
            totp.disable(db.session, user, by=user, now=now)
            db.session.commit()
            flash(_("Inloggen met een code staat nu uit."), "info")
            return redirect(url_for("auth.two_factor"))
        db.session.commit()
    return render_template(
        "auth/two_factor_manage.html",
        form=form,
        left=totp.recovery_codes_left(user),
        required=totp.required_for(user),
    )
