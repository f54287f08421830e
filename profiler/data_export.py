"""Everything the platform holds about one client, as plain JSON-ready data (GDPR access)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from . import audit, mail
from .accounts import external_url
from .models import Answer, AuditEvent, CheckIn, CoachNote, Comment, OutboxMail, Role, User

FORMAT_VERSION = 1


def _iso(value: date | datetime | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(session: Session, client: User, now: datetime) -> dict[str, Any]:
    """All data about `client`: account, plan, answers with revisions, comments, check-ins,
    mails sent to them, the coach's notes about them and the log of who looked at or changed
    their data.

    Never includes password hashes, secrets or another person's data (coach names only).
    """
    return {
        "format": "profiler-export",
        "version": FORMAT_VERSION,
        "exported_at": _iso(now),
        "account": {
            "id": client.id,
            "name": client.name,
            "email": client.email,
            "role": client.role,
            "language": client.locale,
            "timezone": client.timezone,
            "created_at": _iso(client.created_at),
            "last_login_at": _iso(client.last_login_at),
            "last_activity_at": _iso(client.last_activity_at),
            "deletion_requested_at": _iso(client.deletion_requested_at),
            "coach": client.coach.name if client.coach else None,
            "two_factor": bool(client.totp_secret),
        },
        "enrollments": [_enrollment(e) for e in client.enrollments],
        "answers": _answers(session, client),
        "comments": _comments(session, client),
        # Right of access (AVG art. 15) covers what the coach wrote down about the client too.
        "coach_notes": [
            {
                "author": n.author.name if n.author else None,
                "body": n.body,
                "created_at": _iso(n.created_at),
            }
            for n in session.scalars(
                select(CoachNote)
                .where(CoachNote.client_id == client.id)
                .options(selectinload(CoachNote.author))
                .order_by(CoachNote.created_at)
            )
        ],
        "checkins": [
            {
                "kind": c.kind,
                "values": c.values,
                "note": c.note,
                "created_at": _iso(c.created_at),
            }
            for c in session.scalars(
                select(CheckIn).where(CheckIn.client_id == client.id).order_by(CheckIn.created_at)
            )
        ],
        "mails": [
            {
                "kind": m.kind,
                "subject": m.subject,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in session.scalars(
                select(OutboxMail)
                .where(OutboxMail.user_id == client.id)
                .order_by(OutboxMail.created_at)
            )
        ],
        "access_log": _access_log(session, client),
    }


def _enrollment(enrollment) -> dict[str, Any]:
    return {
        "program": enrollment.program_id,
        "start_date": _iso(enrollment.start_date),
        "mail_days": sorted(enrollment.weekday_set),
        "send_time": enrollment.send_time.strftime("%H:%M"),
        "timezone": enrollment.timezone,
        "reminders": enrollment.reminders,
        "paused_by": enrollment.paused_by,
        "paused_at": _iso(enrollment.paused_at),
        "pause_reason": enrollment.pause_reason,
        "pause_until": _iso(enrollment.pause_until),
        "next_session_on": _iso(enrollment.next_session_on),
        "created_at": _iso(enrollment.created_at),
        "plan": [
            {
                "exercise": item.exercise_id,
                "position": item.position,
                "state": item.state,
                "optional": item.optional,
                "unlocked_at": _iso(item.unlocked_at),
                "started_at": _iso(item.started_at),
                "done_at": _iso(item.done_at),
                "flagged": item.flagged,
                "flag_note": item.flag_note,
            }
            for item in enrollment.items
        ],
    }


def _answers(session: Session, client: User) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Answer)
        .where(Answer.client_id == client.id)
        .options(selectinload(Answer.revisions))
        .order_by(Answer.exercise_id, Answer.field_id)
    )
    return [
        {
            "exercise": a.exercise_id,
            "field": a.field_id,
            "value": a.value,
            "revision": a.revision,
            "updated_at": _iso(a.updated_at),
            "revisions": [
                {
                    "revision": r.revision,
                    "value": r.value,
                    "created_at": _iso(r.created_at),
                    "kept_from_other_window": r.conflict,
                }
                for r in a.revisions
            ],
        }
        for a in rows
    ]


def _comments(session: Session, client: User) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Comment)
        .where(Comment.client_id == client.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at)
    )
    return [
        {
            "exercise": c.exercise_id,
            "field": c.field_id,
            "author": c.author.name if c.author else None,
            "body": c.body,
            "created_at": _iso(c.created_at),
            "read_at": _iso(c.read_at),
        }
        for c in rows
    ]


def _access_log(session: Session, client: User) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.client_id == client.id, AuditEvent.actor_id == client.id))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at)
    )
    return [
        {
            "at": _iso(e.at),
            "action": e.action,
            "by": _actor_label(e.actor, client),
        }
        for e in rows
    ]


def _actor_label(actor: User | None, client: User) -> str | None:
    if actor is None:
        return None
    if actor.id == client.id:
        return "you"
    return f"{actor.name} ({actor.role})"


def request_deletion(session: Session, client: User, *, now: datetime) -> bool:
    """Record the client's wish to have their data deleted and tell the coach (or admins).

    Returns False when a request was already recorded (nothing is queued twice).
    """
    if client.deletion_requested_at is not None:
        return False
    client.deletion_requested_at = now
    audit.record(session, actor=client, client=client, action="client.deletion_requested", now=now)
    recipients = [client.coach] if client.coach is not None and client.coach.active else []
    if not recipients:
        recipients = list(
            session.scalars(select(User).where(User.role == Role.ADMIN.value, User.active))
        )
    for person in recipients:
        rendered = mail.render_mail(
            "deletion_request",
            person.locale,
            user=person,
            client=client,
            link=external_url("coach.client", client_id=client.id),
        )
        mail.queue(
            session,
            key=f"deletion-request:{client.id}:{person.id}:{now.date().isoformat()}",
            kind="deletion_request",
            to=person,
            mail=rendered,
            now=now,
        )
    session.flush()
    return True
