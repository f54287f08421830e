"""Administrator pages."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import abort, current_app, render_template
from sqlalchemy import func, select

from ..access import role_required
from ..extensions import db
from ..models import MailStatus, OutboxMail, Role, User
from . import bp


@bp.get("")
@role_required(Role.ADMIN)
def index():
    """Overview: counts of users by role and mail by status."""
    users = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    mails = dict(
        db.session.execute(
            select(OutboxMail.status, func.count()).group_by(OutboxMail.status)
        ).all()
    )
    return render_template("admin/index.html", users=users, mails=mails, MailStatus=MailStatus)


def _mail_folder() -> Path:
    return Path(current_app.instance_path) / "mail"


@bp.get("/dev-mail")
@role_required(Role.ADMIN)
def dev_mail():
    """Development only: read the .eml files written by the file backend."""
    if current_app.config["ENV"] == "production" or current_app.config["MAIL_BACKEND"] != "file":
        abort(404)
    files = sorted(_mail_folder().glob("*.eml"), reverse=True)[:100]
    messages = []
    for path in files:
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = msg.get_body(preferencelist=("plain",))
        messages.append(
            {
                "name": path.name,
                "to": msg["To"],
                "subject": msg["Subject"],
                "date": msg["Date"],
                "text": body.get_content() if body else "",
            }
        )
    return render_template("admin/dev_mail.html", messages=messages)
