"""What the bench scripts share: databases, the app's environment, gunicorn, logins, wrk.

Everything runs on 127.0.0.1: a throwaway PostgreSQL cluster (tests.conftest.PostgresServer),
SQLite files in a temp folder, gunicorn started with the project's own gunicorn.conf.py.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import PostgresServer, _pg_bin, free_port  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
USER_AGENT = "profiler-bench/1"
SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def app_env(db_url: str, **extra: str) -> dict[str, str]:
    """The production environment the benched processes run with (loopback only)."""
    env = dict(os.environ)
    env.update(
        PROFILER_ENV="production",
        PROFILER_SECRET_KEY=SECRET,
        PROFILER_BASE_URL="https://profiler.bench.invalid",
        PROFILER_DATABASE_URL=db_url,
        PROFILER_EMBEDDED_SCHEDULER="0",
        PROFILER_RATELIMIT_STORAGE_URI="database://",
        PROFILER_MAIL_BACKEND="file",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


@contextmanager
def databases(kinds: list[str]) -> Iterator[dict[str, object]]:
    """A factory per kind ("sqlite", "postgres") that makes a fresh empty database URL."""
    folder = Path(tempfile.mkdtemp(prefix="profiler-bench-"))
    server = None
    factories: dict[str, object] = {}
    counter = iter(range(1, 1000))
    try:
        if "sqlite" in kinds:
            factories["sqlite"] = lambda: f"sqlite:///{folder}/bench{next(counter)}.db"
        if "postgres" in kinds:
            bindir = _pg_bin()
            if bindir is None:
                print("PostgreSQL is not installed: skipping the PostgreSQL runs")
            else:
                server = PostgresServer(bindir).start()
                factories["postgres"] = lambda: server.create_database(f"bench{next(counter)}")
        yield factories
    finally:
        if server is not None:
            server.stop()
        for path in folder.glob("*"):
            path.unlink()
        folder.rmdir()


def production_app(db_url: str):
    """The app as gunicorn builds it (Production config), schema from the migrations."""
    os.environ.update(app_env(db_url))
    import importlib

    import config

    importlib.reload(config)  # class attributes read the environment at import
    from flask_migrate import upgrade

    from profiler import create_app

    app = create_app(config.Production)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


class Gunicorn:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free loopback port, as in production."""

    def __init__(self, db_url: str, workers: int | None = None, log: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        extra = {"PROFILER_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            extra["PROFILER_WORKERS"] = str(workers)
        self.env = app_env(db_url, **extra)
        self.log = log or Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        handle = self.log.open("wb")
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        wait_healthy(self.url, self.proc, self.log)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far: master, live workers and reaped workers.

        Workers recycled by max_requests are counted through the master's children times.
        Unlike req/s, this hardly moves when other processes share the machine.
        """
        assert self.proc is not None
        tick = os.sysconf("SC_CLK_TCK")
        master = _proc_stat(self.proc.pid)
        total = sum(int(master[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        for pid in children.split():
            try:
                worker = _proc_stat(int(pid))
            except (FileNotFoundError, ProcessLookupError):
                continue  # exited meanwhile: its time is in the master's children times
            total += int(worker[11]) + int(worker[12])
        return total / tick

    def errors(self) -> list[str]:
        """Access-log lines with a 5xx status and tracebacks in the log."""
        text = self.log.read_text(errors="replace")
        bad = [line for line in text.splitlines() if re.search(r'"status":5\d\d', line)]
        bad += [line for line in text.splitlines() if line.startswith("Traceback")]
        return bad


def _proc_stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (field 3 onwards, 0-based here)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def wait_for(ready, proc: subprocess.Popen, log: Path, what: str, timeout: float) -> None:
    """Poll `ready()` until it is true; fail with the end of the log when the process exits
    first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not get ready:\n{log.read_text(errors='replace')[-3000:]}")


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait until /healthz answers 200 (the app and its database are up)."""
    wait_for(
        lambda: HttpSession(url).request("GET", "/healthz")[0] == 200, proc, log, "server", timeout
    )


class HttpSession:
    """A tiny requests-like client: keeps cookies (also Secure ones: loopback bench only)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], str]:
        """One request; returns (status, headers, body text).

        A connection the server resets is tried again (twice at most): a gunicorn worker that
        reached `max_requests` can drop a connection it had accepted while it exits, and the
        bench's setup (logins, forms) must not stop for that.
        """
        for attempt in range(3):
            try:
                return self._request_once(method, path, data, headers)
            except (ConnectionResetError, http.client.RemoteDisconnected):
                if attempt == 2:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def _request_once(
        self, method: str, path: str, data: dict | None, headers: dict | None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = self.cookie_header()
        body = None
        if data is not None:
            body = urlencode(data)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def cookie_header(self) -> str:
        """The Cookie header value."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items() if v)

    def csrf(self, path: str) -> str:
        """The CSRF token from a page's form."""
        status, _, html = self.request("GET", path)
        match = CSRF_RE.search(html)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} (status {status})")
        return match.group(1)

    def login(self, email: str, password: str, totp_secret: str | None = None) -> None:
        """Log in through the real forms, with the authenticator code for staff."""
        token = self.csrf("/login")
        status, headers, _ = self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": token}
        )
        location = urlsplit(headers.get("location", "")).path
        if status == 302 and location == "/login/code":
            import pyotp

            token = self.csrf("/login/code")
            code = pyotp.TOTP(totp_secret or "").now()
            status, headers, _ = self.request(
                "POST", "/login/code", {"code": code, "csrf_token": token}
            )
            location = urlsplit(headers.get("location", "")).path
        if status != 302 or location.startswith("/login"):
            raise RuntimeError(f"login of {email} failed: {status} -> {location}")


