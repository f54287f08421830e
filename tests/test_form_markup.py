"""`field(form.x)`: the label, required marker, hint, error and ARIA wiring of every form field."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class Example(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(
        "Naam & toenaam",
        validators=[DataRequired(message='Vul "iets" in'), Length(max=3)],
        description="Zoals <op> je post",
    )
    agree = BooleanField("Ik ga akkoord", validators=[DataRequired(message="Vink dit aan")])
    colour = SelectField(
        "Kleur", choices=[("red", "Rood"), ("blue", "Blauw")], validators=[DataRequired()]
    )
    pick = SelectField("Keuze", choices=[("", "Kies…"), ("a", "A")], validators=[DataRequired()])
    note = StringField("Notitie")


class Elements(HTMLParser):
    """The start tags in order, with their attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def first(self, tag: str) -> dict:
        return next(attrs for name, attrs in self.tags if name == tag)


def render(app, name: str, data: dict | None = None, lang: str = "nl", **options) -> Elements:
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        form = Example(formdata=MultiDict(data) if data is not None else None)
        if data is not None:
            form.validate()
        template = app.jinja_env.from_string(
            '{% from "_forms.html" import field %}{{ field(form[name], **options) }}'
        )
        html = template.render(form=form, name=name, options=options)
    assert isinstance(html, str)
    return Elements(html)


def test_a_required_field_with_a_hint_is_marked_and_described(app):
    page = render(app, "name", autocomplete="name")
    control = page.first("input")
    assert control["id"] == "name" and control["autocomplete"] == "name"
    assert "required" in control and control["aria-describedby"] == "name-hint"
    assert "aria-invalid" not in control
    assert page.first("p") == {"class": "hint", "id": "name-hint"}
    assert "Naam & toenaam (verplicht)" in page.text and "Zoals <op> je post" in page.text
    assert page.first("div")["class"] == "field "


def test_an_error_is_shown_escaped_and_wired_to_the_control(app):
    page = render(app, "name", {"name": "veel te lang"}, class_="wide")
    control = page.first("input")
    assert control["aria-describedby"] == "name-hint name-error"
    assert control["aria-invalid"] == "true" and control["value"] == "veel te lang"
    assert ("p", {"class": "error", "id": "name-error"}) in page.tags
    assert page.first("div")["class"] == "field wide has-error"
    names = [tag for tag, _ in page.tags]
    assert names.index("label") < names.index("p") < names.index("input")  # label, hint, error


def test_messages_and_hints_are_escaped(app):
    with app.test_request_context("/"):
        form = Example(formdata=MultiDict({"name": ""}))
        form.validate()
        html = str(app.jinja_env.globals["form_field"](form.name))
    assert "Zoals &lt;op&gt; je post" in html and "Vul &#34;iets&#34; in" in html
    assert "Naam &amp; toenaam" in html


def test_a_checkbox_comes_before_its_label_with_the_error_first(app):
    page = render(app, "agree", {})
    names = [tag for tag, _ in page.tags]
    assert names == ["div", "p", "input", "label", "span"]
    assert page.first("input")["type"] == "checkbox"
    assert page.first("label") == {"for": "agree", "class": "inline"}
    assert page.first("input")["aria-describedby"] == "agree-error"


def test_a_select_that_starts_on_a_choice_is_not_marked_required_in_html(app):
    colour = render(app, "colour")
    assert "required" not in colour.first("select")  # it always has a value
    assert "(verplicht)" in colour.text  # the reader is still told
    pick = render(app, "pick")
    assert "required" in pick.first("select")


@pytest.mark.parametrize("lang, marker", [("nl", "(verplicht)"), ("en", "(required)")])
def test_the_required_marker_is_translated(app, lang, marker):
    assert marker in render(app, "name", lang=lang).text


def test_an_optional_field_gets_no_marker_and_no_empty_attributes(app):
    page = render(app, "note", type="email")
    control = page.first("input")
    assert control["type"] == "email"
    assert not {"required", "aria-describedby", "aria-invalid", "autocomplete"} & set(control)
    assert "verplicht" not in page.text


def test_the_result_is_markup(app):
    with app.test_request_context("/"):
        assert isinstance(app.jinja_env.globals["form_field"](Example().note), Markup)
