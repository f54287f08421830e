"""The client's document choices as plain rules: defaults, changes, moving sections, the photo."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports import CV_SECTIONS, PERSONAL_DETAILS, clean_photo

from ..models import User
from .models import DocumentChoices

LAYOUTS = ("classic", "modern")
# Display order of the personal details on the choices page.
DETAILS = ("city", "phone", "email", "birth_year", "photo")


@dataclass(frozen=True)
class Choices:
    """The effective choices (stored or default) as the document builder needs them."""

    layout: str = "classic"
    section_order: tuple[str, ...] = CV_SECTIONS
    hidden: frozenset[str] = frozenset()
    shown_details: frozenset[str] = PERSONAL_DETAILS
    photo: bytes | None = None


def stored(session: Session, client: User) -> DocumentChoices | None:
    """The client's stored choices row, or None when they never changed anything."""
    return session.scalars(
        select(DocumentChoices).where(DocumentChoices.client_id == client.id)
    ).first()


def effective(row: DocumentChoices | None) -> Choices:
    """Stored choices cleaned up (unknown keys dropped, missing sections appended)."""
    if row is None:
        return Choices()
    return Choices(
        layout=row.layout if row.layout in LAYOUTS else "classic",
        section_order=normal_order(row.section_order or ()),
        hidden=frozenset(s for s in row.hidden or () if s in CV_SECTIONS),
        shown_details=frozenset(d for d in (row.shown_details or ()) if d in PERSONAL_DETAILS)
        if row.shown_details is not None
        else PERSONAL_DETAILS,
        photo=row.photo or None,
    )


def for_client(session: Session, client: User) -> Choices:
    """The effective choices of a client."""
    return effective(stored(session, client))


def normal_order(order: Iterable[str]) -> tuple[str, ...]:
    """Known sections in the given order, each once, the missing ones appended."""
    kept = [s for s in dict.fromkeys(order) if s in CV_SECTIONS]
    return tuple(kept + [s for s in CV_SECTIONS if s not in kept])


def moved(order: Iterable[str], section: str, direction: str) -> tuple[str, ...]:
    """The order with `section` one place up or down (unchanged at the edges or when unknown)."""
    current = list(normal_order(order))
    if section not in current or direction not in ("up", "down"):
        return tuple(current)
    index = current.index(section)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(current):
        current[index], current[other] = current[other], current[index]
    return tuple(current)


def _row(session: Session, client: User, now: datetime) -> DocumentChoices:
    row = stored(session, client)
    if row is None:
        row = DocumentChoices(
            client_id=client.id,
            layout="classic",
            section_order=list(CV_SECTIONS),
            hidden=[],
            shown_details=sorted(PERSONAL_DETAILS),
            updated_at=now,
        )
        session.add(row)
    return row


def update(
    session: Session,
    client: User,
    *,
    now: datetime,
    layout: str | None = None,
    visible_sections: Iterable[str] | None = None,
    shown_details: Iterable[str] | None = None,
    move: tuple[str, str] | None = None,
) -> DocumentChoices:
    """Change the choices that were given (None leaves a choice as it is); flushes."""
    row = _row(session, client, now)
    if layout in LAYOUTS:
        row.layout = layout
    if visible_sections is not None:
        visible = set(visible_sections)
        row.hidden = [s for s in CV_SECTIONS if s not in visible]
    if shown_details is not None:
        shown = set(shown_details)
        row.shown_details = [d for d in DETAILS if d in shown]
    order = normal_order(row.section_order or ())
    if move is not None:
        order = moved(order, *move)
    row.section_order = list(order)
    row.updated_at = now
    session.flush()
    return row


def set_photo(session: Session, client: User, data: bytes, *, now: datetime) -> DocumentChoices:
    """Store an uploaded photo after clean_photo re-encoded it; raises exports.PhotoError."""
    cleaned = clean_photo(data)
    row = _row(session, client, now)
    row.photo = cleaned
    row.photo_updated_at = now
    row.updated_at = now
    session.flush()
    return row


def remove_photo(session: Session, client: User, *, now: datetime) -> None:
    """Forget the client's photo."""
    row = stored(session, client)
    if row is not None and row.photo is not None:
        row.photo = None
        row.photo_updated_at = now
        row.updated_at = now
        session.flush()
