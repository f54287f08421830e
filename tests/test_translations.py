"""The English catalog: complete, compiles, keeps placeholders; English pages show no Dutch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from profiler.models import Role
from tests.client.conftest import NOW, FixedClock, enroll
from tests.conftest import ROOT, login, make_user

TRANSLATIONS = ROOT / "profiler" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")

# Placeholders as Python %-formatting (%(name)s, %(count)d) and str.format ({0}, {name}).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")

# Common Dutch interface words; none of them may show on an English page.
DUTCH_WORDS = [
    "Oefening",
    "Oefeningen",
    "Opslaan",
    "Instellingen",
    "Vandaag",
    "Uitloggen",
    "Wachtwoord",
    "Herinneringen",
    "Pauzeren",
    "Verdergaan",
    "Werkdocument",
    "Documenten",
    "Je gegevens",
    "Naar de inhoud",
    "Hoofdmenu",
    "Taal",
    "Kies",
    "Bekijk",
    "Goedendag",
    "voor je",
    "staat",
    "niet",
]


def pybabel(args: list[str]) -> None:
    """Run the pybabel command line (the one `make messages` / `make translations` use)."""
    assert CommandLineInterface().run(["pybabel", "--quiet", *args]) in (None, 0)


def read_catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def entries(catalog):
    return [m for m in catalog if m.id]


def label(message) -> str:
    return repr(message.id if isinstance(message.id, str) else message.id[0])


@pytest.fixture(scope="session")
def compiled_catalog() -> Path:
    """The compiled .mo, made from the .po when missing or out of date (it is git-ignored)."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        pybabel(["compile", "-d", str(TRANSLATIONS)])
    return MO


def test_catalog_has_english_plural_forms():
    catalog = read_catalog()
    assert catalog.num_plurals == 2
    assert catalog.plural_expr.replace(" ", "") == "(n!=1)"


def test_catalog_compiles_without_errors(tmp_path):
    catalog = read_catalog()
    problems = [(label(m), errors) for m, errors in catalog.check()]
    assert not problems
    with (tmp_path / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)
    assert (tmp_path / "messages.mo").stat().st_size > 0


def test_no_entry_is_untranslated_or_fuzzy():
    catalog = read_catalog()
    untranslated = [
        label(m) for m in entries(catalog) if not (all(m.string) if m.pluralizable else m.string)
    ]
    fuzzy = [label(m) for m in entries(catalog) if m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_every_placeholder_is_kept():
    missing = []
    for m in entries(catalog := read_catalog()):
        if m.pluralizable:
            wanted = set(PLACEHOLDER.findall(m.id[1])) | set(PLACEHOLDER.findall(m.id[0]))
            for form in m.string:
                # The singular may leave out a count ("one exercise"), never a named value.
                lost = wanted - set(PLACEHOLDER.findall(form))
                if lost:
                    missing.append((label(m), form, lost))
        elif set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string)):
            missing.append((label(m), m.string))
    assert catalog is not None
    assert not missing, missing


def test_catalog_holds_every_message_in_the_code(tmp_path):
    """Extract again: a string added to the code without a translation fails here."""
    pot = tmp_path / "messages.pot"
    pybabel(
        [
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as fh:
        template = read_po(fh)
    catalog = read_catalog()
    absent = [label(m) for m in entries(template) if catalog.get(m.id, m.context) is None]
    assert not absent, f"run `make messages` and translate: {absent}"


def visible_text(html: str) -> str:
    """The page's text and the attributes a screen reader speaks, without markup or scripts."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    spoken = " ".join(re.findall(r'(?:aria-label|title|alt|placeholder|value)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + spoken


@pytest.fixture
def english_client(app, client, compiled_catalog, monkeypatch):
    """A client whose account is set to English, enrolled with two exercises open, logged in."""
    from profiler import clock

    monkeypatch.setattr(clock, "now", FixedClock(NOW))
    coach = make_user(Role.COACH, "coach@example.nl", "Karin")
    user = make_user(Role.CLIENT, "sam@example.nl", "Sam", coach=coach, locale="en")
    enroll(user, opened=2)
    assert login(client, "sam@example.nl").status_code == 302
    return client


@pytest.mark.parametrize("url", ["/me", "/me/settings"])
def test_english_page_shows_no_dutch(english_client, url):
    response = english_client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="en"' in html
    text = visible_text(html)
    found = [w for w in DUTCH_WORDS if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
    assert not found, f"Dutch on {url}: {found}"
