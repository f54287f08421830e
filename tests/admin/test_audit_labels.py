"""The audit log in words: every action the app records has a label, and the log filters
by one action or by a kind of action from a list."""

from __future__ import annotations

import re
from pathlib import Path

from profiler import audit
from profiler.audit_labels import KINDS, LABELS, label
from tests.conftest import T0, login

ROOT = Path(__file__).resolve().parents[2] / "profiler"
# action="comment.added" in a call to audit.record; _audit_view(client, "coach.viewed_client");
# plan_changes' _record(session, enrollment, by, now, "unlocked_all", ...).
LITERAL = re.compile(r'action="([a-z_]+\.[a-z_]+)"')
COACH_VIEW = re.compile(r'_audit_view\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_]+)"')
PLAN_CHANGE = re.compile(r'_record\(\s*session,\s*enrollment,[^"]*?"([a-z_]+)"', re.S)


def recorded_actions() -> set[str]:
    """The action codes the code base records, read from its source."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(LITERAL.findall(text)) | set(COACH_VIEW.findall(text))
        if path.name == "plan_changes.py":
            found |= {f"plan.{name}" for name in PLAN_CHANGE.findall(text)}
    found |= {f"auth.{purpose}_password_set" for purpose in ("invite", "reset")}
    return found


def test_every_recorded_action_has_words_and_a_kind():
    actions = recorded_actions()
    assert {"auth.login", "coach.viewed_answers", "plan.unlocked_all", "plan.paused"} <= actions
    assert len(actions) > 35  # the scan found the calls, not just the examples
    assert sorted(actions - set(LABELS)) == []
    assert [code for code in LABELS if not code.startswith(tuple(KINDS))] == []
    assert label("something.new") == "something.new"  # a code without words shows as itself


def record(db, users, *codes):
    for minutes, code in enumerate(codes):
        audit.record(
            db, actor=users["coach_a"], client=users["client_a"], action=code, now=T0, n=minutes
        )
    db.commit()


def body(client, query: str = "") -> str:
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_log_says_what_happened_in_words_with_the_code_after_it(users, client, db):
    record(db, users, "coach.viewed_answers", "plan.unlocked_all")
    login(client, "admin@example.nl")
    rows = body(client).split("<tbody>")[1]
    assert "Antwoorden van een cliënt gelezen" in rows and "<code" in rows
    assert "Alle oefeningen opengezet" in rows and "plan.unlocked_all</code>" in rows


def test_the_filter_is_a_list_of_kinds_and_actions(users, client, db):
    record(db, users, "plan.unlocked", "plan.unlocked_all", "coach.viewed_client")
    login(client, "admin@example.nl")
    page = body(client)
    select = page.split('<select id="action" name="action">')[1].split("</select>")[0]
    assert select.startswith('<option selected value="">Alle handelingen</option><optgroup')
    assert '<optgroup label="Plan en ritme"><option value="plan.">Alles: Plan en ritme' in select
    one = body(client, "?action=plan.unlocked").split("<tbody>")[1]
    assert "Oefening opengezet" in one and "plan.unlocked_all" not in one  # exactly that one
    kind = body(client, "?action=plan.").split("<tbody>")[1]
    assert "plan.unlocked</code>" in kind and "plan.unlocked_all</code>" in kind
    assert "coach.viewed_client" not in kind
    chosen = body(client, "?action=plan.")
    assert '<option selected value="plan.">' in chosen


def test_an_action_not_in_the_list_gets_a_message_and_keeps_the_other_filters(users, client, db):
    record(db, users, "coach.viewed_client")
    login(client, "admin@example.nl")
    page = body(client, "?q=anna&action=%25")
    assert "Kies een handeling uit de lijst." in page
    assert 'value="anna"' in page  # what was typed stays
    assert "Overzicht van een cliënt bekeken" in page.split("<tbody>")[1]  # the rest still works
