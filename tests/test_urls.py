"""The remembering url_for of the templates gives exactly what flask.url_for gives."""

from __future__ import annotations

from flask import url_for

from profiler.urls import KEY, MAX_REMEMBERED, template_url_for


def test_same_links_as_url_for_also_under_another_script_root(app):
    cases = [
        ("static", {"filename": "css/app.css"}),
        ("client.exercise", {"exercise_id": "self_image"}),
        ("client.exercise", {"exercise_id": "values"}),
        ("client.overview", {}),
    ]
    for root in ("", "/profiler"):
        with app.test_request_context("/me", base_url=f"http://localhost{root}"):
            for endpoint, values in cases:
                assert template_url_for(endpoint, **values) == url_for(endpoint, **values)
                assert template_url_for(endpoint, **values).startswith(root + "/")


def test_external_links_and_blueprint_relative_endpoints(app):
    with app.test_request_context("/me/exercises/x", base_url="https://a.example"):
        assert template_url_for("index", _external=True) == "https://a.example/"
    with app.test_request_context("/me/exercises/x", base_url="https://b.example"):
        assert template_url_for("index", _external=True) == "https://b.example/"
    with app.test_request_context("/me"):
        from flask import request

        request.url_rule = app.url_map.bind("localhost").match("/me", return_rule=True)[0]
        assert template_url_for(".overview") == url_for("client.overview")


def test_the_memory_is_bounded(app):
    with app.test_request_context("/"):
        for n in range(MAX_REMEMBERED + 10):
            template_url_for("client.exercise", exercise_id=f"e{n}")
        assert len(app.extensions[KEY]) <= MAX_REMEMBERED


def test_an_id_too_large_for_the_database_in_an_address_is_a_404(users, app, client):
    """`<int:…>` in an address is a row id: a number no INTEGER column holds finds nothing
    (before, the database driver refused it: a 500)."""
    from tests.conftest import login

    login(client, "admin@example.nl")
    for huge in ("9223372036854775808", "2147483648"):
        for path in (
            f"/admin/users/{huge}",
            f"/coach/clients/{huge}",
            f"/coach/clients/{huge}/prepare",
        ):
            assert client.get(path).status_code == 404, path
    assert client.get(f"/admin/users/{users['client_a'].id}").status_code == 200
    with app.test_request_context():
        assert url_for("admin.user", user_id=2147483647) == "/admin/users/2147483647"
