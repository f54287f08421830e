"""The admin pages: library list, editor, preview endpoint, save, and what clients then see."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from profiler import authoring
from profiler.library import current_library
from profiler.models import AuditEvent
from tests.conftest import csrf_token, login

from .conftest import ADMIN_EMAIL, CLIENT_EMAIL

SELF = "01-self_image.nl.md"
TEXTAREA = re.compile(r'<textarea[^>]*name="source"[^>]*>\r?\n(.*?)</textarea>', re.S)


@pytest.fixture
def admin_client(client, admin, content):
    """The test client logged in as the administrator."""
    assert login(client, ADMIN_EMAIL).status_code == 302
    return client


def editor_form(client, filename: str = SELF) -> dict:
    """The hidden fields of the editor as the page gives them."""
    page = client.get(f"/admin/exercises/{filename}").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([^"]*)"', page)
    return {
        "csrf_token": csrf_token(client, f"/admin/exercises/{filename}"),
        "base": base[1],
        "filename": filename,
    }


def typed_text(page: str) -> str:
    """The text in the editor's textarea, as the browser will show it."""
    match = TEXTAREA.search(page)
    assert match, "no editor textarea"
    return html.unescape(match[1])


def test_pages_need_an_admin(client, content, sanne):
    assert client.get("/admin/exercises").status_code == 302  # to the login page
    login(client, CLIENT_EMAIL)
    assert client.get("/admin/exercises").status_code == 404
    assert client.get(f"/admin/exercises/{SELF}").status_code == 404


def test_list_shows_a_broken_file_while_clients_keep_working(
    admin_client, content, sanne, monkeypatch
):
    from profiler import library

    monkeypatch.setattr(library, "CHECK_INTERVAL", 0.0)  # no need to wait a second
    path = content / "exercises" / "91-grief.nl.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("type: textarea") + 1  # first textarea field; insert a typo below it
    lines.insert(at, "rosw: 4")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page = admin_client.get("/admin/exercises").get_data(as_text=True)
    assert f"exercises/91-grief.nl.md:{at + 1}: " in page
    assert "onbekende sleutel &#39;rosw&#39;" in page
    assert "Zelfbeeld" in page and "Persoonlijk Profiel" in page  # valid ones and the program
    assert "persoonlijk-profiel.yml" in page

    admin_client.post("/logout", data={"csrf_token": csrf_token(admin_client, "/admin")})
    login(admin_client, CLIENT_EMAIL)
    response = admin_client.get("/me/exercises/self_image")
    assert response.status_code == 200
    assert "Vijf woorden die bij mij passen" in response.get_data(as_text=True)


def test_list_groups_by_part_with_languages_and_status(admin_client):
    page = admin_client.get("/admin/exercises").get_data(as_text=True)
    for heading in (
        "Persoonlijkheid",
        "Werkplezier",
        "Functie",
        "Doel",
        "Documenten",
        "Vragenlijsten",
        "Programma's",
    ):
        assert f">{heading}</h2>" in page
    assert 'href="/admin/exercises/05-values.en.md"' in page
    assert "Alles is in orde." in page


def test_editor_shows_the_file_and_its_preview(admin_client, content):
    response = admin_client.get(f"/admin/exercises/{SELF}")
    page = response.get_data(as_text=True)
    assert typed_text(page) == (content / "exercises" / SELF).read_text(encoding="utf-8")
    assert 'class="exercise-fields"' in page  # the preview, as the client page wraps it
    assert "Vijf woorden die bij mij passen" in page
    assert "antwoorden op een veld dat je weghaalt blijven bewaard" in page
    assert "css/fields.css" in page and "js/exercise-editor.js" in page
    assert "<script>" not in page and " style=" not in page


