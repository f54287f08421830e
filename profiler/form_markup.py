"""The markup around one WTForms field: label, required marker, hint, error and ARIA wiring.

Every form in the app renders its fields with `{{ field(form.x) }}` (imported from
`_forms.html`). This was a Jinja macro that built its attributes in a loop of `set`
statements on every call; in Python the exercise page's two flag fields cost ~115 instead of
~145 microseconds (the rest is WTForms writing the control and its label, kept).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape


def form_field(f: Any, autocomplete: str | None = None, type: str | None = None, class_: str = ""):
    """One field in a `div.field`: a checkbox before its label, any other control after the
    label, hint and error; the control is described by the hint and the error it shows."""
    hint_id = f"{f.id}-hint"
    error_id = f"{f.id}-error"
    described = ([hint_id] if f.description else []) + ([error_id] if f.errors else [])
    required = bool(f.flags.required)
    # WTForms writes a None value as the text "None" (type="None" would even show a password
    # in clear text), so only attributes with a value are passed on.
    candidates = {
        "autocomplete": autocomplete,
        "type": type,
        "required": required,
        "aria-describedby": " ".join(described),
        "aria-invalid": "true" if f.errors else None,
    }
    attrs = {key: value for key, value in candidates.items() if value}
    if _starts_on_a_choice(f):  # False, not left out: WTForms adds `required` from the flags
        attrs["required"] = False
    marker = Markup(' <span class="required">%s</span>') % _("(verplicht)") if required else ""
    hint = (
        Markup('<p class="hint" id="%s">%s</p>') % (hint_id, f.description) if f.description else ""
    )
    error = (
        Markup('<p class="error" id="%s">%s</p>') % (error_id, Markup(" ").join(f.errors))
        if f.errors
        else ""
    )
    classes = f"field {class_}" + (" has-error" if f.errors else "")
    if f.type == "BooleanField":
        inner = (error, f(**attrs), f.label(class_="inline"), marker, hint)
    else:
        inner = (f.label(), marker, hint, error, f(**attrs))
    return Markup('<div class="%s">%s</div>') % (classes, Markup("").join(map(escape, inner)))


def _starts_on_a_choice(f: Any) -> bool:
    """A select that starts on a real choice always has a value: `required` would be invalid
    HTML there."""
    if f.type != "SelectField":
        return False
    first = next(iter(f.iter_choices()), None)
    return first is not None and first[0] != ""
