"""The client area."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint
from flask_babel import gettext as _

from ..i18n import _local, current_lang, long_date

bp = Blueprint("client", __name__)


@bp.app_template_filter("moment")
def moment(value: datetime | None, tz: str | None = None) -> str:
    """ "dinsdag 24 november om 08:00" in the client's time zone."""
    if value is None:
        return ""
    from babel.dates import format_time

    local = _local(value, tz)
    return _(
        "%(day)s om %(time)s",
        day=long_date(local),
        time=format_time(local, "HH:mm", locale=current_lang()),
    )


from . import views  # noqa: E402,F401
