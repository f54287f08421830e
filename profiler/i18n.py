"""Language and time zone choice, and dates written the Dutch way ("vrijdag 17 maart")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


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


def _locale() -> str:
    return str(get_locale() or "nl")


def _local(value: datetime, tz: str | None) -> datetime:
    return value.astimezone(ZoneInfo(tz or select_timezone()))


def long_date(value: date | datetime | None, tz: str | None = None) -> str:
    """ "vrijdag 17 maart" (with the year when it is not this year)."""
    if value is None:
        return ""
    day = _local(value, tz).date() if isinstance(value, datetime) else value
    pattern = "EEEE d MMMM" if day.year == date.today().year else "EEEE d MMMM y"
    return format_date(day, pattern, locale=_locale())


def short_date(value: date | datetime | None, tz: str | None = None) -> str:
    """ "17 mrt. 2026"."""
    if value is None:
        return ""
    day = _local(value, tz).date() if isinstance(value, datetime) else value
    return format_date(day, "medium", locale=_locale())


def date_time(value: datetime | None, tz: str | None = None) -> str:
    """ "vrijdag 17 maart om 08:00"-style moment, in the user's time zone."""
    if value is None:
        return ""
    local = _local(value, tz)
    return f"{long_date(local)} {format_time(local, 'HH:mm', locale=_locale())}"


def iso_moment(value: datetime | None) -> str:
    """Machine-readable moment for <time datetime> (HTML allows at most milliseconds)."""
    return value.isoformat(timespec="seconds") if value else ""


def register_filters(app) -> None:
    """Make the date helpers available in templates."""
    app.jinja_env.filters.update(
        long_date=long_date, short_date=short_date, date_time=date_time, iso=iso_moment
    )
    app.jinja_env.globals.update(format_datetime=format_datetime)
