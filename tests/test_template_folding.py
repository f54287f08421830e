"""Templates compiled per language (profiler.template_folding) give exactly the same pages.

Every page type of every role, in Dutch and in English, is rendered by the folded copies and by
the plain templates and compared (the CSRF tokens and script nonces, new on every request, are
masked). The other tests pin what folding must keep apart: languages, script roots, escaping,
templates that use the names themselves, and rendering outside a request.
"""

from __future__ import annotations

import re

import pytest
from flask import render_template, render_template_string
from flask_babel import get_locale
from jinja2 import DictLoader

from profiler import mail
from profiler.extensions import db
from profiler.models import User
from profiler.template_folding import MAX_COPIES, FoldingEnvironment
from tests.a11y.crawl import start_urls
from tests.a11y.pages import CLIENT_EXTRAS
from tests.a11y.world import build_world
from tests.conftest import login
from tests.test_translation_cache import compiled_catalog  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("compiled_catalog")

VOLATILE = re.compile(r'((?:name="csrf_token"[^>]*value|nonce|data-csrf)=")[^"]*')


def masked(html: str) -> str:
    return VOLATILE.sub(r"\1…", html)


def render_both(app, http, url: str) -> tuple[bool, str, str]:
    """The page rendered plain (twice: a first view may change what the next shows, such as
    comments read), then folded; gives whether it is an HTML page (not a redirect, file or
    JSON), the second plain page and the folded one."""
    app.jinja_env.folding = False
    http.get(url)
    plain = http.get(url)
    app.jinja_env.folding = True
    folded = http.get(url)
    assert folded.status_code == plain.status_code, url
    page = plain.mimetype == "text/html" and not 300 <= plain.status_code < 400
    return page, masked(plain.get_data(as_text=True)), masked(folded.get_data(as_text=True))


@pytest.fixture
def world(app):
    return build_world()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("role", ["anonymous", "client", "coach", "admin"])
def test_every_page_is_the_same_folded_and_plain(app, world, role, lang):
    http = app.test_client()
    email = world.emails[role]
    if email:
        db.session.execute(db.update(User).where(User.email == email).values(locale=lang))
        db.session.commit()
        assert login(http, email).status_code == 302
    else:
        http.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    urls = start_urls(app, world, role) + (CLIENT_EXTRAS if role == "client" else [])
    urls += world.coach_extras if role == "coach" else []
    compared = 0
    for url in urls:
        page, plain, folded = render_both(app, http, url)
        if not page:
            continue
        assert f'<html lang="{lang}"' in folded, url
        assert folded == plain, url
        compared += 1
    assert compared >= {"anonymous": 4, "client": 12, "coach": 7, "admin": 7}[role]
    assert set(app.jinja_env._copies) >= {(lang, "")}  # noqa: SLF001 (the copy was used)


def test_each_language_gets_its_own_copy(app, world):
    http = app.test_client()
    login(http, world.emails["client"])
    dutch = http.get("/me").get_data(as_text=True)
    switched = http.post("/lang", data={"lang": "en", "csrf_token": _token(dutch), "next": "/me"})
    assert switched.status_code == 302
    english = http.get("/me").get_data(as_text=True)
    assert "Uitloggen" in dutch and "Log out" not in dutch
    assert "Log out" in english and "Uitloggen" not in english
    assert {key[0] for key in app.jinja_env._copies} == {"nl", "en"}  # noqa: SLF001


def test_links_follow_the_script_root(app, world):
    """An app mounted under a prefix gets links with that prefix, per prefix."""
    http = app.test_client()
    plain = http.get("/login").get_data(as_text=True)
    mounted = http.get("/login", base_url="http://localhost/profiler/").get_data(as_text=True)
    assert 'href="/static/css/app.css"' in plain
    assert 'href="/profiler/static/css/app.css"' in mounted
    assert 'href="/static/css/app.css"' not in mounted
    assert ("nl", "/profiler") in app.jinja_env._copies  # noqa: SLF001


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


SOURCES = {
    "t/escaped.html": '{{ _("Hallo %(name)s", name=who) }}|{{ _("Uitloggen") }}',
    "t/percent.html": '{{ _("100%% zeker") }}',
    "t/shadowed.html": '{% set _ = upper %}{{ _("uitloggen") }}',
    "t/link.html": (
        "{{ url_for('static', filename='css/app.css') }}|{{ url_for('index', x='a&b') }}|"
        "{{ url_for('index', _anchor='top') }}|{{ url_for('no.such.endpoint') if false }}"
    ),
    "t/macro.html": '{% macro say(text) %}[{{ text }}]{% endmacro %}{{ say(_("Uitloggen")) }}',
    "t/own_macro.html": '{% macro _(text) %}<{{ text }}>{% endmacro %}{{ _("Uitloggen") }}',
    # Mistakes in branches that never run must not break the template, folded or not.
    "t/dead.html": (
        '{% if false %}{{ _("50% korting") }}{{ url_for("admin.user", user_id="new") }}'
        "{% endif %}ok"
    ),
}


