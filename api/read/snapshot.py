"""The read model: one immutable, in-memory snapshot of a dataset version.

Every read is answered from a snapshot, so an answer depends only on the version (and the
request): it can be computed once and shared. The current version is looked up in the
database at most every VERSION_CHECK_SECONDS, so a new version loaded by any process on any
machine is picked up by every worker within that delay.
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from collections import OrderedDict

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.extensions import db
from api.metrics import snapshot_checked
from api.models import DatasetVersion
from api.problems import Problem
from api.read import database
from api.read.snapshot_data import Record as Record  # re-exported: the read model's types live here
from api.read.snapshot_data import Snapshot as Snapshot
from api.read.snapshot_data import build

log = logging.getLogger(__name__)


def depends_on_today() -> None:
    """Note that this request's answer is for today (no `as_of` given): its validators and
    freshness must not outlive the day (api/middleware/response_cache.py)."""
    g.depends_on_today = True


class SnapshotStore:
    """Built snapshots by version, and the current version's name. It keeps the current version's
    snapshot and, least recently used first out, those of pinned versions (`dataset_version=`)
    while their estimated sizes (Snapshot.size) add up to at most `max_bytes`; the current one
    is never evicted, whatever its size."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes, self.lock = max_bytes, threading.Lock()
        self.snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self.last_check: tuple[float, str | None] = (0.0, None)
        self.version_probe, self.ping_probe = database.Probe(), database.Probe()  # one call in flight of each
        self.unreachable_since: float | None = None  # when the version check last began to fail

    def current_version(self, ttl: float) -> str | None:
        """The current version, looked up at most every `ttl` seconds. When the database does not
        answer within VERSION_CHECK_WAIT, the version this process has keeps being served (reads
        need no database); the failure is logged once, and the check retried after `ttl`. A process
        with no version yet has nothing else to serve: it waits up to VERSION_CHECK_COLD_WAIT."""
        version = self.recent_current(ttl)
        if version is not None:
            return version
        _, version = self.last_check
        config = current_app.config
        wait = config["VERSION_CHECK_WAIT"] if version else config["VERSION_CHECK_COLD_WAIT"]
        try:
            version = self.version_probe.call(database.latest_version, wait)
        except (TimeoutError, SQLAlchemyError) as error:
            if self.unreachable_since is None:
                self.unreachable_since = time.monotonic()
                log.warning("database unreachable (%s); serving dataset version %s from memory",
                            str(error).splitlines()[0] if str(error) else type(error).__name__, version)
            if version is None:
                raise database.DatabaseUnavailable(current_app.config["RETRY_AFTER_SECONDS"]) from error
            self.last_check = (time.monotonic(), version)
            return version
        if self.unreachable_since is not None:
            log.warning("database reachable again after %.1fs", time.monotonic() - self.unreachable_since)
            self.unreachable_since = None
        self.last_check = (time.monotonic(), version)
        built = self.snapshots.get(version) if version else None
        snapshot_checked(version, built.released if built else None)
        return version

    def recent_current(self, ttl: float) -> str | None:
        """The current version's name if it was looked up less than `ttl` seconds ago, else None."""
        checked, version = self.last_check
        return version if time.monotonic() - checked < ttl else None

    def reachable(self, wait: float) -> bool:
        """Whether the database answers `SELECT 1` within `wait` seconds (for /readyz and writes)."""
        try:
            self.ping_probe.call(lambda: db.session.execute(text("SELECT 1")), wait)
            return True
        except (TimeoutError, SQLAlchemyError):
            return False

    def built(self, version: str) -> Snapshot | None:
        """The snapshot of `version` if this process has built it (never reads the database)."""
        return self.snapshots.get(version)

    def get(self, version: str) -> Snapshot | None:
        with self.lock:
            if version in self.snapshots:
                self.snapshots.move_to_end(version)
                return self.snapshots[version]
        # Only the columns a snapshot is built from: a version's `changes` can be as large as
        # the data itself (the first version lists every record) and is not needed here.
        columns = (DatasetVersion.version, DatasetVersion.loaded_at, DatasetVersion.snapshot,
                   DatasetVersion.snapshot_base)
        row = db.session.execute(db.select(*columns).where(DatasetVersion.version == version),
                                 bind_arguments=database.read_bind()).one_or_none()
        if row is None:
            return None
        started = time.perf_counter()
        snapshot = build(row, database.stored_bases(row.snapshot_base))
        log.info("dataset version %s built in %.3fs (%d bytes estimated)", version,
                 time.perf_counter() - started, snapshot.size)
        if version == self.last_check[1]:  # the current version's release time, once known
            snapshot_checked(version, snapshot.released, checked=False)
        with self.lock:
            self.snapshots[version] = snapshot
        self.evict()
        return snapshot

    def evict(self, keep_only_current: bool = False) -> None:
        """Drop least recently used snapshots, never the current version's, until the rest fit in
        max_bytes (`keep_only_current`: all but the current one). Nothing else keeps a snapshot:
        derived values live in its `memo`, and go with it."""
        with self.lock:
            current = self.last_check[1]
            total = sum(snapshot.size for snapshot in self.snapshots.values())
            for version in list(self.snapshots):
                if total <= self.max_bytes and not keep_only_current:
                    break
                if version != current:
                    total -= self.snapshots.pop(version).size


