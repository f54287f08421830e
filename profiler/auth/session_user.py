"""The logged-in user of a request as plain values, with the ORM object only when needed.

Every logged-in request reads its user (and a client's enrollment) to check the session.
Building ORM objects for that row costs about as much again as the query itself, and most
requests (an autosave every few seconds, a page view) only read a few columns. So the
session loader gives a `SessionUser`: the user's columns as plain attributes and the latest
enrollment as an `EnrollmentRow`, both read in one query.

Anything else goes to the real ORM object, loaded on first use with one primary-key lookup
(`session.get`, so the whole request shares the same object): a relationship
(`user.coach`), a write (`user.locale = "en"`), or code that needs the mapped object itself
(`orm_object(user)`). From then on every read goes to the ORM object too, so what the
request changed is what it reads.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Row, bindparam, select

from ..extensions import db
from ..models import Enrollment, User


class RowObject:
    """Column values of one row; the ORM object of the same row when something needs it."""

    model: ClassVar[type]

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    @property
    def orm(self) -> Any:
        """The mapped object of this row; from now on all reads and writes use it."""
        values = self.__dict__
        found = values.get("_orm")
        if found is None:
            found = db.session.get(self.model, values["id"])
            if found is None:  # deleted while the request ran: nothing to read from
                raise LookupError(f"{self.model.__name__} {values['id']} no longer exists")
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
        """Equal to the same row, as a RowObject or as the mapped object."""
        model = other.model if isinstance(other, RowObject) else type(other)
        return model is self.model and getattr(other, "id", None) == self.id

    def __hash__(self) -> int:
        return hash((self.model, self.id))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


class EnrollmentRow(RowObject):
    """A client's enrollment as plain values (see the module)."""

    model = Enrollment
    weekday_set = Enrollment.weekday_set


class SessionUser(RowObject):
    """The logged-in user as plain values (see the module); Flask-Login's user object."""

    model = User
    # The model's own definitions read only columns, so they work on the plain values.
    is_authenticated = User.is_authenticated
    is_anonymous = User.is_anonymous
    is_active = User.is_active
    get_id = User.get_id
    is_client = User.is_client
    is_coach = User.is_coach
    is_admin = User.is_admin

    @property
    def enrollment(self) -> EnrollmentRow | Enrollment | None:
        """The client's current (latest) enrollment, read with the user."""
        values = self.__dict__
        if "_orm" in values:
            return values["_orm"].enrollment
        return values["_enrollment"]


def orm_object(value: Any) -> Any:
    """The mapped object behind `value` (a SessionUser or EnrollmentRow), or `value` itself."""
    return value.orm if isinstance(value, RowObject) else value


USER_COLUMNS = tuple(User.__table__.c.keys())
ENROLLMENT_COLUMNS = tuple(Enrollment.__table__.c.keys())
_users, _enrollments = User.__table__, Enrollment.__table__
_others = _enrollments.alias("latest")
# The user and the latest enrollment (a client's current one; staff have none) in one row.
_latest = (
    select(_others.c.id)
    .where(_others.c.client_id == _users.c.id)
    .order_by(_others.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
SESSION_USER = (
    select(
        *(_users.c[name] for name in USER_COLUMNS),
        *(_enrollments.c[name].label("enrollment_" + name) for name in ENROLLMENT_COLUMNS),
    )
    .select_from(_users.outerjoin(_enrollments, _enrollments.c.id == _latest))
    .where(_users.c.id == bindparam("user_id"))
)


def session_user(row: Row) -> SessionUser:
    """A SessionUser from one row of SESSION_USER."""
    values = row._mapping
    user = {name: values[name] for name in USER_COLUMNS}
    enrollment_id = values["enrollment_id"]
    user["_enrollment"] = (
        EnrollmentRow({name: values["enrollment_" + name] for name in ENROLLMENT_COLUMNS})
        if enrollment_id is not None
        else None
    )
    return SessionUser(user)


def read_session_user(user_id: int) -> SessionUser | None:
    """The user with this id and their latest enrollment, or None."""
    row = db.session.connection().execute(SESSION_USER, {"user_id": user_id}).first()
    return None if row is None else session_user(row)
