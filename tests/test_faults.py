"""Faults, on PostgreSQL: the database going away and coming back, a gunicorn worker dying,
and the seed loader killed half-way. Each waits for its outcome with a bound, never a sleep.
"""
from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
import warnings
from pathlib import Path

import psycopg
import pytest
import redis
import yaml
from flask.testing import FlaskClient
from flask_migrate import upgrade
from helpers import (
    ADMIN_URL,
    BIN,
    NEW_SOURCE,
    ROOT,
    SMALL_SEED_DIR,
    bearer,
    database_checksum,
    free_port,
    make_app,
    wait_for,
)

from api.extensions import db
from api.write.seed import apply_seed
from api.write.seed_files import read_seed

pytestmark = pytest.mark.slow

class Proxy:
    """A TCP proxy on 127.0.0.1 to a server (PostgreSQL, Redis) that can be cut off (`stop`: connections
    refused), hung (`hang`: connections accepted, nothing forwarded either way) and restored
    (`start`, `resume`), like a network."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.port, self.sockets, self.listener, self.hung = upstream, free_port(), [], None, False

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        for sock in [self.listener, *self.sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.sockets = []

    def hang(self):
        """Open connections go silent and new ones are accepted but never answered."""
        self.hung = True

    def resume(self):
        """Forward again; the connections that went silent are reset (their bytes were lost)."""
        self.hung = False
        stuck, self.sockets = self.sockets, []
        for sock in stuck:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self.hung:
                self.sockets.append(client)
                threading.Thread(target=self._pump, args=(client, None), daemon=True).start()
                continue
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                if target is not None and not self.hung:
                    target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target) if target is not None else (source,):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def postgres_url(database_url):
    url = database_url()
    if not url.startswith("postgresql"):
        pytest.skip("faults are tested on PostgreSQL")
    return url


def seeded_app(url: str, seed_dir: Path = SMALL_SEED_DIR):
    app = make_app(url)
    with app.app_context():
        upgrade()
        apply_seed(read_seed(seed_dir))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app


def logged_by(name: str) -> list[str]:
    """The messages `name` logs from now on (alembic's logging setup can remove pytest's capture)."""
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logging.getLogger(name).addHandler(handler)
    return lines


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


READS = ["/api/v1/countries/FI/status", "/api/v1/countries?as_of=2001-01-01", "/api/v1/changes.atom",
         "/api/v1/changes?limit=5", "/api/v1/dataset", "/api/v1/dataset/versions",
         "/api/v1/exports/treaty_actions.csv"]


@pytest.mark.parametrize("fault", ["refused", "hung"])
def test_reads_answer_from_memory_while_the_database_is_down_and_writes_503(postgres_url, fault):
    """PostgreSQL refused or hung: reads and pages keep answering 200 from the snapshot in memory within
    about a second; /healthz answers at once; /readyz and writes answer 503 with Retry-After quickly; a
    write retried with its Idempotency-Key after the database is back is written once."""
    proxy = Proxy(("127.0.0.1", 5432))
    proxy.start()
    via_proxy = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    assert via_proxy != postgres_url
    seeded_app(postgres_url)
    app = make_app(via_proxy)
    client, pages = app.test_client(), FlaskClient(app, app.response_class)
    logged = logged_by("api")
    with app.app_context():
        auth = bearer() | {"Idempotency-Key": f"retry-{fault}"}
        db.session.remove()
    timings = {}
    try:
        assert client.get("/readyz").status_code == 200
        for url in READS:
            assert client.get(url).status_code == 200, url
        assert pages.get("/countries/FI").status_code == 200

        proxy.stop() if fault == "refused" else proxy.hang()
        for _round in range(3):
            for url in [*READS, "/countries/FI?as_of=2020-01-01", "/"]:
                response, seconds = timed(lambda u=url: (client if u.startswith("/api") else pages).get(u))
                assert response.status_code == 200, (url, response.data[:300])
                assert seconds < 1.5, (url, seconds)
                timings[url] = max(timings.get(url, 0), seconds)
        health, timings["/healthz"] = timed(lambda: client.get("/healthz"))
        assert health.status_code == 200 and timings["/healthz"] < 0.1
        ready, timings["/readyz"] = timed(lambda: client.get("/readyz"))
        assert ready.status_code == 503 and ready.headers["Retry-After"] and timings["/readyz"] < 1.5
        write, timings["POST"] = timed(lambda: client.post("/api/v1/sources", json=NEW_SOURCE, headers=auth))
        assert write.status_code == 503 and int(write.headers["Retry-After"]) > 0 and timings["POST"] < 3
        assert b"Traceback" not in write.data
        assert any("database unreachable" in line for line in logged)

        proxy.start() if fault == "refused" else proxy.resume()

        def recovered():
            """/readyz, a read and the retried write answer again"""
            return (client.get("/readyz").status_code == 200
                    and client.get("/api/v1/countries/FI/status").status_code == 200
                    and client.post("/api/v1/sources", json=NEW_SOURCE, headers=auth).status_code == 201)
        wait_for(recovered)
        replayed = client.post("/api/v1/sources", json=NEW_SOURCE, headers=auth)
        assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"
        assert client.get(f"/api/v1/sources/{NEW_SOURCE['id']}").status_code == 200
    finally:
        print(f"database {fault}: slowest seconds per request", {k: round(v, 3) for k, v in timings.items()})
        proxy.stop()
        settle(app)
        with app.app_context():
            db.engine.dispose()
        with warnings.catch_warnings():  # connections this test hung on purpose are collected here,
            warnings.simplefilter("ignore", ResourceWarning)  # not in whichever test runs next
            gc.collect()


def settle(app) -> None:
    """Let the bounded database calls still running (on a hung database) end, so that their
    connections go back to the pool before it is disposed."""
    store = app.extensions.get("snapshots")
    probes = [store.version_probe, store.ping_probe] if store else []
    wait_for(lambda: all(p.running is None or p.running.done() for p in probes), seconds=30)


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def get(port: int, path: str):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, dict(response.headers)
    except OSError:
        return None


def test_a_killed_gunicorn_worker_is_replaced(postgres_url):
    seeded_app(postgres_url)
    port = free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "DATABASE_URL": postgres_url, "ACCESS_LOG": os.devnull}
    master = subprocess.Popen([BIN / "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: get(port, "/healthz") and len(children(master.pid)) == 2)
        status, headers = get(port, "/api/v1/countries/FI")
        assert status == 200 and headers["Server"] == "gunicorn"  # no version leaked
        workers = children(master.pid)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)

        def replaced():
            """a new worker took the dead one's place and every worker serves"""
            now = children(master.pid)
            return victim not in now and len(now - workers) == 1 and len(now) == 2 \
                and all(get(port, "/api/v1/countries/FI")[0] == 200 for _ in range(4))
        wait_for(replaced)
        assert master.poll() is None
    finally:
        master.terminate()
        master.wait(timeout=30)