WRK_SCRIPT = r"""
-- sessions: one per connection when there are as many threads as connections; each has a
-- cookie and, for a POST, a body `head .. rev .. tail .. counter`. When `track` names a
-- field, the revision the server answers with goes into the next request of that
-- connection, as the autosave script in the browser does.
local sessions, track = %(sessions)s, %(track)s
local threads = {}
wrk.method = %(method)s
wrk.headers["User-Agent"] = %(agent)s
%(extra_headers)s
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  n = 0
  statuses = {}
  mine = sessions[((id - 1) %% #sessions) + 1]
  rev = mine.rev
  wrk.headers["Cookie"] = mine.cookie
end
function request()
  if mine.head == "" then
    return wrk.format()
  end
  n = n + 1
  return wrk.format(nil, nil, nil, mine.head .. rev .. mine.tail .. id .. "-" .. n)
end
function response(status, headers, body)
  if status ~= %(expect)d then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  elseif track ~= "" then
    local _, stop = string.find(body, '"' .. track .. '":', 1, true)
    if stop then
      rev = string.match(body, "^%%s*(%%d+)", stop + 1) or rev
    end
  end
end
function done(summary, latency, requests)
  local bad_total, codes = 0, ""
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
  end
  io.write(string.format(
    'WRK {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.3f, "p95_ms": %%.3f, "p99_ms": %%.3f,'
      .. ' "bad": %%d, "socket_errors": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, bad_total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def _lua(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for ASCII text


@dataclass
class WrkResult:
    """One wrk run."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bad: int
    socket_errors: int

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class WrkSession:
    """What one connection sends: its cookie and, for a POST, `head + rev + tail + counter`."""

    cookie: str = ""
    head: str = ""
    rev: str = ""
    tail: str = ""

    def lua(self) -> str:
        """As a Lua table literal."""
        fields = ", ".join(f"{k} = {_lua(v)}" for k, v in vars(self).items())
        return "{" + fields + "}"


def wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    sessions: list[WrkSession],
    method: str = "GET",
    track: str = "",
    headers: dict[str, str] | None = None,
    expect: int = 200,
    threads: int = 2,
) -> WrkResult:
    """Run wrk against `url`; thread i uses sessions[i % len(sessions)].

    With as many threads as connections, every connection is its own user. `track` is a
    field whose revision the JSON answer carries; it is sent back in the next request.
    """
    extra = "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in (headers or {}).items())
    if any(s.head for s in sessions):
        extra += '\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"'
    script = WRK_SCRIPT % dict(
        sessions="{" + ", ".join(s.lua() for s in sessions) + "}",
        track=_lua(track),
        method=_lua(method),
        agent=_lua(USER_AGENT),
        extra_headers=extra,
        expect=expect,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                url,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(handle.name)
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    return WrkResult(**json.loads(line[4:]))
