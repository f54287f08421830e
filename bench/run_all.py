"""`make bench`: every benchmark in one run, each figure as a ratio to its own baseline.

Usage: python bench/run_all.py [--db sqlite,postgres] [-d SECONDS] [-n ENROLLMENTS] [--quick]

1. pages under gunicorn with wrk, against /healthz of the same server (bench_web.py);
2. a delivery tick for 10,000 enrollments and the outbox drain, against a raw smtplib loop
   into the same aiosmtpd server (bench_delivery.py);
3. PDF rendering, WeasyPrint next to headless Chromium (bench_pdf.py);
4. the list pages at 1,000 and 10,000 clients, against /healthz (bench_scale.py).
Everything is on 127.0.0.1; the whole run takes a few minutes. Exit status 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_delivery  # noqa: E402
import bench_scale  # noqa: E402
import bench_web  # noqa: E402


def main() -> int:
    """Run the four benchmarks and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("-d", "--seconds", type=float, default=10)
    parser.add_argument("-n", "--enrollments", type=int, default=10_000)
    parser.add_argument(
        "--quick", action="store_true", help="3 s per route, 2,000 mails, 300 and 3,000 clients"
    )
    args = parser.parse_args()
    seconds, count = (3, 2000) if args.quick else (args.seconds, args.enrollments)
    sizes = "300,3000" if args.quick else "1000,10000"
    started = time.perf_counter()
    print("== 1. pages (wrk, gunicorn) ==", flush=True)
    web = bench_web.main(["--db", args.db, "-d", str(seconds)])
    print("\n== 2. delivery tick and outbox drain ==", flush=True)
    delivery = bench_delivery.main(["--db", args.db, "-n", str(count)])
    print("\n== 3. PDF rendering (bench_pdf.py) ==", flush=True)
    pdf = subprocess.run([sys.executable, str(HERE / "bench_pdf.py"), "-n", "3"]).returncode
    print("\n== 4. list pages as the organisation grows (bench_scale.py) ==", flush=True)
    bench_scale.main(["--db", args.db, "--sizes", sizes])
    print(
        f"\nbench finished in {time.perf_counter() - started:.0f} s: pages "
        f"{'met' if web == 0 else 'MISSED'}, delivery {'met' if delivery == 0 else 'MISSED'}, "
        f"pdf {'ok' if pdf == 0 else 'failed'}"
    )
    return 1 if web or delivery or pdf else 0


if __name__ == "__main__":
    sys.exit(main())
