"""Form checks for dates that must not lie in the past of the person's own day.

The form carries `today` (the local day of the client the date is about), so a coach in
another time zone checks against the client's day, as the plan and the mails use it.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

# How far ahead a pause, a session or a start may be planned. The plan works out every
# expected day from these; a year is more than any trajectory needs (and 9999-12-31 would
# not fit the calendar once a few days are added).
AHEAD = timedelta(days=366)
# How long ago a new client's start may lie: a client who began on paper last week.
BACK = timedelta(days=31)


def _within_a_year(day, today) -> None:
    if day > today + AHEAD:
        raise ValidationError(_l("Kies een datum binnen een jaar vanaf vandaag."))


def after_today(form, field) -> None:
    """A day after today and within a year (the end of a pause: today would end it at once)."""
    today = getattr(form, "today", None)
    if field.data and today:
        if field.data <= today:
            raise ValidationError(_l("Kies een datum na vandaag."))
        _within_a_year(field.data, today)


def today_or_later(form, field) -> None:
    """Today or a later day within a year (an appointment that still has to take place)."""
    today = getattr(form, "today", None)
    if field.data and today:
        if field.data < today:
            raise ValidationError(_l("Deze datum is al voorbij. Kies vandaag of een latere dag."))
        _within_a_year(field.data, today)


def start_day(form, field) -> None:
    """A start from a month ago up to a year ahead."""
    today = getattr(form, "today", None)
    if field.data and today:
        if field.data < today - BACK:
            raise ValidationError(
                _l("Deze datum is meer dan een maand geleden. Kies een latere startdatum.")
            )
        _within_a_year(field.data, today)


class WithToday:
    """Mixin for forms whose dates are checked against `today` (None: not checked)."""

    def __init__(self, *args, today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
