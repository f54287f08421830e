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


def test_coach_pages_render_in_english(karin_client, team, db):
    team["karin"].locale = "en"
    db.commit()
    sanne = team["sanne"].id
    for url in ("/coach", f"/coach/clients/{sanne}", f"/coach/clients/{sanne}/prepare"):
        html = karin_client.get(url).get_data(as_text=True)
        assert '<html lang="en">' in html, url


def test_coach_pages_carry_no_inline_script_or_style(karin_client, team):
    sanne = team["sanne"].id
    for url in (
        "/coach",
        f"/coach/clients/{sanne}",
        f"/coach/clients/{sanne}/prepare",
        f"/coach/clients/{sanne}/exercises/self_image",
        "/coach/clients/new",
    ):
        html = karin_client.get(url).get_data(as_text=True)
        assert 'style="' not in html, url
        assert "<script>" not in html and "<script " not in html.replace(
            '<script src="/static/js/plan-reorder.js" defer></script>', ""
        ), url
        assert '="None"' not in html, url
