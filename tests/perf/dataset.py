"""Bulk data for benchmarks and query budgets: a coach's practice, written with Core inserts.

`build()` fills a database (SQLite or PostgreSQL, schema already made) with an admin, a coach
with `clients` enrolled clients in the real program, answers, revisions, comments, check-ins,
outbox mails and audit events. Every client but the first gets the same numbers; the first
client ("the bench client", `client0@bench.test`) has `answered` exercises filled in.
`enrollments()` adds bare clients whose delivery moment has come (for the delivery tick).
Rows go in with executemany, so 10,000 enrollments take seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from profiler.auth.passwords import hash_password
from profiler.models import (
    Answer,
    AnswerRevision,
    AuditEvent,
    CheckIn,
    Comment,
    Enrollment,
    OutboxMail,
    PlanItem,
    Role,
    User,
)

PASSWORD = "correct horse battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PROGRAM = "persoonlijk_profiel"
COACH_EMAIL = "coach@bench.test"
ADMIN_EMAIL = "admin@bench.test"
FILLABLE = ("text", "textarea", "list")
CHUNK = 5000


@dataclass
class Dataset:
    """Who is in the database and which exercise the bench client works on."""

    admin_email: str
    coach_email: str
    client_email: str
    client_id: int
    exercise_id: str  # unlocked, with answers: the page and autosave the bench uses
    choices_exercise_id: str  # unlocked, with the most choice fields (the boxes' page)
    field_id: str  # a textarea of that exercise, for the autosave
    clients: int


def client_email(index: int) -> str:
    """The login of the bench's client number `index` (0 is the one with most answers)."""
    return f"client{index}@bench.test"


def program_steps(library: Any) -> list[str]:
    """The real default program's steps, from the loaded library."""
    return list(library.programs[PROGRAM].steps)


def _fill(field: Any, n: int) -> Any:
    text = f"Antwoord {n}: ik werk graag nauwkeurig en help collega's met plannen."
    if field.type == "list":
        return [f"punt {i} van {n}" for i in range(int(getattr(field, "items", 3) or 3))]
    return text


def _insert(session: Session, model: type, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start : start + CHUNK])


def _ids(session: Session, emails: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(emails), CHUNK):
        part = emails[start : start + CHUNK]
        rows = session.execute(select(User.email, User.id).where(User.email.in_(part)))
        found.update({email: user_id for email, user_id in rows})
    return found


def _users(session: Session, rows: list[dict], now: datetime, password_hash: str) -> None:
    defaults = dict(
        active=True,
        locale="nl",
        timezone="Europe/Amsterdam",
        session_version=1,
        password_hash=password_hash,
        created_at=now - timedelta(days=30),
    )
    _insert(session, User, [{**defaults, **row} for row in rows])


def _enrollment_rows(client_ids: list[int], *, start: date, now: datetime, **extra) -> list[dict]:
    return [
        dict(
            client_id=cid,
            program_id=PROGRAM,
            start_date=start,
            weekdays="0,1,2,3,4,5,6",
            send_time=time(8, 0),
            timezone="Europe/Amsterdam",
            reminders="none",
            all_unlocked=False,
            work_ahead_allowed=False,
            reminders_sent=0,
            created_at=now - timedelta(days=30),
            **extra,
        )
        for cid in client_ids
    ]


def _plan_items(
    session: Session, enrollment_ids: list[int], steps: list[str], unlocked: int, now: datetime
) -> None:
    rows = []
    for eid in enrollment_ids:
        for position, exercise_id in enumerate(steps):
            open_ = position < unlocked
            rows.append(
                dict(
                    enrollment_id=eid,
                    exercise_id=exercise_id,
                    position=position,
                    optional=False,
                    skipped=False,
                    flagged=open_ and position % 3 == 0,
                    unlocked_at=now - timedelta(days=unlocked - position) if open_ else None,
                    started_at=now - timedelta(days=unlocked - position) if open_ else None,
                    done_at=now - timedelta(hours=20) if position < unlocked - 1 else None,
                )
            )
    _insert(session, PlanItem, rows)


