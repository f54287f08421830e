"""Answers to document models: the pitch, resumé, CV and working document exports renders.

Plain functions over the session, the exercise library and the client's choices; no request,
no clock. The answers are read in one query. `conditions` (work conditions, limits, health)
is dropped right after reading, so it can never reach a document, not even through a
prefill template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports import (
    Chart,
    Competence,
    Course,
    CvDocument,
    Diploma,
    Document,
    Job,
    Language,
    Person,
    PitchDocument,
    ResumeDocument,
    Series,
    WorkbookDocument,
    WorkbookExercise,
    WorkbookPart,
)

from . import exercises as engine
from .answers import is_empty, plain_text
from .documents.choices import Choices
from .exercises.fields.base import RenderContext
from .models import Answer, User

KINDS = ("pitch", "resume", "cv", "workbook")
DEFAULT_PROGRAM = "persoonlijk_profiel"
PRIVATE_EXERCISES = frozenset({"conditions"})
QUESTIONNAIRES = ("q_start", "q_midway", "q_end")
LEVELS = frozenset({"a1", "a2", "b1", "b2", "c1", "c2", "native"})
MAX_VALUES = 5
MAX_STRENGTHS = 6

# Document wording that is not the client's (the document's language, not the page's).
WORDING = {
    "nl": {
        "private_label": "Privé",
        "private_text": (
            "Je antwoorden bij deze oefening zijn privé. Ze staan niet in dit document."
        ),
        "earlier": "Eerder antwoord",
        "q_start": "Start",
        "q_midway": "Halverwege",
        "q_end": "Eind",
        "questionnaire": "Vragenlijst",
    },
    "en": {
        "private_label": "Private",
        "private_text": "Your answers to this exercise are private. They are not in this document.",
        "earlier": "Earlier answer",
        "q_start": "Start",
        "q_midway": "Midway",
        "q_end": "End",
        "questionnaire": "Questionnaire",
    },
}


@dataclass(frozen=True)
class Sources:
    """Everything a document is built from: the client, their answers and scores, the library."""

    client: User
    answers: Mapping[str, Mapping[str, Any]]
    scores: Mapping[str, Mapping[str, Mapping[str, float]]]
    library: Any
    lang: str

    def value(self, exercise_id: str, field_id: str) -> Any:
        """The stored value of one field, or None."""
        return self.answers.get(exercise_id, {}).get(field_id)

    def text(self, exercise_id: str, field_id: str) -> str:
        """A stored text answer, stripped ("" for anything else)."""
        return _str(self.value(exercise_id, field_id))

    def text_or_prefill(self, exercise_id: str, field_id: str) -> str:
        """The client's text, or while they saved none, the draft the exercise offers them."""
        own = self.text(exercise_id, field_id)
        if own:
            return own
        exercise = self.library.get(exercise_id, self.lang)
        item = exercise.field(field_id) if exercise is not None else None
        if item is None or not getattr(item, "prefill", ""):
            return ""
        context = RenderContext(lang=self.lang, answers=self.answers, scores=self.scores)
        return _str(item.initial(context))

    def field(self, exercise_id: str, field_id: str) -> Any:
        """The field definition from the library, or None."""
        exercise = self.library.get(exercise_id, self.lang)
        return exercise.field(field_id) if exercise is not None else None


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _entries(value: Any) -> list[Mapping[str, Any]]:
    """The entries of a group answer that hold anything."""
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, Mapping) and not is_empty(e)]


def _lines(value: Any) -> list[str]:
    """The filled lines of a list answer."""
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def document_lang(client: User) -> str:
    """Documents are written in the client's own language."""
    return client.locale if client.locale in ("nl", "en") else "nl"


def read_answers(session: Session, client: User) -> dict[str, dict[str, Any]]:
    """All current answers of the client in one query, without the private exercises."""
    rows = session.execute(
        select(Answer.exercise_id, Answer.field_id, Answer.value).where(
            Answer.client_id == client.id
        )
    ).all()
    answers: dict[str, dict[str, Any]] = {}
    for exercise_id, field_id, value in rows:
        if exercise_id not in PRIVATE_EXERCISES:
            answers.setdefault(exercise_id, {})[field_id] = value
    return answers


