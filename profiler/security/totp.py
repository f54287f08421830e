"""Two-factor login with time-based codes (RFC 6238) and single-use recovery codes."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy.orm import Session

from .. import audit
from ..auth.passwords import hash_password, verify_password
from ..models import Role, User

STEP = 30  # seconds per code
WINDOW = 1  # accept the previous and the next code too: phones drift
RECOVERY_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud safely
STAFF = frozenset({Role.COACH.value, Role.ADMIN.value})


def required_for(user: User) -> bool:
    """Coaches and administrators must use two-factor login; clients may."""
    return user.role in STAFF


def enabled(user: User) -> bool:
    """True when the user has confirmed a two-factor app."""
    return bool(user.totp_secret)


def new_secret() -> str:
    """A fresh random base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup (no external request, no inline style)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def _matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step whose code equals `code` within the window and after `after`, if any."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP
    for step in range(current - WINDOW, current + WINDOW + 1):
        if after is not None and step <= after:
            continue  # a code is used once: replaying a seen code fails
        if hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def verify_code(user: User, code: str, now: datetime) -> bool:
    """Check a six-digit code from the user's app; marks its time step as used."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, _normalise(code), now, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the plain codes to show once."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_COUNT)
    ]
    user.recovery_codes = [hash_password(code) for code in codes]
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """Accept one unused recovery code and strike it off (single use)."""
    plain = _normalise(code)
    if len(plain) != 10:
        return False
    remaining = list(user.recovery_codes or [])
    for stored in remaining:
        if verify_password(stored, plain):
            remaining.remove(stored)
            user.recovery_codes = remaining
            return True
    return False


def recovery_codes_left(user: User) -> int:
    """How many recovery codes are still unused."""
    return len(user.recovery_codes or [])


def check_second_factor(session: Session, user: User, code: str, now: datetime) -> str | None:
    """ "totp" or "recovery" when `code` is a valid second factor for `user`, else None."""
    if verify_code(user, code, now):
        return "totp"
    if use_recovery_code(user, code):
        audit.record(
            session,
            actor=user,
            action="auth.recovery_code_used",
            now=now,
            left=len(user.recovery_codes or []),
        )
        return "recovery"
    return None


def enable(session: Session, user: User, secret: str, code: str, now: datetime) -> list[str] | None:
    """Switch two-factor login on once `code` proves the app has `secret`; the recovery codes."""
    step = _matching_step(secret, _normalise(code), now, None)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    codes = new_recovery_codes(user)
    audit.record(session, actor=user, action="auth.two_factor_enabled", now=now)
    return codes


def disable(session: Session, user: User, *, by: User | None, now: datetime) -> None:
    """Switch two-factor login off (a client's own choice, or an admin after a lost phone)."""
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_codes = None
    audit.record(
        session,
        actor=by,
        action="auth.two_factor_disabled",
        now=now,
        client=user if user.role == Role.CLIENT.value else None,
        user_id=user.id,
    )