def test_problems_are_in_the_administrators_language_and_escaped(client, app, content):
    """The same check reads in English for an administrator who chose English; what was
    typed into the message (here a key with markup) stays text."""
    from profiler.models import Role
    from tests.conftest import make_user

    make_user(Role.ADMIN, "ann@example.nl", "Ann", locale="en")
    assert login(client, "ann@example.nl").status_code == 302
    original = (content / "exercises" / SELF).read_text(encoding="utf-8")
    typed = original.replace("type: list", "type: list\n<b>tpo</b>: 3", 1)
    form = editor_form(client) | {"source": typed, "save": "Opslaan"}
    page = client.post(f"/admin/exercises/{SELF}", data=form).get_data(as_text=True)
    assert "unknown key &#39;&lt;b&gt;tpo&lt;/b&gt;&#39;; allowed keys are: id, type" in page
    assert "<b>tpo</b>" not in page  # the editor shows it escaped too
    assert "onbekende sleutel" not in page


def test_invalid_save_is_refused_with_the_line_and_keeps_the_text(admin_client, content):
    original = (content / "exercises" / SELF).read_text(encoding="utf-8")
    typed = original.replace("type: list", "type: list\ntpo: 3", 1) + "\n<b>&amp; nog iets</b>\n"
    line = typed.splitlines().index("tpo: 3") + 1
    form = editor_form(admin_client) | {"source": typed, "save": "Opslaan"}
    response = admin_client.post(f"/admin/exercises/{SELF}", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"regel {line}</a>: veld" in page and "onbekende sleutel &#39;tpo&#39;" in page
    assert "Niet opgeslagen" in page
    assert typed_text(page) == typed
    assert (content / "exercises" / SELF).read_text(encoding="utf-8") == original
    assert not (content / ".history").exists()


def test_preview_button_works_without_javascript(admin_client, content):
    typed = (
        (content / "exercises" / SELF)
        .read_text(encoding="utf-8")
        .replace("Welkom bij de eerste oefening.", "Welkom bij de VERNIEUWDE oefening.")
    )
    form = editor_form(admin_client) | {"source": typed, "preview": "Voorbeeld bekijken"}
    page = admin_client.post(f"/admin/exercises/{SELF}", data=form).get_data(as_text=True)
    assert "Welkom bij de VERNIEUWDE oefening." in page.split('id="preview-content"')[1]
    assert "VERNIEUWDE" not in (content / "exercises" / SELF).read_text(encoding="utf-8")


def test_preview_endpoint_needs_csrf_and_returns_sanitized_html(admin_client, content):
    text = (content / "exercises" / SELF).read_text(encoding="utf-8") + (
        "\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n"
    )
    assert admin_client.post("/admin/exercises/preview", data={"source": text}).status_code == 400
    data = {"source": text, "filename": SELF, "csrf_token": csrf_token(admin_client, "/admin")}
    response = admin_client.post(
        "/admin/exercises/preview", data=data, headers={"Accept": "application/json"}
    )
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] is True
    assert "Vijf woorden die bij mij passen" in body["html"]
    assert "<script" not in body["html"] and "onerror" not in body["html"]
    assert "javascript:" not in body["html"]


def test_valid_save_writes_keeps_history_audits_and_is_live(admin_client, content, sanne):
    path = content / "exercises" / SELF
    original = path.read_text(encoding="utf-8")
    typed = original.replace(
        "Vijf woorden die bij mij passen", "Vijf woorden die echt bij mij passen"
    )
    form = editor_form(admin_client) | {"source": typed.replace("\n", "\r\n"), "save": "Opslaan"}
    response = admin_client.post(f"/admin/exercises/{SELF}", data=form)
    assert response.status_code == 302 and response.location.endswith(f"/admin/exercises/{SELF}")
    assert path.read_text(encoding="utf-8") == typed
    [kept] = authoring.history(content, SELF)
    assert kept.read_text(encoding="utf-8") == original
    event = (
        admin_client.application.extensions["sqlalchemy"]
        .session.scalars(select(AuditEvent).where(AuditEvent.action == "exercise.save"))
        .one()
    )
    assert event.detail == {"file": SELF, "previous": kept.name}
    assert "Opgeslagen" in admin_client.get(response.location).get_data(as_text=True)

    field = current_library().get("self_image", "nl").field("own_words")
    assert field.label == "Vijf woorden die echt bij mij passen"
    admin_client.post("/logout", data={"csrf_token": csrf_token(admin_client, "/admin")})
    login(admin_client, CLIENT_EMAIL)
    page = admin_client.get("/me/exercises/self_image").get_data(as_text=True)
    assert "Vijf woorden die echt bij mij passen" in page


