"""The app under a real gunicorn (gunicorn.conf.py, 2 sync workers).

Metrics add up every worker's, a dead one's included, and every line gunicorn and the app write
is one JSON object (docs/operations.md#monitoring).

A restart that drains: gunicorn is sent the signals docs/operations.md describes while slow
requests are in flight, and no request in flight is lost.

TERM (what systemd, compose and podman send) lets every worker finish what it serves; HUP
replaces the workers while the listening socket stays open, so requests keep being answered
throughout; QUIT, the fast stop, cuts them (the control: it shows the test sees a dropped request).
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
from helpers import BIN, ROOT, SMALL_SEED_DIR, free_port, wait_for
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.slow  # real gunicorn processes, seconds per test

SLOW = 3.0  # seconds each slow request takes inside the app
TOKEN = "scraper-token"


def get(port: int, path: str, timeout: float = 15, headers: dict | None = None):
    """(status, body) of one GET on a fresh connection, or the exception that ended it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return error, b""
    finally:
        connection.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A seeded SQLite database, as the migrate job leaves it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('drain') / 'treaty.db'}"
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url, "SEED_DIR": str(SMALL_SEED_DIR)}
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
    return url


@pytest.fixture
def server(database, tmp_path):
    """A started gunicorn on the seeded database: (process, port, mark dir, log path)."""
    port, marks = free_port(), tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, "DATABASE_URL": database, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "RATELIMIT_ENABLED": "false", "SLOW_MARK_DIR": str(marks), "METRICS_TOKEN": TOKEN}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # gunicorn.conf.py makes a fresh one
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket",
                                    "--pythonpath", "tests/fixtures", "slow_wsgi:app"],
                                   env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: get(port, "/healthz", timeout=2)[0] == 200, seconds=60, every=0.2)
        yield process, port, marks, log
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def in_flight(port: int, marks, count: int) -> tuple[list, list]:
    """Start `count` slow requests and return once each is inside a worker: (results, threads)."""
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(get(port, f"/slow?seconds={SLOW}"))) for _ in range(count)]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(list(marks.iterdir())) == count, seconds=10)
    return results, threads


def finished(started: tuple[list, list]) -> list:
    results, threads = started
    for thread in threads:
        thread.join(30)
    return results


def test_term_lets_every_request_in_flight_finish(server):
    process, port, marks, _ = server
    _, expected = get(port, "/api/v1/treaties")
    results = in_flight(port, marks, 2)  # one per worker
    process.send_signal(signal.SIGTERM)
    answered = finished(results)
    assert answered == [(200, expected)] * 2
    assert process.wait(30) == 0
    assert isinstance(get(port, "/healthz", timeout=2)[0], ConnectionRefusedError)  # it did stop


def test_hup_replaces_workers_without_dropping_or_refusing(server):
    process, port, marks, log = server
    _, expected = get(port, "/api/v1/treaties")
    results = in_flight(port, marks, 2)
    process.send_signal(signal.SIGHUP)
    during = []
    deadline = time.monotonic() + SLOW + 1
    while time.monotonic() < deadline:  # the socket stays open: new requests are answered meanwhile
        during.append(get(port, "/api/v1/treaties")[0])
        time.sleep(0.05)
    assert during and set(during) == {200}, during
    assert finished(results) == [(200, expected)] * 2
    assert process.poll() is None
    assert b"Hang up" in log.read_bytes()  # gunicorn logged the HUP: the workers were replaced


def test_quit_cuts_requests_in_flight(server):
    """The control: QUIT, gunicorn's fast stop, drops them (docs/operations.md says not to deploy with it)."""
    process, port, marks, _ = server
    results = in_flight(port, marks, 2)
    process.send_signal(signal.SIGQUIT)
    answered = finished(results)
    assert len(answered) == 2 and all(status != 200 for status, _ in answered), answered
    process.wait(30)


