"""Two-factor login with time-based codes (RFC 6238) and single-use recovery codes."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import MultiFernet
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..auth.passwords import hash_password, verify_password
from ..models import Role, User
from . import secret_box

log = logging.getLogger(__name__)

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


_BOX = "profiler.totp_box"


def _box() -> MultiFernet:
    """The keys of the running app (TOTP_ENCRYPTION_KEYS, then SECRET_KEY's derived key).

    Made once per app and settings: the key derivation is not repeated on every request
    that checks whether a staff member's secret still decrypts.
    """
    config = current_app.config
    settings = (config.get("TOTP_ENCRYPTION_KEYS"), config.get("SECRET_KEY"))
    made = current_app.extensions.get(_BOX)
    if made is None or made[0] != settings:
        made = current_app.extensions[_BOX] = (settings, secret_box.box_for(config))
    return made[1]


def store_secret(user: User, secret: str | None) -> None:
    """Keep `secret` encrypted on the user (None: no secret, two-factor login off)."""
    user.totp_secret = None if secret is None else secret_box.encrypt(_box(), secret)


def secret_of(user: User) -> str | None:
    """The user's plain base32 secret, decrypted here and only here.

    None without a secret, and None (with a warning in the log) when the configured keys
    cannot decrypt it: then every code is refused and a recovery code still logs in.
    """
    if not user.totp_secret:
        return None
    try:
        return secret_box.decrypt(_box(), user.totp_secret)
    except secret_box.Undecryptable:
        log.warning(
            "The two-factor secret of user %s cannot be decrypted with the configured keys "
            "(PROFILER_TOTP_ENCRYPTION_KEYS, or SECRET_KEY changed): their codes are refused; "
            "they log in with a recovery code and set up their authenticator app again.",
            user.id,
        )
        return None


def needs_new_app(user: User) -> bool:
    """True when two-factor login is on but no configured key decrypts the secret."""
    if not user.totp_secret:
        return False
    try:
        secret_box.decrypt(_box(), user.totp_secret)
    except secret_box.Undecryptable:
        return True
    return False


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
    secret = secret_of(user)
    if secret is None:
        return False
    step = _matching_step(secret, _normalise(code), now, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    if not secret_box.is_encrypted(user.totp_secret):
        store_secret(user, secret)  # a plain secret from before encryption: encrypted now
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
    store_secret(user, secret)
    user.totp_last_step = step
    codes = new_recovery_codes(user)
    audit.record(session, actor=user, action="auth.two_factor_enabled", now=now)
    return codes


def disable(session: Session, user: User, *, by: User | None, now: datetime) -> None:
    """Switch two-factor login off (a client's own choice, or an admin after a lost phone)."""
    store_secret(user, None)
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


@dataclass
class EncryptReport:
    """What `encrypt_stored_secrets` found and did."""

    encrypted: int = 0  # plain secrets encrypted now
    already: int = 0  # encrypted before
    rotated: int = 0  # encrypted again with the first key (--rotate)
    unreadable: int = 0  # encrypted, but no configured key opens them (left alone)


def encrypt_stored_secrets(session: Session, *, rotate: bool = False) -> EncryptReport:
    """Encrypt every plain secret; with `rotate` also re-encrypt the others with the first key.

    Idempotent without `rotate`. Does not commit.
    """
    box = _box()
    report = EncryptReport()
    for user in session.scalars(select(User).where(User.totp_secret.is_not(None))).all():
        stored = user.totp_secret
        if not secret_box.is_encrypted(stored):
            user.totp_secret = secret_box.encrypt(box, stored)
            report.encrypted += 1
            continue
        try:
            again = secret_box.reencrypt(box, stored)
        except secret_box.Undecryptable:
            report.unreadable += 1
            continue
        report.already += 1
        if rotate:
            user.totp_secret = again
            report.rotated += 1
    return report


def decrypt_stored_secrets(session: Session) -> tuple[int, int]:
    """Store every encrypted secret in plain text again (only to downgrade the schema).

    Returns (decrypted, unreadable). Does not commit.
    """
    box = _box()
    decrypted = unreadable = 0
    encrypted = select(User).where(User.totp_secret.startswith(secret_box.PREFIX, autoescape=True))
    for user in session.scalars(encrypted).all():
        try:
            user.totp_secret = secret_box.decrypt(box, user.totp_secret)
        except secret_box.Undecryptable:
            unreadable += 1
            continue
        decrypted += 1
    return decrypted, unreadable
