"""The coach's forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..date_checks import WithToday, after_today, start_day, today_or_later


class CoachForm(FlaskForm):
    """Base of the coach forms.

    The shared `field` macro passes optional attributes as None (required=None, type=None,
    aria-invalid=None); WTForms would print them as the text "None", which makes every input
    required and announced as invalid. Attributes that are None are left out here.
    """

    class Meta:
        def render_field(self, field, render_kw):  # noqa: D102 - WTForms hook
            kept = {k: v for k, v in render_kw.items() if v is not None}
            return super().render_field(field, kept)


EXERCISE_ID = Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Onbekende oefening."))


def weekday_choices() -> list[tuple[str, str]]:
    """Monday = 0 ... Sunday = 6, with Dutch names."""
    names = [
        _l("maandag"),
        _l("dinsdag"),
        _l("woensdag"),
        _l("donderdag"),
        _l("vrijdag"),
        _l("zaterdag"),
        _l("zondag"),
    ]
    return [(str(n), name) for n, name in enumerate(names)]


class WeekdaysField(SelectMultipleField):
    """Weekdays as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(WithToday, CoachForm):
    """Invite a new client and start their plan."""

    name = StringField(_l("Naam"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(
        _l("E-mailadres"),
        validators=[
            InputRequired(),
            Email(message=_l("Vul een geldig e-mailadres in.")),
            Length(max=254),
        ],
        description=_l("De cliënt krijgt hier een mail om een wachtwoord te kiezen."),
    )
    program = SelectField(_l("Programma"), validators=[InputRequired()])
    start_date = DateField(
        _l("Startdatum"),
        validators=[InputRequired(message=_l("Kies een startdatum.")), start_day],
        description=_l("De eerste oefening komt op de eerste maildag vanaf deze datum."),
    )
    weekdays = WeekdaysField(
        _l("Maildagen"),
        validators=[InputRequired(message=_l("Kies minstens één dag."))],
        description=_l("Op deze dagen krijgt de cliënt een nieuwe oefening."),
    )
    send_time = TimeField(
        _l("Tijd van de mail"), validators=[InputRequired(message=_l("Kies een tijd."))]
    )
    language = SelectField(
        _l("Taal van de cliënt"),
        choices=[("nl", "Nederlands"), ("en", "English")],
        validators=[InputRequired()],
        description=_l("De mails en de oefeningen komen in deze taal."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()


class PauseForm(WithToday, CoachForm):
    """Pause the daily exercises."""

    reason = StringField(
        _l("Reden (optioneel)"),
        validators=[
            Optional(),
            Length(max=500, message=_l("Gebruik hoogstens %(max)d tekens.")),
        ],
        description=_l("Alleen voor jou en het logboek. De cliënt ziet dit niet."),
    )
    until = DateField(
        _l("Automatisch verder op (optioneel)"),
        validators=[Optional(), after_today],
        description=_l("Vanaf deze dag komen de oefeningen weer. Leeg laten: tot je hervat."),
    )


class ActionForm(CoachForm):
    """A button without fields (resume, session held ...)."""


class Confirmed:
    """Mixin for a form that changes something only when sent again from its confirmation
    page, which adds confirm=1; the button on the page itself leads to that page."""

    confirm = HiddenField()

    @property
    def confirmed(self) -> bool:
        """Sent from the confirmation page."""
        return self.confirm.data == "1"


class UnlockAllForm(Confirmed, ActionForm):
    """Open every exercise at once."""


class ItemForm(CoachForm):
    """An action on one plan item."""

    exercise_id = HiddenField(validators=[InputRequired(), EXERCISE_ID])


class MoveForm(ItemForm):
    """Move a locked item up or down."""

    direction = HiddenField(validators=[InputRequired(), Regexp(r"^(up|down)$")])


class ReorderForm(CoachForm):
    """The new order of the locked items (sent by the drag-and-drop script)."""

    order = HiddenField(
        validators=[InputRequired(), Regexp(r"^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$")]
    )


class AddOptionalForm(CoachForm):
    """Add an optional exercise at a place in the plan."""

    exercise_id = SelectField(_l("Oefening"), validators=[InputRequired()])
    position = SelectField(_l("Waar in het plan"), validators=[InputRequired()])


class CadenceForm(CoachForm):
    """Mail days and time."""

    weekdays = WeekdaysField(
        _l("Maildagen"), validators=[InputRequired(message=_l("Kies minstens één dag."))]
    )
    send_time = TimeField(
        _l("Tijd van de mail"), validators=[InputRequired(message=_l("Kies een tijd."))]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()


class WorkAheadForm(CoachForm):
    """Allow or stop working ahead."""

    allowed = BooleanField(_l("De cliënt mag vooruitwerken"))


class NextSessionForm(WithToday, CoachForm):
    """The date of the next coaching session."""

    day = DateField(
        _l("Datum volgende gesprek"),
        validators=[Optional(), today_or_later],
        description=_l("Leeg laten als er nog geen afspraak is."),
    )


class CommentForm(CoachForm):
    """A comment the client will read."""

    body = TextAreaField(
        _l("Opmerking voor de cliënt"),
        validators=[
            InputRequired(message=_l("Schrijf eerst een opmerking.")),
            Length(max=5000, message=_l("Gebruik hoogstens %(max)d tekens.")),
        ],
        description=_l("De cliënt ziet deze opmerking bij de oefening."),
    )


class NoteForm(CoachForm):
    """A private note."""

    body = TextAreaField(
        _l("Nieuwe notitie"),
        validators=[
            InputRequired(message=_l("Schrijf eerst een notitie.")),
            Length(max=10000, message=_l("Gebruik hoogstens %(max)d tekens.")),
        ],
        description=_l("Alleen jij en je vervanger zien notities. De cliënt ziet ze nooit."),
    )


class SubstituteForm(CoachForm):
    """Link a colleague as substitute."""

    colleague = SelectField(_l("Collega"), validators=[InputRequired()])


# At most nine digits: an id the database's INTEGER can hold (a tampered 2**63 was a 500).
ROW_ID = r"^\d{1,9}$"


class DeleteForm(CoachForm):
    """Delete something by id."""

    item_id = HiddenField(validators=[InputRequired(), Regexp(ROW_ID)])


class ConfirmedDeleteForm(Confirmed, DeleteForm):
    """Delete a note or comment by id, after the confirmation page quoted it."""
