"""Every coach page renders for the coach's own client."""

from __future__ import annotations

from tests.conftest import csrf_token


def test_every_coach_page_renders(karin_client, team):
    sanne = team["sanne"].id
    for url in (
        "/coach",
        "/coach/clients/new",
        f"/coach/clients/{sanne}",
        f"/coach/clients/{sanne}/exercises/self_image",
        f"/coach/clients/{sanne}/prepare",
        "/coach/substitutes",
        f"/coach/clients/{sanne}/report.csv",
        f"/coach/clients/{sanne}/report.pdf",
    ):
        response = karin_client.get(url)
        assert response.status_code == 200, url
    assert csrf_token(karin_client, f"/coach/clients/{sanne}")
