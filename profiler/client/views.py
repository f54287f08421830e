"""Client pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..access import role_required
from ..models import Role
from . import bp


@bp.get("")
@role_required(Role.CLIENT)
def today():
    """Today: the client's start page."""
    return render_template("client/today.html", enrollment=current_user.enrollment)
