"""YAML loading that remembers the line of every mapping key (safe types only)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .problem_text import Text, _p


class YamlError(ValueError):
    """A YAML text that cannot be read, with the 1-based line of the problem."""

    def __init__(self, line: int, message: Text) -> None:
        super().__init__(str(message))
        self.line = line
        self.message = message


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML that knows the line of each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """The line of item `index`, or of the sequence."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: ~20x faster
    """SafeLoader where only true/false are booleans, so `value: yes` stays the text "yes"."""

    line_offset = 0


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1 + loader.line_offset
        if not isinstance(key, str | int | float | bool):
            raise YamlError(line, _p("een sleutel moet een enkel woord zijn"))
        if key in mapping:
            raise YamlError(
                line, _p("de sleutel '%(key)s' staat er twee keer; houd er één", key=key)
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    sequence = LineList()
    sequence.line = node.start_mark.line + 1 + loader.line_offset
    for item in node.value:
        sequence.append(loader.construct_object(item, deep=True))
        sequence.item_lines.append(item.start_mark.line + 1 + loader.line_offset)
    return sequence


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML text whose first line is line `first_line` of its file."""
    offset = first_line - 1
    loader = _Loader(text)
    loader.line_offset = offset
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        what = error.problem or error.context or "unreadable YAML"
        raise YamlError(
            line,
            _p(
                "de YAML is niet te lezen (%(error)s); kijk naar het inspringen, de dubbele "
                "punten en de aanhalingstekens (zet tekst met een dubbele punt tussen "
                "aanhalingstekens)",
                error=what,
            ),
        ) from None
    except yaml.YAMLError as error:
        raise YamlError(
            first_line, _p("de YAML is niet te lezen (%(error)s)", error=str(error))
        ) from None
    finally:
        loader.dispose()
