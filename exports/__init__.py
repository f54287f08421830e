"""Answers to documents: pitch, resumé, CV and working document as HTML, PDF and Word.

A plain library: it imports nothing from Flask or the profiler app, which builds the
models in exports.models and calls the functions below.
"""

from __future__ import annotations

from exports.cache import render_pdf_cached
from exports.docx import render_docx
from exports.fetcher import AssetFetcher, FetchRefused
from exports.html import render_html
from exports.models import (
    CV_SECTIONS,
    PERSONAL_DETAILS,
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
from exports.pdf import render_pdf
from exports.photo import PhotoError, clean_photo

__all__ = [
    "CV_SECTIONS",
    "PERSONAL_DETAILS",
    "AssetFetcher",
    "Chart",
    "Competence",
    "Course",
    "CvDocument",
    "Diploma",
    "Document",
    "FetchRefused",
    "Job",
    "Language",
    "Person",
    "PhotoError",
    "PitchDocument",
    "ResumeDocument",
    "Series",
    "WorkbookDocument",
    "WorkbookExercise",
    "WorkbookPart",
    "clean_photo",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_pdf_cached",
]
