"""Demo data for a local start: an admin, two coaches and four clients at different stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from . import accounts, answers, checkins
from .demo_answers import sample_answers
from .enrollments import enroll
from .exercises import scores_for
from .library import current_library
from .models import CoachNote, Comment, Enrollment, Role, User
from .security import totp

DEMO_PASSWORD = "profiler-demo-2026"
# Coaches and administrators must log in with a second step (an authenticator code). The demo
# staff share this known secret so a local tryout works; `flask --app wsgi demo-code` prints
# the current code, or add the secret to any authenticator app.
DEMO_TOTP_SECRET = "PROFILERDEMOSECRETKEYFORLOCALUSE"
PROGRAM = "persoonlijk_profiel"

PEOPLE = [
    (Role.ADMIN, "admin@profiler.test", "Ada Beheer", None),
    (Role.COACH, "coach@profiler.test", "Karin de Coach", None),
    (Role.COACH, "coach2@profiler.test", "Mehmet Yilmaz", None),
    (Role.CLIENT, "sanne@profiler.test", "Sanne de Vries", "coach@profiler.test"),
    (Role.CLIENT, "peter@profiler.test", "Peter Jansen", "coach@profiler.test"),
    (Role.CLIENT, "fatima@profiler.test", "Fatima El Amrani", "coach@profiler.test"),
    (Role.CLIENT, "joost@profiler.test", "Joost Bakker", "coach2@profiler.test"),
]


@dataclass(frozen=True)
class Stage:
    """Where a demo client stands: days since the start, steps opened and done."""

    days_ago: int
    opened: int  # plan items opened (questionnaires included)
    done: int  # plan items done
    paused_by_client: bool = False
    finished: bool = False


STAGES = {
    "sanne@profiler.test": Stage(days_ago=9, opened=8, done=6),
    "peter@profiler.test": Stage(days_ago=0, opened=2, done=0),
    "fatima@profiler.test": Stage(days_ago=16, opened=12, done=10, paused_by_client=True),
    "joost@profiler.test": Stage(days_ago=30, opened=22, done=22, finished=True),
}


def seed(session: Session, now: datetime, config: Any) -> list[tuple[str, str, str]]:
    """Create the demo people and their training (idempotent); return (role, email, password)."""
    logins = []
    by_email: dict[str, User] = {}
    for role, email, name, coach_email in PEOPLE:
        user = accounts.find_by_email(session, email)
        if user is None:
            coach = by_email.get(coach_email) if coach_email else None
            user = accounts.create_user(
                session,
                email=email,
                name=name,
                role=role,
                password=DEMO_PASSWORD,
                coach=coach,
                now=now,
            )
            if role is not Role.CLIENT:
                totp.store_secret(user, DEMO_TOTP_SECRET)
        by_email[email] = user
        logins.append((role.value, email, DEMO_PASSWORD))
    for email, stage in STAGES.items():
        client = by_email[email]
        if not client.enrollments:
            _train(session, client, by_email[client_coach(email)], stage, now)
    return logins


def client_coach(email: str) -> str:
    """The demo coach's e-mail of a demo client."""
    return next(coach for _r, e, _n, coach in PEOPLE if e == email)


def _train(session: Session, client: User, coach: User, stage: Stage, now: datetime) -> None:
    """Enroll the client and play the training forward to `stage`."""
    library = current_library()
    program = library.programs[PROGRAM]
    start = now - timedelta(days=stage.days_ago)
    enrollment = enroll(
        session,
        client,
        program_id=PROGRAM,
        steps=list(program.steps),
        start_date=start.date(),
        now=start,
        weekdays=(0, 1, 2, 3, 4, 5, 6) if stage.finished else (0, 1, 2, 3, 4),
    )
    sample = sample_answers()
    for index, item in enumerate(enrollment.items[: stage.opened]):
        opened_at = start + timedelta(days=min(index, stage.days_ago))
        item.unlocked_at = opened_at
        values = sample.get(item.exercise_id, {})
        if index < stage.done and values:
            item.started_at = opened_at + timedelta(hours=2)
            item.done_at = opened_at + timedelta(hours=3)
            answers.save_answers(session, client, item.exercise_id, values, now=item.done_at)
            _questionnaire_scores(session, client, item.exercise_id, values, item.done_at)
        elif index == stage.done and values:
            item.started_at = opened_at + timedelta(hours=1)
            first = dict(list(values.items())[:1])
            answers.save_answers(session, client, item.exercise_id, first, now=item.started_at)
    enrollment.last_unlock_on = (start + timedelta(days=stage.opened - 1)).date()
    client.last_activity_at = now - timedelta(hours=5 if stage.days_ago else 1)
    client.last_login_at = client.last_activity_at
    if stage.finished:
        enrollment.all_unlocked = True
        enrollment.finished_at = now - timedelta(days=1)
    if stage.paused_by_client:
        enrollment.paused_by = "client"
        enrollment.paused_at = now - timedelta(days=2)
        enrollment.pause_reason = "Drukke week met de kinderen"
        enrollment.pause_until = (now + timedelta(days=5)).date()
    _coaching(session, client, coach, enrollment, stage, now)


def _questionnaire_scores(
    session: Session, client: User, exercise_id: str, values: dict[str, Any], at: datetime
) -> None:
    """Store a questionnaire's scores the way the client pages do."""
    exercise = current_library().get(exercise_id, client.locale)
    if exercise is None or exercise.kind != "questionnaire":
        return
    for dims in scores_for(exercise, values).values():
        checkins.record(session, client, dims, now=at, kind=exercise_id)


def _coaching(
    session: Session, client: User, coach: User, enrollment: Enrollment, stage: Stage, now: datetime
) -> None:
    """Comments, a flag, check-ins, a session date and a private note."""
    if stage.done == 0:
        return
    done = [i for i in enrollment.items if i.done_at]
    flagged = done[-1]
    flagged.flagged = True
    flagged.flag_note = "Ik twijfel of dit echt bij mij past. Kunnen we het hierover hebben?"
    session.add(
        Comment(
            client_id=client.id,
            author_id=coach.id,
            exercise_id=done[0].exercise_id,
            body="Mooi hoe eerlijk je dit beschrijft. Neem je dit mee naar ons "
            "gesprek van donderdag?",
            created_at=now - timedelta(days=1),
        )
    )
    session.add(
        CoachNote(
            client_id=client.id,
            author_id=coach.id,
            body="Energie wisselt per week. Tempo laag houden, twee uur per week.",
            created_at=now - timedelta(days=3),
        )
    )
    enrollment.next_session_on = (now + timedelta(days=3)).date()
    enrollment.last_session_at = now - timedelta(days=4)
    for weeks_ago, uncertainty, confidence in ((3, 8, 3), (2, 7, 4), (1, 6, 5), (0, 5, 6)):
        at = now - timedelta(weeks=weeks_ago, hours=2)
        if at.date() >= enrollment.start_date:
            checkins.record(
                session,
                client,
                {"uncertainty": float(uncertainty), "confidence": float(confidence)},
                now=at,
            )
