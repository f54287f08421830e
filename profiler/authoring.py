"""Writing exercises in the admin editor: check a text, list the library, save with history.

Plain functions over a content folder and a loaded Library; no request, no clock (`now` is
passed in). The views in profiler/admin/exercise_views.py turn the results into pages.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .exercises import KINDS, PARTS, Exercise, Library, Problem, load_library, parse_exercise_text
from .exercises.problem_text import _p
from .library import Signature, content_signature

# Stricter than the engine's pattern: the editor always asks for the two-digit prefix.
FILE_NAME = re.compile(r"^(?P<order>\d{2})-(?P<id>[a-z][a-z0-9_]*)\.(?P<lang>nl|en)\.md$")
FRONT_MATTER_ID = re.compile(r"^id:[ \t]*['\"]?(?P<id>[a-z][a-z0-9_]*)", re.MULTILINE)
HISTORY = ".history"
MAX_SOURCE = 200_000  # characters; the longest exercise today is about 12,000

NEW_EXERCISE_NL = """\
---
id: my_exercise
title: Nieuwe oefening
part: personality
kind: exercise
estimate: 15
summary: Eén zin over wat de cliënt in deze oefening doet.
---

Schrijf hier in gewone woorden wat de cliënt gaat doen.

## Stap 1. Een eerste vraag

