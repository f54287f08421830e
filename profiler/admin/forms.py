"""Administrator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

EMAIL_MESSAGE = _l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")


class NewStaffForm(FlaskForm):
    """Invite a coach or administrator."""

    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(EMAIL_MESSAGE), Email(EMAIL_MESSAGE), Length(max=254)],
    )
    role = SelectField(_l("Rol"), choices=[("coach", _l("Coach")), ("admin", _l("Beheerder"))])


class AssignCoachForm(FlaskForm):
    """Choose the coach of a client."""

    coach_id = SelectField(_l("Coach"), coerce=int, validators=[Optional()])


class ConfirmDeleteForm(FlaskForm):
    """Type the client's name to confirm deletion."""

    confirm_name = StringField(
        _l("Typ de naam van de cliënt om te bevestigen"),
        validators=[DataRequired(_l("Typ de naam om te bevestigen."))],
    )


class AuditSearchForm(FlaskForm):
    """Filter the audit log."""

    class Meta:
        csrf = False

    q = StringField(_l("Naam of e-mail"), validators=[Optional(), Length(max=120)])
    action = StringField(_l("Handeling"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("Vanaf"), validators=[Optional()])
    until = DateField(_l("Tot en met"), validators=[Optional()])