@pytest.fixture
def sources(app):
    """A few templates of our own next to the app's."""
    loader = app.jinja_env.loader
    app.jinja_env.loader = _Both(loader, DictLoader(SOURCES))
    for copy in app.jinja_env._copies.values():  # noqa: SLF001
        copy.loader = app.jinja_env.loader
    return app


class _Both:
    def __init__(self, *loaders):
        self.loaders = loaders

    def load(self, environment, name, globals=None):  # noqa: A002
        from jinja2 import ChoiceLoader

        return ChoiceLoader(self.loaders).load(environment, name, globals)

    def get_source(self, environment, name):
        from jinja2 import ChoiceLoader

        return ChoiceLoader(self.loaders).get_source(environment, name)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_folded_texts_escape_and_format_as_the_calls_do(sources, name, lang):
    context = {"who": "<Tom & Jerry>", "upper": str.upper}
    headers = {"Accept-Language": lang}
    with sources.test_request_context("/", headers=headers):
        sources.jinja_env.folding = False
        plain = render_template(name, **context)
        sources.jinja_env.folding = True
        folded = render_template(name, **context)
    assert folded == plain
    if name == "t/escaped.html":
        assert "&lt;Tom &amp; Jerry&gt;" in folded
    if name == "t/shadowed.html":
        assert folded == "UITLOGGEN"
    if name == "t/link.html":
        assert folded.startswith("/static/css/app.css|/?x=a%26b|/#top|")
    if name == "t/percent.html":
        assert folded == "100% zeker"
    if name == "t/own_macro.html":
        assert folded == "<Uitloggen>"
    if name == "t/dead.html":
        assert folded == "ok"


def test_a_render_cannot_hand_a_folded_template_its_own_gettext_or_url_for(sources):
    elsewhere = lambda *args, **values: "/elsewhere"  # noqa: E731
    with sources.test_request_context("/"):
        with pytest.raises(TypeError, match="t/link.html: url_for cannot be passed"):
            render_template("t/link.html", url_for=elsewhere)
        sources.jinja_env.folding = False  # plain templates look it up: allowed, as in Jinja
        assert render_template("t/link.html", url_for=elsewhere).startswith("/elsewhere|")


def test_script_roots_beyond_the_limit_are_served_unfolded(app):
    """A proxy that lets clients choose SCRIPT_NAME must not grow a copy per value."""
    http = app.test_client()
    for n in range(MAX_COPIES + 5):
        html = http.get("/login", base_url=f"http://localhost/p{n}/").get_data(as_text=True)
        assert f'href="/p{n}/static/css/app.css"' in html
    assert len(app.jinja_env._copies) == MAX_COPIES  # noqa: SLF001


def test_a_mail_in_another_language_inside_a_request_is_folded_in_that_language(app, world):
    """An English invitation sent while a Dutch request runs: all of it in English, and the
    Dutch pages before and after it stay Dutch (each language keeps its own copy)."""
    rendered, pages = {}, []
    for folding in (False, True):
        app.jinja_env.folding = folding
        with app.test_request_context("/", headers={"Accept-Language": "nl"}):
            pages.append(render_template("mail/reset.html", user=world.client, link="/x"))
            rendered[folding] = mail.render_mail(
                "invitation", "en", user=world.client, inviter=world.coach, link="https://x/?a=1"
            )
            pages.append(render_template("mail/reset.html", user=world.client, link="/x"))
            assert str(get_locale()) == "nl"  # the request's own language is back
    assert rendered[True] == rendered[False]
    assert "Hello" in rendered[True].html and "Hallo" not in rendered[True].html
    assert "Hello" in rendered[True].text
    assert all("Hallo" in page and "Hello" not in page for page in pages)
    assert set(app.jinja_env._copies) == {("nl", ""), ("en", "")}  # noqa: SLF001


def test_the_folded_copy_has_no_calls_left(sources):
    with sources.test_request_context("/", headers={"Accept-Language": "en"}):
        copy = sources.jinja_env._copy()  # noqa: SLF001
        source = SOURCES["t/link.html"]
        code = copy.compile(source, "t/link.html", raw=True)
        assert "'/static/css/app.css|/?x=a%26b|'" in code
        assert "url_for" in code  # the _anchor link and the endpoint that does not build
        code = copy.compile('{{ _("Uitloggen") }}', raw=True)
        assert "Log out" in code and "gettext" not in code and "'_'" not in code
    plain = sources.jinja_env.compile('{{ _("Uitloggen") }}', raw=True)
    assert "Log out" not in plain


def test_outside_a_request_and_from_strings_templates_are_not_folded(app):
    assert isinstance(app.jinja_env, FoldingEnvironment)
    with app.app_context():  # the scheduler renders mails like this
        html = render_template("mail/reset.html", user=None, link="http://x/")
        assert html
    assert app.jinja_env._copies == {}  # noqa: SLF001
    with app.test_request_context("/"):
        assert render_template_string('{{ _("Uitloggen") }}') == "Uitloggen"
    assert app.jinja_env._copies == {}  # noqa: SLF001


def test_overlays_render_their_templates_unfolded(app):
    overlay = app.jinja_env.overlay(autoescape=False)
    with app.test_request_context("/"):
        template = overlay.get_template("base.html")
        assert template.environment is overlay
    assert app.jinja_env._copies == {}  # noqa: SLF001
