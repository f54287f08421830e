"""A delivery tick for 10,000 enrollments, then draining their 10,000 mails over SMTP.

Usage: python bench/bench_delivery.py [--db sqlite,postgres] [-n ENROLLMENTS]

The SMTP server is aiosmtpd on 127.0.0.1 in its own process. The limit is a minimal
smtplib loop sending the same message bytes over one connection to that same server, in the
same run; the outbox drain (`profiler.outbox.send_due` with the SMTP backend, as the
scheduler runs it) is reported as a ratio to it. The tick is `profiler.delivery.deliver`.
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import databases, free_port, production_app  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

TICK_LIMIT = 10.0
SEND_RATIO = 0.50


def raw_rate(port: int, message: bytes, count: int) -> float:
    """Mails per second of a bare smtplib loop over one connection (the server's limit)."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as conn:
        for n in range(count):
            conn.sendmail("noreply@profiler.bench", [f"raw{n}@bench.test"], message)
    return count / (time.perf_counter() - start)


def run(kind: str, db_url: str, count: int, sink: SmtpSink) -> dict:
    """Tick and drain on one database; returns the figures."""
    from profiler import clock
    from profiler.delivery import deliver
    from profiler.extensions import db
    from profiler.library import current_library
    from profiler.mail import backend_for, outgoing
    from profiler.models import OutboxMail
    from profiler.outbox import send_due
    from tests.perf.dataset import due_enrollments

    app = production_app(db_url)
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
    with app.app_context():
        now = clock.now().replace(second=30, microsecond=0)
        started = time.perf_counter()
        due_enrollments(db.session, current_library(), now, count)
        print(f"[{kind}] {count} enrollments ready in {time.perf_counter() - started:.1f} s")
        db.session.remove()

        started = time.perf_counter()
        report = deliver(db.session, now)
        tick = time.perf_counter() - started
        db.session.remove()
        print(f"[{kind}] tick: {tick:.2f} s, delivered {report.delivered}", flush=True)

        sample = db.session.query(OutboxMail).order_by(OutboxMail.id).first()
        message = outgoing(sample, app.config["MAIL_FROM"]).data  # the bytes the drain sends
        db.session.remove()
        sink.reset()
        raw = raw_rate(sink.port, message, count)
        sink.reset()
        print(f"[{kind}] raw smtplib loop: {raw:.0f} mails/s ({len(message)} bytes each)")

        started = time.perf_counter()
        sent = send_due(
            db.session, backend_for(app), app.config["MAIL_FROM"], now, limit=count + 100
        )
        drain = time.perf_counter() - started
        db.session.remove()
        received, distinct, dupes = sink.wait_for(count)
        db.engine.dispose()
    rate = sent.sent / drain if drain else 0.0
    print(
        f"[{kind}] drain: {sent.sent} sent in {drain:.2f} s = {rate:.0f} mails/s; server got "
        f"{received} ({distinct} distinct, {dupes} twice)",
        flush=True,
    )
    return dict(
        db=kind,
        tick=tick,
        delivered=report.delivered,
        raw=raw,
        drain=drain,
        sent=sent.sent,
        rate=rate,
        received=received,
        distinct=distinct,
        dupes=dupes,
        count=count,
    )


def report(results: list[dict]) -> bool:
    """Print the table; True when the targets are met."""
    ok = True
    print()
    print("delivery: tick seconds; drain mails/s as a ratio to a raw smtplib loop (the limit)")
    print(
        f"{'db':<9}{'enrollments':>12}{'tick s':>8}{'mails':>7}{'drain s':>9}{'mails/s':>9}"
        f"{'raw/s':>8}{'ratio':>7}  target"
    )
    for r in results:
        ratio = r["rate"] / r["raw"] if r["raw"] else 0
        whole = r["delivered"] == r["count"] == r["sent"] == r["received"] == r["distinct"]
        met = r["tick"] < TICK_LIMIT and ratio >= SEND_RATIO and whole and not r["dupes"]
        ok &= met
        why = "met" if met else "MISSED (tick < 10 s, ratio >= 0.50, each mail once)"
        print(
            f"{r['db']:<9}{r['count']:>12}{r['tick']:8.2f}{r['sent']:7d}{r['drain']:9.2f}"
            f"{r['rate']:9.0f}{r['raw']:8.0f}{ratio:7.2f}  {why}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the delivery benchmark on the chosen databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("-n", "--enrollments", type=int, default=10_000)
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    results = []
    with SmtpSink(free_port()) as sink, databases(kinds) as factories:
        for kind, make_url in factories.items():
            results.append(run(kind, make_url(), args.enrollments, sink))
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
