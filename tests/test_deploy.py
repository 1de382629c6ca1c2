"""The deployment in deploy/, run as processes (containers cannot run here): nginx with
deploy/nginx.conf in front of gunicorn (gunicorn.conf.py, 2 sync workers) on a fresh PostgreSQL
database migrated and seeded as the `migrate` job does it, with Redis for the rate limits.

It proves what the proxy is there for: slow clients do not stall anyone else, a client's
X-Forwarded-Host never reaches the app, and revalidation through nginx still gives 304s, with
and without gzip. nginx comes from apt (`apt-get install -y nginx`); without it these tests are
skipped, unless REQUIRE_DEPLOY=1 (set by CI), which makes a missing piece a failure.
"""
from __future__ import annotations

import contextlib
import errno
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from helpers import ADMIN_URL, BIN, ROOT, SMALL_SEED_DIR, admin_sql, free_port, postgres_url, wait_for

import api
from api import create_app

NGINX = "/usr/sbin/nginx"
HOST = "treaty.example.org"  # deploy/nginx.conf's server_name
REDIS = ("127.0.0.1", 6379)
METRICS_TOKEN = "deploy-scraper"

pytestmark = pytest.mark.slow  # real nginx, gunicorn and PostgreSQL processes


def test_instance_directory_is_created_only_for_sqlite(monkeypatch, tmp_path):
    """A read-only root filesystem: the app no longer needs to create instance/ unless it uses SQLite."""
    def read_only(path, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", path)

    monkeypatch.setattr(api.os, "makedirs", read_only)
    create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://treaty@db.invalid/treaty"})
    with pytest.raises(OSError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'treaty.db'}"})


def _missing(reason: str):
    if os.environ.get("REQUIRE_DEPLOY"):
        pytest.fail(f"REQUIRE_DEPLOY is set but {reason}")
    pytest.skip(reason)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def request(port: int, path: str, headers: dict, timeout: float = 5):
    """One GET on a fresh connection: status, headers (lower-case names), body, seconds taken."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body, time.monotonic() - started


@dataclass
class Stack:
    nginx: int  # nginx's port
    gunicorn: int  # gunicorn's own port, for the controls that bypass nginx
    tmp: Path


def nginx_config(tmp: Path, port: int, upstream: int) -> Path:
    """deploy/nginx.conf with its listen ports and upstream moved, inside a minimal main config."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text, listens = re.subn(r"\blisten 80\b", f"listen 127.0.0.1:{port}", text)
    text, upstreams = re.subn(r"\bserver app:8000;", f"server 127.0.0.1:{upstream};", text)
    assert (listens, upstreams) == (2, 1), "deploy/nginx.conf changed shape: update nginx_config()"
    (tmp / "treaty-api.conf").write_text(text)
    main = tmp / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""  # else the workers would run as nobody
    temp_paths = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in
                           ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main.write_text(f"""{user}
worker_processes 1;
error_log {tmp / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    access_log {tmp / 'access.log'};
{temp_paths}
    include {tmp / 'treaty-api.conf'};
}}
""")
    return main


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # TERM: gunicorn's graceful stop; nginx's fast one
        try:
            process.wait(25)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not os.access(NGINX, os.X_OK):
        _missing(f"{NGINX} is missing (apt-get install -y nginx)")
    try:
        admin_sql("SELECT 1")
    except psycopg.OperationalError as error:
        _missing(f"PostgreSQL is unreachable at {ADMIN_URL}: {error}")
    if not _redis_answers():
        _missing(f"Redis does not answer at {REDIS[0]}:{REDIS[1]}")

    tmp = tmp_path_factory.mktemp("deploy")
    name = f"treaty_deploy_{uuid.uuid4().hex[:12]}"
    nginx_port, gunicorn_port = free_port(), free_port()
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": postgres_url(name),
           # a Redis database of its own, so other suites' counters for 127.0.0.1 are not ours
           "REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{1 + secrets.randbelow(15)}",
           "SEED_DIR": str(SMALL_SEED_DIR), "PROXY_HOPS": "1", "PUBLIC_URL": f"http://{HOST}",
           "BIND": f"127.0.0.1:{gunicorn_port}", "WEB_CONCURRENCY": "2", "METRICS_TOKEN": METRICS_TOKEN}
    processes: list[subprocess.Popen] = []
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        for command in (["db", "upgrade"], ["seed"]):  # the migrate job
            subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True,
                           capture_output=True, timeout=120)
        with open(tmp / "gunicorn.log", "wb") as log:
            processes.append(subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", "wsgi:app"],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))

        def up(port: int, host: str) -> bool:
            """the server answers /healthz"""
            try:
                return request(port, "/healthz", {"Host": host}, timeout=2)[0] == 200
            except OSError:
                return False

        wait_for(lambda: up(gunicorn_port, "127.0.0.1"), seconds=60, every=0.2)
        config = nginx_config(tmp, nginx_port, gunicorn_port)
        processes.append(subprocess.Popen(
            [NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(config),
             "-g", f"daemon off; pid {tmp / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: up(nginx_port, HOST), seconds=20, every=0.1)
        yield Stack(nginx_port, gunicorn_port, tmp)
    finally:
        for process in reversed(processes):
            _stop(process)
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_clients_forwarded_host_never_reaches_the_app(stack):
    """Two guards, each tested: nginx overwrites X-Forwarded-Host with the configured host, and the
    app builds absolute URLs from PUBLIC_URL, never from the request (api/urls.py). The app's guard
    hides nginx's from a black-box test, so the nginx line is checked in the config itself."""
    # The first request for this feed on any worker: nothing is cached yet, the body is built now.
    path = "/api/v1/countries/FI/changes.atom"
    status, _, body, _ = request(stack.nginx, path, {"Host": HOST, "X-Forwarded-Host": "evil.example"})
    assert status == 200
    assert b"evil.example" not in body
    assert f'href="http://{HOST}{path}"'.encode() in body
    assert "proxy_set_header X-Forwarded-Host $host;" in (ROOT / "deploy" / "nginx.conf").read_text()

    # Straight to gunicorn (which trusts one proxy), the header still changes nothing.
    status, _, body, _ = request(stack.gunicorn, "/api/v1/countries/CA/changes.atom",
                                 {"Host": "other.example", "X-Forwarded-Host": "evil.example"})
    assert status == 200 and b"evil.example" not in body and b"other.example" not in body

    # A Host that is not ours never reaches the app at all: nginx closes the connection (444).
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        request(stack.nginx, "/api/v1/countries/US/changes.atom", {"Host": "evil.example"})


def test_metrics_are_for_the_scraper_not_through_nginx(stack):
    """Prometheus scrapes gunicorn directly with METRICS_TOKEN; nginx never passes /metrics on."""
    token = {"Host": HOST, "Authorization": f"Bearer {METRICS_TOKEN}"}
    status, _, body, _ = request(stack.gunicorn, "/metrics", token)
    assert status == 200 and b"treaty_http_requests_total" in body
    status, _, body, _ = request(stack.nginx, "/metrics", token)
    assert status == 404 and b"treaty_" not in body


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_revalidation_through_nginx_gives_304(stack, encoding):
    accept = {"Host": HOST, "Accept-Encoding": encoding}
    # JSON the app compresses itself: nginx passes it, and its strong ETag, through untouched.
    status, headers, body, _ = request(stack.nginx, "/api/v1/treaties", accept)
    assert status == 200 and body
    assert headers.get("content-encoding") == (None if encoding == "identity" else "gzip")
    etag = headers["etag"]
    assert not etag.startswith("W/")
    status, headers, body, _ = request(stack.nginx, "/api/v1/treaties", {**accept, "If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["etag"] == etag

    # The largest CSV export, which nginx compresses: its ETag turns weak, and still revalidates.
    _, _, body, _ = request(stack.nginx, "/api/v1/exports", {"Host": HOST}, timeout=60)  # hashes every file
    csv = max((table["files"]["csv"] for table in json.loads(body)["tables"]), key=lambda file: file["bytes"])
    assert csv["bytes"] > 1024  # nginx's gzip_min_length
    status, headers, body, _ = request(stack.nginx, csv["url"], accept)
    assert status == 200 and body
    assert headers.get("content-encoding") == (None if encoding == "identity" else "gzip")
    etag = headers["etag"]
    assert etag.startswith("W/") == (encoding == "gzip")
    status, _, body, _ = request(stack.nginx, csv["url"], {**accept, "If-None-Match": etag})
    assert (status, body) == (304, b"")


class SlowClients:
    """Connections that send a request header one line at a time, forever (slowloris)."""

    def __init__(self, port: int, count: int, every: float = 0.5):
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self.closed_after: dict[int, float] = {}
        self.started, self.every, self.stopped = time.monotonic(), every, threading.Event()
        for sock in self.sockets:
            sock.sendall(f"GET /api/v1/treaties HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            sock.setblocking(False)
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self):
        while not self.stopped.wait(self.every):
            for index, sock in enumerate(self.sockets):
                if index in self.closed_after:
                    continue
                try:
                    sock.recv(4096)  # an answer (408) or the end: the server is done with it
                    self.closed_after[index] = time.monotonic() - self.started
                except BlockingIOError:  # nothing from the server yet: one more header line
                    try:
                        sock.sendall(b"X-Slow: 1\r\n")
                    except OSError:
                        self.closed_after[index] = time.monotonic() - self.started
                except OSError:
                    self.closed_after[index] = time.monotonic() - self.started

    def close(self):
        self.stopped.set()
        self.thread.join(5)
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


def test_slow_clients_do_not_stall_other_requests(stack):
    slow = SlowClients(stack.nginx, 20)
    try:
        timings = []
        for _ in range(4):  # while all 20 are still sending their headers
            status, _, _, seconds = request(stack.nginx, "/api/v1/treaties", {"Host": HOST}, timeout=5)
            assert status == 200
            timings.append(seconds)
            time.sleep(0.5)
        assert not slow.closed_after, "the slow clients should still be connected here"
        print("GET through nginx beside 20 slow clients, seconds:", timings)
        assert max(timings) < 1.5, timings
        # client_header_timeout (10 s) ends them, however steadily they trickle.
        wait_for(lambda: len(slow.closed_after) == 20, seconds=20, every=0.2)
        print("slow clients cut off after, seconds:", sorted(slow.closed_after.values()))
        assert min(slow.closed_after.values()) > 9 and max(slow.closed_after.values()) < 13, slow.closed_after
    finally:
        slow.close()

    # Control: the same slow clients sent straight to gunicorn's 2 sync workers stall everyone.
    slow = SlowClients(stack.gunicorn, 20)
    try:
        with pytest.raises(TimeoutError):
            request(stack.gunicorn, "/api/v1/treaties", {"Host": HOST}, timeout=2)
    finally:
        slow.close()
    wait_for(lambda: request(stack.gunicorn, "/healthz", {"Host": HOST}, timeout=5)[0] == 200, seconds=40)
