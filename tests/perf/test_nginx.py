"""deploy/nginx/profiler.conf with a real nginx in front of a real gunicorn.

A copy of the shipped file runs with only its listen addresses (loopback, free ports), the
certificate paths, the upstream port and the static folder replaced. Every replacement must
happen, so a change in the file's shape fails here instead of going untested. gunicorn runs
as in production (bench/harness.py), on SQLite.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade

from profiler import create_app
from profiler.extensions import db as _db
from tests.conftest import PASSWORD, ROOT, free_port, make_user

sys.path.insert(0, str(ROOT / "bench"))
from harness import CSRF_RE, Gunicorn, wait_for  # noqa: E402

pytestmark = pytest.mark.slow

SHIPPED = ROOT / "deploy" / "nginx" / "profiler.conf"
STATIC = ROOT / "profiler" / "static"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
)
EMAIL = "sanne@example.nl"
CV_PAGE = "/me/documents/cv"
TOO_LARGE = "De foto is te groot. Kies een foto kleiner dan 5 MB."
CSRF_PAGE = "Formulier niet verstuurd"  # the app's own page for a refused form
MB = 1024 * 1024
AGENT = "profiler-nginx-test"  # tells the test's requests apart in the access log


def ipv6_loopback() -> bool:
    """Whether ::1 can be bound here (containers often have no IPv6)."""
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def replace(text: str, pattern: str, new: str) -> str:
    """Replace the one line matching `pattern`; fail when the shipped file has no such line."""
    result, n = re.subn(rf"^[ \t]*{pattern}[ \t]*$", lambda _: new, text, flags=re.M)
    assert n == 1, f"{pattern!r} matched {n} lines in {SHIPPED.name}, expected 1"
    return result


def site_config(https: int, http: int, upstream: int, cert: Path, key: Path) -> str:
    """The shipped file with the test's ports, certificate and static folder."""
    six = ipv6_loopback()  # without IPv6 the [::] lines are dropped, after matching them
    text = SHIPPED.read_text()
    text = replace(text, r"listen 80;", f"listen 127.0.0.1:{http};")
    text = replace(text, r"listen \[::\]:80;", f"listen [::1]:{http};" if six else "")
    text = replace(text, r"listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    text = replace(
        text, r"listen \[::\]:443 ssl http2;", f"listen [::1]:{https} ssl http2;" if six else ""
    )
    text = replace(text, r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};")
    text = replace(text, r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};")
    text = replace(text, r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream};")
    text = replace(text, r"root \S+/profiler/static/errors;", f"root {STATIC}/errors;")
    return replace(text, r"alias \S+/profiler/static/;", f"alias {STATIC}/;")


def main_config(tmp: Path) -> str:
    """A minimal nginx.conf like Debian's, with everything nginx writes under `tmp`."""
    mime = Path("/etc/nginx/mime.types")
    types = f"include {mime};" if mime.exists() else "types { text/css css; text/html html; }"
    # As root, the workers would run as nobody and could not read a 0700 temp folder.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    gzip on;  # as Debian's nginx.conf has it: the site file must turn it off for pages
{temp}
    include {tmp}/profiler.conf;
}}
"""


def make_certificate(tmp: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for a day."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1".split()
    command += ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    subprocess.run([*command, "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def wait_listening(port: int, proc: subprocess.Popen, log: Path) -> None:
    """Wait until nginx accepts connections on `port`."""

    def accepts() -> bool:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True

    wait_for(accepts, proc, log, "nginx", timeout=10)


def stop(proc: subprocess.Popen) -> None:
    """SIGQUIT (graceful), then kill after 10 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Browser:
    """HTTPS to nginx, verified against the test's certificate, keeping cookies.

    Like a browser it sends a Referer with the page's address, port included (nginx passes
    the Host header as the browser sent it, so the app's Referer check matches on any port).
    """

    def __init__(self, port: int, cafile: Path) -> None:
        self.port = port
        self.cafile = cafile
        self.cookies: dict[str, str] = {}

    def context(self, alpn: list[str] | None = None) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.cafile))
        context.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)  # a bare test cert
        if alpn:
            context.set_alpn_protocols(alpn)
        return context

    def alpn(self) -> str | None:
        """The protocol nginx picks when the client offers HTTP/2 first."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            context = self.context(["h2", "http/1.1"])
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                return tls.selected_alpn_protocol()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, http.client.HTTPMessage, str]:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=30, context=self.context()
        )
        sent = {"User-Agent": AGENT, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, text

    def csrf(self, path: str) -> str:
        """The CSRF token from a page's form."""
        status, _, html = self.request("GET", path)
        match = CSRF_RE.search(html)
        assert status == 200 and match, f"no CSRF token on {path} (status {status})"
        return match.group(1)

    def post_form(self, path: str, fields: dict[str, str], referer: bool = True):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if referer:
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def post_photo(self, path: str, token: str, size: int):
        """The photo form with a `size`-byte file, as multipart/form-data."""
        boundary = "profiler-test-boundary"
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in (("csrf_token", token), ("action", "photo"))
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="ik.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        )
        body = head.encode() + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
        }
        return self.request("POST", path, body, headers)


