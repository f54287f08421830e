"""Page throughput and latency under gunicorn, as ratios to a trivial route of the same app.

Usage: python bench/bench_web.py [--db sqlite,postgres] [-d SECONDS] [-c CONNECTIONS]

For each database: a fresh schema from the migrations, a coach with 200 clients (the bench
client has six exercises answered), gunicorn started with gunicorn.conf.py on 127.0.0.1, one
real login per role (the coach types an authenticator code), then wrk on each route with
the session cookie. The baseline is /healthz (one `SELECT 1`, same middleware) in the same
run on the same server. The autosave is the exercise form posted with
`Accept: application/json` and the CSRF token, its text different in every request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_plus

from sqlalchemy import Integer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    Gunicorn,
    HttpSession,
    WrkSession,
    databases,
    production_app,
    wrk,
)

TARGET_RATIO = 0.40
TARGET_P95 = 3.0
CLIENTS = 200
LOGGED_IN = "baseline /healthz logged in"
CHOICES = "exercise page, choices"  # the open exercise with the most choice fields


class FormFields(HTMLParser):
    """The name=value pairs a browser would send for the autosave form (FormData)."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea: str | None = None
        self.text = ""
        self.select: str | None = None  # a <select>'s name until its selected option is seen
        self.first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and "data-autosave" in a:
            self.in_form = True
        if tag == "option" and self.select is not None:
            if "selected" in a:
                self.pairs.append((self.select, a.get("value") or ""))
                self.select = None
            elif self.first_option is None:
                self.first_option = a.get("value") or ""
        if not self.in_form or not a.get("name") or "disabled" in a:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""
        elif tag == "select":
            self.select, self.first_option = a["name"], None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None:  # none selected: the first option
            self.pairs.append((self.select, self.first_option or ""))
            self.select = None
        if tag == "textarea" and self.textarea is not None:
            self.pairs.append((self.textarea, self.text.lstrip("\n")))
            self.textarea = None
        elif tag == "form":
            self.in_form = False


def autosave_form(html: str, field_id: str) -> tuple[list[tuple[str, str]], str]:
    """What the browser's autosave (profiler/static/js/autosave.js) posts besides the typed
    field and its revision marker, and that marker's value on the page.

    The pairs are the rest of the form, every answer with its revision marker, the CSRF
    token and the coach flag's note, and `autosave=1`.
    """
    parser = FormFields()
    parser.feed(html)
    typed = (f"f.{field_id}", f"_rev-{field_id}")
    rev = next((v for k, v in parser.pairs if k == typed[1]), None)
    pairs = [(k, v) for k, v in parser.pairs if k not in typed]
    if rev is None or not any(k == "csrf_token" for k, _ in pairs):
        raise RuntimeError("the exercise page has no autosave form with a CSRF token")
    return [*pairs, ("autosave", "1")], rev


def autosave_session(cookie: str, html: str, field_id: str) -> WrkSession:
    """The autosave as the browser posts it after typing in one field, split around it.

    `autosave_form`'s pairs, then `_rev-<field_id>=` (the revision the connection last got
    back) and `f.<field_id>=` with a text that wrk makes different in every request, as
    typing does. URL-encoded, as the browser sends it (the whole form: 26 fields here).
    """
    pairs, rev = autosave_form(html, field_id)
    head = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)
    return WrkSession(
        cookie=cookie,
        head=f"{head}&{quote_plus(f'_rev-{field_id}')}=",
        rev=rev,
        tail=f"&{quote_plus(f'f.{field_id}')}=" + quote_plus("Ik heb vandaag weer geschreven "),
    )


def prepare(db_url: str):
    """Schema and data for one database; returns the Dataset."""
    from profiler import clock
    from profiler.extensions import db
    from profiler.library import current_library
    from tests.perf.dataset import build

    app = production_app(db_url)
    with app.app_context():
        data = build(db.session, current_library(), clock.now(), clients=CLIENTS, answered=6)
        db.session.remove()
        db.engine.dispose()
    return data


def settled(db_url: str, field_id: str) -> None:
    """Wait until the saves still in flight when wrk stopped are written: a page read before
    that would give a writer a revision that is already old, and its next save would be
    kept as a conflict (which is right for the app, and wrong for the bench)."""
    last = saved_revisions(db_url, field_id)
    for _ in range(50):
        time.sleep(0.1)
        now = saved_revisions(db_url, field_id)
        if now == last:
            return
        last = now


