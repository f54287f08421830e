"""Reading one exercise file: front matter, Markdown text and ```field blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from .fields.base import Field
from .fields.registry import build_field
from .model import KINDS, PARTS, Exercise, Problem
from .positioned_yaml import LineDict, YamlError, load_yaml
from .problem_text import _p
from .sanitize import markdown_to_html
from .spec_reader import SpecReader

if TYPE_CHECKING:
    from .model import Library

FRONT_KEYS = ("id", "title", "part", "kind", "estimate", "summary")
FILE_NAME = re.compile(r"^(?:\d{2}-)?(?P<id>[a-z][a-z0-9_]*)\.(?P<lang>nl|en)\.md$")
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")


@dataclass
class Block:
    """A piece of the body: Markdown text or the YAML of one field, with its first line."""

    kind: str  # "text" | "field"
    source: str
    line: int


def split_body(body: str, first_line: int, path: str, problems: list[Problem]) -> list[Block]:
    """Cut the body into Markdown and ```field blocks; other fenced code stays Markdown."""
    blocks: list[Block] = []
    text: list[str] = []
    lines = body.split("\n")
    n = 0
    while n < len(lines):
        match = FENCE.match(lines[n])
        if not match:
            text.append(lines[n])
            n += 1
            continue
        fence = match.group("fence")
        end = next(
            (
                k
                for k in range(n + 1, len(lines))
                if lines[k].strip().startswith(fence[0] * len(fence))
                and not lines[k].strip().strip(fence[0])
            ),
            None,
        )
        if match.group("info") != "field":
            stop = len(lines) if end is None else end + 1
            text.extend(lines[n:stop])
            n = stop
            continue
        if end is None:
            problems.append(
                Problem(
                    path,
                    first_line + n,
                    _p(
                        "dit veldblok is niet afgesloten; zet een regel %(fence)s na de laatste "
                        "regel",
                        fence=fence,
                    ),
                )
            )
            break
        if text:
            blocks.append(Block("text", "\n".join(text), first_line + n - len(text)))
            text = []
        blocks.append(Block("field", "\n".join(lines[n + 1 : end]), first_line + n))
        n = end + 1
    if any(t.strip() for t in text):
        blocks.append(Block("text", "\n".join(text), first_line + len(lines) - len(text)))
    return blocks


def split_front_matter(
    text: str, path: str, problems: list[Problem]
) -> tuple[str, str, int] | None:
    """(front matter YAML, body, first line of the body); None if the '---' lines are off."""
    # A byte order mark (what some Windows editors put first) is invisible: not an error.
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(
            Problem(
                path,
                1,
                _p(
                    "het bestand moet beginnen met een regel '---', dan de front matter (id, "
                    "title, ...) en dan weer een regel '---'"
                ),
            )
        )
        return None
    end = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)
    if end is None:
        problems.append(
            Problem(
                path,
                1,
                _p(
                    "de front matter is niet afgesloten; zet een regel '---' na de laatste regel "
                    "van de front matter"
                ),
            )
        )
        return None
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :]), end + 2


def read_front_matter(source: str, path: str, problems: list[Problem]) -> SpecReader | None:
    """The front matter as a checked reader, or None when it is not YAML keys."""
    try:
        spec = load_yaml(source, first_line=2)
    except YamlError as error:
        problems.append(
            Problem(path, error.line, _p("front matter: %(error)s", error=error.message))
        )
        return None
    if not isinstance(spec, LineDict):
        problems.append(
            Problem(path, 2, _p("de front matter moet bestaan uit regels als 'sleutel: waarde'"))
        )
        return None
    reader = SpecReader(spec, path, problems, _p("de front matter"))
    reader.check_keys(FRONT_KEYS, ("id", "title"))
    return reader


def read_field(block: Block, lang: str, path: str, problems: list[Problem]) -> Field | None:
    """One ```field block as a Field (None when it is unusable)."""
    try:
        spec = load_yaml(block.source, first_line=block.line + 1)
    except YamlError as error:
        problems.append(Problem(path, error.line, _p("veldblok: %(error)s", error=error.message)))
        return None
    if not isinstance(spec, LineDict):
        problems.append(
            Problem(
                path,
                block.line,
                _p(
                    "een veldblok moet bestaan uit regels als 'sleutel: waarde' (id, type, "
                    "label, ...)"
                ),
            )
        )
        return None
    spec.line = block.line
    return build_field(SpecReader(spec, path, problems, None), lang)


def parse_exercise_text(
    text: str, path: str | PurePath, library: Library | None = None
) -> tuple[Exercise | None, list[Problem]]:
    """Parse one exercise; with `library`, also check references and the other language."""
    path = str(path)
    problems: list[Problem] = []
    name = FILE_NAME.match(PurePath(path).name)
    if not name:
        problems.append(
            Problem(
                path,
                1,
                _p(
                    "de bestandsnaam moet de vorm NN-<id>.nl.md of NN-<id>.en.md hebben, "
                    "bijvoorbeeld 04-interests.nl.md"
                ),
            )
        )
    lang = name.group("lang") if name else "nl"
    split = split_front_matter(text, path, problems)
    reader = read_front_matter(split[0], path, problems) if split else None
    if split is None or reader is None:
        return None, problems
    body, body_line = split[1], split[2]
    exercise = Exercise(
        id=reader.ident("id"),
        lang=lang,
        title=reader.string("title"),
        path=path,
        kind=reader.string("kind", "exercise"),
        part=reader.string("part") or None,
        estimate=reader.integer("estimate", None, minimum=1, maximum=600),
        summary=reader.string("summary"),
        lines=dict(reader.spec.key_lines),
    )
    if exercise.kind not in KINDS:
        reader.problem(
            "kind",
            _p(
                "kind '%(kind)s' bestaat niet; kies uit: %(kinds)s",
                kind=exercise.kind,
                kinds=", ".join(KINDS),
            ),
        )
    if exercise.part and exercise.part not in PARTS:
        reader.problem(
            "part",
            _p(
                "part '%(part)s' bestaat niet; kies uit: %(parts)s",
                part=exercise.part,
                parts=", ".join(PARTS),
            ),
        )
    elif exercise.kind == "exercise" and not exercise.part:
        reader.problem(
            None,
            _p(
                "een oefening heeft 'part' nodig in de front matter; kies uit: %(parts)s",
                parts=", ".join(PARTS),
            ),
        )
    if name and exercise.id and name.group("id") != exercise.id:
        reader.problem(
            "id",
            _p(
                "id '%(id)s' is anders dan in de bestandsnaam ('%(name)s'); maak ze gelijk",
                id=exercise.id,
                name=name.group("id"),
            ),
        )
    exercise.body = tuple(_body(body, body_line, lang, path, problems))
    _check_unique_ids(exercise, path, problems)
    if not problems:
        from .checks import check_against_library, check_own_references

        if library is None:
            problems += check_own_references(exercise)
        else:
            problems += check_against_library(exercise, library)
    return (None if problems else exercise), sorted(problems)


def _body(
    body: str, first_line: int, lang: str, path: str, problems: list[Problem]
) -> list[str | Field]:
    pieces: list[str | Field] = []
    for block in split_body(body, first_line, path, problems):
        if block.kind == "text":
            html = markdown_to_html(block.source)
            if html.strip():
                pieces.append(html)
        elif (found := read_field(block, lang, path, problems)) is not None:
            pieces.append(found)
    return pieces


def _check_unique_ids(exercise: Exercise, path: str, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for found in exercise.fields:
        if found.id in seen:
            problems.append(
                Problem(
                    path,
                    found.line,
                    _p(
                        "veld-id '%(id)s' staat ook al op regel %(line)s; geef elk veld een "
                        "eigen id",
                        id=found.id,
                        line=seen[found.id],
                    ),
                )
            )
        seen.setdefault(found.id, found.line)
