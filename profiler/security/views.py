"""The client's privacy page: who looked at my data, and the recent logins on my account."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..extensions import db
from ..models import Role, User
from . import bp
from .privacy import recent_logins, views_of

ACTION_LABELS = {
    "coach.viewed_client": _l("bekeek je overzicht"),
    "coach.viewed_answers": _l("las je antwoorden"),
    "coach.viewed_preparation": _l("bereidde een gesprek voor met je antwoorden"),
    "coach.report": _l("maakte een verslag van je antwoorden"),
    "comment.added": _l("schreef een reactie"),
    "comment.deleted": _l("verwijderde een reactie"),
    "note.added": _l("schreef een notitie over je"),
    "note.deleted": _l("verwijderde een notitie"),
    "document.download": _l("downloadde een document"),
    "user.coach_assigned": _l("koppelde je aan een coach"),
    "user.invited": _l("nodigde je uit"),
    "plan.changed": _l("veranderde je plan"),
}


@bp.get("/me/privacy")
@role_required(Role.CLIENT)
def privacy():
    """Who looked at or changed my data, and where my account was logged in from."""
    events = views_of(db.session, current_user)
    logins = recent_logins(db.session, current_user)
    names = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id}))
        )
    }
    return render_template(
        "client/privacy.html",
        events=events,
        logins=logins,
        names=names,
        labels=ACTION_LABELS,
    )