def _enroll(
    session: Session, client_ids: list[int], steps: list[str], unlocked: int, now: datetime
) -> list[int]:
    start = (now - timedelta(days=unlocked)).date()
    _insert(
        session,
        Enrollment,
        _enrollment_rows(client_ids, start=start, now=now, last_unlock_on=now.date()),
    )
    enrollment_ids = list(
        session.scalars(
            select(Enrollment.id)
            .where(Enrollment.client_id.in_(client_ids))
            .order_by(Enrollment.id)
        )
    )
    _plan_items(session, enrollment_ids, steps, unlocked, now)
    return enrollment_ids


def _answers(
    session: Session,
    client_id: int,
    exercises: list[Any],
    revisions: int,
    now: datetime,
) -> None:
    rows = []
    for exercise in exercises:
        for field in exercise.input_fields:
            if field.type in FILLABLE:
                rows.append(
                    dict(
                        client_id=client_id,
                        exercise_id=exercise.id,
                        field_id=field.id,
                        value=_fill(field, revisions),
                        revision=revisions,
                        created_at=now - timedelta(days=2),
                        updated_at=now - timedelta(hours=1),
                    )
                )
    _insert(session, Answer, rows)
    stored = session.execute(
        select(Answer.id, Answer.exercise_id, Answer.field_id).where(Answer.client_id == client_id)
    ).all()
    fields = {(e.id, f.id): f for e in exercises for f in e.input_fields}
    revision_rows = [
        dict(
            answer_id=answer_id,
            revision=n,
            value=_fill(fields[(exercise_id, field_id)], n),
            created_at=now - timedelta(hours=2, minutes=n),
            conflict=False,
        )
        for answer_id, exercise_id, field_id in stored
        if (exercise_id, field_id) in fields
        for n in range(1, revisions + 1)
    ]
    _insert(session, AnswerRevision, revision_rows)


def build(
    session: Session,
    library: Any,
    now: datetime,
    *,
    clients: int = 200,
    answered: int = 6,
    revisions: int = 3,
    extra: int = 1,
) -> Dataset:
    """Fill the database: admin, coach, `clients` clients; `extra` scales the side tables.

    Commits. The first client has `answered` exercises filled in (each field with
    `revisions` revisions); every other client one exercise, so the coach pages have data.
    """
    password_hash = hash_password(PASSWORD)
    _users(
        session,
        [
            dict(
                email=ADMIN_EMAIL, name="Ada Bench", role=Role.ADMIN.value, totp_secret=TOTP_SECRET
            ),
            dict(
                email=COACH_EMAIL,
                name="Karin Bench",
                role=Role.COACH.value,
                totp_secret=TOTP_SECRET,
            ),
        ],
        now,
        password_hash,
    )
    staff = _ids(session, [ADMIN_EMAIL, COACH_EMAIL])
    coach_id, admin_id = staff[COACH_EMAIL], staff[ADMIN_EMAIL]
    emails = [client_email(i) for i in range(clients)]
    _users(
        session,
        [
            dict(
                email=email,
                name=f"Client {i:05d}",
                role=Role.CLIENT.value,
                coach_id=coach_id,
                last_activity_at=now - timedelta(hours=1 + i % 200),
            )
            for i, email in enumerate(emails)
        ],
        now,
        password_hash,
    )
    ids = _ids(session, emails)
    client_ids = [ids[e] for e in emails]
    steps = program_steps(library)
    # Enough open exercises for the bench client's answers plus the one in progress.
    unlocked = min(len(steps), answered + 2)
    _enroll(session, client_ids, steps, unlocked, now)
    chosen = [library.get(exercise_id, "nl") for exercise_id in steps[:unlocked]]
    with_choices = max(
        (e for e in chosen if e is not None),
        key=lambda e: sum(f.type == "choice" for f in e.input_fields),
    )
    chosen = [
        e for e in chosen if e is not None and any(f.type in FILLABLE for f in e.input_fields)
    ]
    # A numbered exercise (not a questionnaire): what a client opens from the daily mail.
    target = next(
        e
        for e in chosen
        if e.kind == "exercise" and any(f.type == "textarea" for f in e.input_fields)
    )
    for index, client_id in enumerate(client_ids):
        _answers(
            session, client_id, chosen[:answered] if index == 0 else chosen[:1], revisions, now
        )
    _side_tables(session, client_ids, coach_id, admin_id, chosen, now, extra)
    session.commit()
    return Dataset(
        admin_email=ADMIN_EMAIL,
        coach_email=COACH_EMAIL,
        client_email=emails[0],
        client_id=client_ids[0],
        exercise_id=target.id,
        choices_exercise_id=with_choices.id,
        field_id=next(f.id for f in target.input_fields if f.type == "textarea"),
        clients=clients,
    )