def saved_revisions(db_url: str, field_id: str) -> tuple[int, int]:
    """Revisions of the autosaved field in the database, and how many were kept as conflicts."""
    from sqlalchemy import func, select

    from profiler.extensions import db
    from profiler.models import Answer, AnswerRevision

    app = production_app(db_url)
    with app.app_context():
        query = (
            select(func.count(), func.coalesce(func.sum(AnswerRevision.conflict.cast(Integer)), 0))
            .join(Answer, Answer.id == AnswerRevision.answer_id)
            .where(Answer.field_id == field_id)
        )
        total, conflicts = db.session.execute(query).one()
        db.session.remove()
        db.engine.dispose()
    return int(total), int(conflicts)


def run(kind: str, db_url: str, seconds: float, connections: int, rounds: int = 1) -> list[dict]:
    """All routes on one database, `rounds` times over; one result dict per route and round."""
    from tests.perf.dataset import PASSWORD, TOTP_SECRET, client_email

    started = time.perf_counter()
    data = prepare(db_url)
    print(f"[{kind}] data ready in {time.perf_counter() - started:.1f} s", flush=True)
    with Gunicorn(db_url) as server:
        page = f"/me/exercises/{data.exercise_id}"
        writers = []  # one client per connection for the autosave, each typing in its own tab
        for index in range(connections):
            writer = HttpSession(server.url)
            writer.login(client_email(index), PASSWORD)
            writers.append(writer)

        def typing() -> list[WrkSession]:
            """Each writer's form as its page shows it now (with the latest revisions)."""
            sessions = []
            for index, writer in enumerate(writers):
                status, _, html = writer.request("GET", page)
                assert status == 200, f"exercise page of client {index}: {status}"
                sessions.append(autosave_session(writer.cookie_header(), html, data.field_id))
            return sessions

        choices_page = f"/me/exercises/{data.choices_exercise_id}"
        status, _, html = writers[0].request("GET", choices_page)
        assert status == 200 and "data-autosave" in html, f"{choices_page} is not open"
        assert html.count('class="field field--choice') >= 2, f"{choices_page} has no choices"
        client = WrkSession(cookie=writers[0].cookie_header())
        coach = HttpSession(server.url)
        coach.login(data.coach_email, PASSWORD, TOTP_SECRET)
        status, _, coach_html = coach.request("GET", "/coach")
        # All 200 are counted and sorted; the first page of 50 is shown (the pager has the rest).
        assert status == 200 and "200 cliënten" in coach_html, "coach dashboard lacks clients"
        assert "Client 00049" in coach_html and "Client 00050" not in coach_html, "no paging"
        routes = [
            ("baseline /healthz", "/healthz", dict(sessions=[WrkSession()])),
            (LOGGED_IN, "/healthz", dict(sessions=[client])),
            ("/me", "/me", dict(sessions=[client])),
            ("exercise page", page, dict(sessions=[client])),
            (CHOICES, choices_page, dict(sessions=[client])),
            (
                "autosave POST",
                page,
                dict(
                    sessions=typing,
                    threads=connections,
                    method="POST",
                    track=data.field_id,
                    headers={"Accept": "application/json"},
                ),
            ),
            (
                "/coach (200, 50 shown)",
                "/coach",
                dict(sessions=[WrkSession(cookie=coach.cookie_header())]),
            ),
        ]
        results = []
        for number, (name, path, fixed) in (
            (n, route) for n in range(1, rounds + 1) for route in routes
        ):
            options = dict(fixed)
            if callable(options["sessions"]):
                options["sessions"] = options["sessions"]()
            wrk(server.url + path, connections=connections, seconds=2, **options)  # warm-up
            if callable(fixed["sessions"]):  # the warm-up moved the revisions on
                settled(db_url, data.field_id)
                options["sessions"] = fixed["sessions"]()
                before, conflicts_before = saved_revisions(db_url, data.field_id)
            cpu_before = server.cpu_seconds()
            result = wrk(server.url + path, connections=connections, seconds=seconds, **options)
            cpu = (server.cpu_seconds() - cpu_before) / max(result.requests, 1)
            results.append(dict(db=kind, route=name, round=number, result=result, cpu_ms=cpu * 1e3))
            if callable(fixed["sessions"]):
                after, conflicts = saved_revisions(db_url, data.field_id)
                print(
                    f"[{kind}] {name}: {after - before} revisions written for "
                    f"{result.requests} requests wrk counted (the rest were in flight when it "
                    "stopped); "
                    f"{conflicts - conflicts_before} kept as conflicts",
                    flush=True,
                )
            print(
                f"[{kind}] round {number} {name:<22} {result.rps:8.1f} req/s  "
                f"p50 {result.p50_ms:7.1f} ms  "
                f"p95 {result.p95_ms:7.1f} ms  server CPU {cpu * 1e3:6.2f} ms/request  "
                f"bad {result.bad}",
                flush=True,
            )
        problems = server.errors()
        if problems:
            print(f"[{kind}] server errors:\n  " + "\n  ".join(problems[:10]))
    return results


