"""The one place that reads the current time; everything else gets `now` passed in."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current moment as an aware UTC datetime."""
    return datetime.now(UTC)
