"""A local aiosmtpd server in its own process that counts what it accepts (for the benches).

It keeps only each message's Message-ID, so it can tell duplicates apart without spending
its CPU on parsing: the server must be the same, cheap limit for every sender measured.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class CountingHandler:
    """Accept everything; count messages by Message-ID."""

    def __init__(self) -> None:
        self.ids: Counter[bytes] = Counter()
        self.total = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Count the message."""
        head = envelope.content[:4000]
        match = MESSAGE_ID.search(head)
        self.ids[match.group(1) if match else b""] += 1
        self.total += 1
        return "250 Message accepted"


def serve(port: int) -> None:
    """Run the server; answer "stats" / "reset" lines on stdin until "stop" or EOF."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                dupes = sum(1 for n in handler.ids.values() if n > 1)
                print(handler.total, len(handler.ids), dupes, flush=True)
            elif command == "reset":
                handler.ids.clear()
                handler.total = 0
                print("ok", flush=True)
            else:
                break
    finally:
        controller.stop()


class SmtpSink:
    """Start with `with SmtpSink(port) as sink:`; `sink.stats()` -> (messages, ids, dupes)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> SmtpSink:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self._ask(None) != "ready":
            raise RuntimeError("SMTP sink did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        try:
            self.proc.stdin.write("stop\n")
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _ask(self, command: str | None) -> str:
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        if command:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def stats(self) -> tuple[int, int, int]:
        """(messages accepted, distinct Message-IDs, Message-IDs seen more than once)."""
        total, distinct, dupes = (int(x) for x in self._ask("stats").split())
        return total, distinct, dupes

    def reset(self) -> None:
        """Forget what was received."""
        self._ask("reset")

    def wait_for(self, count: int, timeout: float = 30) -> tuple[int, int, int]:
        """Wait until `count` messages arrived (or the timeout); returns the stats."""
        deadline = time.monotonic() + timeout
        stats = self.stats()
        while stats[0] < count and time.monotonic() < deadline:
            time.sleep(0.2)
            stats = self.stats()
        return stats


if __name__ == "__main__":
    serve(int(sys.argv[1]))