def _verdict(ratio: float, p95x: float, bad: int) -> str:
    return "met" if ratio >= TARGET_RATIO and p95x <= TARGET_P95 and bad == 0 else "MISSED"


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else 0.0


def _round_figures(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Each route's figures in one round, with the ratios to that round's baselines."""
    base, base_cpu = rows[0]["result"], rows[0]["cpu_ms"]
    logged = next((r["result"] for r in rows if r["route"] == LOGGED_IN), base)
    figures = {}
    for row in rows:
        r = row["result"]
        figures[row["route"]] = {
            "rps": r.rps,
            "p50": r.p50_ms,
            "p95": r.p95_ms,
            "bad": r.bad,
            "cpu": row["cpu_ms"],
            "ratio": _ratio(r.rps, base.rps),
            "p95x": _ratio(r.p95_ms, base.p95_ms),
            "ratio_li": _ratio(r.rps, logged.rps),
            "p95x_li": _ratio(r.p95_ms, logged.p95_ms),
            "cpu_ratio": _ratio(base_cpu, row["cpu_ms"]),
        }
    return figures


def report(results: list[dict], connections: int) -> bool:
    """Print the table with ratios to both baselines; True when the targets are met.

    The targets are judged against the anonymous /healthz (one SELECT 1, no session). The
    second baseline is the same route with a client's session cookie: every logged-in page
    also reads its session and user, so "× logged in" shows what the page itself costs.
    "cpu ms" is the gunicorn processes' CPU time per request (not the database server's) and
    "cpu r" the baseline's CPU per request divided by the route's: the throughput ratio the
    server's own work allows, which other load on the machine hardly moves. With several
    rounds, every ratio is worked out within its round (against that round's baselines) and
    the table shows the median of each figure; "bad" is the sum.
    """
    ok = True
    rounds = max((r.get("round", 1) for r in results), default=1)
    print()
    print(
        f"pages under gunicorn, {connections} connections, median of {rounds} round(s); "
        "ratio = route / anonymous /healthz, × logged in = route / /healthz with the "
        "client's session"
    )
    print(
        f"{'db':<9}{'route':<27}{'req/s':>9}{'ratio':>7}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p95 x':>7}{'ratio li':>9}{'p95 x li':>9}{'cpu ms':>8}{'cpu r':>7}{'bad':>5}"
        "  target (anonymous / logged in)"
    )
    for kind in dict.fromkeys(r["db"] for r in results):
        mine = [r for r in results if r["db"] == kind]
        per_round = [
            _round_figures([r for r in mine if r.get("round", 1) == n])
            for n in sorted({r.get("round", 1) for r in mine})
        ]
        for route in dict.fromkeys(r["route"] for r in mine):
            found = [f[route] for f in per_round if route in f]
            m = {key: statistics.median(f[key] for f in found) for key in found[0]}
            bad = int(sum(f["bad"] for f in found))
            target = ""
            if route in ("exercise page", "autosave POST"):
                strict = _verdict(m["ratio"], m["p95x"], bad)
                ok &= strict == "met"
                loose = _verdict(m["ratio_li"], m["p95x_li"], bad)
                target = f"{strict} / {loose} (>= 0.40, <= 3.0x)"
            elif bad:
                ok = False
                target = "non-200 answers"
            print(
                f"{kind:<9}{route:<27}{m['rps']:9.1f}{m['ratio']:7.2f}{m['p50']:9.1f}"
                f"{m['p95']:9.1f}{m['p95x']:7.2f}{m['ratio_li']:9.2f}{m['p95x_li']:9.2f}"
                f"{m['cpu']:8.2f}{m['cpu_ratio']:7.2f}{bad:5d}  {target}"
            )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the page benchmark on the chosen databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("-d", "--seconds", type=float, default=10)
    parser.add_argument("-c", "--connections", type=int, default=20)
    parser.add_argument(
        "-r", "--rounds", type=int, default=1, help="run every route this many times (median)"
    )
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    results: list[dict] = []
    with databases(kinds) as factories:
        for kind, make_url in factories.items():
            results += run(kind, make_url(), args.seconds, args.connections, args.rounds)
    return 0 if report(results, args.connections) else 1


if __name__ == "__main__":
    sys.exit(main())
