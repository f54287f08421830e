"""Profile one route in-process with cProfile on the bench data (SQLite or PostgreSQL).

Usage: python bench/profile_route.py PATH [--role client|coach] [--post] [-n N] [--top K]
       [--db sqlite|postgres] [--sql] [--no-profile [--rounds R]] [--dump FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import databases  # noqa: E402  (also puts the project on sys.path)


def main() -> int:
    """Build the bench data in a temp SQLite file, log in, request PATH N times under cProfile."""
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--role", default="client")
    parser.add_argument("--post", action="store_true", help="autosave POST (client)")
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument(
        "--rounds", type=int, default=1, help="with --no-profile: time N rounds, print best/median"
    )
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumtime")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    parser.add_argument("--anonymous", action="store_true", help="do not log in")
    parser.add_argument("--no-profile", action="store_true", help="only time the requests")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--dump", help="also write the cProfile stats to this file (pstats)")
    args = parser.parse_args()
    with databases([args.db]) as factories:
        return profile(args, factories[args.db]())


def profile(args: argparse.Namespace, db_url: str) -> int:
    """Fill the database, log in, request the path N times (under cProfile unless told not)."""

    from bench_web import autosave_form
    from werkzeug.datastructures import MultiDict

    from profiler import clock
    from profiler.extensions import db
    from profiler.library import current_library
    from tests.conftest import login, make_app
    from tests.perf.dataset import build

    app = make_app(db_url)
    with app.app_context():
        data = build(db.session, current_library(), clock.now(), clients=200, answered=6)
        client = app.test_client()
        email = data.client_email if args.role == "client" else data.coach_email
        if not args.anonymous:
            login(client, email)
        path = args.path.replace("EXERCISE", data.exercise_id)
        html = client.get(path).get_data(as_text=True)

        field = data.field_id
        # What the browser's autosave posts after typing in one field: the whole form
        form, rev = autosave_form(html, field) if args.post else ([], "0")
        seen = [int(rev)]

        def once(i: int):
            if args.post:  # the form with the typed field and the revision it last got
                typed = [(f"_rev-{field}", str(seen[0])), (f"f.{field}", f"tekst {i}")]
                response = client.post(
                    path,
                    data=MultiDict(form + typed),
                    headers={"Accept": "application/json"},
                )
                assert response.json["changed"] == [field], response.json  # it really saved
                seen[0] = response.json["revisions"][field]
                return response
            return client.get(path)

        status = once(0).status_code
        if args.sql:
            from sqlalchemy import event

            statements: list[str] = []

            def record(conn, cursor, statement, *rest):
                statements.append(" ".join(statement.split())[:160])

            def marker(name: str):
                return lambda conn: statements.append(name.upper())

            # BEGIN and COMMIT too: on PostgreSQL each is a round trip of its own
            listeners = [("before_cursor_execute", record)] + [
                (name, marker(name)) for name in ("begin", "commit", "rollback")
            ]
            for name, listener in listeners:
                event.listen(db.engine, name, listener)
            once(-1)  # a text of its own: the same text again would change nothing
            for name, listener in listeners:
                event.remove(db.engine, name, listener)
            print(f"{len(statements)} statements and transaction steps:")
            print("\n".join(f"  {s}" for s in statements))
        if args.no_profile and args.rounds > 1:
            return _rounds(args, path, status, once)
        start, cpu = time.perf_counter(), time.process_time()
        profiler = cProfile.Profile()
        if not args.no_profile:
            profiler.enable()
        for i in range(args.n):
            once(i + 1)
        profiler.disable()
        elapsed = (time.perf_counter() - start) / args.n
        cpu = (time.process_time() - cpu) / args.n
        how = "" if args.no_profile else " (profiled)"
        print(
            f"{path}: status {status}, {elapsed * 1e3:.2f} ms wall, {cpu * 1e3:.2f} ms CPU"
            f" per request{how}"
        )
        if not args.no_profile:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            if args.dump:
                profiler.dump_stats(args.dump)
    return 0


def _rounds(args: argparse.Namespace, path: str, status: int, once) -> int:
    """Time `args.rounds` rounds of N requests after a warm-up; the best and the median CPU
    per request (the best is what the code costs, the median how much the machine moved)."""
    import gc
    import statistics

    for i in range(args.n):  # warm-up: caches filled, then the heap frozen as the bench's is
        once(i + 1)
    gc.freeze()
    figures = []
    for r in range(args.rounds):
        cpu = time.process_time()
        for i in range(args.n):
            once((r + 2) * args.n + i)
        figures.append((time.process_time() - cpu) / args.n * 1e3)
    print(
        f"{path}: status {status}, CPU per request best {min(figures):.2f} ms,"
        f" median {statistics.median(figures):.2f} ms ({args.rounds} rounds of {args.n})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
