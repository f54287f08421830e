"""What a client chose for their documents: CV layout, sections, personal details, photo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime


class DocumentChoices(db.Model):
    """One row per client; absent until the client changes a choice (defaults apply)."""

    __tablename__ = "document_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    layout: Mapped[str] = mapped_column(String(10), default="classic")
    section_order: Mapped[Any] = mapped_column(JSON, default=list)  # CV_SECTIONS keys
    hidden: Mapped[Any] = mapped_column(JSON, default=list)  # CV_SECTIONS keys left out
    shown_details: Mapped[Any] = mapped_column(JSON, default=list)  # PERSONAL_DETAILS keys
    # Only bytes that passed exports.clean_photo: a small JPEG without metadata.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
