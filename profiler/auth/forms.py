"""Forms for logging in and setting a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
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


class CodeForm(FlaskForm):
    """The second step of logging in: a code from the app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Vul de code uit je app in.")), Length(max=64)],
        description=_l(
            "De 6 cijfers uit je authenticator-app. Telefoon kwijt? Vul een van je herstelcodes in."
        ),
    )


class TwoFactorSetupForm(FlaskForm):
    """Confirm the app works by typing its current code."""

    code = StringField(
        _l("Code uit de app"),
        validators=[DataRequired(_l("Vul de code uit je app in.")), Length(max=64)],
        description=_l("Zes cijfers, zonder spaties."),
    )


class TwoFactorManageForm(FlaskForm):
    """New recovery codes or switching off: asks for a current code."""

    code = StringField(
        _l("Code uit de app"),
        validators=[DataRequired(_l("Vul de code uit je app in.")), Length(max=64)],
    )
