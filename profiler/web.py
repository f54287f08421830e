"""Request-wide behaviour: security headers, error pages, language switch, health check."""

from __future__ import annotations

import secrets

from flask import (
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from . import clock, urls
from .access import public
from .extensions import db
from .form_markup import form_field
from .i18n import current_lang, register_filters

NO_STORE_PREFIXES = ("/me", "/coach", "/admin", "/invite", "/reset", "/mail")
# The last-seen time in the session moves in steps of this many seconds: a request within a
# step of the last one leaves the session cookie alone, so it is not signed and sent again on
# every autosave. The idle timeout allows the step on top, so it never ends a session early.
SEEN_STEP_SECONDS = 30


def register_web(app: Flask) -> None:
    """Hook headers, errors, idle timeout and the small shared routes into the app."""
    register_filters(app)
    urls.init_app(app)
    app.jinja_env.globals["form_field"] = form_field  # `field` in _forms.html
    app.jinja_env.tests["section_message"] = _section_message
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        # The proxy's X-Forwarded-For and -Proto give the visitor's address and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.before_request(_before)
    app.after_request(_security_headers)
    app.after_request(_logout_after_idle_save)  # runs before _security_headers (reverse order)
    app.context_processor(_template_globals)
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/lang", "set_language", set_language, methods=["POST"])
    app.add_url_rule("/", "index", index)


SECTION_MESSAGE = "saved:"


def _section_message(flashed: tuple[str, str]) -> bool:
    """A flashed (category, message) meant for one section of the page, not the top."""
    return flashed[0].startswith(SECTION_MESSAGE)


def _before() -> None:
    """Per-request nonce, idle timeout and last-activity tracking."""
    g.csp_nonce = secrets.token_urlsafe(16)
    if "\x00" in request.path:  # names nothing (queries and forms drop it: request_text.py)
        abort(404)
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.is_json:
        # Every form (autosave too) posts form data; Flask-WTF would feed a JSON body such
        # as `0` or `[1]` to the form and fail with a server error.
        abort(400)
    if not current_user.is_authenticated:
        return
    now = clock.now().timestamp()
    limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    last = session.get("seen")
    idle = None if last is None else now - float(last)
    if idle is not None and idle > limit + SEEN_STEP_SECONDS:
        if _saves_before_idle_logout(float(last)):
            g.logout_after_save = True  # _logout_after_idle_save ends the session afterwards
            return None
        _end_idle_session("idle")
        return None
    if idle is None or not 0 <= idle < SEEN_STEP_SECONDS:
        session["seen"] = now
    return _require_two_factor_setup()


# Last activity is kept to the minute (client.progress.touch): activity within this margin
# after the session's own "seen" is this session's.
ACTIVITY_MARGIN_SECONDS = 60 + SEEN_STEP_SECONDS


def _saves_before_idle_logout(seen: float) -> bool:
    """True for the exercise form sent without JavaScript: it is saved before the logout.

    Without JavaScript nothing keeps the session alive while a client types a long answer, so
    "Opslaan" or "Klaar" can arrive after the idle timeout; answers are never lost. The CSRF
    check has already passed (CSRFProtect runs before `_before`) and the session is still
    signed and current; only the idle time ran out. Autosave (JSON) is refused as before: the
    script keeps the text on the page and saves it after the next login.

    Only while nothing happened on the account since this session was last seen: the save
    records activity, so a copy of the same old cookie (a shared computer) cannot save again.
    """
    if not (
        request.method == "POST"
        and request.endpoint == "client.exercise"
        and request.accept_mimetypes.best != "application/json"
    ):
        return False
    active = current_user.last_activity_at
    return active is None or active.timestamp() <= seen + ACTIVITY_MARGIN_SECONDS


def _logout_after_idle_save(response):
    """After that one save: end the session and send the client to log in again.

    The login page says what happened (see auth.views.IDLE_MESSAGES): all was saved, some
    text could not be saved (too long, for example), or nothing was (the request did not
    reach a save: the exercise is gone or not open). Text the save refused is first shown
    once more, to copy, on a page of its own (the session has already ended).
    """
    if not g.pop("logout_after_save", False):
        return response
    _end_idle_session(g.pop("idle_save", "idle"))
    login = url_for("auth.login", next=request.path)
    unsaved = g.pop("idle_unsaved", None)
    if unsaved:  # typed text the save refused: shown once more to copy, never just dropped
        page = render_template("auth/idle_unsaved.html", texts=unsaved, login_url=login)
        kept = make_response(page)
        kept.headers["Cache-Control"] = "no-store"
        return kept
    return redirect(login)


def _end_idle_session(reason: str) -> None:
    """Log out after the idle timeout; the login page says why (`reason`, see auth.views)."""
    logout_user()
    session.clear()
    session["idle_expired"] = reason


# Reachable while a coach or administrator still has to set up two-factor login.
SETUP_ENDPOINTS = frozenset({"auth.two_factor", "auth.logout", "static", "set_language", "healthz"})


def _require_two_factor_setup():
    """Staff reach nothing but the setup page until their authenticator app is confirmed."""
    from .security import totp

    if totp.required_for(current_user) and (
        not totp.enabled(current_user) or totp.needs_new_app(current_user)
    ):
        # No app yet, or one whose secret the keys no longer open (logged in with a recovery
        # code after a key change): nothing else until a new app is set up.
        if request.endpoint not in SETUP_ENDPOINTS:
            if request.accept_mimetypes.best == "application/json":
                return jsonify(error=_("Stel eerst inloggen met een code in.")), 403
            return redirect(url_for("auth.two_factor"))
    return None


def _security_headers(response):
    """Strict CSP and the other headers on every response."""
    nonce = getattr(g, "csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self'; "
        "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config["ENV"] == "production":
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.path.startswith(NO_STORE_PREFIXES) or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


def _template_globals() -> dict:
    return {"lang": current_lang(), "csp_nonce": getattr(g, "csp_nonce", "")}


ERROR_TEXT = {
    400: (
        _l("Dit verzoek klopt niet"),
        _l("Er ging iets mis met wat de browser stuurde. Probeer het opnieuw."),
    ),
    403: (_l("Geen toegang"), _l("Je hebt geen toegang tot deze pagina.")),
    404: (
        _l("Pagina niet gevonden"),
        _l("Deze pagina bestaat niet, of je hebt er geen toegang toe."),
    ),
    405: (
        _l("Dit kan zo niet"),
        _l("Deze actie werkt niet op deze manier. Ga terug en probeer het opnieuw."),
    ),
    413: (_l("Bestand te groot"), _l("Het bestand is te groot. Kies een kleiner bestand.")),
    429: (
        _l("Even wachten"),
        _l("Je hebt het te vaak geprobeerd. Wacht een paar minuten en probeer het dan opnieuw."),
    ),
    500: (
        _l("Er ging iets mis"),
        _l(
            "Er ging bij ons iets mis. Je antwoorden zijn bewaard tot het laatste opslaan. "
            "Probeer het zo opnieuw."
        ),
    ),
}


def _error_page(error: Exception):
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if code == 500:
        db.session.rollback()
    title, message = ERROR_TEXT.get(code, ERROR_TEXT[500])
    if code == 429 and getattr(error, "description", None):
        message = error.description  # the limit's own Dutch message
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(message)), code
    return render_template("error.html", code=code, title=title, message=message), code


def _csrf_error(error: CSRFError):
    message = _(
        "Je sessie is verlopen of het formulier was niet compleet. "
        "Log opnieuw in als dat nodig is en probeer het nog eens."
    )
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message, csrf=True), 400
    return render_template(
        "error.html", code=400, title=_("Formulier niet verstuurd"), message=message
    ), 400


@public
def healthz():
    """200 when the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return jsonify(status="error", database=str(exc.__class__.__name__)), 503
    return jsonify(status="ok", database="ok")


@public
def set_language():
    """Switch the interface language (stored on the account when logged in)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("index")
    return redirect(target)


@public
def index():
    """Send visitors to their own start page."""
    from .auth.landing import landing_url

    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    return redirect(url_for("auth.login"))
