"""The people and data the accessibility checks look at: one of each role, with real content."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from profiler import audit, checkins, coach_notes, comments, enrollments, mail, tokens
from profiler.delivery import pause_token
from profiler.demo_answers import save_sample_answers
from profiler.extensions import db as _db
from profiler.library import current_library
from profiler.models import Role, User
from tests.conftest import T0, make_user

PROGRAM = "persoonlijk_profiel"
OPENED = 7  # q_start, self_image ... work_environment are open
DONE = 4  # of which the first four are done
CLIENT_EMAIL = "sanne@example.nl"
COACH_EMAIL = "karin@example.nl"
ADMIN_EMAIL = "ada@example.nl"
QUESTIONNAIRE_SCORES = {
    "autonomy": 2.6,
    "competence": 3.1,
    "relatedness": 3.8,
    "own_direction": 2.2,
}


@dataclass
class World:
    """Who the crawler logs in as, and the values that fill the URL map's placeholders."""

    client: User
    coach: User
    admin: User
    emails: dict[str, str | None]
    url_values: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    # Pages the URL map's sample values do not reach: the coach's confirmation pages, which
    # need the id of a note or comment.
    coach_extras: list[str] = field(default_factory=list)


def build_world() -> World:
    """A coach with client Sanne (answers, open exercises, check-ins, comments), an admin."""
    session = _db.session
    admin = make_user(Role.ADMIN, ADMIN_EMAIL, "Ada Beheer")
    coach = make_user(Role.COACH, COACH_EMAIL, "Karin Coach")
    client = make_user(Role.CLIENT, CLIENT_EMAIL, "Sanne de Vries", coach=coach)
    steps = list(current_library().programs[PROGRAM].steps)
    enrollment = enrollments.enroll(
        session, client, program_id=PROGRAM, steps=steps, start_date=date(2026, 3, 2), now=T0
    )
    for n, item in enumerate(enrollment.items[:OPENED]):
        item.unlocked_at = T0 + timedelta(days=n)
        item.started_at = item.unlocked_at
        if n < DONE:
            item.done_at = item.unlocked_at + timedelta(hours=2)
    enrollment.items[DONE].flagged = True
    enrollment.items[DONE].flag_note = "Hier wil ik het graag over hebben."
    enrollment.last_unlock_on = (T0 + timedelta(days=OPENED - 1)).date()
    session.flush()
    save_sample_answers(session, client, now=T0)
    for week, (uncertainty, confidence) in enumerate([(8, 3), (7, 4), (6, 5), (5, 6)]):
        checkins.record(
            session,
            client,
            {"uncertainty": uncertainty, "confidence": confidence},
            now=T0 + timedelta(weeks=week),
            note="Het gaat iets beter." if week == 3 else None,
        )
    checkins.record(session, client, QUESTIONNAIRE_SCORES, now=T0, kind="q_start")
    first_open = enrollment.items[1].exercise_id
    comment = comments.add_comment(
        session,
        client,
        first_open,
        "Mooi beschreven! Wat merk je daar zelf van?",
        author=coach,
        now=T0 + timedelta(days=1),
    )
    # The client's "who looked at my data" page lists this.
    audit.record(session, actor=coach, action="coach.viewed_client", now=T0, client=client)
    note = coach_notes.add_note(
        session, client, "Volgende keer: werkplezier.", author=coach, now=T0
    )
    # An invited client (no password yet) for the set-password page.
    invited = make_user(
        Role.CLIENT, "nieuw@example.nl", "Nieuwe Cliënt", coach=coach, password=None
    )
    rendered = mail.render_mail("reset", "nl", user=client, link="http://127.0.0.1/x")
    mail.queue(session, key="a11y:1", kind="reset", to=client, mail=rendered, now=T0)
    session.commit()
    world = World(
        client=client,
        coach=coach,
        admin=admin,
        emails={
            "anonymous": None,
            "client": CLIENT_EMAIL,
            "coach": COACH_EMAIL,
            "admin": ADMIN_EMAIL,
        },
    )
    world.url_values = {
        "client_id": client.id,
        "user_id": client.id,
        "exercise_id": first_open,
        "filename": "01-self_image.nl.md",
    }
    world.coach_extras = [
        f"/coach/clients/{client.id}/notes/delete?item_id={note.id}",
        f"/coach/clients/{client.id}/comments/delete?item_id={comment.id}",
    ]
    world.tokens = {
        "auth.invite": tokens.make_account_token(invited, "invite"),
        "auth.reset_token": tokens.make_account_token(client, "reset"),
        "mailpause.pause": pause_token(enrollment),
    }
    return world