def test_an_edit_outside_the_editor_is_picked_up_without_restart(app, content, monkeypatch):
    from profiler import library

    assert current_library().get("self_image", "nl").title == "Zelfbeeld"
    path = content / "exercises" / SELF
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Zelfbeeld", "title: Ik"), encoding="utf-8"
    )
    # within the one-second throttle the old library is still served ...
    assert current_library().get("self_image", "nl").title == "Zelfbeeld"
    # ... and after it the change is seen (as by any other gunicorn worker)
    monkeypatch.setattr(library, "CHECK_INTERVAL", 0.0)
    assert current_library().get("self_image", "nl").title == "Ik"


def test_stale_editor_does_not_overwrite_someone_elses_save(admin_client, content):
    path = content / "exercises" / SELF
    form = editor_form(admin_client)
    path.write_text(path.read_text(encoding="utf-8") + "\nVan een collega.\n", encoding="utf-8")
    mine = path.read_text(encoding="utf-8").replace("Van een collega.", "Van mij.")
    response = admin_client.post(
        f"/admin/exercises/{SELF}", data=form | {"source": mine, "save": "Opslaan"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Iemand anders heeft dit bestand veranderd" in page
    assert typed_text(page) == mine
    assert "Van een collega." in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/exercises/..%2F..%2Fconfig.py",
        "/admin/exercises/%2E%2E%2Fprograms%2Fpersoonlijk-profiel.yml",
        "/admin/exercises/..",
        "/admin/exercises/.history",
        "/admin/exercises/01-self_image.nl.md.bak",
        "/admin/exercises/01-self_image.nl.md%00",
        "/admin/exercises/99-nothing_here.nl.md",
        "/admin/exercises/config.py",
    ],
)
def test_path_traversal_names_are_404(admin_client, content, url):
    assert admin_client.get(url).status_code in (400, 404)
    token = csrf_token(admin_client, "/admin")
    before = sorted(p.name for p in content.rglob("*"))
    response = admin_client.post(url, data={"csrf_token": token, "source": "x", "save": "1"})
    assert response.status_code in (400, 404, 405)
    assert sorted(p.name for p in content.rglob("*")) == before


@pytest.mark.parametrize("name", ["../../evil.nl.md", "..%2Fevil.nl.md", "96-evil.nl.md/..", ""])
def test_new_exercise_refuses_bad_names(admin_client, content, name, tmp_path):
    form = {
        "csrf_token": csrf_token(admin_client, "/admin/exercises/new"),
        "filename": name,
        "source": authoring.NEW_EXERCISE_NL,
        "save": "Opslaan",
    }
    page = admin_client.post("/admin/exercises/new", data=form).get_data(as_text=True)
    assert "Deze bestandsnaam kan niet." in page
    assert typed_text(page) == authoring.NEW_EXERCISE_NL
    assert not list(tmp_path.rglob("evil*"))


def test_new_exercise_is_created_and_cannot_overwrite(admin_client, content):
    text = authoring.NEW_EXERCISE_NL.replace("id: my_exercise", "id: reflection")
    form = {
        "csrf_token": csrf_token(admin_client, "/admin/exercises/new"),
        "filename": "96-reflection.nl.md",
        "source": text,
        "save": "Opslaan",
    }
    response = admin_client.post("/admin/exercises/new", data=form)
    assert response.status_code == 302
    assert (content / "exercises" / "96-reflection.nl.md").read_text(encoding="utf-8") == text
    assert current_library().get("reflection", "nl").title == "Nieuwe oefening"
    page = admin_client.post("/admin/exercises/new", data=form).get_data(as_text=True)
    assert "Er bestaat al een bestand met deze naam" in page
