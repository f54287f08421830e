"""The data model: users, coaching, enrollments and plans, answers, comments, mail, audit."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

# The largest value an INTEGER column (ids, revision numbers) holds: 32 bits on PostgreSQL.
# A number from a request above it can match no row; the database driver would refuse it.
MAX_INTEGER = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Convert an aware datetime to naive UTC for storage."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Mark a stored naive UTC datetime as UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


class Role(enum.StrEnum):
    """What a user is in Profiler."""

    CLIENT = "client"
    COACH = "coach"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A person who logs in: client, coach or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10), default=Role.CLIENT.value)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "v1:" + Fernet token, or a plain secret from before encryption; read and write it only
    # through security.totp (secret_of, store_secret).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code works only once
    recovery_codes: Mapped[Any] = mapped_column(JSON, nullable=True)  # hashes of unused codes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deletion_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coach: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[coach_id])
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Enrollment.id"
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Deactivated users cannot log in (Flask-Login)."""
        return self.active

    def get_id(self) -> str:
        """Session identity: id plus version, so logout elsewhere ends this session."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_client(self) -> bool:
        """True for clients."""
        return self.role == Role.CLIENT

    @property
    def is_coach(self) -> bool:
        """True for coaches."""
        return self.role == Role.COACH

    @property
    def is_admin(self) -> bool:
        """True for administrators."""
        return self.role == Role.ADMIN

    @property
    def enrollment(self) -> Enrollment | None:
        """The client's current (latest) enrollment."""
        return self.enrollments[-1] if self.enrollments else None


class Enrollment(db.Model):
    """A client following a program with its own rhythm."""

    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date] = mapped_column(Date)
    weekdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")  # Monday = 0
    send_time: Mapped[time] = mapped_column(Time, default=time(8, 0))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    reminders: Mapped[str] = mapped_column(String(10), default="weekly")  # daily|weekly|none
    paused_by: Mapped[str | None] = mapped_column(String(10))  # coach|client|None
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(String(500))
    pause_until: Mapped[date | None] = mapped_column(Date)
    all_unlocked: Mapped[bool] = mapped_column(Boolean, default=False)
    work_ahead_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_unlock_on: Mapped[date | None] = mapped_column(Date)  # local date of the last unlock
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_session_on: Mapped[date | None] = mapped_column(Date)
    last_session_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coach_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    client: Mapped[User] = relationship(back_populates="enrollments")
    items: Mapped[list[PlanItem]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan", order_by="PlanItem.position"
    )

    __table_args__ = (Index("ix_enrollments_due", "paused_by", "all_unlocked", "finished_at"),)

    @property
    def weekday_set(self) -> frozenset[int]:
        """Allowed weekdays as numbers (Monday = 0)."""
        return frozenset(int(d) for d in self.weekdays.split(",") if d.strip() != "")


class PlanItem(db.Model):
    """One exercise in an enrollment's plan, with its place and state."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_note: Mapped[str | None] = mapped_column(Text)

    enrollment: Mapped[Enrollment] = relationship(back_populates="items")

    __table_args__ = (UniqueConstraint("enrollment_id", "exercise_id"),)

    @property
    def state(self) -> str:
        """locked, open, in_progress, done or skipped."""
        return plan_item_state(self)


def plan_item_state(item: Any) -> str:
    """The state of a plan item (or a row with its columns): locked, open, in_progress,
    done or skipped."""
    if item.skipped:
        return "skipped"
    if item.done_at:
        return "done"
    if item.unlocked_at is None:
        return "locked"
    return "in_progress" if item.started_at else "open"


class Answer(db.Model):
    """The current value of one field of one exercise for one client."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_id: Mapped[str] = mapped_column(String(64))
    field_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    revisions: Mapped[list[AnswerRevision]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="AnswerRevision.revision"
    )

    __table_args__ = (
        UniqueConstraint("client_id", "exercise_id", "field_id"),
        Index("ix_answers_client_updated", "client_id", "updated_at"),
    )


class AnswerRevision(db.Model):
    """An earlier (or the current) value of an answer; never deleted by editing."""

    __tablename__ = "answer_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    value: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)

    answer: Mapped[Answer] = relationship(back_populates="revisions")

    __table_args__ = (UniqueConstraint("answer_id", "revision"),)


class Comment(db.Model):
    """A coach's comment on a client's exercise (or a field of it)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    exercise_id: Mapped[str] = mapped_column(String(64))
    field_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class ExerciseRead(db.Model):
    """When a client's coach last opened one exercise's answers: newer answers are new.

    One row per client and exercise, shared by everyone who coaches the client (as
    `Enrollment.coach_seen_at` is, which marks every exercise read at once).
    """

    __tablename__ = "exercise_reads"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    exercise_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CoachNote(db.Model):
    """A coach's private note about a client; never shown to the client."""

    __tablename__ = "coach_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class Substitute(db.Model):
    """A colleague who may see and act for a coach's clients during absence."""

    __tablename__ = "substitutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("coach_id", "substitute_id"),)


class CheckIn(db.Model):
    """A 1-10 self-assessment at a moment, or a questionnaire result snapshot."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="checkin")
    values: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailStatus(enum.StrEnum):
    """Where an outbox mail stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(db.Model):
    """A mail queued in the same transaction as its cause; sent later by the sender."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[Any] = mapped_column(JSON, default=dict)
    message_id: Mapped[str] = mapped_column(String(200))
    # The message as sent, without its From header (profiler.mailwire), made when queued.
    # NULL for mails queued before it existed: the sender builds those itself.
    raw_message: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the next attempt is due; once sent or failed, when the last attempt was (the
    # outbox purge counts from it, through ix_outbox_due).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at", "id"),)


class AuditEvent(db.Model):
    """Who viewed or changed which client's data, when and from where."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[Any] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    client: Mapped[User | None] = relationship(foreign_keys=[client_id])

    # The log is read newest first, by time and then id: with both in one index, the
    # administrator's page reads one page of events however long the log grows (PostgreSQL
    # otherwise joined and sorted every event for each page).
    __table_args__ = (Index("ix_audit_events_at_id", "at", "id"),)


class SchedulerLease(db.Model):
    """The lease that decides which scheduler process is the active one."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def email_key(email: str) -> str:
    """The case-insensitive form an email address is stored and looked up in."""
    return email.strip().lower()


__all__ = ["func"]
