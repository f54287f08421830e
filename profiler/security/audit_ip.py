"""Every audit event gets the address it came from, also when a service recorded it.

Services never read the request (house style), so `audit.record` calls made inside them
carry no IP. Just before the flush, an event without one gets the request's address.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..models import AuditEvent


@event.listens_for(Session, "before_flush")
def _fill_in_ip(session: Session, _context: Any, _instances: Any) -> None:
    """Add the request's remote address to new audit events that have none."""
    if not has_request_context():
        return
    for obj in session.new:
        if isinstance(obj, AuditEvent) and obj.ip is None:
            obj.ip = request.remote_addr
