"""Coach pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from .. import access
from ..access import role_required
from ..extensions import db
from ..models import Role, User
from . import bp


@bp.get("")
@role_required(Role.COACH, Role.ADMIN)
def dashboard():
    """The coach's own clients."""
    clients = db.session.scalars(
        access.clients_query(db.session, current_user).order_by(User.name)
    ).all()
    return render_template("coach/dashboard.html", clients=clients)


@bp.get("/clients/<int:client_id>")
@role_required(Role.COACH, Role.ADMIN)
def client(client_id: int):
    """One client of this coach."""
    person = access.client_for_coach(current_user, client_id)
    return render_template("coach/client.html", client=person)
