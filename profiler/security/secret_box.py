"""Encryption at rest for small secrets (the two-factor secrets), as pure functions.

A stored value is "v1:" + a Fernet token (AES-128-CBC with HMAC-SHA256). The keys come from
TOTP_ENCRYPTION_KEYS (comma-separated Fernet keys: the first encrypts, all decrypt), and
after them always a key derived from SECRET_KEY with HKDF-SHA256. Without the setting the
derived key encrypts, so an existing installation needs no new setting; with it, values
written before it was set stay readable until `encrypt-totp-secrets --rotate` rewrites them.
A value without the prefix is a plain secret from before encryption and is returned as is.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
HKDF_INFO = b"profiler totp-secret encryption v1"  # fixed: changing it loses every secret


class Undecryptable(Exception):
    """The value is encrypted, but none of the configured keys opens it."""


def parse_keys(setting: str | Sequence[str] | None) -> list[str]:
    """The Fernet keys of the setting: a comma-separated string or a list; blanks dropped."""
    if not setting:
        return []
    parts = setting.split(",") if isinstance(setting, str) else list(setting)
    return [part.strip() for part in parts if part and part.strip()]


def derived_key(secret_key: str | bytes) -> bytes:
    """A Fernet key derived from SECRET_KEY (HKDF-SHA256, no salt, fixed info label)."""
    material = secret_key.encode() if isinstance(secret_key, str) else bytes(secret_key)
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(material)
    return base64.urlsafe_b64encode(raw)


def make_box(
    encryption_keys: str | Sequence[str] | None, secret_key: str | bytes | None
) -> MultiFernet:
    """The keys in order: TOTP_ENCRYPTION_KEYS, then the one derived from SECRET_KEY.

    Raises ValueError (naming the key's position, never the key) for a malformed key.
    """
    fernets = []
    for position, key in enumerate(parse_keys(encryption_keys), start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ValueError(
                f"TOTP_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from None
    if secret_key:
        fernets.append(Fernet(derived_key(secret_key)))
    if not fernets:
        raise ValueError("TOTP_ENCRYPTION_KEYS is empty and there is no SECRET_KEY to derive from")
    return MultiFernet(fernets)


def box_for(config: Mapping[str, Any]) -> MultiFernet:
    """The box of an app's settings (TOTP_ENCRYPTION_KEYS, SECRET_KEY)."""
    return make_box(config.get("TOTP_ENCRYPTION_KEYS"), config.get("SECRET_KEY"))


def is_encrypted(stored: str | None) -> bool:
    """True for a value written by `encrypt`; False for a plain (legacy) secret or None."""
    return bool(stored) and stored.startswith(PREFIX)


def encrypt(box: MultiFernet, plain: str) -> str:
    """The value to store: the prefix and a Fernet token made with the first key."""
    return PREFIX + box.encrypt(plain.encode()).decode("ascii")


def decrypt(box: MultiFernet, stored: str) -> str:
    """The plain secret of a stored value; a legacy plain value comes back unchanged.

    Raises Undecryptable when no key opens it (the keys or SECRET_KEY changed).
    """
    if not is_encrypted(stored):
        return stored
    try:
        return box.decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise Undecryptable("no configured key decrypts this value") from None


def reencrypt(box: MultiFernet, stored: str) -> str:
    """`stored` encrypted again with the first key (after a new key was put first)."""
    if not is_encrypted(stored):
        return encrypt(box, stored)
    try:
        return PREFIX + box.rotate(stored[len(PREFIX) :].encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise Undecryptable("no configured key decrypts this value") from None
