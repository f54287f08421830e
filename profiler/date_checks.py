"""Form checks for dates that must not lie in the past of the person's own day.

The form carries `today` (the local day of the client the date is about), so a coach in
another time zone checks against the client's day, as the plan and the mails use it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

# How far ahead a pause, a session or a start may be planned. The plan works out every
# expected day from these; a year is more than any trajectory needs (and 9999-12-31 would
# not fit the calendar once a few days are added).
AHEAD = timedelta(days=366)
# How long ago a new client's start may lie: a client who began on paper last week.
BACK = timedelta(days=31)


def _day_check(too_early: Callable[[date, date], bool], message: Any) -> Callable:
    """A WTForms check: refused when `too_early(day, today)` or more than a year ahead;
    nothing is checked without a day or without the form's `today`."""

    def check(form, field) -> None:
        today = getattr(form, "today", None)
        if not (field.data and today):
            return
        if too_early(field.data, today):
            raise ValidationError(message)
        if field.data > today + AHEAD:
            raise ValidationError(_l("Kies een datum binnen een jaar vanaf vandaag."))

    return check


# The end of a pause: today itself would end it at once.
after_today = _day_check(lambda day, today: day <= today, _l("Kies een datum na vandaag."))
# An appointment that still has to take place.
today_or_later = _day_check(
    lambda day, today: day < today,
    _l("Deze datum is al voorbij. Kies vandaag of een latere dag."),
)
# A new client's start: from a month ago.
start_day = _day_check(
    lambda day, today: day < today - BACK,
    _l("Deze datum is meer dan een maand geleden. Kies een latere startdatum."),
)


class WithToday:
    """Mixin for forms whose dates are checked against `today` (None: not checked)."""

    def __init__(self, *args, today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
