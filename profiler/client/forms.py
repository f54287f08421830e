"""Forms of the client area (the exercise fields themselves come from the exercise engine)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.forms import ChangePasswordForm
from ..date_checks import WithToday, after_today

WEEKDAYS = [
    ("0", _l("maandag")),
    ("1", _l("dinsdag")),
    ("2", _l("woensdag")),
    ("3", _l("donderdag")),
    ("4", _l("vrijdag")),
    ("5", _l("zaterdag")),
    ("6", _l("zondag")),
]
FLAG_NOTE_MAX = 1000


class ExerciseForm(FlaskForm):
    """What surrounds the engine's fields: the coach flag and the buttons."""

    class Meta:
        # CSRFProtect checks every POST before the view; checking the token a second time
        # in the form (and signing a new one for it) would cost every autosave for nothing.
        # The page puts the token in the form itself.
        csrf = False

    flagged = BooleanField(_l("Ik wil deze oefening bespreken met mijn coach"))
    flag_note = TextAreaField(
        _l("Wat wil je bespreken? (hoeft niet)"),
        validators=[
            Optional(),
            Length(max=FLAG_NOTE_MAX, message=_l("Gebruik hoogstens %(max)d tekens.")),
        ],
        render_kw={"rows": 3},
    )
    save = SubmitField(_l("Opslaan"))
    done = SubmitField(_l("Klaar"))


class CloseConflictsForm(FlaskForm):
    """The client has seen the texts kept from another window."""

    close_conflicts = SubmitField(_l("Gezien, dit mag weg"))


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes in a list (mail days)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CadenceForm(FlaskForm):
    """Mail days and time."""

    weekdays = MultiCheckboxField(
        _l("Op welke dagen wil je een nieuwe oefening krijgen?"),
        choices=WEEKDAYS,
        validators=[DataRequired(_l("Kies minstens één dag."))],
        description=_l("Kies zoveel dagen als bij je past. Eén of twee dagen per week mag ook."),
    )
    send_time = TimeField(
        _l("Hoe laat?"),
        validators=[InputRequired(_l("Kies een tijd, bijvoorbeeld 08:00."))],
        format=["%H:%M", "%H:%M:%S"],
    )
    submit = SubmitField(_l("Dagen en tijd opslaan"))


class RemindersForm(FlaskForm):
    """How often a reminder comes when an exercise waits."""

    reminders = RadioField(
        _l("Herinneringen als er een oefening op je wacht"),
        choices=[
            ("daily", _l("Elke dag")),
            ("weekly", _l("Eén keer per week")),
            ("none", _l("Geen herinneringen")),
        ],
        validators=[InputRequired(_l("Kies een van de drie."))],
    )
    submit = SubmitField(_l("Herinneringen opslaan"))


class PauseForm(WithToday, FlaskForm):
    """Pause the daily exercises, with an optional reason and end date."""

    reason = TextAreaField(
        _l("Waarom wil je pauzeren? (hoeft niet)"),
        validators=[Optional(), Length(max=500, message=_l("Gebruik hoogstens %(max)d tekens."))],
        description=_l("Je coach ziet dit. Je hoeft het niet uit te leggen."),
        render_kw={"rows": 2},
    )
    until = DateField(
        _l("Tot wanneer? (hoeft niet)"),
        validators=[Optional(), after_today],
        description=_l("Vul je niets in? Dan ga je verder wanneer jij dat wilt."),
    )
    submit = SubmitField(_l("Pauzeren"))


class ResumeForm(FlaskForm):
    """End the pause."""

    submit = SubmitField(_l("Verdergaan"))


class LanguageForm(FlaskForm):
    """Interface and mail language."""

    language = RadioField(
        _l("Taal van de website en de mails"),
        choices=[("nl", "Nederlands"), ("en", "English")],
        validators=[InputRequired(_l("Kies een taal."))],
    )
    submit = SubmitField(_l("Taal opslaan"))


class WorkAheadForm(FlaskForm):
    """Open the next exercise now."""

    submit = SubmitField(_l("Open de volgende oefening nu"))


class PasswordForm(ChangePasswordForm):
    """Change the password: current one, then the new one twice."""

    submit = SubmitField(_l("Wachtwoord wijzigen"))


class CheckInForm(FlaskForm):
    """The buttons around the engine's check-in fields."""

    submit = SubmitField(_l("Opslaan"))


class DeletionForm(FlaskForm):
    """Ask for all data to be deleted."""

    confirm = BooleanField(
        _l("Ik wil dat mijn gegevens worden verwijderd"),
        validators=[DataRequired(_l("Zet een vinkje als je dit echt wilt."))],
    )
    submit = SubmitField(_l("Verzoek versturen"))
