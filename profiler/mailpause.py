"""The one-click pause link in every exercise mail: `/mail/pause/<token>`.

GET shows one button; POST pauses. The POST works without login or CSRF token (RFC 8058:
mail clients post `List-Unsubscribe=One-Click` by themselves); the signed token is the
proof, and pausing is harmless and easy to undo.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from . import clock, plan_changes, tokens
from .access import public
from .extensions import csrf, db
from .models import Enrollment

bp = Blueprint("mailpause", __name__)


def _enrollment(token: str) -> Enrollment | None:
    """The enrollment a pause token names, or None for a bad, expired or stale token."""
    try:
        data = tokens.load(token, "pause", current_app.config["PAUSE_TOKEN_MAX_AGE"])
        enrollment_id = tokens.row_id(data, "e")
    except tokens.TokenError:
        return None
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.client_id != data.get("u"):
        return None
    if not enrollment.client.active:
        return None
    return enrollment


@bp.get("/mail/pause/<token>")
@public
def pause(token: str):
    """Ask to confirm the pause with one button."""
    enrollment = _enrollment(token)
    if enrollment is None:
        return render_template("mail_pause/invalid.html"), 404
    return render_template("mail_pause/confirm.html", enrollment=enrollment, token=token)


@bp.post("/mail/pause/<token>")
@public
@csrf.exempt
def pause_post(token: str):
    """Pause the daily mails (by the client); also the RFC 8058 one-click POST."""
    enrollment = _enrollment(token)
    if enrollment is None:
        return render_template("mail_pause/invalid.html"), 404
    already = enrollment.paused_by is not None
    if not already:
        plan_changes.pause(
            db.session, enrollment, by=enrollment.client, now=clock.now(), reason="mail link"
        )
        db.session.commit()
    return render_template("mail_pause/done.html", enrollment=enrollment, already=already)