def store() -> SnapshotStore:
    snapshots: SnapshotStore | None = current_app.extensions.get("snapshots")
    if snapshots is None:
        kept = SnapshotStore(current_app.config["SNAPSHOT_CACHE_BYTES"])
        snapshots = current_app.extensions.setdefault("snapshots", kept)
    return snapshots


def snapshot_of(version: str | None, requested: bool = False) -> Snapshot:
    """The snapshot of `version` (None: no data yet); a 404 for an unknown requested version."""
    snapshot = store().get(version) if version else None
    if snapshot is None and requested:
        raise Problem(404, f"No dataset version {version!r}; GET /api/v1/dataset lists the current one.",
                      invalid_params=[{"name": "dataset_version", "reason": "Unknown version."}])
    if snapshot is None:
        raise Problem(503, "No data has been loaded yet; run `flask seed`.")
    return snapshot


def latest_snapshot(requested: str | None = None) -> Snapshot:
    """Outside a request (CLI, warm-up): `requested`, or the current version."""
    version = requested or store().current_version(current_app.config["VERSION_CHECK_SECONDS"])
    return snapshot_of(version, requested is not None)


def requested_version() -> str | None:
    """The version the request's URL names with `dataset_version=` (a citation's permalink does)."""
    if not has_request_context():
        return None
    return request.args.get("dataset_version", "").strip() or None


def chosen_version() -> str | None:
    """The one decision of which dataset version a request reads: the one its URL names, else the
    current one. Made once per request; the response cache keys on it, `request_snapshot()` loads it."""
    if "dataset_version" not in g:
        g.dataset_version = requested_version() or store().current_version(current_app.config["VERSION_CHECK_SECONDS"])
    version: str | None = g.dataset_version
    return version


def forget_choice() -> None:
    """before_request: a new request chooses again (tests and CLI keep one app context, and so
    one `g`, across requests)."""
    for name in ("dataset_version", "snapshot", "depends_on_today"):
        g.pop(name, None)


def init_app(app: Flask) -> None:
    app.before_request(forget_choice)


def request_snapshot() -> Snapshot:
    """The snapshot of this request's chosen version, built at most once per version."""
    if "snapshot" not in g:
        g.snapshot = snapshot_of(chosen_version(), requested_version() is not None)
    snapshot: Snapshot = g.snapshot
    return snapshot


def warm_before_fork(app: Flask) -> None:
    """Build the current snapshot in a pre-forking server's master, then close its database
    connections: every worker (also one that replaces a recycled or crashed worker) starts with
    the snapshot in memory and opens its own connections. `app.extensions["snapshot_warmers"]`
    build what they derive from it (api/middleware/fast_path.py: the intervals) then too."""
    with app.app_context():
        try:
            snapshot = latest_snapshot()
            for warm in app.extensions.get("snapshot_warmers", ()):
                warm(snapshot)
            store().evict(keep_only_current=True)  # the master serves nothing: no pinned version
        except Exception as error:  # no database yet, or no data: workers retry on their first read
            app.logger.warning("snapshot not built before fork: %s", error)
        finally:
            _let_go(app)
    # Keep the garbage collector off the inherited snapshot: its scans would touch, and so copy,
    # every shared page in each worker (https://docs.python.org/3/library/gc.html#gc.freeze).
    # Collected first: garbage frozen now (a replaced snapshot's cycles) would never be freed.
    gc.collect()
    gc.freeze()


def refresh_before_fork(app: Flask) -> bool:
    """Before the master forks a worker (gunicorn's pre_fork): if a new version was published since
    it warmed up, build that one, so the new worker starts with it (True). The database is asked at
    most every VERSION_CHECK_SECONDS and waited for at most VERSION_CHECK_WAIT; unreachable, the
    worker forks with what the master has and checks for itself."""
    with app.app_context():
        snapshots = store()
        try:
            version = snapshots.current_version(app.config["VERSION_CHECK_SECONDS"])
        except database.DatabaseUnavailable:
            version = None
        finally:
            _let_go(app)
    if version is None or snapshots.built(version) is not None:
        return False
    gc.unfreeze()  # the previous snapshot may go now: it is no longer frozen with the rest
    warm_before_fork(app)
    return snapshots.built(version) is not None


def _let_go(app: Flask) -> None:
    """Close the master's connections, and forget a version check still hanging on a dead
    database: a forked worker inherits no connection and no call that never ends."""
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()
    snapshots = app.extensions.get("snapshots")
    if snapshots is not None:
        for name in ("version_probe", "ping_probe"):
            running = getattr(snapshots, name).running
            if running is not None and not running.done():
                setattr(snapshots, name, database.Probe())