def all_scores(library: Any, answers: Mapping[str, Mapping[str, Any]], lang: str) -> dict:
    """Scores of every answered scale field: exercise id -> field id -> dimension -> score."""
    scores: dict[str, Any] = {}
    for exercise_id, values in answers.items():
        exercise = library.get(exercise_id, lang)
        if exercise is not None and (found := engine.scores_for(exercise, values)):
            scores[exercise_id] = found
    return scores


def sources(session: Session, client: User, library: Any, lang: str | None = None) -> Sources:
    """Read the client's answers once and compute the scores."""
    lang = lang or document_lang(client)
    answers = read_answers(session, client)
    return Sources(client, answers, all_scores(library, answers, lang), library, lang)


# ------------------------------------------------------------------------- person


def person(src: Sources, choices: Choices, *, shown_only: bool) -> Person:
    """The client at the top of a document; `shown_only` blanks the details switched off."""
    shown = (
        choices.shown_details
        if shown_only
        else frozenset({"city", "phone", "email", "birth_year", "photo"})
    )

    def detail(key: str) -> str:
        return src.text("cv", key) if key in shown else ""

    return Person(
        name=src.client.name,
        headline=src.text_or_prefill("cv", "headline"),
        city=detail("city"),
        phone=detail("phone"),
        email=detail("email"),
        birth_year=detail("birth_year"),
        photo=choices.photo if "photo" in shown else None,
    )


# ---------------------------------------------------------------------- documents


def pitch(src: Sources, choices: Choices) -> PitchDocument:
    """The elevator pitch: pitch.text, or its draft from earlier answers."""
    return PitchDocument(
        lang=src.lang,
        person=person(src, choices, shown_only=True),
        text=src.text_or_prefill("pitch", "text"),
    )


def _short_label(label: str) -> str:
    """ "Zelfstandigheid: zelf bepalen hoe je werkt" -> "Zelfstandigheid" (for a card)."""
    return label.split(":", 1)[0].strip() or label


def values(src: Sources) -> list[str]:
    """The client's top values as words: values.ranked, else values.chosen."""
    ranked = src.value("values", "ranked")
    item = src.field("values", "ranked")
    pairs: list[tuple[str, str]] = []
    if isinstance(ranked, list) and ranked and item is not None:
        pairs = item.entries(ranked)
    else:
        chosen_field = src.field("values", "chosen")
        chosen = src.value("values", "chosen")
        if chosen_field is not None and chosen is not None:
            pairs = chosen_field.entries(chosen)
    words = [_short_label(label) for _, label in pairs if str(label).strip()]
    return list(dict.fromkeys(words))[:MAX_VALUES]


def strengths(src: Sources) -> list[str]:
    """Favourite skills (else the first skills), then competence names."""
    favourite = _lines(src.value("skills", "favourite"))
    skills = favourite or _lines(src.value("skills", "skills"))[:4]
    names = [_str(e.get("competence")) for e in _entries(src.value("competences", "competences"))]
    found = [*skills, *(n for n in names if n)]
    unique: dict[str, str] = {}
    for item in found:
        unique.setdefault(item.casefold(), item)
    return list(unique.values())[:MAX_STRENGTHS]


def interest_areas(src: Sources) -> list[str]:
    """The two or three highest interest areas as words (a third only when clearly high)."""
    scores = src.scores.get("interests", {}).get("areas", {})
    item = src.field("interests", "areas")
    if not scores or item is None:
        return []
    labels = {d.id: d.label for d in item.dimensions}
    ranked = sorted(
        (d for d in scores if d in labels), key=lambda d: (-scores[d], list(labels).index(d))
    )
    middle = (item.min + item.max) / 2
    top = ranked[:2] + [d for d in ranked[2:3] if scores[d] > middle]
    return [labels[d] for d in top]


def resume(src: Sources, choices: Choices) -> ResumeDocument:
    """The one-page personal profile."""
    return ResumeDocument(
        lang=src.lang,
        person=person(src, choices, shown_only=True),
        profile=src.text_or_prefill("cv", "profile"),
        values=values(src),
        strengths=strengths(src),
        interests=interest_areas(src),
        goal=src.text("favourite_job", "profession"),
        workplace=src.text("favourite_job", "workplace"),
    )


