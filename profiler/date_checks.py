"""Form checks for dates that must not lie in the past of the person's own day.

The form carries `today` (the local day of the client the date is about), so a coach in
another time zone checks against the client's day, as the plan and the mails use it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError


def after_today(form, field) -> None:
    """A day after today (the end of a pause: today itself would end it at once)."""
    today = getattr(form, "today", None)
    if field.data and today and field.data <= today:
        raise ValidationError(_l("Kies een datum na vandaag."))


def today_or_later(form, field) -> None:
    """Today or a later day (an appointment that still has to take place)."""
    today = getattr(form, "today", None)
    if field.data and today and field.data < today:
        raise ValidationError(_l("Deze datum is al voorbij. Kies vandaag of een latere dag."))


class WithToday:
    """Mixin for forms whose dates are checked against `today` (None: not checked)."""

    def __init__(self, *args, today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
