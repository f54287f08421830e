"""Plain document models: the app builds these from answers, exports renders them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["nl", "en"]
Layout = Literal["classic", "modern"]

CV_SECTIONS: tuple[str, ...] = (
    "profile",
    "experience",
    "education",
    "courses",
    "competences",
    "skills",
    "languages",
    "interests",
)
PERSONAL_DETAILS: frozenset[str] = frozenset({"city", "phone", "email", "birth_year", "photo"})
LANGUAGE_LEVELS: tuple[str, ...] = ("a1", "a2", "b1", "b2", "c1", "c2", "native")


@dataclass(frozen=True)
class Person:
    """The client as shown at the top of a document."""

    name: str
    headline: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    birth_year: str = ""
    photo: bytes | None = None


@dataclass(frozen=True)
class Job:
    """One position in the work history; dates are "YYYY-MM", end may be "current" or ""."""

    employer: str
    role: str
    place: str = ""
    start: str = ""
    end: str = ""
    tasks: str = ""


@dataclass(frozen=True)
class Diploma:
    """One education entry."""

    school: str
    programme: str
    start: str = ""
    end: str = ""
    completed: bool = True


@dataclass(frozen=True)
class Course:
    """A course or certificate."""

    name: str
    provider: str = ""
    year: str = ""


@dataclass(frozen=True)
class Language:
    """A spoken language with a CEFR level (a1..c2) or "native"."""

    language: str
    level: str = ""


@dataclass(frozen=True)
class Competence:
    """A competence with the client's own example as evidence."""

    name: str
    evidence: str = ""


@dataclass(frozen=True)
class Series:
    """One measurement moment of a questionnaire (start, midway, end)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Chart:
    """Chart data; exports draws the SVG itself, so no foreign markup enters a PDF."""

    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    minimum: float = 1
    maximum: float = 10


@dataclass(frozen=True)
class WorkbookExercise:
    """One exercise in the working document with its answers as (label, text) pairs."""

    number: str
    title: str
    answers: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class WorkbookPart:
    """A part of the program (Persoonlijkheid, Werkplezier, ...) with its exercises."""

    title: str
    exercises: Sequence[WorkbookExercise] = ()


class _Document:
    """Shared behaviour of the four document kinds."""

    kind: str = ""

    def fingerprint(self) -> str:
        """A stable hash of the content and layout, used as a cache key."""
        payload = {"kind": self.kind, "data": _canonical(dataclasses.asdict(self))}
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class PitchDocument(_Document):
    """The elevator pitch the client edited."""

    kind = "pitch"
    lang: Lang
    person: Person
    text: str


@dataclass(frozen=True)
class ResumeDocument(_Document):
    """The resumé: a one-page personal profile."""

    kind = "resume"
    lang: Lang
    person: Person
    profile: str
    values: Sequence[str] = ()
    strengths: Sequence[str] = ()
    interests: Sequence[str] = ()
    goal: str = ""
    workplace: str = ""


@dataclass(frozen=True)
class CvDocument(_Document):
    """The CV; section_order lists CV_SECTIONS keys, hidden ones are left out."""

    kind = "cv"
    lang: Lang
    person: Person
    profile: str = ""
    jobs: Sequence[Job] = ()
    diplomas: Sequence[Diploma] = ()
    courses: Sequence[Course] = ()
    skills: Sequence[str] = ()
    competences: Sequence[Competence] = ()
    languages: Sequence[Language] = ()
    interests: str = ""
    section_order: Sequence[str] = CV_SECTIONS
    hidden: AbstractSet[str] = frozenset()
    layout: Layout = "classic"
    show: AbstractSet[str] = PERSONAL_DETAILS

    def sections(self) -> list[str]:
        """Visible sections in the client's order; unknown keys are ignored, missing appended."""
        order = [s for s in dict.fromkeys(self.section_order) if s in CV_SECTIONS]
        order += [s for s in CV_SECTIONS if s not in order]
        return [s for s in order if s not in self.hidden]


@dataclass(frozen=True)
class WorkbookDocument(_Document):
    """The working document: every answer by part, plus the questionnaire charts."""

    kind = "workbook"
    lang: Lang
    person_name: str
    parts: Sequence[WorkbookPart] = ()
    charts: Sequence[Chart] = ()


Document = PitchDocument | ResumeDocument | CvDocument | WorkbookDocument


def _canonical(value: Any) -> Any:
    """JSON-ready form: bytes become their hash, sets are sorted."""
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value
