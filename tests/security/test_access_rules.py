"""Every view carries an explicit access rule from profiler.access (static is the exception)."""

from __future__ import annotations

from tests.security.routes import allowed_roles


def test_every_view_function_has_an_access_rule(app):
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "access_rule", None)
    ]
    assert missing == [], f"views without @public/@login_required/@role_required: {missing}"


def test_every_access_rule_is_one_the_matrix_understands(app):
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            allowed_roles(view.access_rule)  # raises on an unknown rule


def test_a_new_view_without_a_rule_is_caught(app):
    app.view_functions["sneaky"] = lambda: "hi"
    missing = [
        e
        for e, v in app.view_functions.items()
        if e != "static" and not getattr(v, "access_rule", None)
    ]
    assert missing == ["sneaky"]