def jobs(src: Sources) -> list[Job]:
    """work_history.jobs in the client's own order."""
    return [
        Job(
            employer=_str(e.get("employer")),
            role=_str(e.get("role")),
            place=_str(e.get("place")),
            start=_str(e.get("start")),
            end=_str(e.get("end")),
            tasks=_str(e.get("tasks")),
        )
        for e in _entries(src.value("work_history", "jobs"))
        if _str(e.get("employer")) or _str(e.get("role"))
    ]


def diplomas(src: Sources) -> list[Diploma]:
    """education.diplomas; only an explicit "no" for an ended study reads "not completed"."""
    found = []
    for e in _entries(src.value("education", "diplomas")):
        if not (_str(e.get("school")) or _str(e.get("programme"))):
            continue
        end = _str(e.get("end"))
        found.append(
            Diploma(
                school=_str(e.get("school")),
                programme=_str(e.get("programme")),
                start=_str(e.get("start")),
                end=end,
                completed=_str(e.get("completed")) != "no" or end == "current",
            )
        )
    return found


def courses(src: Sources) -> list[Course]:
    """education.courses."""
    return [
        Course(name=_str(e.get("name")), provider=_str(e.get("provider")), year=_str(e.get("year")))
        for e in _entries(src.value("education", "courses"))
        if _str(e.get("name"))
    ]


def languages(src: Sources) -> list[Language]:
    """education.languages with a CEFR level (or native)."""
    found = []
    for e in _entries(src.value("education", "languages")):
        level = _str(e.get("level")).lower()
        if _str(e.get("language")):
            found.append(Language(_str(e.get("language")), level if level in LEVELS else ""))
    return found


def competences(src: Sources) -> list[Competence]:
    """competences.competences with the client's example."""
    return [
        Competence(name=_str(e.get("competence")), evidence=_str(e.get("evidence")))
        for e in _entries(src.value("competences", "competences"))
        if _str(e.get("competence"))
    ]


def cv(src: Sources, choices: Choices, layout: str | None = None) -> CvDocument:
    """The CV with the client's layout, sections and personal details."""
    chosen_layout = layout if layout in ("classic", "modern") else choices.layout
    return CvDocument(
        lang=src.lang,
        person=person(src, choices, shown_only=False),
        profile=src.text_or_prefill("cv", "profile"),
        jobs=jobs(src),
        diplomas=diplomas(src),
        courses=courses(src),
        skills=_lines(src.value("skills", "skills")),
        competences=competences(src),
        languages=languages(src),
        interests=src.text("cv", "hobbies"),
        section_order=choices.section_order,
        hidden=choices.hidden,
        layout=chosen_layout,  # type: ignore[arg-type]
        show=choices.shown_details,
    )


# ------------------------------------------------------------------------ workbook


