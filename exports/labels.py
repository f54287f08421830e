"""Fixed document wording in Dutch and English (exports does not use Flask-Babel)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "pitch": "Elevator pitch",
        "resume": "Resumé",
        "cv": "Curriculum vitae",
        "workbook": "Werkdocument",
        "profile": "Profiel",
        "experience": "Werkervaring",
        "education": "Opleidingen",
        "courses": "Cursussen en certificaten",
        "competences": "Competenties",
        "skills": "Vaardigheden",
        "languages": "Talen",
        "interests": "Hobby’s en interesses",
        "contact": "Contact",
        "birth_year": "Geboortejaar",
        "present": "heden",
        "not_completed": "niet afgerond",
        "values": "Wat ik belangrijk vind",
        "strengths": "Mijn sterke kanten",
        "interest_areas": "Waar ik energie van krijg",
        "goal": "Wat ik zoek",
        "workplace": "Mijn ideale werkplek",
        "speaking_time": "Spreektijd: ongeveer {time}",
        "seconds": "{n} seconden",
        "minute": "1 minuut",
        "minutes": "{n} minuten",
        "and": "en",
        "words": "{n} woorden",
        "questionnaires": "Vragenlijsten",
        "questionnaires_intro": "Je scores op de vragenlijst, van {minimum} tot {maximum}.",
        "no_answer": "Nog niet ingevuld.",
        "score": "Score",
        "photo_alt": "Pasfoto van {name}",
        "chart_alt": "Staafdiagram: {title}",
        "level_a1": "A1 (beginner)",
        "level_a2": "A2 (basis)",
        "level_b1": "B1 (redelijk)",
        "level_b2": "B2 (goed)",
        "level_c1": "C1 (zeer goed)",
        "level_c2": "C2 (uitstekend)",
        "level_native": "moedertaal",
    },
    "en": {
        "pitch": "Elevator pitch",
        "resume": "Personal profile",
        "cv": "Curriculum vitae",
        "workbook": "Working document",
        "profile": "Profile",
        "experience": "Work experience",
        "education": "Education",
        "courses": "Courses and certificates",
        "competences": "Competences",
        "skills": "Skills",
        "languages": "Languages",
        "interests": "Hobbies and interests",
        "contact": "Contact",
        "birth_year": "Year of birth",
        "present": "present",
        "not_completed": "not completed",
        "values": "What matters to me",
        "strengths": "My strengths",
        "interest_areas": "What gives me energy",
        "goal": "What I am looking for",
        "workplace": "My ideal workplace",
        "speaking_time": "Speaking time: about {time}",
        "seconds": "{n} seconds",
        "minute": "1 minute",
        "minutes": "{n} minutes",
        "and": "and",
        "words": "{n} words",
        "questionnaires": "Questionnaires",
        "questionnaires_intro": "Your questionnaire scores, from {minimum} to {maximum}.",
        "no_answer": "Not filled in yet.",
        "score": "Score",
        "photo_alt": "Photo of {name}",
        "chart_alt": "Bar chart: {title}",
        "level_a1": "A1 (beginner)",
        "level_a2": "A2 (elementary)",
        "level_b1": "B1 (intermediate)",
        "level_b2": "B2 (upper intermediate)",
        "level_c1": "C1 (advanced)",
        "level_c2": "C2 (proficient)",
        "level_native": "native speaker",
    },
}


def label(lang: str, key: str, **values: object) -> str:
    """The label for key in lang (Dutch when lang is unknown), with {placeholders} filled in."""
    text = LABELS.get(lang, LABELS["nl"])[key]
    return text.format(**values) if values else text


def level_label(lang: str, level: str) -> str:
    """A readable CEFR level; an unknown level is shown as given."""
    key = f"level_{level.strip().lower()}"
    return label(lang, key) if key in LABELS["nl"] else level
