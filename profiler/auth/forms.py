"""Forms for logging in and setting a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

EMAIL_MESSAGE = _l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(EMAIL_MESSAGE), Length(max=254)])
    password = PasswordField(
        _l("Wachtwoord"), validators=[DataRequired(_l("Vul je wachtwoord in.")), Length(max=1024)]
    )
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    """Ask for a reset link."""

    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(EMAIL_MESSAGE), Email(EMAIL_MESSAGE), Length(max=254)],
    )


class SetPasswordForm(FlaskForm):
    """Choose a new password (twice)."""

    password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[DataRequired(_l("Kies een wachtwoord."))],
        description=_l(
            "Minstens 8 tekens. Een zin van een paar woorden is sterk en makkelijk te onthouden."
        ),
    )
    confirm = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[
            DataRequired(_l("Vul het wachtwoord nog een keer in.")),
            EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk.")),
        ],
    )


class ChangePasswordForm(SetPasswordForm):
    """Change a password while logged in."""

    current = PasswordField(
        _l("Huidig wachtwoord"), validators=[DataRequired(_l("Vul je huidige wachtwoord in."))]
    )
