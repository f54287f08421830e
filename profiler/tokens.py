"""Signed, expiring tokens for mail links; single use through a fingerprint of the account."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

from .models import MAX_INTEGER, User


class TokenError(Exception):
    """A token that is invalid, expired or already used; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid" | "expired" | "used"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, list):  # itsdangerous key rotation: newest last
        secret = tuple(secret)
    return _cached_serializer(secret, purpose)


@lru_cache(maxsize=64)
def _cached_serializer(secret: Any, purpose: str) -> URLSafeTimedSerializer:
    """One serializer per key and purpose (the delivery tick signs thousands of links)."""
    keys = list(secret) if isinstance(secret, tuple) else secret
    return URLSafeTimedSerializer(keys, salt=f"profiler.{purpose}")


def account_fingerprint(user: User) -> str:
    """Changes whenever the password or session version changes: this makes tokens single-use."""
    raw = f"{user.password_hash or ''}|{user.session_version}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def make_account_token(user: User, purpose: str) -> str:
    """A token for `purpose` (invite, reset) that stops working once the password is set."""
    return _serializer(purpose).dumps({"uid": user.id, "fp": account_fingerprint(user)})


def row_id(data: Any, key: str) -> int:
    """The row id `data[key]` of a signed payload, or TokenError("invalid").

    Only our own key signs, but a payload of another shape (from an old version, or a key
    that leaked) must still be a refused link, not a server error."""
    value = data.get(key) if isinstance(data, dict) else None
    if type(value) is not int or not 0 < value <= MAX_INTEGER:
        raise TokenError("invalid")
    return value


def read_account_token(token: str, purpose: str, max_age: int) -> User:
    """The user a token belongs to, or TokenError."""
    data = load(token, purpose, max_age)
    user = current_app.extensions["sqlalchemy"].session.get(User, row_id(data, "uid"))
    if user is None or not user.active:
        raise TokenError("invalid")
    if data.get("fp") != account_fingerprint(user):
        raise TokenError("used")
    return user


def dump(data: Any, purpose: str) -> str:
    """Sign any JSON-able data for `purpose`."""
    return _serializer(purpose).dumps(data)


def dumper(purpose: str) -> Callable[[Any], str]:
    """A `dump` for `purpose` that signs many small tokens fast (the delivery tick).

    The tokens are the ones `dump` makes, except that the payload is never compressed:
    itsdangerous tries zlib on every payload, which costs more than the rest of the
    signing and only pays off for payloads far longer than an id or two. `load` reads
    both forms.
    """
    serializer = _serializer(purpose)
    signer = serializer.make_signer()

    def dump_fast(data: Any) -> str:
        payload = base64_encode(serializer.serializer.dumps(data))
        return signer.sign(payload).decode("ascii")

    return dump_fast


def load(token: str, purpose: str, max_age: int) -> Any:
    """Verify and read a token made by `dump`, or TokenError."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
