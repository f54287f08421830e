"""Per-account limits on failed logins and codes, counted in the shared rate-limit storage.

Flask-Limiter's decorators count per IP; per account we count failures ourselves so that a
successful password reset can clear the counter: an attacker who guesses at someone's
account locks it for a while, and the owner gets back in through the reset mail.
"""

from __future__ import annotations

from limits import RateLimitItem, parse

from ..extensions import limiter

ACCOUNT_LIMIT: RateLimitItem = parse("10 per 15 minutes")
CODE_LIMIT: RateLimitItem = parse("5 per 15 minutes")
RESET_LIMIT: RateLimitItem = parse("5 per hour")


def _active() -> bool:
    return bool(limiter.enabled and getattr(limiter, "initialized", True))


def blocked(kind: str, identity: str, item: RateLimitItem = ACCOUNT_LIMIT) -> bool:
    """True when `identity` has used up its failed attempts for `kind`."""
    if not _active():
        return False
    return not limiter.limiter.test(item, "account", kind, identity.lower())


def failed(kind: str, identity: str, item: RateLimitItem = ACCOUNT_LIMIT) -> None:
    """Count one failed attempt."""
    if _active():
        limiter.limiter.hit(item, "account", kind, identity.lower())


def clear(kind: str, identity: str, item: RateLimitItem = ACCOUNT_LIMIT) -> None:
    """Forget the failed attempts (after a successful reset or login)."""
    if _active():
        limiter.limiter.clear(item, "account", kind, identity.lower())
