"""Options of choice and rank fields: `{value, label}` pairs read from YAML."""

from __future__ import annotations

from dataclasses import dataclass

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
        child = reader.child(spec, f"{reader.what}, option")
        child.check_keys(("value", "label"), ("value", "label"))
        value = spec.get("value")
        if "value" not in spec:
            continue
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            child.problem(
                "value",
                f"{reader.what}: option value '{value}' is not a valid id; "
                f"{ID_ADVICE}; put words like yes/no/on in quotes",
            )
            continue
        if value in seen:
            child.problem(
                "value",
                f"{reader.what}: option value '{value}' appears twice; "
                "give every option its own value",
            )
        if value == reserved:
            child.problem(
                "value",
                f"{reader.what}: option value '{value}' is reserved for the "
                "'other' answer; choose another value",
            )
        seen.add(value)
        options.append(Option(value, child.string("label") or value))
    return options
