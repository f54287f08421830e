"""`url_for` for templates, remembered: a page builds the same 20-odd links on every request.

Werkzeug's URL building costs some 25 microseconds a link; the answer only depends on the
endpoint, its arguments, the blueprint (for `.endpoint`) and the script root the app is
mounted under, so those are the key. External URLs (`_external`, `_scheme`, `_anchor` and
other `_` options) are built every time. The memory is per process and bounded.
"""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from werkzeug.routing import IntegerConverter

from .models import MAX_INTEGER

MAX_REMEMBERED = 8192
KEY = "profiler.urls"


class RowIdConverter(IntegerConverter):
    """`<int:…>` in this app's addresses is always a row id: a number above MAX_INTEGER
    matches no route (a 404), instead of reaching the database, whose driver refuses it."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INTEGER, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def template_url_for(endpoint: str, **values: object) -> str:
    """The same URL as `flask.url_for(endpoint, **values)`."""
    if any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, request.blueprint, endpoint, frozenset(values.items()))
        hash(key)
    except TypeError:  # an unhashable argument: build it normally
        return url_for(endpoint, **values)
    remembered: dict = current_app.extensions[KEY]
    url = remembered.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(remembered) >= MAX_REMEMBERED:
            remembered.clear()
        remembered[key] = url
    return url


def use_row_ids(app: Flask) -> None:
    """`<int:…>` means RowIdConverter; call before any route is added."""
    app.url_map.converters["int"] = RowIdConverter


def init_app(app: Flask) -> None:
    """Templates get the remembering `url_for`."""
    app.extensions[KEY] = {}
    app.jinja_env.globals["url_for"] = template_url_for
