"""Account services: create users, authenticate, set passwords, invitations and resets."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, mail, tokens
from .auth.passwords import hash_password, password_problem, verify_password
from .models import Role, User, email_key


class AccountError(Exception):
    """A rule about accounts was broken; the message is for the user."""


def find_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail address, case-insensitively."""
    return session.scalar(select(User).where(User.email == email_key(email)))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    now: datetime,
    password: str | None = None,
    coach: User | None = None,
    locale: str = "nl",
) -> User:
    """Add a user; e-mail must be unused; password optional (invitation sets it later)."""
    if find_by_email(session, email) is not None:
        raise AccountError(str(_l("Er is al een account met dit e-mailadres.")))
    user = User(
        email=email_key(email),
        name=name.strip(),
        role=role.value,
        active=True,
        locale=locale,
        timezone=current_app.config["DEFAULT_TIMEZONE"],
        session_version=1,
        created_at=now,
        coach_id=coach.id if coach else None,
    )
    if password is not None:
        problem = password_problem(password, email=email, name=name)
        if problem:
            raise AccountError(problem)
        user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, else None (same answer for every failure)."""
    user = find_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password; ends every other session (version bump) and used tokens."""
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_version += 1


def end_sessions(user: User) -> None:
    """Log the user out everywhere (server-side)."""
    user.session_version += 1


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link for mails, based on BASE_URL (never on the request's Host header)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    return base + adapter.build(endpoint, values, force_external=False)


def queue_invitation(session: Session, user: User, inviter: User | None, now: datetime) -> None:
    """Queue the invitation mail with a set-password link."""
    token = tokens.make_account_token(user, "invite")
    rendered = mail.render_mail(
        "invitation",
        user.locale,
        user=user,
        inviter=inviter,
        link=external_url("auth.invite", token=token),
    )
    mail.queue(
        session,
        key=f"invite:{user.id}:{user.session_version}:{now.isoformat()}",
        kind="invitation",
        to=user,
        mail=rendered,
        now=now,
    )
    # About a client: on their privacy page. A colleague's invitation names them in the detail.
    about = {"client": user} if user.is_client else {"person": user.email}
    audit.record(session, actor=inviter, action="user.invited", now=now, **about)


def queue_reset(session: Session, email: str, now: datetime) -> None:
    """Queue a reset mail when the account exists; silent otherwise (no account probing)."""
    user = find_by_email(session, email)
    if user is None or not user.active:
        return
    token = tokens.make_account_token(user, "reset")
    rendered = mail.render_mail(
        "reset", user.locale, user=user, link=external_url("auth.reset_token", token=token)
    )
    mail.queue(
        session,
        key=f"reset:{user.id}:{now.isoformat()}",
        kind="reset",
        to=user,
        mail=rendered,
        now=now,
    )
