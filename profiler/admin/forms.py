"""Administrator forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import Select, html_params

from ..audit_labels import filter_choices

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


class GroupedSelect(Select):
    """A select with optgroups, where the options of the group with an empty label come
    first, outside any optgroup (WTForms puts every option of grouped choices in one)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for group, choices in field.iter_groups():
            options = "".join(
                self.render_option(value, label, selected, **render_kw)
                for value, label, selected, render_kw in choices
            )
            if str(group):
                html.append(f"<optgroup {html_params(label=group)}>{options}</optgroup>")
            else:
                html.append(options)
        html.append("</select>")
        return Markup("".join(html))


class AuditSearchForm(FlaskForm):
    """Filter the audit log."""

    class Meta:
        csrf = False

    q = StringField(_l("Naam of e-mail"), validators=[Optional(), Length(max=120)])
    action = SelectField(
        _l("Handeling"),
        choices=filter_choices(),
        default="",
        validate_choice=False,  # checked below, with a message of our own
        widget=GroupedSelect(),
    )
    since = DateField(_l("Vanaf"), validators=[Optional()])
    until = DateField(_l("Tot en met"), validators=[Optional()])

    def validate_action(self, field: SelectField) -> None:
        """Only the actions and kinds of the list (a link may carry anything)."""
        if field.data and field.data not in {value for value, *_ in field.iter_choices()}:
            raise ValidationError(_l("Kies een handeling uit de lijst."))
