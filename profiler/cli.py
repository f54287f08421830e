"""Flask CLI commands: users, demo data, mail."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import accounts, clock
from .extensions import db
from .models import Role


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(demo_code)
    app.cli.add_command(outbox_group)
    app.cli.add_command(exercises_group)
    app.cli.add_command(deliver_command)
    app.cli.add_command(encrypt_totp_secrets)
    app.cli.add_command(decrypt_totp_secrets)


@click.command("create-user")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--coach-email", default=None, help="For a client: the coach's e-mail.")
@with_appcontext
def create_user(
    role: str, email: str, name: str, password_stdin: bool, coach_email: str | None
) -> None:
    """Create a user; without --password-stdin an invitation mail is queued."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    coach = accounts.find_by_email(db.session, coach_email) if coach_email else None
    if coach_email and coach is None:
        raise click.ClickException(f"No coach with e-mail {coach_email}.")
    now = clock.now()
    try:
        user = accounts.create_user(
            db.session,
            email=email,
            name=name,
            role=Role(role),
            password=password,
            coach=coach,
            now=now,
        )
        if password is None:
            accounts.queue_invitation(db.session, user, None, now)
    except accounts.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {role} {user.email} (id {user.id}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create demo users (admin, two coaches, four clients at different stages)."""
    from .demo import seed

    logins = seed(db.session, clock.now(), current_app.config)
    db.session.commit()
    from .demo import DEMO_TOTP_SECRET

    click.echo("Demo logins:")
    for role, email, password in logins:
        click.echo(f"  {role:7} {email:32} {password}")
    click.echo(
        "Coaches and the administrator also need a code from an authenticator app: add the key "
        f"{DEMO_TOTP_SECRET} to the app, or run `flask --app wsgi demo-code` for the current code."
    )


@click.command("demo-code")
@with_appcontext
def demo_code() -> None:
    """Print the current login code of the demo coaches and administrator (not in production)."""
    import pyotp

    from .demo import DEMO_TOTP_SECRET

    if current_app.config.get("ENV") == "production":
        raise click.ClickException("demo-code is not available in production.")
    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).at(clock.now()))


@click.command("encrypt-totp-secrets")
@click.option(
    "--rotate",
    is_flag=True,
    help="Also re-encrypt the encrypted secrets with the first key of "
    "PROFILER_TOTP_ENCRYPTION_KEYS, so the older keys can be removed.",
)
@with_appcontext
def encrypt_totp_secrets(rotate: bool) -> None:
    """Encrypt the two-factor secrets still stored in plain text (safe to run again)."""
    from .security import totp

    report = totp.encrypt_stored_secrets(db.session, rotate=rotate)
    db.session.commit()
    click.echo(
        f"Encrypted {report.encrypted} plain two-factor secret(s); "
        f"{report.already} already encrypted."
    )
    if rotate:
        click.echo(f"Re-encrypted {report.rotated} with the first key.")
    if report.unreadable:
        click.echo(
            f"{report.unreadable} cannot be decrypted with the configured keys (was "
            "PROFILER_SECRET_KEY or PROFILER_TOTP_ENCRYPTION_KEYS changed?): those people log "
            "in with a recovery code and set up their app again.",
            err=True,
        )


@click.command("decrypt-totp-secrets")
@click.confirmation_option(
    prompt="Store every two-factor secret in plain text again (only to downgrade)?"
)
@with_appcontext
def decrypt_totp_secrets() -> None:
    """Store the two-factor secrets in plain text again, only before a schema downgrade.

    Stop the web service first: a login would encrypt a secret again.
    """
    from .security import totp

    decrypted, unreadable = totp.decrypt_stored_secrets(db.session)
    db.session.commit()
    click.echo(f"Decrypted {decrypted} two-factor secret(s); {unreadable} could not be decrypted.")


@click.group("outbox")
def outbox_group() -> None:
    """The mail outbox."""


@outbox_group.command("send")
@with_appcontext
def outbox_send() -> None:
    """Send every due mail once."""
    from .mail import backend_for
    from .outbox import send_due

    report = send_due(
        db.session, backend_for(current_app), current_app.config["MAIL_FROM"], clock.now()
    )
    click.echo(f"sent {report.sent}, retry later {report.retried}, failed {report.failed}")


@click.command("deliver")
@click.option(
    "--at",
    "at",
    default=None,
    help="Simulate the tick at this moment (ISO 8601; without an offset it means UTC).",
)
@with_appcontext
def deliver_command(at: str | None) -> None:
    """Run one delivery tick now (or at --at): unlock what is due and queue the mails."""
    from datetime import UTC, datetime

    from .delivery import deliver

    if at:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError as exc:
            raise click.BadParameter(f"not an ISO time: {at}", param_hint="--at") from exc
        now = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    else:
        now = clock.now()
    report = deliver(db.session, now)
    click.echo(
        f"tick at {now.isoformat(timespec='minutes')}: {report.examined} examined, "
        f"{report.delivered} delivered ({report.unlocked} exercises), "
        f"{report.reminders} reminders, {report.resumed} resumed"
    )


@click.group("exercises")
def exercises_group() -> None:
    """The exercise library."""


@exercises_group.command("check")
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default="nl",
    show_default=True,
    help="Language of the messages.",
)
@with_appcontext
def exercises_check(lang: str) -> None:
    """Validate the library; print `file:line: message` per problem, exit 1 on errors."""
    from pathlib import Path

    from flask_babel import force_locale, gettext, ngettext

    from .exercises import check_library

    content = Path(current_app.config["CONTENT_DIR"])
    with force_locale(lang):
        problems = check_library(content)
        for problem in problems:
            click.echo(str(problem))
        if problems:
            click.echo(
                ngettext(
                    "%(num)s fout in %(folder)s",
                    "%(num)s fouten in %(folder)s",
                    len(problems),
                    folder=content,
                ),
                err=True,
            )
            raise SystemExit(1)
        click.echo(gettext("De bibliotheek in %(folder)s heeft geen fouten.", folder=content))
