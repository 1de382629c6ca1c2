"""Faults, on PostgreSQL: the database going away and coming back, a gunicorn worker dying,
and the seed loader killed half-way. Each waits for its outcome with a bound, never a sleep.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import urllib.request
from pathlib import Path

import psycopg
import pytest
import yaml
from flask_migrate import upgrade
from helpers import ADMIN_URL, BIN, ROOT, SMALL_SEED_DIR, database_checksum, free_port, make_app, wait_for

from api.extensions import db
from api.write.seed import apply_seed
from api.write.seed_files import read_seed

pytestmark = pytest.mark.slow

class Proxy:
    """A TCP proxy on 127.0.0.1 to PostgreSQL that can be cut off and restored, like a network."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.port, self.sockets, self.listener = upstream, free_port(), [], None

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

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
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


def test_database_outage_is_a_503_and_the_service_recovers_by_itself(postgres_url):
    proxy = Proxy(("127.0.0.1", 5432))
    proxy.start()
    via_proxy = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    assert via_proxy != postgres_url
    seeded_app(postgres_url)
    app = make_app(via_proxy)
    client = app.test_client()
    try:
        assert client.get("/readyz").status_code == 200
        assert client.get("/api/v1/countries/FI/status").status_code == 200

        proxy.stop()
        for url in ("/readyz", "/api/v1/countries/FI/status", "/api/v1/countries?as_of=2001-01-01"):
            response = client.get(url)
            assert response.status_code == 503, (url, response.data)
            assert response.mimetype == "application/problem+json"
            assert "unreachable" in response.get_json()["detail"] and b"Traceback" not in response.data

        proxy.start()

        def recovered():
            """/readyz and a read answer 200 again"""
            return (client.get("/readyz").status_code == 200
                    and client.get("/api/v1/countries/FI/status").status_code == 200)
        wait_for(recovered)
    finally:
        proxy.stop()
        with app.app_context():
            db.engine.dispose()


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