def _number_format(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "nl" else text


def _answer_text(item: Any, value: Any, src: Sources, exercise_id: str) -> str:
    """A field's answer as plain text; a scale answer as its scores per dimension."""
    if item.type == "scale":
        scores = src.scores.get(exercise_id, {}).get(item.id, {})
        lines = [
            f"{d.label}: {_number_format(scores[d.id], src.lang)}"
            for d in item.dimensions
            if d.id in scores
        ]
        return "\n".join(lines)
    if is_empty(value):
        return ""
    return engine.as_text(item, value).strip()


def workbook_exercise(src: Sources, exercise_id: str, number: str) -> WorkbookExercise | None:
    """One exercise with every question and the client's answer (empty ones stay empty)."""
    exercise = src.library.get(exercise_id, src.lang)
    if exercise is None:
        return None
    words = WORDING.get(src.lang, WORDING["nl"])
    if exercise_id in PRIVATE_EXERCISES:
        return WorkbookExercise(
            number, exercise.title, [(words["private_label"], words["private_text"])]
        )
    stored = src.answers.get(exercise_id, {})
    if not stored:
        return WorkbookExercise(number, exercise.title, ())
    pairs = [
        (item.label or item.id, _answer_text(item, stored.get(item.id), src, exercise_id))
        for item in exercise.input_fields
    ]
    known = {item.id for item in exercise.fields}
    pairs += [
        (words["earlier"], plain_text(value))
        for field_id, value in sorted(stored.items())
        if field_id not in known and not is_empty(value)
    ]
    return WorkbookExercise(number, exercise.title, pairs)


def _charts(src: Sources, program: Any) -> list[Chart]:
    """The start/midway/end questionnaire as one chart, then each exercise's scale scores."""
    words = WORDING.get(src.lang, WORDING["nl"])
    charts = []
    moments = [q for q in QUESTIONNAIRES if q in program.steps]
    definitions = [src.library.get(q, src.lang) for q in moments]
    first = next((d for d in definitions if d is not None), None)
    scale = next((f for f in first.input_fields if f.type == "scale"), None) if first else None
    if scale is not None:
        series = []
        for moment, definition in zip(moments, definitions, strict=True):
            found = src.scores.get(moment, {}).get(scale.id)
            if definition is not None and found:
                series.append(Series(words[moment], [found.get(d.id) for d in scale.dimensions]))
        if series:
            charts.append(
                Chart(
                    title=words["questionnaire"],
                    labels=[d.label for d in scale.dimensions],
                    series=series,
                    minimum=scale.min,
                    maximum=scale.max,
                )
            )
    for exercise_id in program.steps:
        if exercise_id in QUESTIONNAIRES or exercise_id in PRIVATE_EXERCISES:
            continue
        exercise = src.library.get(exercise_id, src.lang)
        if exercise is None:
            continue
        for item in exercise.input_fields:
            found = src.scores.get(exercise_id, {}).get(item.id)
            if item.type == "scale" and found:
                charts.append(
                    Chart(
                        title=exercise.title,
                        labels=[d.label for d in item.dimensions],
                        series=[Series(exercise.title, [found.get(d.id) for d in item.dimensions])],
                        minimum=item.min,
                        maximum=item.max,
                    )
                )
    return charts


def workbook(src: Sources, program_id: str | None = None) -> WorkbookDocument:
    """Every exercise of the program by part, numbered as in the plan, and the charts."""
    program = src.library.programs.get(program_id or DEFAULT_PROGRAM) or src.library.programs.get(
        DEFAULT_PROGRAM
    )
    if program is None:
        return WorkbookDocument(lang=src.lang, person_name=src.client.name)
    by_part: dict[str, list[WorkbookExercise]] = {part.id: [] for part in program.parts}
    number = 0
    for exercise_id in program.steps:
        exercise = src.library.get(exercise_id, src.lang)
        if exercise is None or exercise.kind != "exercise":
            continue
        number += 1
        entry = workbook_exercise(src, exercise_id, str(number))
        if entry is not None and exercise.part in by_part:
            by_part[exercise.part].append(entry)
    for exercise_id in program.optional:
        exercise = src.library.get(exercise_id, src.lang)
        if exercise is None or not src.answers.get(exercise_id):
            continue
        entry = workbook_exercise(src, exercise_id, "")
        if entry is not None and exercise.part in by_part:
            by_part[exercise.part].append(entry)
    parts = [
        WorkbookPart(part.name(src.lang), by_part[part.id])
        for part in program.parts
        if by_part[part.id]
    ]
    return WorkbookDocument(
        lang=src.lang, person_name=src.client.name, parts=parts, charts=_charts(src, program)
    )


# -------------------------------------------------------------------------- entry


def build(
    kind: str,
    session: Session,
    client: User,
    library: Any,
    choices: Choices,
    *,
    layout: str | None = None,
) -> Document:
    """The document model of `kind` (pitch, resume, cv, workbook) for `client`."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    src = sources(session, client, library)
    if kind == "pitch":
        return pitch(src, choices)
    if kind == "resume":
        return resume(src, choices)
    if kind == "cv":
        return cv(src, choices, layout)
    enrollment = client.enrollment
    return workbook(src, enrollment.program_id if enrollment else None)