def open_connections_to(port: int) -> int:
    """Established TCP connections to 127.0.0.1:`port` (Linux /proc)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            remote, state = fields[2], fields[3]
            if state == "01" and int(remote.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def logged_entries(log: Path, path: str, times: int = 1) -> list[dict]:
    """The test's requests in gunicorn's access log (JSON per line), once `path` is there
    `times` times. A worker writes the line just after the response, so wait for it.
    """
    deadline = time.monotonic() + 5
    while True:
        entries = [
            entry
            for entry in (
                json.loads(line)
                for line in log.read_text(errors="replace").splitlines()
                if line.startswith('{"ts"')
            )
            if entry["agent"] == AGENT
        ]
        found = sum(1 for entry in entries if entry["path"] == path)
        if found >= times or time.monotonic() > deadline:
            return entries


def logged(log: Path, path: str, times: int = 1) -> list[str]:
    """Paths of the test's requests in gunicorn's access log (see logged_entries)."""
    return [entry["path"] for entry in logged_entries(log, path, times)]


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/install-system-deps.sh)")
def test_nginx_config_in_front_of_gunicorn(tmp_path):
    db_url = f"sqlite:///{tmp_path}/nginx.db"
    app = create_app("config.Testing", SQLALCHEMY_DATABASE_URI=db_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        make_user(email=EMAIL)
        _db.session.remove()
        _db.engine.dispose()
    cert, key = make_certificate(tmp_path)
    https_port, http_port = free_port(), free_port()
    error_log = tmp_path / "error.log"

    with ExitStack() as stack:
        web = stack.enter_context(Gunicorn(db_url, workers=2, log=tmp_path / "web.log"))
        (tmp_path / "profiler.conf").write_text(
            site_config(https_port, http_port, web.port, cert, key)
        )
        conf = tmp_path / "nginx.conf"
        conf.write_text(main_config(tmp_path))
        command = [NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(error_log)]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        assert "test is successful" in checked.stderr
        nginx = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        stack.callback(stop, nginx)
        wait_listening(https_port, nginx, error_log)
        wait_listening(http_port, nginx, error_log)
        browser = Browser(https_port, cert)

        # TLS with HTTP/2 on offer, and the app's health check through the proxy.
        assert browser.alpn() == "h2"
        status, _, body = browser.request("GET", "/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        assert "/healthz" in logged(web.log, "/healthz")
        if Path("/proc/net/tcp").exists():  # nginx keeps its connection to gunicorn open
            assert open_connections_to(web.port) >= 1

        # nginx replaces a client's own X-Forwarded-For: the app (PROFILER_PROXY_HOPS=1) and
        # gunicorn's log see the address nginx saw, never what the client wrote.
        spoofed = {"X-Forwarded-For": "203.0.113.9"}
        assert browser.request("GET", "/login", headers=spoofed)[0] == 200
        login_entries = [e for e in logged_entries(web.log, "/login") if e["path"] == "/login"]
        assert [e["remote"] for e in login_entries] == ["127.0.0.1"]

        # Plain http only redirects to https, path and query kept.
        conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        conn.request("GET", "/anything?x=1")
        redirect = conn.getresponse()
        assert redirect.status == 301
        assert re.fullmatch(r"https://[^/]+/anything\?x=1", redirect.headers["Location"])
        conn.close()

        # The session cookie is Secure, and the app knows the request came over https:
        # Flask-WTF demands a Referer only on https (WTF_CSRF_SSL_STRICT), so without
        # X-Forwarded-Proto the form without one would pass.
        status, headers, _ = browser.request("GET", "/login")
        assert status == 200
        cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("__Host-session="))
        assert "Secure" in cookie.split("; ")
        token = browser.csrf("/login")
        fields = {"email": EMAIL, "password": PASSWORD, "csrf_token": token}
        status, _, body = browser.post_form("/login", fields, referer=False)
        assert status == 400 and CSRF_PAGE in body
        status, headers, _ = browser.post_form("/login", fields)
        assert status == 302, "login through nginx failed"
        assert not headers["Location"].startswith("http:")

        # A 6 MB photo reaches the app, which explains the 5 MB limit on the page; 9 MB is
        # above the app's own 8 MB but below nginx's limit: still the app's page. 12 MB is
        # nginx's bare 413.
        token = browser.csrf(CV_PAGE)
        status, _, body = browser.post_photo(CV_PAGE, token, 6 * MB)
        assert status == 400 and TOO_LARGE in body
        status, _, body = browser.post_photo(CV_PAGE, token, 9 * MB)
        assert status == 413 and TOO_LARGE in body
        status, _, body = browser.post_photo(CV_PAGE, token, 12 * MB)
        assert status == 413 and "<center>nginx</center>" in body and TOO_LARGE not in body
        assert logged(web.log, CV_PAGE, 3).count(CV_PAGE) == 3  # the form, then two photos

        # Static files come from nginx: checked again by the browser each time, never by
        # gunicorn.
        status, headers, css = browser.request("GET", "/static/css/app.css")
        assert status == 200 and css == (STATIC / "css" / "app.css").read_text()
        assert headers["Content-Type"].startswith("text/css")
        assert headers["Cache-Control"] == "no-cache"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["ETag"] and headers["Last-Modified"]
        status, headers, _ = browser.request(
            "GET", "/static/css/app.css", headers={"If-None-Match": headers["ETag"]}
        )
        assert status == 304 and headers["Cache-Control"] == "no-cache"
        status, _, again = browser.request(
            "GET", "/static/css/app.css", headers={"If-None-Match": '"an-older-version"'}
        )
        assert status == 200 and again == css  # a changed file is sent again in full
        # Static text goes compressed to browsers that take it; pages never do (BREACH).
        gzip = {"Accept-Encoding": "gzip"}
        for path in ("/static/css/app.css", "/static/js/autosave.js", "/static/favicon.svg"):
            status, headers, _ = browser.request("GET", path, headers=gzip)
            assert status == 200 and headers["Content-Encoding"] == "gzip", path
            assert "Accept-Encoding" in headers["Vary"], path
        status, headers, _ = browser.request("GET", CV_PAGE, headers=gzip)  # token and form
        assert status == 200 and headers["Content-Encoding"] is None
        assert browser.request("GET", "/healthz")[0] == 200  # a last line to wait for
        paths = logged(web.log, "/healthz", 2)
        assert paths.count("/healthz") == 2 and "/static/" not in web.log.read_text()
        assert browser.request("GET", "/unavailable.html")[0] == 404  # only for nginx's errors

        # gunicorn stopped (a restart, an upgrade): nginx's own calm page, not a bare 502.
        web.proc.send_signal(signal.SIGTERM)
        web.proc.wait(timeout=30)
        for method, path in (("GET", "/me"), ("POST", "/me/exercises/self_image")):
            status, headers, body = browser.request(method, path)
            assert status == 502, (method, path, status)
            assert "Profiler is even niet bereikbaar" in body and "briefly unavailable" in body
            assert headers["Cache-Control"] == "no-store"
            assert "<center>nginx</center>" not in body