def _side_tables(
    session: Session,
    client_ids: list[int],
    coach_id: int,
    admin_id: int,
    exercises: list[Any],
    now: datetime,
    extra: int,
) -> None:
    """Comments, check-ins, outbox mails and audit events, `extra` of each per client."""
    comments, checkins, mails, events = [], [], [], []
    for cid in client_ids:
        for exercise in exercises:
            comments += [
                dict(
                    client_id=cid,
                    author_id=coach_id,
                    exercise_id=exercise.id,
                    field_id=None,
                    body=f"Mooi geschreven ({n}). Hier praten we over door.",
                    created_at=now - timedelta(hours=3 + n),
                    read_at=None if n % 2 else now - timedelta(hours=1),
                )
                for n in range(extra)
            ]
        for n in range(extra):
            checkins.append(
                dict(
                    client_id=cid,
                    kind="checkin",
                    values={"uncertainty": 1 + (n % 10), "confidence": 10 - (n % 10)},
                    note=None,
                    created_at=now - timedelta(days=extra - n, hours=1),
                )
            )
            mails.append(
                dict(
                    key=f"bench:{cid}:{n}",
                    kind="exercise",
                    user_id=cid,
                    to_addr=f"c{cid}@bench.test",
                    subject="Je oefening van vandaag",
                    text_body="Hallo",
                    html_body="<p>Hallo</p>",
                    headers={},
                    message_id=f"<bench.{cid}.{n}@bench.test>",
                    status="sent",
                    attempts=1,
                    next_attempt_at=now - timedelta(days=n),
                    created_at=now - timedelta(days=n),
                    sent_at=now - timedelta(days=n),
                )
            )
            events.append(
                dict(
                    at=now - timedelta(minutes=n),
                    actor_id=coach_id if n % 2 else admin_id,
                    client_id=cid,
                    action="coach.view_client",
                    detail={},
                    ip="127.0.0.1",
                )
            )
    _insert(session, Comment, comments)
    _insert(session, CheckIn, checkins)
    _insert(session, OutboxMail, mails)
    _insert(session, AuditEvent, events)


def due_enrollments(
    session: Session, library: Any, now: datetime, count: int, *, prefix: str = "tick"
) -> None:
    """`count` clients (no coach) whose first delivery moment is `now`; commits.

    Their send time is the local time of `now` rounded down to the minute, so one tick at
    `now` delivers to every one of them.
    """
    from zoneinfo import ZoneInfo

    password_hash = "!"  # cannot log in; the tick does not care
    emails = [f"{prefix}{i}@bench.test" for i in range(count)]
    _users(
        session,
        [
            dict(email=e, name=f"Klant {i:05d}", role=Role.CLIENT.value)
            for i, e in enumerate(emails)
        ],
        now - timedelta(days=1),
        password_hash,
    )
    ids = _ids(session, emails)
    local = now.astimezone(ZoneInfo("Europe/Amsterdam"))
    rows = _enrollment_rows(
        [ids[e] for e in emails], start=local.date(), now=now, last_unlock_on=None
    )
    for row in rows:
        row["send_time"] = time(local.hour, local.minute)
    _insert(session, Enrollment, rows)
    enrollment_ids = list(
        session.scalars(
            select(Enrollment.id)
            .join(User, User.id == Enrollment.client_id)
            .where(User.email.like(f"{prefix}%@bench.test"))
            .order_by(Enrollment.id)
        )
    )
    _plan_items(session, enrollment_ids, program_steps(library), 0, now)
    session.commit()
