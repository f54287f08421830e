"""The audit log page: who viewed or changed which client's data, searchable."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ..access import role_required
from ..extensions import db
from ..models import AuditEvent, Role, User
from . import bp
from .forms import AuditSearchForm

PAGE_SIZE = 100


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit():
    """Search the audit log by person, action and period."""
    form = AuditSearchForm(request.args)
    form.validate()
    actor = aliased(User)
    client = aliased(User)
    query = (
        select(AuditEvent, actor, client)
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .outerjoin(client, AuditEvent.client_id == client.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if form.q.data and not form.q.errors:
        like = f"%{form.q.data.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(actor.name).like(like),
                actor.email.like(like),
                func.lower(client.name).like(like),
                client.email.like(like),
            )
        )
    if form.action.data and not form.action.errors:
        query = query.where(AuditEvent.action.like(f"{form.action.data.strip()}%"))
    if form.since.data and not form.since.errors:
        query = query.where(AuditEvent.at >= datetime.combine(form.since.data, time(), UTC))
    if form.until.data and not form.until.errors:
        end = datetime.combine(form.until.data, time(), UTC) + timedelta(days=1)
        query = query.where(AuditEvent.at < end)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = db.session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "admin/audit.html",
        form=form,
        rows=rows[:PAGE_SIZE],
        page=page,
        has_more=len(rows) > PAGE_SIZE,
        query_args={k: v for k, v in request.args.items() if k != "page"},
    )
