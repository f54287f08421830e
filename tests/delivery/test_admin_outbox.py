"""/admin/outbox: status filter and the retry button."""

from __future__ import annotations

from sqlalchemy import select

from profiler.models import MailStatus, OutboxMail
from tests.conftest import csrf_token, login, queue_mails


def make_mails(db):
    queue_mails(["pending", "sent", "failed"], lambda n, status: f"Onderwerp {status}")


def test_filter_by_status_and_retry_a_failed_mail(app, db, client, users):
    make_mails(db)
    login(client, "admin@example.nl")
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Onderwerp failed" in page and "Onderwerp sent" not in page
    assert "550 5.1.1" in page
    everything = client.get("/admin/outbox").get_data(as_text=True)
    assert "Onderwerp sent" in everything and "Onderwerp pending" in everything
    failed = db.scalars(select(OutboxMail).where(OutboxMail.status == "failed")).one()
    token = csrf_token(client, "/admin/outbox?status=failed")
    response = client.post(f"/admin/outbox/{failed.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    db.expire_all()
    again = db.get(OutboxMail, failed.id)
    assert again.status == MailStatus.PENDING.value and again.attempts == 0


def test_retry_needs_csrf_and_an_admin(app, db, client, users):
    make_mails(db)
    failed = db.scalars(select(OutboxMail).where(OutboxMail.status == "failed")).one()
    login(client, "coach.a@example.nl")
    assert client.get("/admin/outbox").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/coach")})
    login(client, "admin@example.nl")
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 400
    db.expire_all()
    assert db.get(OutboxMail, failed.id).status == MailStatus.FAILED.value
