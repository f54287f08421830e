"""The client's privacy page: who looked at my data, and the recent logins on my account."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..extensions import db
from ..i18n import current_lang
from ..models import Role, User
from . import bp
from .privacy import recent_logins, views_of, what_happened


@bp.get("/me/privacy")
@role_required(Role.CLIENT)
def privacy():
    """Who looked at or changed my data, and where my account was logged in from."""
    from ..coach import catalog  # the coach package imports the security package

    events = views_of(db.session, current_user)
    lang = current_lang()
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
        texts={e.id: what_happened(e, lambda ex: catalog.title(ex, lang)) for e in events},
    )