def treaties_count(port: int) -> float:
    """treaty_http_requests_total for GET /api/v1/treaties 200, as one scrape (one worker) sums it."""
    status, body = get(port, "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body
    return sum(sample.value for family in text_string_to_metric_families(body.decode()) for sample in family.samples
               if sample.name == "treaty_http_requests_total" and sample.labels["route"] == "/api/v1/treaties"
               and sample.labels["status"] == "200")


def test_metrics_add_up_every_worker_and_every_line_is_json(server):
    process, port, marks, log = server
    finished(in_flight(port, marks, 2))  # one in each worker (the app rewrites /slow to /api/v1/treaties)
    workers = {mark.name.split("-")[0] for mark in marks.iterdir()}
    assert len(workers) == 2, workers
    for _ in range(10):
        assert get(port, "/api/v1/treaties")[0] == 200
    assert [treaties_count(port) for _ in range(6)] == [12.0] * 6  # whichever worker answers the scrape

    os.kill(int(workers.pop()), signal.SIGKILL)  # a worker dies: the master replaces it
    wait_for(lambda: b"was sent SIGKILL" in log.read_bytes(), seconds=20)  # gunicorn's arbiter logs it
    wait_for(lambda: get(port, "/healthz", timeout=2)[0] == 200, seconds=30)
    assert [treaties_count(port) for _ in range(6)] == [12.0] * 6  # its counts stay

    status, _ = get(port, "/crash")
    assert status == 500
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    lines = log.read_text().splitlines()
    assert len(lines) > 15
    parsed = [json.loads(line) for line in lines]  # every line: one JSON object
    assert all(line["timestamp"].endswith("Z") for line in parsed)
    assert any(line["logger"] == "gunicorn.error" and "Starting gunicorn" in line["message"] for line in parsed)
    assert sum(line["logger"] == "api.access" and line["path"] == "/api/v1/treaties" for line in parsed) == 12
    crashes = [line for line in parsed if "exception" in line]
    assert len(crashes) == 1 and "Traceback" in crashes[0]["exception"] \
        and "RuntimeError: crash requested by the test" in crashes[0]["exception"]


def booted(log) -> list[int]:
    """The pids of the workers gunicorn has started, in order (its arbiter logs each one)."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [int(line["message"].rsplit(" ", 1)[1]) for line in lines
            if line["logger"] == "gunicorn.error" and line["message"].startswith("Booting worker with pid")]


def builds(log) -> list[tuple[int, str]]:
    """(pid, version) of every snapshot built, from api/read/snapshot.py's log line."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [(line["pid"], line["message"].split()[2]) for line in lines
            if line["logger"] == "api.read.snapshot" and line["message"].startswith("dataset version ")]


def publish_copy(path: str) -> str:
    """A new current version: the latest one's data under a new name, as a publish leaves it."""
    with sqlite3.connect(path) as connection:
        row = connection.execute("SELECT version, sequence, content_hash, loaded_at, snapshot FROM dataset_version "
                                 "ORDER BY sequence DESC LIMIT 1").fetchone()
        version = "2099.01.01-testcopy"
        connection.execute("INSERT INTO dataset_version (version, sequence, content_hash, loaded_at, previous, changes, "
                           "snapshot) VALUES (?, ?, ?, ?, ?, '[]', ?)",
                           (version, row[1] + 1, "f" * 64, row[3], row[0], row[4]))
    return version


def snapshot_info(port: int) -> dict[str, float]:
    """treaty_snapshot_info by version, as /metrics shows it."""
    status, body = get(port, "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body
    return {sample.labels["version"]: sample.value for family in text_string_to_metric_families(body.decode())
            for sample in family.samples if sample.name == "treaty_snapshot_info" and sample.value}


def version_of(port: int) -> str:
    status, body = get(port, "/api/v1/dataset")
    assert status == 200, body
    return json.loads(body)["dataset_version"]


def test_a_worker_forked_after_a_publish_starts_with_the_new_version(database, tmp_path):
    """The master rebuilds a newly published version before it forks (gunicorn.conf.py pre_fork), so
    the replacement of a dead worker answers the new version without building it itself."""
    path = tmp_path / "published.db"
    shutil.copyfile(database.removeprefix("sqlite:///"), path)
    port, log = free_port(), tmp_path / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "RATELIMIT_ENABLED": "false", "VERSION_CHECK_SECONDS": "0.2", "METRICS_TOKEN": TOKEN}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with open(log, "wb") as out:
        process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", "wsgi:app"],
                                   env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: get(port, "/healthz", timeout=2)[0] == 200, seconds=60, every=0.2)
        shown = snapshot_info(port)  # before the worker has read anything or checked the version itself
        first = version_of(port)
        [worker] = booted(log)
        assert builds(log) == [(process.pid, first)]  # warmed in the master before the first fork
        assert shown == {first: 1.0}  # the worker shows the version it inherited (gunicorn.conf.py post_fork)

        new = publish_copy(str(path))
        wait_for(lambda: version_of(port) == new, seconds=20, every=0.2)
        assert (worker, new) in builds(log)  # the control: a worker that finds a new version builds it

        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: len(booted(log)) == 2, seconds=30)
        replacement = booted(log)[1]
        shown = snapshot_info(port)  # the replacement's first answer: no read, no version check of its own yet
        status, body = get(port, "/api/v1/dataset")
        assert status == 200 and json.loads(body)["dataset_version"] == new
        assert (process.pid, new) in builds(log)  # built by the master, before the fork
        assert [pid for pid, _ in builds(log) if pid == replacement] == []  # and not by the new worker
        assert shown == {new: 1.0}  # it shows the version it serves (was {}: issue 18)
        assert snapshot_info(port) == {new: 1.0}  # and still does once it has served a read
    finally:
        process.terminate()
        process.wait(30)
