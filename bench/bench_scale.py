"""How the list pages grow with the organisation: time per request at 1,000 and 10,000 clients.

Usage: python bench/bench_scale.py [--db sqlite,postgres] [--sizes 1000,10000] [-n N]

For each size a fresh database gets an administrator, one coach with every client, the
clients' plans and answers, mails and audit events (tests/perf/dataset.py). Each page is
requested in-process (Flask's test client, logged in as its role), one at a time, and timed
by the clock, so the database server's own work counts too. The figure is the best of three
rounds of N requests, printed in ms and as a ratio to `/healthz` measured in the same round.
A paged list should cost the same at both sizes ("growth" near 1.0); a page that reads every
client grows with them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import databases  # noqa: E402  (also puts the project on sys.path)

# (label, role, path): the administrator's lists, and the coach dashboard for both roles
# (a coach sees their own clients; an administrator sees everyone's).
PAGES = [
    ("/healthz (baseline)", None, "/healthz"),
    ("/admin (counts)", "admin", "/admin"),
    ("/admin/users", "admin", "/admin/users"),
    ("/admin/users, search", "admin", "/admin/users?q=client"),
    ("/admin/users, last page", "admin", "/admin/users?page=999999"),
    ("/admin/outbox", "admin", "/admin/outbox"),
    ("/admin/audit", "admin", "/admin/audit"),
    ("/coach as the coach", "coach", "/coach"),
    ("/coach as administrator", "admin", "/coach"),
]


def measure(db_url: str, size: int, requests: int) -> dict[str, float]:
    """Milliseconds per request of every page on a fresh database with `size` clients."""
    from profiler import clock
    from profiler.extensions import db
    from profiler.library import current_library
    from tests.conftest import login, make_app
    from tests.perf.dataset import build

    app = make_app(db_url)
    with app.app_context():
        data = build(db.session, current_library(), clock.now(), clients=size, answered=2)
        http = {None: app.test_client()}
        for role, email in (("admin", data.admin_email), ("coach", data.coach_email)):
            http[role] = app.test_client()
            login(http[role], email)
    best: dict[str, float] = {}
    for _ in range(3):
        for label, role, path in PAGES:
            client = http[role]
            response = client.get(path)  # warm: caches, the session's first queries
            assert response.status_code == 200, f"{path}: {response.status_code}"
            started = time.perf_counter()
            for _ in range(requests):
                client.get(path)
            cost = (time.perf_counter() - started) / requests * 1e3
            best[label] = min(best.get(label, cost), cost)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return best


def main(argv: list[str] | None = None) -> int:
    """Print a table per database: ms and ratio to /healthz per size, and the growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("-n", "--requests", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    kinds = [kind for kind in args.db.split(",") if kind]
    with databases(kinds) as factories:
        for kind, factory in factories.items():
            figures = {size: measure(factory(), size, args.requests) for size in sizes}
            head = " | ".join(f"{size:,} clients: ms (× healthz)" for size in sizes)
            print(f"\n{kind}: time per request, best of 3 rounds of {args.requests}")
            print(f"| page | {head} | growth {sizes[0]:,} → {sizes[-1]:,} |")
            print("| --- |" + " --- |" * len(sizes) + " --- |")
            for label, _, _ in PAGES:
                cells = []
                for size in sizes:
                    ms = figures[size][label]
                    cells.append(f"{ms:.1f} ({ms / figures[size][PAGES[0][0]]:.1f}×)")
                growth = figures[sizes[-1]][label] / figures[sizes[0]][label]
                print(f"| {label} | " + " | ".join(cells) + f" | {growth:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
