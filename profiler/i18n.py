"""Language and time zone choice, translations cached per request, and dates written the Dutch
way ("vrijdag 17 maart")."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.support import NullTranslations, Translations
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.utils import cached_property

# ---------------------------------------------------------------- translations, once per request
#
# Flask-Babel 4 looks up the context, the domain, the locale (and its name) and the catalog cache
# on every gettext call; a page with a few hundred strings spends real time there. The
# translations object is the same for the whole request as long as the locale is: it is kept on
# Flask-Babel's own per-request namespace (g._flask_babel) next to the locale it belongs to, so
# `force_locale` (mails) and `refresh()` (which replace or drop `babel_locale`) are never served a
# stale catalog, and a language switch shows on the next request (a new `g`).

_CACHE = "profiler_translations"  # (domain, locale, translations) on g._flask_babel


def _remembered(domain: flask_babel.Domain | None = None) -> Translations | None:
    """The request's cached translations, if they belong to `domain` (None: the request's
    own domain) and to the request's current locale; else None."""
    try:
        ctx = g._flask_babel
        cached_domain, locale, translations = getattr(ctx, _CACHE)
        wanted = ctx.babel_domain if domain is None else domain
        current = locale is ctx.babel_locale and cached_domain is wanted
    except (AttributeError, RuntimeError):  # no app context, or nothing cached yet
        return None
    return translations if current else None


def current_translations() -> Translations | NullTranslations:
    """`flask_babel.get_translations()`, answered from the per-request cache when it can."""
    remembered = _remembered()
    return remembered if remembered is not None else flask_babel.get_translations()


class RequestCachedDomain(flask_babel.Domain):
    """The default domain; remembers the request's translations object (see above)."""

    def get_translations(self) -> Translations | NullTranslations:
        """The translations for the current locale: looked up once per request and locale."""
        remembered = _remembered(self)
        if remembered is not None:
            return remembered
        translations = super().get_translations()
        try:
            ctx = g._flask_babel  # made by the lookup, with the locale get_locale() chose
            setattr(ctx, _CACHE, (self, ctx.babel_locale, translations))
        except (AttributeError, RuntimeError):  # outside an app context: NullTranslations
            pass
        return translations


# Template callables. Flask-Babel installs `lambda s: get_translations().ugettext(s)` and friends
# through Jinja's newstyle wrappers, and `_` is Jinja's alias that looks `gettext` up again: three
# Context.call hops per string. These do in one hop exactly what those wrappers do (jinja2.ext
# _make_new_gettext and friends, Jinja 3.1): translate, mark safe when autoescaping, and always
# %-format with the keyword arguments (`num` defaults to the count, `context` to the context).
# tests/test_translation_cache.py compares them with Jinja's own wrappers.


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, /, **variables: object) -> str:
    """`{{ _("...") }}` and `{{ gettext("...") }}`."""
    rv = current_translations().ugettext(string)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    if variables or "%" in rv:
        return rv % variables
    return rv  # what `rv % {}` gives for a text without "%", without Markup's formatting step


@pass_eval_context
def template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: object
) -> str:
    """`{{ ngettext("%(num)d ...", "%(num)d ...", n) }}`."""
    variables.setdefault("num", num)
    rv = current_translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_eval_context
def template_pgettext(
    eval_ctx: EvalContext, context: str, string: str, /, **variables: object
) -> str:
    """`{{ pgettext("context", "...") }}`."""
    variables.setdefault("context", context)
    rv = current_translations().upgettext(context, string)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_eval_context
def template_npgettext(
    eval_ctx: EvalContext,
    context: str,
    singular: str,
    plural: str,
    num: int,
    /,
    **variables: object,
) -> str:
    """`{{ npgettext("context", "...", "...", n) }}`."""
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    rv = current_translations().unpgettext(context, singular, plural, num)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


class Babel(flask_babel.Babel):
    """Flask-Babel with the per-request translations cache, in Python code and in templates."""

    @cached_property
    def domain_instance(self) -> flask_babel.Domain:
        """The default domain (what `flask_babel.gettext` and friends use)."""
        return RequestCachedDomain(domain=self.domain)

    def init_app(self, app, *args, **kwargs) -> None:
        """Configure as Flask-Babel does, then put the direct template callables in place."""
        super().init_app(app, *args, **kwargs)
        if self._configure_jinja:
            env = app.jinja_env
            env.newstyle_gettext = True  # as Flask-Babel sets it: {% trans %} leaves % to these
            env.globals.update(
                gettext=template_gettext,
                _=template_gettext,
                ngettext=template_ngettext,
                pgettext=template_pgettext,
                npgettext=template_npgettext,
            )


# ---------------------------------------------------------------- locale, time zone and dates


def select_locale() -> str:
    """The user's chosen language, else the session's, else the browser's, else Dutch."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The user's time zone (default Europe/Amsterdam)."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def current_lang() -> str:
    """The request's language code ("nl", "en"), Dutch when there is none."""
    return str(get_locale() or "nl")


def _babel_locale() -> Locale | str:
    """The request's Locale object: Babel's formatters take it without parsing a name again."""
    return get_locale() or "nl"


def _local(value: datetime, tz: str | None) -> datetime:
    return value.astimezone(ZoneInfo(tz or select_timezone()))


@lru_cache(maxsize=4096)
def _day_text(day: date, pattern: str, locale: Locale | str) -> str:
    """Babel's date text; a pure function of its arguments, so pages listing many rows with the
    same days (the coach dashboard) format each day once."""
    return format_date(day, pattern, locale=locale)


def long_date(value: date | datetime | None, tz: str | None = None) -> str:
    """ "vrijdag 17 maart" (with the year when it is not this year)."""
    if value is None:
        return ""
    day = _local(value, tz).date() if isinstance(value, datetime) else value
    pattern = "EEEE d MMMM" if day.year == date.today().year else "EEEE d MMMM y"
    return _day_text(day, pattern, _babel_locale())


def short_date(value: date | datetime | None, tz: str | None = None) -> str:
    """ "17 mrt. 2026"."""
    if value is None:
        return ""
    day = _local(value, tz).date() if isinstance(value, datetime) else value
    return _day_text(day, "medium", _babel_locale())


def stored_day(iso: str) -> str:
    """ "1 apr. 2026" for a day kept as ISO text (the audit log's details)."""
    return short_date(date.fromisoformat(iso))


def clock_time(value: datetime, tz: str | None = None) -> str:
    """ "08:05": the time of day in the user's time zone, 24 hours, as Babel's "HH:mm"."""
    return _local(value, tz).strftime("%H:%M")


def date_time(value: datetime | None, tz: str | None = None) -> str:
    """ "vrijdag 17 maart om 08:00"-style moment, in the user's time zone."""
    if value is None:
        return ""
    local = _local(value, tz)
    return f"{long_date(local)} {clock_time(local, tz)}"


def iso_moment(value: datetime | None) -> str:
    """Machine-readable moment for <time datetime> (HTML allows at most milliseconds)."""
    return value.isoformat(timespec="seconds") if value else ""


def register_filters(app) -> None:
    """Make the date helpers available in templates."""
    app.jinja_env.filters.update(
        long_date=long_date, short_date=short_date, date_time=date_time, iso=iso_moment
    )
    app.jinja_env.globals.update(format_datetime=format_datetime)
