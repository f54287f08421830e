"""Stored XSS corpus: payloads as answers, names, comments, notes and Markdown, in real Chromium.

Every HTML page reachable for client A, coach A and the admin is opened; no dialog may fire,
no CSP violation may be reported (an injected element would cause one), no injected element
may exist, and template syntax must show as typed, never evaluated. Mails (text and HTML)
and the JSON export are checked as well.
"""

from __future__ import annotations

import json

import pytest

from profiler import coach_notes, comments, mail
from profiler.extensions import db as _db
from profiler.models import Role
from tests.conftest import browser_login, make_user
from tests.security.conftest import EXERCISE, build_world
from tests.security.routes import routes
from tests.security.xss_corpus import EVALUATED, PAYLOADS

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""
INJECTED = (
    "[onerror],[onload],[onclick],[onmouseover],[onfocus],[ontoggle],[onbegin],"
    "iframe,object,embed,meta[http-equiv],base,a[href^='javascript:' i],a[href^='data:' i],"
    "form[action^='javascript:' i]"
)


@pytest.fixture
def xss_world(app, content_copy, private_instance):
    """The world with every payload stored wherever people can type."""
    markdown = content_copy / "exercises" / "01-self_image.nl.md"
    markdown.write_text(
        markdown.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(PAYLOADS) + "\n",
        encoding="utf-8",
    )
    world = build_world(
        text="\n".join(PAYLOADS), name_a="Anna <img src=x onerror=alert(1)> {{7*7}}"
    )
    session = _db.session
    for n, payload in enumerate(PAYLOADS):
        comments.add_comment(
            session,
            world.client_a,
            EXERCISE,
            payload,
            author=world.coach_a,
            now=world.client_a.created_at,
        )
        coach_notes.add_note(
            session, world.client_a, payload, author=world.coach_a, now=world.client_a.created_at
        )
        if len(payload) <= 110:
            make_user(Role.CLIENT, f"x{n}@example.nl", payload, coach=world.coach_a)
    session.commit()
    return world


def _ids(world):
    return {
        "client_id": world.client_a.id,
        "user_id": world.client_a.id,
        "exercise_id": EXERCISE,
        "mail_id": world.mail_id,
        "filename": "01-self_image.nl.md",
    }


def _html_pages(app, world, role: str) -> list[str]:
    """GET routes the role may open that answer with an HTML page (not downloads)."""
    from tests.security.conftest import client_as

    http = client_as(app, world, role)
    urls = []
    for route in routes(app, _ids(world)):
        if route.method != "GET" or route.endpoint in ("auth.logout", "healthz"):
            continue
        response = http.get(route.url)
        download = "attachment" in response.headers.get("Content-Disposition", "")
        if response.status_code == 200 and response.mimetype == "text/html" and not download:
            urls.append(route.url)
    return urls


def test_no_payload_runs_on_any_page(app, xss_world, browser, live_server):
    problems: list[str] = []
    shown_literally = 0
    visited = 0
    for role, user in (
        ("client_a", xss_world.client_a),
        ("coach_a", xss_world.coach_a),
        ("admin", xss_world.admin),
    ):
        urls = _html_pages(app, xss_world, role)
        context = browser.new_context(base_url=live_server.url, locale="nl-NL")
        context.add_init_script(WATCH)
        page = context.new_page()
        page.set_default_timeout(10_000)
        dialogs: list[str] = []
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        browser_login(page, user.email)
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("load")
            page.wait_for_timeout(50)
            visited += 1
            where = f"{url} as {role}"
            if dialogs:
                problems.append(f"{where}: dialog {dialogs}")
                dialogs.clear()
            violations = page.evaluate("window.__violations || []")
            if violations:
                problems.append(f"{where}: CSP violations {violations}")
            injected = page.evaluate(
                f"Array.from(document.querySelectorAll({json.dumps(INJECTED)}))"
                ".map(e => e.outerHTML.slice(0, 80))"
            )
            if injected:
                problems.append(f"{where}: injected elements {injected}")
            text = page.evaluate("document.documentElement.innerText")
            for evaluated in EVALUATED:
                if evaluated in text:
                    problems.append(f"{where}: template evaluated ({evaluated!r})")
            if "{{7*7}}" in text:
                shown_literally += 1
        context.close()
    assert problems == [], "\n".join(problems)
    assert visited >= 15
    assert shown_literally >= 5  # the payloads really were on the pages, as plain text


def test_mails_escape_names_in_html_and_keep_text_plain(app, xss_world, page):
    client = xss_world.client_a
    client.name = "<img src=x onerror=alert(1)><script>alert(2)</script>{{7*7}}"
    coach = xss_world.coach_a
    coach.name = "<svg onload=alert(3)>"
    rendered = [
        mail.render_mail("invitation", "nl", user=client, inviter=coach, link="http://127.0.0.1/i"),
        mail.render_mail("reset", "nl", user=client, link="http://127.0.0.1/r"),
        mail.render_mail("deletion_request", "nl", user=coach, client=client, link=""),
    ]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for message in rendered:
        html = message.html
        assert "<script" not in html.lower() and "<img" not in html and "<svg" not in html
        assert "&lt;" in html
        assert "&lt;" not in message.subject  # plain text: shown as typed, not as entities
        assert "1337" not in message.text and "&lt;" not in message.text
        page.set_content(html)  # no CSP here: escaping alone must hold
        assert page.evaluate(f"document.querySelectorAll({json.dumps(INJECTED)}).length") == 0
    assert dialogs == []


def test_json_export_is_json_and_round_trips_the_payloads(app, xss_world):
    from tests.security.conftest import client_as

    http = client_as(app, xss_world, "client_a")
    response = http.get("/me/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers.get("Content-Disposition", "attachment")
    data = json.loads(response.get_data(as_text=True))
    dumped = json.dumps(data, ensure_ascii=False)
    for payload in PAYLOADS[:10]:
        assert json.dumps(payload, ensure_ascii=False)[1:-1] in dumped


def test_csv_report_cells_never_start_a_formula(app, content_copy):
    import csv
    import io

    from tests.security.conftest import client_as

    world = build_world()
    item = world.client_a.enrollment.items[1]
    item.flagged = True
    item.flag_note = "=cmd|' /C calc'!A0"
    _db.session.commit()
    http = client_as(app, world, "coach_a")
    response = http.get(f"/coach/clients/{world.client_a.id}/report.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
