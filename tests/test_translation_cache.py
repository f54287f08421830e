"""Translations are looked up once per request (profiler.i18n): never stale, same output.

The cache sits on Flask-Babel's per-request namespace next to the locale it belongs to. These
tests pin what must not change: two users with different languages in one process, a language
switch showing on the next page, force_locale (mails) inside a request, and template output
identical to Flask-Babel's own Jinja callables (newstyle: marked safe, always %-formatted).
"""

from __future__ import annotations

import flask_babel
import pytest
from flask import g, render_template_string, session
from jinja2.ext import (
    _gettext_alias,
    _make_new_gettext,
    _make_new_ngettext,
    _make_new_npgettext,
    _make_new_pgettext,
)

from profiler import i18n
from profiler.models import Role
from tests.coach.conftest import enroll_client
from tests.conftest import csrf_token, login, make_user

pytestmark = pytest.mark.usefixtures("compiled_catalog")


@pytest.fixture(scope="session")
def compiled_catalog():
    """The English .mo (git-ignored), compiled when missing or older than the .po."""
    from tests.test_translations import MO, PO, TRANSLATIONS, pybabel

    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        pybabel(["compile", "-d", str(TRANSLATIONS)])
    return MO


@pytest.fixture
def coaches(app):
    """Karin works in Dutch, John in English; each has one enrolled client."""
    karin = make_user(Role.COACH, "karin@example.nl", "Karin", locale="nl")
    john = make_user(Role.COACH, "john@example.nl", "John", locale="en")
    enroll_client(make_user(Role.CLIENT, "sanne@example.nl", "Sanne", coach=karin))
    enroll_client(make_user(Role.CLIENT, "sam@example.nl", "Sam", coach=john, locale="en"))
    return karin, john


DUTCH = ("Mijn cliënten", "Laatst actief", "Volgend gesprek", "1 cliënt")
ENGLISH = ("My clients", "Last active", "Next conversation", "1 client")


def assert_language(html: str, lang: str) -> None:
    wanted, unwanted = (DUTCH, ENGLISH) if lang == "nl" else (ENGLISH, DUTCH)
    assert f'<html lang="{lang}">' in html
    for text in wanted:
        assert text in html, text
    for text in unwanted:
        assert text not in html, text


def test_dutch_and_english_coaches_in_one_process(app, coaches):
    dutch, english = app.test_client(), app.test_client()
    login(dutch, "karin@example.nl")
    login(english, "john@example.nl")
    for _ in range(2):  # one after the other, twice: nothing carries over between requests
        assert_language(dutch.get("/coach").get_data(as_text=True), "nl")
        assert_language(english.get("/coach").get_data(as_text=True), "en")


def test_language_switch_shows_on_the_next_page(app, client, coaches):
    login(client, "karin@example.nl")
    assert_language(client.get("/coach").get_data(as_text=True), "nl")
    for lang in ("en", "nl", "en"):
        token = csrf_token(client, "/coach")
        response = client.post("/lang", data={"lang": lang, "next": "/coach", "csrf_token": token})
        assert response.status_code == 302
        assert_language(client.get("/coach").get_data(as_text=True), lang)


def test_the_request_keeps_one_translations_object(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert flask_babel.gettext("Mijn cliënten") == "My clients"
        first = i18n.current_translations()
        assert g._flask_babel.profiler_translations[2] is first  # the cache is really used
        assert i18n.current_translations() is first
        assert flask_babel.get_translations() is first


def test_force_locale_and_refresh_inside_a_request(app):
    template = "{{ _('Mijn cliënten') }}|{{ ngettext('%(num)d cliënt', '%(num)d cliënten', 2) }}"
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert render_template_string(template) == "Mijn cliënten|2 cliënten"
        with flask_babel.force_locale("en"):  # how mails are written in the reader's language
            assert render_template_string(template) == "My clients|2 clients"
            assert flask_babel.gettext("Mijn cliënten") == "My clients"
        assert render_template_string(template) == "Mijn cliënten|2 cliënten"
        assert flask_babel.gettext("Mijn cliënten") == "Mijn cliënten"
        session["lang"] = "en"  # the language changes within the request: refresh() shows it
        flask_babel.refresh()
        assert render_template_string(template) == "My clients|2 clients"
        assert flask_babel.gettext("Mijn cliënten") == "My clients"
    with app.app_context(), flask_babel.force_locale("en"):  # a mail job: no request at all
        assert render_template_string(template) == "My clients|2 clients"


SOURCES = [
    "{{ _('Mijn cliënten') }}",
    "{{ gettext('Over %(name)s', name=who) }}",
    "{{ _('Over %(name)s', name=who) }}",
    "{{ _('Niet in de catalogus: 100%% <b>%(x)s</b>', x=who) }}",
    "{{ _('Niet in de catalogus: 100%% zonder waarden') }}",
    "{{ ngettext('%(num)d cliënt', '%(num)d cliënten', n) }}",
    "{{ ngettext('%(num)d oefening', '%(num)d oefeningen', n, extra=who) }}",
    "{{ pgettext('menu', 'Open') }} {{ npgettext('menu', '%(num)d open', '%(num)d open', n) }}",
    "{% trans %}Hallo {{ who }}{% endtrans %}",
    "{% trans count=n %}{{ count }} cliënt{% pluralize %}{{ count }} cliënten{% endtrans %}",
    "{% set t = _('Mijn cliënten') %}{{ t }} {{ t|length }} {{ _('Toon')|upper }}",
]


def flask_babel_globals() -> dict:
    """What Flask-Babel 4 installs in Jinja, wrapped the way Jinja wraps newstyle callables."""
    tr = flask_babel.get_translations
    return {
        "gettext": _make_new_gettext(lambda s: tr().ugettext(s)),
        "ngettext": _make_new_ngettext(lambda s, p, n: tr().ungettext(s, p, n)),
        "pgettext": _make_new_pgettext(lambda c, s: tr().upgettext(c, s)),
        "npgettext": _make_new_npgettext(lambda c, s, p, n: tr().unpgettext(c, s, p, n)),
        "_": _gettext_alias,
    }


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("source", SOURCES)
def test_template_output_is_flask_babels(app, source, lang, autoescape):
    env = app.jinja_env
    assert env.newstyle_gettext is True
    if not autoescape:
        source = f"{{% autoescape false %}}{source}{{% endautoescape %}}"
    context = {"who": "Tom & <Jerry>", "n": 3}
    with app.test_request_context(headers={"Accept-Language": lang}):
        ours = env.from_string(source).render(context)
        theirs = env.from_string(source, globals=flask_babel_globals()).render(context)
    assert ours == theirs
    for n in (0, 1):
        with app.test_request_context(headers={"Accept-Language": lang}):
            ours = env.from_string(source).render(context, n=n)
            theirs = env.from_string(source, globals=flask_babel_globals()).render(context, n=n)
        assert ours == theirs
