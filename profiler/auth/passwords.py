"""Password hashing with Argon2 and the password rules (NIST SP 800-63B, OWASP ASVS 5.0)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 64
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")


@lru_cache(maxsize=2)
def _hasher(fast: bool) -> PasswordHasher:
    """argon2-cffi defaults; tests use cheap parameters to stay quick."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def _current() -> PasswordHasher:
    return _hasher(bool(current_app.config.get("PASSWORD_HASH_FAST")))


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _current().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when password matches the stored hash; never raises on a bad hash."""
    if not stored:
        # Spend comparable time so an unknown account is not revealed by timing.
        _current().hash(password)
        return False
    try:
        return _current().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """A plain-language reason the password is not allowed, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return str(_l("Kies een wachtwoord van minstens 8 tekens."))
    if len(password) > MAX_LENGTH:
        return str(_l("Kies een wachtwoord van hoogstens 64 tekens."))
    lowered = password.lower()
    if lowered in common_passwords():
        return str(
            _l("Dit wachtwoord wordt veel gebruikt en is makkelijk te raden. Kies een ander.")
        )
    if email and lowered == email.strip().lower():
        return str(_l("Gebruik niet je e-mailadres als wachtwoord."))
    if name and lowered == name.strip().lower():
        return str(_l("Gebruik niet je naam als wachtwoord."))
    return None
