"""The CSRF token for templates, signed once per session instead of on every page.

Flask-WTF keeps a random token in the session and puts a signed copy of it in every form;
signing (a key derivation, an HMAC and a timestamp) costs every page some 60-100
microseconds. Profiler's tokens never expire on a timer (WTF_CSRF_TIME_LIMIT = None): the
signed copy made for a session's token stays valid as long as that token, so it is
remembered and reused. The check on a POST is Flask-WTF's own and unchanged: the signature,
and the session's token.

With a time limit set, every page signs a fresh copy, as Flask-WTF does.
"""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

KEY = "profiler.csrf_tokens"
MAX_REMEMBERED = 4096
FIELD = "csrf_token"  # Flask-WTF's session key and `g` attribute (WTF_CSRF_FIELD_NAME)


def template_csrf_token() -> str:
    """The same kind of token as flask_wtf.csrf.generate_csrf gives, remembered per session."""
    if FIELD in g:  # already made in this request (a form did it, or an earlier call)
        return g.get(FIELD)
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    remembered: dict[str, str] = current_app.extensions[KEY]
    raw = session.get(FIELD)
    signed = remembered.get(raw) if isinstance(raw, str) else None
    if signed is not None:
        setattr(g, FIELD, signed)  # forms made later in this request use the same token
        return signed
    signed = generate_csrf()  # makes the session's token when there is none yet, signs it
    raw = session.get(FIELD)
    if isinstance(raw, str):
        if len(remembered) >= MAX_REMEMBERED:
            remembered.clear()
        remembered[raw] = signed
    return signed


def init_app(app: Flask) -> None:
    """Templates get the remembering `csrf_token` (after CSRFProtect registered its own)."""
    if app.config.get("WTF_CSRF_FIELD_NAME", FIELD) != FIELD:
        return  # another field name: leave Flask-WTF's own in place
    app.extensions[KEY] = {}
    app.jinja_env.globals["csrf_token"] = template_csrf_token
