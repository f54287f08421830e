"""Rows read as plain values, with the ORM object of the same row only when it is needed.

Building ORM objects costs about as much as the query that reads them, and requests that are
made very often (the session's user on every request, the plan item of an autosave every few
seconds) mostly only read a few columns. A `RowObject` holds a row's column values as plain
attributes. Anything else goes to the real ORM object, loaded on first use with one
primary-key lookup (`session.get`, so the whole request shares the same object): a
relationship, a write, or code that needs the mapped object itself (`orm_object(value)`).
From then on every read goes to the ORM object too, so what the request changed is what it
reads.

The plain values are a snapshot: a change made through another ORM object of the same row
(reached by a relationship, say) does not show in them. Write through the RowObject, or
read that other object, when a request changes a row and then shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

from werkzeug.exceptions import NotFound

from .extensions import db


class RowObject:
    """Column values of one row; the ORM object of the same row when something needs it."""

    model: ClassVar[type]
    columns: ClassVar[tuple[str, ...]]  # the model's table columns, in table order

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.columns = tuple(cls.model.__table__.c.keys())

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> Self:
        """A row object from the values of `columns`, in that order (a Core row will do)."""
        return cls(dict(zip(cls.columns, values, strict=True)))

    @property
    def orm(self) -> Any:
        """The mapped object of this row; from now on all reads and writes use it."""
        values = self.__dict__
        found = values.get("_orm")
        if found is None:
            found = db.session.get(self.model, values["id"])
            if found is None:  # deleted while the request ran: as if it was never there
                raise NotFound(f"{self.model.__name__} {values['id']} no longer exists")
            values.clear()  # reads now reach __getattr__, which asks the ORM object
            values["_orm"] = found
        return found

    def __getattr__(self, name: str) -> Any:
        # Only called for names that are neither a column value nor defined on the class.
        if name.startswith("__") or name == "_orm":
            raise AttributeError(name)
        return getattr(self.orm, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.orm, name, value)

    def __eq__(self, other: object) -> bool:
        """Equal to a RowObject of the same row. Not to the mapped object itself: that one
        hashes by identity, so the two could not agree in a set or as dict keys. Compare ids
        (or use orm_object) to match one with the other."""
        if not isinstance(other, RowObject):
            return NotImplemented
        return other.model is self.model and other.id == self.id

    def __hash__(self) -> int:
        return hash((self.model, self.id))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


def orm_object(value: Any) -> Any:
    """The mapped object behind `value` (a SessionUser or EnrollmentRow), or `value` itself."""
    return value.orm if isinstance(value, RowObject) else value


def loaded_orm_object(value: Any) -> Any | None:
    """The mapped object behind `value` if there is one already (no query), else None."""
    if isinstance(value, RowObject):
        return value.__dict__.get("_orm")
    return value