```field
id: answer
type: textarea
label: Wat wil je hierover vertellen?
rows: 4
```
"""


class InvalidName(ValueError):
    """A file name that is not `NN-<id>.<nl|en>.md` (so possibly a way out of the folder)."""


class SaveRefused(Exception):
    """The text was not saved because it has problems (nothing on disk changed)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class SaveConflict(Exception):
    """The file on disk is not what the editor expected: `reason` is exists/missing/changed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Check:
    """The outcome of checking an unsaved text."""

    exercise: Exercise | None
    problems: list[Problem]  # these block saving
    warnings: list[Problem] = field(default_factory=list)  # the other language still differs

    @property
    def ok(self) -> bool:
        """True when the text may be saved."""
        return self.exercise is not None and not self.problems


@dataclass(frozen=True)
class Saved:
    """A saved file, the copy of its previous version and the library that includes it."""

    path: Path
    history: Path | None
    library: Library
    signature: Signature | None  # None: something else changed meanwhile; reload from disk
    created: bool


# ---------------------------------------------------------------- names and reading


def exercises_dir(content_dir: Path) -> Path:
    """The folder with the exercise files."""
    return Path(content_dir) / "exercises"


def exercise_path(content_dir: Path, filename: str) -> Path:
    """The file `filename` inside content/exercises/, or InvalidName (never a path outside)."""
    if not isinstance(filename, str) or not FILE_NAME.fullmatch(filename):
        raise InvalidName(filename)
    folder = exercises_dir(content_dir).resolve()
    path = (folder / filename).resolve()
    if path.parent != folder:
        raise InvalidName(filename)
    return path


def relative_name(filename: str) -> str:
    """The name used in problems: `exercises/<filename>` (as the library loader does)."""
    return f"exercises/{filename}"


def twin_name(filename: str) -> str:
    """The other-language file name: 05-values.nl.md <-> 05-values.en.md."""
    match = FILE_NAME.fullmatch(filename)
    if not match:
        raise InvalidName(filename)
    other = "en" if match["lang"] == "nl" else "nl"
    return f"{match['order']}-{match['id']}.{other}.md"


def normalize(text: str) -> str:
    """Browsers send CRLF from a textarea; files use LF and no byte order mark."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def fingerprint(text: str) -> str:
    """A short hash of a text, to notice that the file changed while it was being edited."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:32]


def read_source(content_dir: Path, filename: str) -> str:
    """The text of an exercise file (FileNotFoundError when it does not exist)."""
    return exercise_path(content_dir, filename).read_text(encoding="utf-8")


def guess_filename(text: str, lang: str = "nl") -> str:
    """A file name for previewing a new text before it has a name: from its `id:` line."""
    match = FRONT_MATTER_ID.search(normalize(text))
    return f"99-{match['id'] if match else 'new'}.{lang}.md"


# ---------------------------------------------------------------- checking


def _without(library: Library, key: tuple[str, str]) -> Library:
    """A shallow copy of `library` without one exercise (to check without the twin)."""
    exercises = {k: v for k, v in library.exercises.items() if k != key}
    return Library(exercises=exercises, programs=library.programs, problems=library.problems)


def check_text(text: str, filename: str, library: Library) -> Check:
    """Check an unsaved text as the file `filename` against the library.

    Differences with the other-language twin are warnings, not errors: an administrator
    changes one file at a time, so adding a field to nl must be possible before en follows.
    """
    text = normalize(text)
    name = relative_name(filename)
    if len(text) > MAX_SOURCE:
        too_long = _p("de tekst is langer dan %(max)s tekens", max=MAX_SOURCE)
        return Check(None, [Problem(name, 1, too_long)])
    match = FILE_NAME.fullmatch(filename)
    own_key = (match["id"], match["lang"]) if match else ("", "")
    other = "en" if own_key[1] == "nl" else "nl"
    exercise, problems = parse_exercise_text(text, name, _without(library, (own_key[0], other)))
    if problems:
        return Check(None, problems)
    _, warnings = parse_exercise_text(text, name, library)
    return Check(exercise, [], warnings)


def problems_caused_elsewhere(before: Library, after: Library, filename: str) -> list[Problem]:
    """New problems in other files (not this file or its twin) that the change would cause."""
    own = {relative_name(filename), relative_name(twin_name(filename))}
    old = {(p.path, p.message) for p in before.problems}
    return [p for p in after.problems if p.path not in own and (p.path, p.message) not in old]


def library_with(content_dir: Path, filename: str, text: str) -> Library:
    """The library as it would load with `text` saved as `filename` (built in a temp copy)."""
    with tempfile.TemporaryDirectory(prefix="profiler-authoring-") as tmp:
        copy = Path(tmp)
        for sub in ("exercises", "programs"):
            source = Path(content_dir) / sub
            target = copy / sub
            target.mkdir()
            if source.is_dir():
                for path in source.iterdir():
                    if path.is_file() and not path.name.startswith("."):
                        shutil.copyfile(path, target / path.name)
        (copy / "exercises" / filename).write_text(normalize(text), encoding="utf-8")
        return load_library(copy)


# ---------------------------------------------------------------- saving


def history_path(content_dir: Path, filename: str, now: datetime) -> Path:
    """`<content>/.history/<filename>.<UTC timestamp>`, unique even within one second."""
    folder = Path(content_dir) / HISTORY
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{filename}.{stamp}"
    n = 2
    while path.exists():
        path = folder / f"{filename}.{stamp}-{n}"
        n += 1
    return path


def write_atomically(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a file."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def save(
    content_dir: Path,
    filename: str,
    text: str,
    *,
    library: Library,
    now: datetime,
    base: str | None = None,
    create: bool = False,
) -> Saved:
    """Check `text` and write it as `filename`, keeping the previous version in .history/.

    `base` is the fingerprint of the file as the editor loaded it: when the file changed on
    disk since then, the save is refused so nobody's edit is overwritten silently.
    `create` refuses to overwrite an existing file.
    Raises SaveRefused (problems), SaveConflict (file state) or InvalidName.
    """
    content_dir = Path(content_dir)
    path = exercise_path(content_dir, filename)
    name = relative_name(filename)
    text = normalize(text)
    exists = path.exists()
    if create and exists:
        raise SaveConflict("exists")
    if not create and not exists:
        raise SaveConflict("missing")
    if base is not None and exists and fingerprint(path.read_text(encoding="utf-8")) != base:
        raise SaveConflict("changed")
    check = check_text(text, filename, library)
    if not check.ok:
        raise SaveRefused(check.problems)
    before = content_signature(content_dir)
    after = library_with(content_dir, filename, text)
    if elsewhere := problems_caused_elsewhere(library, after, filename):
        raise SaveRefused(elsewhere)
    kept = None
    if exists:
        kept = history_path(content_dir, filename, now)
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, kept)
    write_atomically(path, text)
    signature = content_signature(content_dir)
    return Saved(
        path=path,
        history=kept,
        library=after,
        signature=signature if _only_changed(before, signature, name) else None,
        created=not exists,
    )


def _only_changed(before: Signature, after: Signature, name: str) -> bool:
    """True when `name` is the only file that differs between two signatures."""
    if before[0] != after[0]:
        return False
    old = {entry for entry in before[1] if entry[0] != name}
    new = {entry for entry in after[1] if entry[0] != name}
    return old == new


def history(content_dir: Path, filename: str) -> list[Path]:
    """Earlier versions of `filename`, newest first."""
    exercise_path(content_dir, filename)  # validates the name
    folder = Path(content_dir) / HISTORY
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.name.startswith(filename + ".")]
    return sorted(found, key=lambda p: p.name, reverse=True)


# ---------------------------------------------------------------- the overview


@dataclass
class FileStatus:
    """One exercise file: its language, whether it loaded, and its problems."""

    name: str
    lang: str
    loaded: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        """Only well-named files open in the editor (others must be renamed on disk)."""
        return bool(FILE_NAME.fullmatch(self.name))


@dataclass
class Entry:
    """One exercise (both languages) in the overview."""

    id: str
    title: str = ""
    part: str | None = None
    kind: str = "exercise"
    files: dict[str, FileStatus] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        """The problems of all its files."""
        return sorted(p for f in self.files.values() for p in f.problems)

    @property
    def sort_key(self) -> str:
        """Files sort by their number prefix."""
        return min((f.name for f in self.files.values()), default="")


@dataclass
class Group:
    """A part (for exercises) or a kind (questionnaires, check-in, ...) with its entries."""

    key: str  # "part:<id>", "kind:<kind>" or "broken"
    entries: list[Entry]


@dataclass
class ProgramStatus:
    """One programs/*.yml file: its title and steps when it loaded, else its problems."""

    name: str
    id: str | None
    title: dict[str, str]
    steps: int
    optional: list[str]
    problems: list[Problem]


@dataclass
class Overview:
    """Everything the library page shows."""

    groups: list[Group]
    programs: list[ProgramStatus]
    other_problems: list[Problem]  # problems of files that are neither exercises nor programs
    optional: set[str] = field(default_factory=set)  # ids a coach may add to a plan

    @property
    def problem_count(self) -> int:
        """All problems on the page."""
        return (
            sum(len(e.problems) for g in self.groups for e in g.entries)
            + sum(len(p.problems) for p in self.programs)
            + len(self.other_problems)
        )


def overview(content_dir: Path, library: Library) -> Overview:
    """The library by part and kind, with each file's problems, plus the programs."""
    content_dir = Path(content_dir)
    by_path: dict[str, list[Problem]] = {}
    for problem in library.problems:
        by_path.setdefault(problem.path, []).append(problem)
    loaded = {ex.path: ex for ex in library}
    entries: dict[str, Entry] = {}
    seen_paths: set[str] = set()
    folder = exercises_dir(content_dir)
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    for path in files:
        name = relative_name(path.name)
        seen_paths.add(name)
        match = FILE_NAME.fullmatch(path.name)
        exercise = loaded.get(name)
        ident = exercise.id if exercise else (match["id"] if match else path.stem)
        lang = exercise.lang if exercise else (match["lang"] if match else "?")
        entry = entries.setdefault(ident, Entry(id=ident))
        entry.files[lang if lang not in entry.files else path.name] = FileStatus(
            path.name, lang, exercise is not None, sorted(by_path.get(name, []))
        )
        if exercise is not None and (not entry.title or exercise.lang == "nl"):
            entry.title, entry.part, entry.kind = exercise.title, exercise.part, exercise.kind
    programs = []
    program_dir = content_dir / "programs"
    for path in sorted(program_dir.glob("*.yml")) if program_dir.is_dir() else []:
        name = f"programs/{path.name}"
        seen_paths.add(name)
        program = next((p for p in library.programs.values() if p.path == name), None)
        programs.append(
            ProgramStatus(
                name=path.name,
                id=program.id if program else None,
                title=dict(program.title) if program else {},
                steps=len(program.steps) if program else 0,
                optional=list(program.optional) if program else [],
                problems=sorted(by_path.get(name, [])),
            )
        )
    groups = _group(list(entries.values()))
    other = sorted(p for p in library.problems if p.path not in seen_paths)
    optional = {i for program in library.programs.values() for i in program.optional}
    return Overview(groups, programs, other, optional)


def _group(entries: list[Entry]) -> list[Group]:
    order = [f"part:{p}" for p in PARTS] + [f"kind:{k}" for k in KINDS if k != "exercise"]
    buckets: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.sort_key):
        if not entry.title:
            key = "broken"
        elif entry.kind == "exercise":
            key = f"part:{entry.part}"
        else:
            key = f"kind:{entry.kind}"
        buckets.setdefault(key, []).append(entry)
    keys = [k for k in order if k in buckets] + sorted(k for k in buckets if k not in order)
    return [Group(k, buckets[k]) for k in keys]
