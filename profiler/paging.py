"""One page of a longer list: which rows it shows and how to reach the others.

`page_of` cuts a list the caller already has (filtered and sorted in Python);
`page_of_query` lets the database count the rows and send only one page, for lists that
grow with the organisation (all people, all mails). A missing, unreadable or too small
number means the first page; a number past the end means the last page, so an old bookmark
never shows an empty table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of page `number` (1-based) of `total` rows, `size` per page."""

    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1, also for an empty list)."""
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """Position (1-based) of the first row shown, 0 when there is none."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        """Position (1-based) of the last row shown, 0 when there is none."""
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def previous(self) -> int | None:
        """The page before this one, or None on the first page."""
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        """The page after this one, or None on the last page."""
        return self.number + 1 if self.number < self.pages else None

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to link to: the first, the last and two around this one; None marks
        a gap ("…"). All of them when there are seven or fewer."""
        if self.pages <= 7:
            return list(range(1, self.pages + 1))
        shown = {1, self.pages} | set(range(self.number - 2, self.number + 3))
        result: list[int | None] = []
        for n in sorted(n for n in shown if 1 <= n <= self.pages):
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        return result


def link_args(**choices: str | None) -> dict[str, str]:
    """The list's filter and sort choices that the page links carry: the ones that are set."""
    return {key: value for key, value in choices.items() if value}


def requested(value: str | None) -> int:
    """The page number asked for in the URL; 1 when it is missing or not a whole number."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return 1
    return max(int(text), 1)


def clamped(number: int, total: int, size: int) -> int:
    """`number` moved into the pages that `total` rows make (1 for none)."""
    if size < 1:
        raise ValueError("page size must be at least 1")
    return min(max(number, 1), max(1, -(-total // size)))


def page_of(rows: Sequence[T], number: int, size: int) -> Page[T]:
    """Page `number` of `rows`, clamped to the pages that exist."""
    number = clamped(number, len(rows), size)
    start = (number - 1) * size
    return Page(list(rows[start : start + size]), number, size, len(rows))


def page_of_query(session: Session, query: Select[Any], number: int, size: int) -> Page[Any]:
    """Page `number` of what the (ordered) `query` selects: one count, then one page of rows.

    The query's ORDER BY must end in a unique column, so rows never move between pages.
    A query of one entity or one column gives the objects or values; otherwise the rows.
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = clamped(number, total or 0, size)
    window = query.limit(size).offset((number - 1) * size)
    result = session.execute(window)
    items = list(result.scalars() if len(query.column_descriptions) == 1 else result)
    return Page(items, number, size, total or 0)
