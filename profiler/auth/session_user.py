"""The logged-in user of a request as plain values (see row_objects).

Every logged-in request reads its user (and a client's enrollment) to check the session, and
most of them (an autosave every few seconds, a page view) only read a few columns. The
session loader gives a `SessionUser`: the user's columns as plain attributes and the latest
enrollment as an `EnrollmentRow`, both read in one query. A relationship (`user.coach`), a
write (`user.locale = "en"`) or `orm_object(user)` loads the ORM object.
"""

from __future__ import annotations

from sqlalchemy import Row, bindparam, select

from ..extensions import db
from ..models import Enrollment, User
from ..row_objects import RowObject, orm_object

__all__ = ["EnrollmentRow", "SessionUser", "orm_object", "read_session_user"]


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


_users, _enrollments = User.__table__, Enrollment.__table__
_others = _enrollments.alias("latest")
# The user and the latest enrollment (a client's current one; staff have none) in one row:
# the user's columns first, then the enrollment's, each in table order.
_latest = (
    select(_others.c.id)
    .where(_others.c.client_id == _users.c.id)
    .order_by(_others.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
SESSION_USER = (
    select(
        *(_users.c[name] for name in SessionUser.columns),
        *(_enrollments.c[name].label("enrollment_" + name) for name in EnrollmentRow.columns),
    )
    .select_from(_users.outerjoin(_enrollments, _enrollments.c.id == _latest))
    .where(_users.c.id == bindparam("user_id"))
)
_SPLIT = len(SessionUser.columns)
_ENROLLMENT_ID = _SPLIT + EnrollmentRow.columns.index("id")


def session_user(row: Row) -> SessionUser:
    """A SessionUser from one row of SESSION_USER (no enrollment row when its id is NULL)."""
    values = dict(zip(SessionUser.columns, row[:_SPLIT], strict=True))
    values["_enrollment"] = (
        None if row[_ENROLLMENT_ID] is None else EnrollmentRow.from_values(row[_SPLIT:])
    )
    return SessionUser(values)


def read_session_user(user_id: int) -> SessionUser | None:
    """The user with this id and their latest enrollment, or None."""
    row = db.session.connection().execute(SESSION_USER, {"user_id": user_id}).first()
    return None if row is None else session_user(row)
