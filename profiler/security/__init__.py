"""Security features that are not login itself: two-factor codes, rate-limit storage, privacy."""

from __future__ import annotations

import click
from flask import Blueprint

bp = Blueprint("security", __name__, cli_group="security")


@bp.cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Switch two-factor login off for EMAIL (lost phone, no recovery codes left).

    A coach or administrator sets it up again right after the next login.
    """
    from .. import accounts, clock
    from ..extensions import db
    from . import totp

    user = accounts.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}.")
    totp.disable(db.session, user, by=None, now=clock.now())
    accounts.end_sessions(user)
    db.session.commit()
    click.echo(f"Two-factor login reset for {user.email}; their sessions have ended.")


from . import audit_ip, views  # noqa: E402,F401
