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
