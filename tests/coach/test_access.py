"""Access: a coach reaches only their own clients (and those of coaches they stand in for)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from profiler.models import AuditEvent, CoachNote, Comment
from tests.conftest import csrf_token, login

SAMPLE = {"exercise_id": "self_image"}


def client_rules(app) -> list[tuple[str, str]]:
    """(method, url template) of every coach route that names a client."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("coach.") or "client_id" not in rule.arguments:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    return found


def fill(rule: str, client_id: int) -> str:
    return rule.replace("<int:client_id>", str(client_id)).replace(
        "<exercise_id>", SAMPLE["exercise_id"]
    )


def test_the_coach_area_has_client_urls_for_gets_and_posts(app):
    rules = client_rules(app)
    methods = {m for m, _ in rules}
    assert methods == {"GET", "POST"}
    assert len(rules) >= 20


def test_another_coachs_client_is_404_on_every_url_and_action(app, karin_client, team, db):
    bram = team["bram"]
    sanne = team["sanne"]
    token = csrf_token(karin_client, f"/coach/clients/{sanne.id}")
    data = {
        "csrf_token": token,
        "exercise_id": "self_image",
        "direction": "up",
        "order": "self_image",
        "position": "0",
        "weekdays": ["1"],
        "send_time": "09:00",
        "body": "tekst",
        "item_id": "1",
        "reason": "x",
        "day": "2026-04-01",
        "allowed": "y",
    }
    checked = 0
    for method, rule in client_rules(app):
        url = fill(rule, bram.id)
        if method == "GET":
            response = karin_client.get(url)
        else:
            response = karin_client.post(url, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
        checked += 1
        # The same URL for an id that does not exist at all answers the same.
        missing = fill(rule, 99999)
        response = (
            karin_client.get(missing) if method == "GET" else karin_client.post(missing, data=data)
        )
        assert response.status_code == 404, (method, missing)
    assert checked >= 20
    db.expire_all()
    enrollment = bram.enrollment
    assert enrollment.paused_by is None and not enrollment.all_unlocked
    assert all(i.unlocked_at is None and not i.skipped for i in enrollment.items)
    assert db.scalar(select(func.count(Comment.id))) == 0
    assert db.scalar(select(func.count(CoachNote.id))) == 0
    assert db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.client_id == bram.id)) == 0


# Confirmation pages for one note or comment: without ?item_id= they name nothing to ask
# about, and send the coach back to the client's page.
NEEDS_AN_ITEM = ("/notes/delete", "/comments/delete")


def test_own_client_get_urls_answer_200(app, karin_client, team):
    sanne = team["sanne"]
    for method, rule in client_rules(app):
        if method != "GET":
            continue
        response = karin_client.get(fill(rule, sanne.id))
        if rule.endswith(NEEDS_AN_ITEM):
            assert response.status_code == 302, rule
            assert urlsplit(response.headers["Location"]).path == f"/coach/clients/{sanne.id}"
        else:
            assert response.status_code == 200, rule


def test_dashboard_lists_only_own_clients(karin_client, team):
    html = karin_client.get("/coach").get_data(as_text=True)
    assert "Sanne" in html and "Bram" not in html


@pytest.mark.parametrize("email", ["sanne@example.nl"])
def test_clients_do_not_see_the_coach_area(client, team, email):
    login(client, email)
    assert client.get("/coach").status_code == 404
    assert client.get(f"/coach/clients/{team['sanne'].id}").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, team):
    response = client.get(f"/coach/clients/{team['sanne'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_substitute_sees_and_acts_until_unlinked(app, client, team, db):
    bram = team["bram"]
    login(client, "mehmet@example.nl")
    token = csrf_token(client, "/coach/substitutes")
    response = client.post(
        "/coach/substitutes",
        data={"csrf_token": token, "colleague": str(team["karin"].id)},
        follow_redirects=True,
    )
    assert "Karin kan nu je cliënten zien" in response.get_data(as_text=True)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "substitute.linked"))
    assert event.actor_id == team["mehmet"].id and event.detail["substitute_id"] == team["karin"].id
    client.post("/logout", data={"csrf_token": csrf_token(client, "/coach")})

    login(client, "karin@example.nl")
    html = client.get("/coach").get_data(as_text=True)
    assert "Bram" in html and "vervanging" in html
    assert client.get(f"/coach/clients/{bram.id}").status_code == 200
    assert client.get(f"/coach/clients/{bram.id}/prepare").status_code == 200
    token = csrf_token(client, f"/coach/clients/{bram.id}")
    response = client.post(f"/coach/clients/{bram.id}/pause", data={"csrf_token": token})
    assert response.status_code == 302
    db.expire_all()
    assert bram.enrollment.paused_by == "coach"
    pause = db.scalar(select(AuditEvent).where(AuditEvent.action == "plan.paused"))
    assert pause.actor_id == team["karin"].id and pause.client_id == bram.id
    client.post("/logout", data={"csrf_token": token})

    login(client, "mehmet@example.nl")
    token = csrf_token(client, "/coach/substitutes")
    client.post(
        "/coach/substitutes/remove", data={"csrf_token": token, "item_id": str(team["karin"].id)}
    )
    client.post("/logout", data={"csrf_token": token})
    login(client, "karin@example.nl")
    assert client.get(f"/coach/clients/{bram.id}").status_code == 404
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "substitute.unlinked"))


def test_every_view_of_answers_is_audited(karin_client, team, db):
    sanne = team["sanne"]
    karin_client.get(f"/coach/clients/{sanne.id}/exercises/self_image")
    karin_client.get(f"/coach/clients/{sanne.id}/prepare")
    karin_client.get(f"/coach/clients/{sanne.id}/report.csv")
    actions = list(
        db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.client_id == sanne.id, AuditEvent.actor_id == team["karin"].id
            )
        )
    )
    assert "coach.viewed_answers" in actions
    assert "coach.viewed_preparation" in actions
    assert "coach.report" in actions
    viewed = db.scalar(select(AuditEvent).where(AuditEvent.action == "coach.viewed_answers"))
    assert viewed.detail == {"exercise": "self_image"} and viewed.ip
