"""Prefill templates: Jinja in a sandbox that sees only `answers` and `scores`."""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .problem_text import Text, _p

MAX_OUTPUT = 20_000
MAX_REPEAT = 10_000


class _Sandbox(SandboxedEnvironment):
    """The Jinja sandbox, also refusing huge repetitions and powers."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("power too large")
            return operator.pow(left, right)
        for count in (left, right):
            if isinstance(count, int) and count > MAX_REPEAT:
                raise SecurityError("repetition too large")
        return operator.mul(left, right)


_ENV = _Sandbox(undefined=ChainableUndefined, autoescape=False, auto_reload=False)


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    return _ENV.from_string(source)


def template_problem(source: str) -> Text | None:
    """Why this template cannot be used, or None when it is fine."""
    if "__" in source:
        return _p(
            "prefill mag geen namen met '__' gebruiken; gebruik alleen answers.<oefening>.<veld>"
        )
    try:
        _ENV.parse(source)
    except TemplateSyntaxError as error:
        reason = (error.message or "syntax error").rstrip(".")
        return _p(
            "de prefill-template heeft een fout op zijn regel %(line)s: %(reason)s; kijk de "
            "haakjes {{ }} en {%% %%} na",
            line=error.lineno,
            reason=reason,
        )
    return None


def render_prefill(
    source: str,
    answers: Mapping[str, Mapping[str, Any]],
    scores: Mapping[str, Mapping[str, Mapping[str, float]]],
) -> str:
    """The filled-in template; any failure gives an empty text, never an exception."""
    if template_problem(source):
        return ""
    try:
        result = _compiled(source).render(answers=answers, scores=scores)
    except Exception:  # noqa: BLE001 - a broken template must never break the page
        return ""
    return result.strip()[:MAX_OUTPUT]
