"""Options of choice and rank fields: `{value, label}` pairs read from YAML."""

from __future__ import annotations

from dataclasses import dataclass

from ..problem_text import _p
from ..spec_reader import ID_ADVICE, ID_PATTERN, SpecReader


@dataclass(frozen=True)
class Option:
    """One answer to choose: a stable value and the label the client reads."""

    value: str
    label: str


def read_options(reader: SpecReader, key: str = "options", reserved: str = "") -> list[Option]:
    """Read `options`, reporting bad or repeated values at their own line."""
    options: list[Option] = []
    seen: set[str] = set()
    for spec in reader.mappings(key):
        child = reader.child(spec, _p("%(what)s, optie", what=reader.what))
        child.check_keys(("value", "label"), ("value", "label"))
        value = spec.get("value")
        if "value" not in spec:
            continue
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            child.problem(
                "value",
                _p(
                    "%(what)s: optiewaarde '%(value)s' is geen geldig id; %(advice)s; zet "
                    "woorden als yes/no/on tussen aanhalingstekens",
                    what=reader.what,
                    value=value,
                    advice=ID_ADVICE,
                ),
            )
            continue
        if value in seen:
            child.problem(
                "value",
                _p(
                    "%(what)s: optiewaarde '%(value)s' staat er twee keer; geef elke optie een "
                    "eigen waarde",
                    what=reader.what,
                    value=value,
                ),
            )
        if value == reserved:
            child.problem(
                "value",
                _p(
                    "%(what)s: optiewaarde '%(value)s' is gereserveerd voor het antwoord "
                    "'other'; kies een andere waarde",
                    what=reader.what,
                    value=value,
                ),
            )
        seen.add(value)
        options.append(Option(value, child.string("label") or value))
    return options
