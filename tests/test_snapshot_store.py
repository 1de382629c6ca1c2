"""What a worker keeps in memory (api/read/snapshot.py, SnapshotStore): the current version's
snapshot always, pinned versions' (`dataset_version=`) while their estimated bytes fit in
SNAPSHOT_CACHE_BYTES, least recently used first out. An evicted snapshot is freed, with every
value derived from it, and a pinned version asked for again is built again, answering the same bytes.
"""
from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest
from helpers import edit, seed

from api.extensions import db
from api.middleware.response_cache import ResponseCache
from api.models import DatasetVersion
from api.read import database, intervals
from api.read.snapshot import SnapshotStore, forget_choice, refresh_before_fork, store, warm_before_fork


@pytest.fixture
def versions(empty_app, seed_dir) -> list[str]:
    """Three published versions of the small seed, oldest first (the last one current)."""
    assert seed(empty_app, seed_dir).exit_code == 0
    for restriction in ("Korean Peninsula", "None stated"):
        edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction=restriction)
        assert seed(empty_app, seed_dir).exit_code == 0
    names = list(db.session.scalars(db.select(DatasetVersion.version).order_by(DatasetVersion.sequence)))
    assert len(names) == 3
    return names


def _fresh_store(max_bytes: int) -> SnapshotStore:
    kept = SnapshotStore(max_bytes)
    assert kept.current_version(0) is not None  # the current version, as a request would look it up
    return kept


def test_eviction_by_bytes_keeps_the_current_version(versions):
    first, second, current = versions
    sizes = {version: SnapshotStore().get(version).size for version in versions}
    assert all(size > 0 for size in sizes.values()), sizes
    kept = _fresh_store(max_bytes=sizes[current] + sizes[second] + sizes[first] - 1)  # not all three
    assert kept.last_check[1] == current
    for version in (current, first, second):
        kept.get(version)
    assert list(kept.snapshots) == [current, second]  # the least recently used pinned one went
    kept.get(first)
    assert list(kept.snapshots) == [current, first]

    tiny = _fresh_store(max_bytes=0)  # smaller than any snapshot: only the current one stays
    for version in (current, first, second):
        assert tiny.get(version).version == version  # a pinned version is still answered
    assert list(tiny.snapshots) == [current]


def test_a_pinned_version_read_again_is_kept_before_one_read_longer_ago(empty_app, seed_dir, versions):
    """Least recently used, not first built: reading a pinned version again keeps it."""
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Everywhere but Korea")
    assert seed(empty_app, seed_dir).exit_code == 0  # a fourth version: three pinned ones
    oldest, older, old = versions
    kept = _fresh_store(max_bytes=1)
    current = kept.last_check[1]
    assert current not in versions
    sizes = {version: SnapshotStore().get(version).size for version in (*versions, current)}
    kept.max_bytes = sum(sizes.values()) - 1  # all four do not fit; any three do
    for version in (current, oldest, older):
        kept.get(version)
    kept.get(oldest)  # read again: `older` is now the least recently used
    kept.get(old)
    assert list(kept.snapshots) == [current, oldest, old]


def test_a_pinned_version_comes_back_after_eviction_with_identical_bytes(empty_app, versions):
    first, _, current = versions
    client = empty_app.test_client()
    paths = [f"/api/v1/countries/US/status?dataset_version={first}&as_of=2023-01-01",
             f"/api/v1/countries?dataset_version={first}&as_of=2010-06-30",
             f"/api/v1/exports/statuses.csv?dataset_version={first}&as_of=2010-06-30"]
    before = [client.get(path) for path in paths]
    assert [response.status_code for response in before] == [200] * 3
    assert list(store().snapshots) == [first]  # the current one is built when first asked for

    store().max_bytes = 0
    assert client.get("/api/v1/countries/US/status").status_code == 200  # the current version now
    assert list(store().snapshots) == [current]  # the pinned one was evicted
    empty_app.extensions["response_cache"] = ResponseCache(4096, 64 * 1024 * 1024)  # forget its answers
    after = [client.get(path) for path in paths]
    assert [response.data for response in after] == [response.data for response in before]
    assert after[0].headers["X-Dataset-Version"] == first


