"""Who may see what: role decorators and owner-scoped queries used by every view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from .extensions import db, login_manager
from .models import Enrollment, Role, Substitute, User

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"


def public(view: F) -> F:
    """Mark a view as reachable without login (an explicit access rule)."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def login_required(view: F) -> F:
    """Any logged-in, active user."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.access_rule = "login"  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def role_required(*roles: Role) -> Callable[[F], F]:
    """Only users with one of `roles`; others get 404 so pages are not even revealed."""
    allowed = {r.value for r in roles}

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(404)
            return view(*args, **kwargs)

        wrapped.access_rule = "role:" + ",".join(sorted(allowed))  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def coach_ids_acting_as(session: Session, coach: User) -> list[int]:
    """The coach's own id plus the coaches they substitute for."""
    rows = session.scalars(
        select(Substitute.coach_id).where(Substitute.substitute_id == coach.id)
    ).all()
    return [coach.id, *rows]


def clients_query(session: Session, user: User):
    """A select of the clients `user` may see: own clients for a coach, all for an admin."""
    query = select(User).where(User.role == Role.CLIENT.value)
    if user.role == Role.ADMIN.value:
        return query
    if user.role == Role.COACH.value:
        return query.where(User.coach_id.in_(coach_ids_acting_as(session, user)))
    return query.where(User.id == user.id)


def client_for_coach(user: User, client_id: int) -> User:
    """The client with `client_id` if `user` (coach or admin) may see them, else 404."""
    session = db.session
    client = session.scalars(clients_query(session, user).where(User.id == client_id)).first()
    if client is None:
        abort(404)
    return client


def enrollment_for_coach(user: User, client_id: int) -> Enrollment:
    """The current enrollment of a client the coach may see, else 404."""
    client = client_for_coach(user, client_id)
    if client.enrollment is None:
        abort(404)
    return client.enrollment


def own_enrollment(user: User) -> Enrollment | None:
    """The logged-in client's own current enrollment."""
    return user.enrollment if user.role == Role.CLIENT.value else None


def may_see_client(user: User, client: User) -> bool:
    """True when `user` may see `client`'s data."""
    if user.id == client.id or user.role == Role.ADMIN.value:
        return True
    if user.role != Role.COACH.value:
        return False
    return client.coach_id in coach_ids_acting_as(db.session, user)


@login_manager.unauthorized_handler
def _unauthorized():
    """Not logged in (or logged out by the idle timeout): JSON callers such as autosave get a
    401 they can explain, so the typed text stays on the page; browsers go to the login page
    and come back afterwards."""
    from flask import jsonify, redirect, request
    from flask_babel import gettext as _
    from flask_login import login_url

    if request.accept_mimetypes.best == "application/json":
        message = _(
            "Je bent uitgelogd. Log in een ander tabblad opnieuw in; je tekst staat hier "
            "nog en wordt daarna bewaard."
        )
        return jsonify(error=message, login=True), 401
    return redirect(login_url(login_manager.login_view, next_url=request.url))
