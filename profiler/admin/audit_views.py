"""The audit log page: who viewed or changed which client's data, searchable."""

from __future__ import annotations

from flask import render_template, request

from .. import audit as audit_log
from .. import paging
from ..access import role_required
from ..audit_labels import label as action_label
from ..extensions import db
from ..models import Role
from . import bp
from .forms import AuditSearchForm

PAGE_SIZE = 100


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit():
    """Search the audit log by person, action and period."""
    form = AuditSearchForm(request.args)
    form.validate()
    query = audit_log.search(
        person=form.q.data if not form.q.errors else None,
        action=form.action.data if not form.action.errors else None,
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )
    page = paging.requested(request.args.get("page"))
    rows = db.session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "admin/audit.html",
        form=form,
        rows=rows[:PAGE_SIZE],
        page=page,
        has_more=len(rows) > PAGE_SIZE,
        query_args={k: v for k, v in request.args.items() if k != "page"},
        action_label=action_label,
    )
