"""The CV as a Word document, for clients or coaches who want to edit it further."""

from __future__ import annotations

import io

from docx import Document as new_word_document
from docx.shared import Pt, RGBColor

from exports.glyphs import xml_safe
from exports.html import title
from exports.labels import label, level_label
from exports.models import CvDocument
from exports.wording import format_period

MUTED = RGBColor(0x5B, 0x6B, 0x73)


class _Writer:
    """Adds CV content to a python-docx document, cleaning every text on the way in."""

    def __init__(self, cv: CvDocument) -> None:
        self.cv = cv
        self.word = new_word_document()
        style = self.word.styles["Normal"]
        style.font.name = "Calibri"
        style.font.size = Pt(10.5)

    def t(self, key: str) -> str:
        """Label in the CV's language."""
        return label(self.cv.lang, key)

    def heading(self, text: str, level: int) -> None:
        """A Word heading (real heading style, so it shows in the navigation pane)."""
        self.word.add_heading(xml_safe(text), level=level)

    def paragraph(self, text: str, muted: bool = False, bold: bool = False) -> None:
        """A paragraph; skipped when empty."""
        text = xml_safe(text).strip()
        if not text:
            return
        run = self.word.add_paragraph().add_run(text)
        run.bold = bold
        if muted:
            run.font.color.rgb = MUTED

    def bullets(self, items: list[str]) -> None:
        """A bulleted list of the non-empty items."""
        for item in items:
            if item.strip():
                self.word.add_paragraph(xml_safe(item).strip(), style="List Bullet")

    def header(self) -> None:
        """Name, headline and the personal details the client chose to show."""
        person, show = self.cv.person, self.cv.show
        self.heading(person.name, 0)
        self.paragraph(person.headline, bold=True)
        details = [
            getattr(person, key).strip()
            for key in ("city", "phone", "email")
            if key in show and getattr(person, key).strip()
        ]
        if "birth_year" in show and person.birth_year.strip():
            details.append(f"{self.t('birth_year')} {person.birth_year.strip()}")
        self.paragraph("  ·  ".join(details), muted=True)

    def section(self, key: str) -> None:
        """One CV section, in the same shape as the PDF."""
        cv, lang = self.cv, self.cv.lang
        if key == "profile" and cv.profile.strip():
            self.heading(self.t("profile"), 1)
            self.paragraph(cv.profile)
        elif key == "experience" and cv.jobs:
            self.heading(self.t("experience"), 1)
            for job in cv.jobs:
                self.heading(job.role, 2)
                where = ", ".join(p for p in (job.employer.strip(), job.place.strip()) if p)
                self.paragraph(f"{where} | {format_period(job.start, job.end, lang)}", muted=True)
                self.paragraph(job.tasks)
        elif key == "education" and cv.diplomas:
            self.heading(self.t("education"), 1)
            for diploma in cv.diplomas:
                self.heading(diploma.programme, 2)
                note = "" if diploma.completed else f" ({self.t('not_completed')})"
                period = format_period(diploma.start, diploma.end, lang)
                self.paragraph(f"{diploma.school}{note} | {period}", muted=True)
        elif key == "courses" and cv.courses:
            self.heading(self.t("courses"), 1)
            self.bullets(
                [
                    ", ".join(p for p in (c.name, c.provider, c.year) if p.strip())
                    for c in cv.courses
                ]
            )
        elif key == "competences" and cv.competences:
            self.heading(self.t("competences"), 1)
            for competence in cv.competences:
                self.paragraph(competence.name, bold=True)
                self.paragraph(competence.evidence)
        elif key == "skills" and any(s.strip() for s in cv.skills):
            self.heading(self.t("skills"), 1)
            self.bullets(list(cv.skills))
        elif key == "languages" and cv.languages:
            self.heading(self.t("languages"), 1)
            self.bullets(
                [
                    f"{item.language} – {level_label(lang, item.level)}".rstrip(" –")
                    for item in cv.languages
                ]
            )
        elif key == "interests" and cv.interests.strip():
            self.heading(self.t("interests"), 1)
            self.paragraph(cv.interests)


def render_docx(cv: CvDocument) -> bytes:
    """The CV as .docx bytes with the same sections and order as the PDF (no photo)."""
    writer = _Writer(cv)
    properties = writer.word.core_properties
    properties.title = xml_safe(title(cv))
    properties.author = xml_safe(cv.person.name)
    properties.language = cv.lang
    writer.header()
    for key in cv.sections():
        writer.section(key)
    out = io.BytesIO()
    writer.word.save(out)
    return out.getvalue()