def big_seed(tmp_path: Path, sources: int) -> Path:
    """The small seed plus `sources` extra sources, all cited by one US policy: a long write."""
    target = tmp_path / "big_seed"
    shutil.copytree(SMALL_SEED_DIR, target)
    extra = [{"id": f"bulk-{n:06d}", "url": f"https://example.org/bulk/{n}", "title": f"Bulk source {n}",
              "publisher": "Load test", "published": None, "accessed": "2026-11-28"} for n in range(sources)]
    (target / "sources" / "bulk.yaml").write_text(yaml.safe_dump(extra, sort_keys=False))
    path = target / "policies" / "US.yaml"
    records = yaml.safe_load(path.read_text())
    records[-1]["sources"] += [s["id"] for s in extra]
    path.write_text(yaml.safe_dump(records, sort_keys=False))
    return target


def writing(name: str) -> int:
    """How many sessions hold a write lock in database `name` while writing sources."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE d.datname = %s AND l.mode = 'RowExclusiveLock' AND a.query ILIKE '%%source%%'",
            (name,)).fetchone()[0]


def test_a_seed_killed_half_way_leaves_the_previous_version_intact(postgres_url, tmp_path):
    app = seeded_app(postgres_url)
    before = database_checksum(app)
    name = postgres_url.rsplit("/", 1)[1]
    env = {**os.environ, "DATABASE_URL": postgres_url}
    seed = subprocess.Popen([BIN / "flask", "--app", "wsgi", "seed", "--seed-dir", str(big_seed(tmp_path, 5000))],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: writing(name) or seed.poll() is not None, seconds=120, every=0.02)
        assert seed.poll() is None, "the seed finished before it could be interrupted"
        seed.send_signal(signal.SIGKILL)
        seed.wait(timeout=10)
    finally:
        if seed.poll() is None:
            seed.kill()
    assert database_checksum(app) == before
    wait_for(lambda: not writing(name))
    assert database_checksum(app) == before
    with app.app_context():
        db.engine.dispose()


def redis_keys(pattern: str) -> dict:
    server = redis.Redis(host="127.0.0.1", port=6379, db=15, socket_connect_timeout=2)
    try:
        return {key: server.get(key) for key in server.keys(pattern)}
    finally:
        server.close()


@pytest.mark.parametrize("fault", ["refused", "hung"])
def test_everything_keeps_answering_while_redis_is_down(app, app_factory, fault):
    """Redis (the rate limiter's shared counters) refused or hung: the front door, Flask reads, pages,
    the docs and writes answer within about a second; limits are counted per process, which a log
    line and /readyz say (still 200); the shared counters come back by themselves."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("Redis faults need one database backend only")
    try:
        redis_keys("none")
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    proxy = Proxy(("127.0.0.1", 6379))
    proxy.start()
    prefix = f"fault-{uuid.uuid4().hex[:8]}"
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{proxy.port}/15",
                      RATELIMIT_KEY_PREFIX=prefix, VERSION_CHECK_SECONDS=300)
    client, plain = app.test_client(), FlaskClient(app, app.response_class)
    logged = logged_by("api")
    timings = {}
    started = time.monotonic()
    try:
        for _ in range(3):
            assert client.get("/api/v1/treaties").status_code == 200
        assert client.get("/api/v1/treaties").headers["X-Cache"] == "hit"
        assert client.get("/readyz").get_json() == {"status": "ready", "degraded": []}
        before = redis_keys(f"*{prefix}*")
        assert [int(count) for count in before.values()] == [4], "Flask and the front door count in Redis"

        timings["warm"] = time.monotonic() - started
        proxy.stop() if fault == "refused" else proxy.hang()
        urls = ["/api/v1/treaties", "/api/v1/countries/FI", "/api/v1/countries?as_of=2010-01-01", "/countries/FI",
                "/docs", "/openapi.yaml"]
        for _ in range(3):
            for url in urls:
                response, seconds = timed(lambda u=url: (client if u.startswith("/api") else plain).get(u))
                assert response.status_code == 200, (url, response.data[:300])
                assert seconds < 1.5, (url, seconds)
                timings[url] = max(timings.get(url, 0), seconds)
                if url.startswith("/api"):
                    assert int(response.headers["RateLimit-Remaining"]) > 0
        write, timings["POST"] = timed(lambda: client.post("/api/v1/sources", json=NEW_SOURCE))
        assert write.status_code == 401 and timings["POST"] < 1.5  # answered: not a 500, not a hang
        health, timings["/healthz"] = timed(lambda: client.get("/healthz"))
        assert health.status_code == 200 and timings["/healthz"] < 0.1
        ready, timings["/readyz"] = timed(lambda: client.get("/readyz"))
        assert ready.status_code == 200 and timings["/readyz"] < 1.5
        assert ready.get_json()["degraded"] and "Redis" in ready.get_json()["degraded"][0]
        assert any("rate limit storage unreachable" in line for line in logged), logged

        proxy.start() if fault == "refused" else proxy.resume()

        def shared_again():
            """requests are counted in Redis again"""
            client.get("/api/v1/countries/FI")  # a Flask request: the limiter looks for Redis now and then
            return redis_keys(f"*{prefix}*") != before
        started = time.monotonic()
        wait_for(shared_again, seconds=60, every=0.25)
        timings["recovered after"] = time.monotonic() - started
        assert client.get("/readyz").get_json()["degraded"] == []
    finally:
        print(f"redis {fault}: slowest seconds per request", {k: round(v, 3) for k, v in timings.items()})
        proxy.stop()
