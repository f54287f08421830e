"""Two web processes and two schedulers on one PostgreSQL: answers saved, each mail sent once.

The processes run the commands production runs (`gunicorn -c gunicorn.conf.py wsgi:app`,
`python -m scheduler`) with the production configuration on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import func, select

from profiler import clock, create_app
from profiler.extensions import db as _db
from profiler.library import current_library
from profiler.models import Answer, MailStatus, OutboxMail
from tests.conftest import ROOT
from tests.perf.dataset import PASSWORD, build, due_enrollments

sys.path.insert(0, str(ROOT / "bench"))
from bench_web import FormFields  # noqa: E402
from harness import PYTHON, Gunicorn, HttpSession, app_env  # noqa: E402

pytestmark = pytest.mark.postgres

DUE = 40  # clients whose daily mail is due now
WRITERS = 4  # clients saving answers at the same time
SAVES = 8  # saves per writer, alternating between the two web processes


def start_scheduler(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`python -m scheduler` with its output in `log`."""
    return subprocess.Popen(
        [PYTHON, "-m", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then wait (kill after 20 s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_two_webs_and_two_schedulers_share_one_postgres(pg_url, smtp_server, tmp_path):
    from flask_migrate import upgrade

    app = create_app("config.Testing", SQLALCHEMY_DATABASE_URI=pg_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        now = clock.now()
        data = build(_db.session, current_library(), now, clients=WRITERS, answered=2)
        due_enrollments(_db.session, current_library(), now, DUE)
        _db.session.remove()
        _db.engine.dispose()

    scheduler_env = app_env(
        pg_url,
        PROFILER_MAIL_BACKEND="smtp",
        PROFILER_SMTP_HOST="127.0.0.1",
        PROFILER_SMTP_PORT=str(smtp_server.port),
        PROFILER_SCHEDULER_TICK_SECONDS="2",
        PROFILER_SCHEDULER_SEND_SECONDS="1",
        PROFILER_SCHEDULER_LEASE_SECONDS="2",
    )
    logs = [tmp_path / "scheduler1.log", tmp_path / "scheduler2.log"]
    with ExitStack() as stack:
        schedulers = [start_scheduler(scheduler_env, log) for log in logs]
        for proc in schedulers:
            stack.callback(stop, proc)
        webs = [
            stack.enter_context(Gunicorn(pg_url, workers=1, log=tmp_path / f"web{n}.log"))
            for n in (1, 2)
        ]
        # Log in on the first instance; the signed session works on both (stateless).
        sessions = []
        for n in range(WRITERS):
            session = HttpSession(webs[0].url)
            session.login(f"client{n}@bench.test", PASSWORD)
            sessions.append(session)
        page = f"/me/exercises/{data.exercise_id}"
        form = FormFields()
        form.feed(sessions[0].request("GET", page)[2])
        names = [
            n for n, _ in form.pairs if n.endswith(data.field_id) and not n.startswith("_rev-")
        ]
        assert names, f"no input for {data.field_id} on {page}"
        token = sessions[0].csrf(page)  # CSRF tokens are per session: read each below
        statuses: Counter[int] = Counter()
        lock = threading.Lock()

        def write(session: HttpSession) -> None:
            csrf = session.csrf(page) if session is not sessions[0] else token
            revision = "0"  # like the page: each save sends the revision it last saw
            for n in range(SAVES):
                web = webs[n % 2]
                session.host, session.port = "127.0.0.1", web.port
                status, _, body = session.request(
                    "POST",
                    page,
                    {
                        "csrf_token": csrf,
                        f"_rev-{data.field_id}": revision,
                        names[0]: f"versie {n}",
                    },
                    headers={"Accept": "application/json"},
                )
                if status == 200:
                    revisions = json.loads(body).get("revisions", {})
                    revision = str(revisions.get(data.field_id, revision))
                with lock:
                    statuses[status] += 1

        threads = [threading.Thread(target=write, args=(s,)) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        deadline = time.monotonic() + 45
        while len(smtp_server.messages) < DUE and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # a second scheduler that wrongly sent too would show up by now
        web_errors = [line for web in webs for line in web.errors()]

    assert statuses == Counter({200: WRITERS * SAVES}), statuses
    assert not web_errors, web_errors
    for log in logs:
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, text[-3000:]
    ids = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(smtp_server.messages) == DUE, f"{len(smtp_server.messages)} mails for {DUE} due"
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]

    with app.app_context():
        keys = _db.session.execute(
            select(OutboxMail.key, func.count()).group_by(OutboxMail.key)
        ).all()
        assert all(n == 1 for _, n in keys)
        unsent = _db.session.scalar(
            select(func.count()).where(
                OutboxMail.status != MailStatus.SENT.value, OutboxMail.key.like("unlock:%")
            )
        )
        assert unsent == 0
        saved = _db.session.scalars(
            select(Answer.value).where(
                Answer.exercise_id == data.exercise_id, Answer.field_id == data.field_id
            )
        ).all()
        assert sorted(saved) == [f"versie {SAVES - 1}"] * WRITERS
        _db.session.remove()
        _db.engine.dispose()
