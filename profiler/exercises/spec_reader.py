"""Reading YAML mappings key by key, reporting each mistake at the line of its key."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .model import Problem
from .positioned_yaml import LineDict
from .problem_text import Text, _p

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# C0 control characters other than tab and line breaks: not text, and not allowed in HTML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ID_ADVICE = _p(
    "gebruik alleen kleine letters, cijfers en _, en begin met een letter (bijvoorbeeld "
    "work_history)"
)


class SpecReader:
    """Typed access to one YAML mapping; problems go to a shared list with file and line."""

    def __init__(
        self, spec: LineDict, path: str, problems: list[Problem], what: Text | None
    ) -> None:
        self.spec = spec
        self.path = path
        self.problems = problems
        self.what = what

    def line(self, key: str | None = None) -> int:
        """The line of `key`, or of the mapping."""
        return self.spec.line_of(key) if key else self.spec.line

    def problem(self, key: str | None, message: Text) -> None:
        """Report a problem at the line of `key`."""
        self.problems.append(Problem(self.path, self.line(key), message))

    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        """Report unknown and missing keys."""
        allowed = list(allowed)
        for key in self.spec:
            if key not in allowed:
                self.problem(
                    key,
                    _p(
                        "%(what)s heeft een onbekende sleutel '%(key)s'; toegestaan zijn: "
                        "%(allowed)s",
                        what=self.what,
                        key=key,
                        allowed=", ".join(allowed),
                    ),
                )
        for key in required:
            if key not in self.spec:
                self.problem(
                    None,
                    _p(
                        "%(what)s mist de sleutel '%(key)s'; voeg '%(key)s: ...' toe",
                        what=self.what,
                        key=key,
                    ),
                )

    def has(self, key: str) -> bool:
        """Whether the key is present."""
        return key in self.spec

    def raw(self, key: str, default: Any = None) -> Any:
        """The value as YAML gave it."""
        return self.spec.get(key, default)

    def string(self, key: str, default: str = "") -> str:
        """A text value (numbers are accepted and turned into text)."""
        value = self.spec.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(
                key,
                _p(
                    "%(what)s: '%(key)s' moet een tekst zijn; zet de waarde tussen "
                    "aanhalingstekens",
                    what=self.what,
                    key=key,
                ),
            )
            return default
        text = str(value).strip()
        if _CONTROL.search(text):
            # Only a YAML escape such as "\0" can put one here; a NUL would also break the
            # markers the fields' stencils use.
            self.problem(
                key,
                _p(
                    "%(what)s: '%(key)s' bevat een onzichtbaar stuurteken (zoals \\0); haal het "
                    "weg",
                    what=self.what,
                    key=key,
                ),
            )
            text = _CONTROL.sub("", text)
        return text

    def boolean(self, key: str, default: bool = False) -> bool:
        """A true/false value."""
        value = self.spec.get(key, default)
        if not isinstance(value, bool):
            self.problem(
                key,
                _p(
                    "%(what)s: '%(key)s' moet true of false zijn, niet '%(value)s'",
                    what=self.what,
                    key=key,
                    value=value,
                ),
            )
            return default
        return value

    def integer(
        self, key: str, default: int | None, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        """A whole number within optional bounds."""
        value = self.spec.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(
                key,
                _p(
                    "%(what)s: '%(key)s' moet een heel getal zijn, niet '%(value)s'",
                    what=self.what,
                    key=key,
                    value=value,
                ),
            )
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is None:
                message = _p(
                    "%(what)s: '%(key)s' moet minstens %(minimum)s zijn, niet %(value)s",
                    what=self.what,
                    key=key,
                    minimum=minimum,
                    value=value,
                )
            else:
                message = _p(
                    "%(what)s: '%(key)s' moet van %(minimum)s tot en met %(maximum)s zijn, niet "
                    "%(value)s",
                    what=self.what,
                    key=key,
                    minimum=minimum,
                    maximum=maximum,
                    value=value,
                )
            self.problem(key, message)
            return default
        return value

    def ident(self, key: str) -> str:
        """An id value (snake_case)."""
        value = self.spec.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(
                key,
                _p(
                    "%(what)s: '%(key)s' heeft de waarde '%(value)s', en dat is geen geldig id; "
                    "%(advice)s",
                    what=self.what,
                    key=key,
                    value=value,
                    advice=ID_ADVICE,
                ),
            )
            return str(value)
        return value

    def mappings(self, key: str) -> list[LineDict]:
        """A list of mappings (e.g. options); anything else in it is reported."""
        value = self.spec.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(
                key,
                _p(
                    "%(what)s: '%(key)s' moet een lijst zijn (regels die beginnen met '- ')",
                    what=self.what,
                    key=key,
                ),
            )
            return []
        found = []
        for item in value:
            if isinstance(item, LineDict):
                found.append(item)
            else:
                self.problem(
                    key,
                    _p(
                        "%(what)s: elk onderdeel van '%(key)s' moet sleutels hebben, zoals "
                        "'- {id: ..., label: ...}'; '%(item)s' heeft die niet",
                        what=self.what,
                        key=key,
                        item=item,
                    ),
                )
        return found

    def child(self, spec: LineDict, what: Text) -> SpecReader:
        """A reader for a nested mapping sharing the problem list."""
        return SpecReader(spec, self.path, self.problems, what)

    def children(
        self, key: str, what: Text, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> list[SpecReader]:
        """Readers for a list of nested mappings, with their keys checked."""
        children = []
        for spec in self.mappings(key):
            child = self.child(spec, _p("%(outer)s, %(inner)s", outer=self.what, inner=what))
            child.check_keys(allowed, required)
            children.append(child)
        return children

    def report_repeats(self, key: str, ids: list[str]) -> None:
        """Report ids in the list under `key` that appear more than once."""
        repeats = sorted({i for i in ids if i and ids.count(i) > 1})
        if repeats:
            self.problem(
                key,
                _p(
                    "%(what)s: deze ids onder '%(key)s' komen meer dan eens voor: %(ids)s; geef "
                    "elk een eigen id",
                    what=self.what,
                    key=key,
                    ids=", ".join(repeats),
                ),
            )
