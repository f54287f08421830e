"""Administrator page for the mail outbox: status filter and a retry button for failures."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField

from .. import audit, clock, paging
from .. import outbox as sender
from ..access import role_required
from ..extensions import db
from ..models import MailStatus, OutboxMail, Role
from . import bp

# Mails per page, newest first; the database sends one page (a busy morning sends thousands).
PAGE = 100
STATUS_LABELS = {
    "": _l("Alle"),
    MailStatus.PENDING.value: _l("In de wachtrij"),
    MailStatus.SENDING.value: _l("Wordt verstuurd"),
    MailStatus.SENT.value: _l("Verstuurd"),
    MailStatus.FAILED.value: _l("Mislukt"),
}


class StatusFilter(FlaskForm):
    """The status filter above the list (GET, no CSRF needed)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()), default="")


@bp.get("/outbox")
@role_required(Role.ADMIN)
def outbox():
    """Mails by status, newest first; failed ones can be queued again."""
    form = StatusFilter(request.args)
    status = form.status.data if form.validate() else ""
    query = select(OutboxMail).order_by(OutboxMail.id.desc())
    if status:
        query = query.where(OutboxMail.status == status)
    mails = paging.page_of_query(
        db.session, query, paging.requested(request.args.get("page")), PAGE
    )
    counts = dict(
        db.session.execute(
            select(OutboxMail.status, func.count()).group_by(OutboxMail.status)
        ).all()
    )
    return render_template(
        "admin/outbox.html",
        form=form,
        mails=mails.items,
        page=mails,
        page_args=paging.link_args(status=status),
        status=status,
        counts=counts,
        labels=STATUS_LABELS,
        keep_days=int(current_app.config["OUTBOX_KEEP_DAYS"]),
    )


@bp.post("/outbox/<int:mail_id>/retry")
@role_required(Role.ADMIN)
def outbox_retry(mail_id: int):
    """Queue a failed mail again."""
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None:
        abort(404)
    now = clock.now()
    if sender.retry_failed(db.session, mail_id, now):
        audit.record(db.session, actor=current_user, action="mail.retry", now=now, mail=mail_id)
        db.session.commit()
        flash(_("De mail staat weer in de wachtrij."), "success")
    else:
        flash(_("Deze mail is niet mislukt; er is niets veranderd."), "info")
    page = paging.requested(request.form.get("page"))
    return redirect(
        url_for(
            "admin.outbox",
            status=request.form.get("status") or None,
            page=page if page > 1 else None,
        )
    )