def test_an_evicted_snapshot_is_freed_with_what_was_derived_from_it(empty_app, versions):
    first, _, current = versions
    client = empty_app.test_client()
    for path in (f"/api/v1/countries/US/status?dataset_version={first}&as_of=2023-01-01",
                 f"/api/v1/countries?dataset_version={first}&as_of=2010-06-30",
                 f"/api/v1/exports/statuses.csv?dataset_version={first}&as_of=2010-06-30"):
        assert client.get(path).status_code == 200
    pinned = store().built(first)
    assert pinned is not None
    intervals.warm(pinned)  # every interval answer, as a master builds them before fork
    assert len(pinned.memo) > 5, list(pinned.memo)
    gone = weakref.ref(pinned)
    del pinned
    forget_choice()  # the test's one app context keeps the last request's `g` (a server's does not)
    gc.collect()
    assert gone() is not None  # the control: kept while the store holds it

    store().max_bytes = 0
    assert client.get("/api/v1/countries/US/status").status_code == 200
    assert list(store().snapshots) == [current]
    forget_choice()
    gc.collect()
    assert gone() is None


@pytest.fixture
def no_freeze(monkeypatch):
    monkeypatch.setattr(gc, "freeze", lambda: None)  # not in the test process
    monkeypatch.setattr(gc, "unfreeze", lambda: None)


def test_the_master_builds_a_newly_published_version_before_forking(empty_app, seed_dir, no_freeze):
    assert seed(empty_app, seed_dir).exit_code == 0
    db.session.remove()  # as in a master: no connection checked out when its pools are disposed
    warm_before_fork(empty_app)
    [first] = list(store().snapshots)
    assert refresh_before_fork(empty_app) is False  # nothing new: nothing built

    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
    assert seed(empty_app, seed_dir).exit_code == 0
    db.session.remove()
    assert refresh_before_fork(empty_app) is True
    [new] = list(store().snapshots)  # the master keeps only the current one
    assert new != first and ("list_pieces", "apmbc") in store().built(new).memo  # derived values warmed too


def test_a_hung_database_does_not_hold_the_fork(empty_app, versions, monkeypatch, no_freeze):
    """The version check gives up after VERSION_CHECK_WAIT; the worker is forked without a call that
    would never end in it (a fresh Probe), and checks for itself."""
    release = threading.Event()
    monkeypatch.setattr(database, "latest_version", lambda: release.wait(30))
    empty_app.config["VERSION_CHECK_WAIT"] = 0.1
    db.session.remove()
    try:
        hung = store().version_probe
        assert refresh_before_fork(empty_app) is False
        assert hung.running is not None and not hung.running.done()  # still waiting on the database
        assert store().version_probe is not hung and store().version_probe.running is None
    finally:
        release.set()


def _slow_latest_version(monkeypatch, seconds: float) -> None:
    """The version check answers, but only after `seconds` (a database busy under load)."""
    answer = database.latest_version

    def slow():
        time.sleep(seconds)
        return answer()
    monkeypatch.setattr(database, "latest_version", slow)


def test_a_worker_with_nothing_in_memory_waits_for_a_slow_database(empty_app, versions, monkeypatch):
    """Under load a version check can take longer than VERSION_CHECK_WAIT; a worker that has no
    version yet would answer 503 to every read until one check happened to be quick (measured in
    bench/: thousands of 503s on PostgreSQL). It waits up to VERSION_CHECK_COLD_WAIT instead."""
    empty_app.config.update(VERSION_CHECK_WAIT=0.05, VERSION_CHECK_COLD_WAIT=5)
    _slow_latest_version(monkeypatch, 0.3)
    db.session.remove()
    assert SnapshotStore().current_version(0) == versions[-1]


def test_a_worker_with_a_version_does_not_wait_for_a_slow_database(empty_app, versions, monkeypatch):
    empty_app.config.update(VERSION_CHECK_WAIT=0.05, VERSION_CHECK_COLD_WAIT=5)
    kept = _fresh_store(max_bytes=0)
    _slow_latest_version(monkeypatch, 1)
    started = time.monotonic()
    assert kept.current_version(0) == versions[-1]  # the one it had, served at once
    assert time.monotonic() - started < 0.5
