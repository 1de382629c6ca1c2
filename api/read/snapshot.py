"""The read model: one immutable, in-memory snapshot of a dataset version.

Every read is answered from a snapshot, so an answer depends only on the version (and the
request): it can be computed once and shared. The current version is looked up in the
database at most every VERSION_CHECK_SECONDS, so a new version loaded by any process on any
machine is picked up by every worker within that delay.
"""
from __future__ import annotations

import functools
import gc
import json
import logging
import threading
import time
import zlib
from collections import OrderedDict
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, g
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.extensions import db
from api.models import DatasetVersion
from api.problems import Problem
from api.rules.names import fold

log = logging.getLogger(__name__)
DATE_FIELDS = {"published", "accessed", "adopted", "opened_for_signature", "entry_into_force",
               "date", "effective", "conflict_ended", "deadline"}


class Record:
    """One record of a snapshot: attributes as in the models, `sources` as Records.
    Records are compared and hashed by identity: a snapshot holds each record once. Each set of
    fields gets its own slotted class, because a snapshot of a large dataset holds hundreds of
    thousands of records and a per-record __dict__ would double its memory (bench/RESULTS.md)."""
    __slots__ = ()

    def __repr__(self) -> str:
        return f"Record({', '.join(f'{name}={getattr(self, name)!r}' for name in self.__slots__)})"


@functools.cache
def _record_type(fields: tuple[str, ...]) -> type[Record]:
    return type("Record", (Record,), {"__slots__": fields})


@dataclass
class Snapshot:
    version: str
    released: datetime
    sources: dict[str, Record]
    treaties: dict[str, Record]
    states: dict[str, Record]            # by alpha-2, in name order
    actions: list[Record]
    policies: list[Record]
    obligations: list[Record]            # Article 4 and 5 obligation events
    memo: dict = field(default_factory=dict)  # derived values, computed once per snapshot

    def once(self, key, compute):
        """`compute()` the first time `key` is asked for, the stored value afterwards."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


def _parse(version) -> dict[str, list[Record]]:
    """The version's tables, each JSON object read straight into a Record (no dict per record),
    with equal dates and short strings (codes, kinds, marks) shared between records."""
    days: dict[str, date] = {}
    strings: dict[str, str] = {}

    def value(name: str, raw):
        if name in DATE_FIELDS and raw:
            return days.setdefault(raw, date.fromisoformat(raw))
        if type(raw) is str and len(raw) <= 40:
            return strings.setdefault(raw, raw)
        return raw

    def record(pairs: list[tuple]) -> Record | dict:
        if not any(name in ("id", "slug", "iso2") for name, _ in pairs):
            return dict(pairs)  # the top level: table name -> records
        names = tuple(name for name, _ in pairs)
        if "iso3" in names:  # a state: build() adds its folded names, for `q` (not stored)
            names += ("search_text",)
        made = _record_type(names)()
        for name, raw in pairs:
            setattr(made, name, value(name, raw))
        return made

    return json.loads(zlib.decompress(version.snapshot), object_pairs_hook=record)


def _cite(records: list[Record], sources: dict[str, Record]) -> list[Record]:
    for record in records:
        record.sources = [sources[s] for s in record.sources]
    return records


def build(version) -> Snapshot:
    """The snapshot of a version (a DatasetVersion, or a row of its version, loaded_at and snapshot)."""
    tables = _parse(version)
    sources = {r.id: r for r in tables["source"]}
    states = sorted(_cite(tables["state"], sources), key=lambda s: s.name)
    for state in states:
        names = [state.name, state.official_name, state.iso2, state.iso3, *state.aliases]
        state.search_text = "|".join(fold(name) for name in names)
    order = lambda r: (r.date or date.max, r.id) if hasattr(r, "kind") else (r.effective, r.id)
    return Snapshot(
        version=version.version, released=version.loaded_at, sources=sources,
        treaties={r.slug: r for r in _cite(tables["treaty"], sources)},
        states={s.iso2: s for s in states},
        actions=sorted(_cite(tables["treaty_action"], sources), key=order),
        policies=sorted(_cite(tables["policy_position"], sources), key=order),
        obligations=sorted(_cite(tables.get("obligation_event", []), sources), key=order))


class Probe:
    """One database call at a time, in its own thread and app context, waited for with a bound.

    A database that refuses connections fails at once, but a hung one (a network that drops
    packets, a server that accepts and never answers) would hold the request thread for as long as
    the operating system keeps the connection. The call runs in a thread instead: the request
    waits at most `wait` seconds; a request that finds a call already running does not wait at
    all. The stuck thread ends when its connection does (keepalives, or the network coming back).
    """

    def __init__(self):
        self.lock, self.running, self.started = threading.Lock(), None, 0.0

    def call(self, work, wait: float):
        """`work()`'s result; raises its exception, or TimeoutError after `wait` seconds. While a call
        is running, another caller gets its answer instead (one call for both), waiting only as
        long as the first one's `wait` allows."""
        app = current_app._get_current_object()
        with self.lock:
            now = time.monotonic()
            if self.running is None or self.running.done():
                self.running, self.started = Future(), now
                threading.Thread(target=self._run, args=(app, work, self.running), daemon=True).start()
            future, left = self.running, self.started + wait - now
        try:
            if left <= 0:
                raise FutureTimeout
            return future.result(timeout=left)
        except FutureTimeout:
            raise TimeoutError(f"no answer from the database within {wait}s") from None

    @staticmethod
    def _run(app, work, future: Future) -> None:
        with app.app_context():
            try:
                future.set_result(work())
            except BaseException as error:  # handed to the waiting request, if any
                future.set_exception(error)
            finally:
                db.session.remove()


def _latest_version() -> str | None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL statement_timeout = 2000"))  # a busy server: this check only
    return db.session.scalar(db.select(DatasetVersion.version).order_by(DatasetVersion.loaded_at.desc()).limit(1))


class DatabaseUnavailable(Problem):
    def __init__(self, retry_after: int):
        super().__init__(503, "The database is unreachable and no data is loaded in this process yet; "
                              "try again shortly.", headers={"Retry-After": str(retry_after)})


class SnapshotStore:
    """Built snapshots by version (a few recent ones), and the current version's name."""

    def __init__(self, size: int = 4):
        self.size, self.lock = size, threading.Lock()
        self.snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self.current: tuple[float, str | None] = (0.0, None)
        self.version_probe, self.ping_probe = Probe(), Probe()  # one call in flight of each
        self.unreachable_since: float | None = None  # when the version check last began to fail

    def current_version(self, ttl: float) -> str | None:
        """The current version, looked up at most every `ttl` seconds. When the database does not
        answer within VERSION_CHECK_WAIT, the version this process has keeps being served (reads
        need no database); the failure is logged once, and the check retried after `ttl`."""
        checked, version = self.current
        if time.monotonic() - checked < ttl and version is not None:
            return version
        try:
            version = self.version_probe.call(_latest_version, current_app.config["VERSION_CHECK_WAIT"])
        except (TimeoutError, SQLAlchemyError) as error:
            if self.unreachable_since is None:
                self.unreachable_since = time.monotonic()
                log.warning("database unreachable (%s); serving dataset version %s from memory",
                            str(error).splitlines()[0] if str(error) else type(error).__name__, version)
            if version is None:
                raise DatabaseUnavailable(current_app.config["RETRY_AFTER_SECONDS"]) from error
            self.current = (time.monotonic(), version)
            return version
        if self.unreachable_since is not None:
            log.warning("database reachable again after %.1fs", time.monotonic() - self.unreachable_since)
            self.unreachable_since = None
        self.current = (time.monotonic(), version)
        return version

    def reachable(self, wait: float) -> bool:
        """Whether the database answers `SELECT 1` within `wait` seconds (for /readyz and writes)."""
        try:
            self.ping_probe.call(lambda: db.session.execute(text("SELECT 1")), wait)
            return True
        except (TimeoutError, SQLAlchemyError):
            return False

    def get(self, version: str) -> Snapshot | None:
        with self.lock:
            if version in self.snapshots:
                self.snapshots.move_to_end(version)
                return self.snapshots[version]
        # Only the columns a snapshot is built from: a version's `changes` can be as large as
        # the data itself (the first version lists every record) and is not needed here.
        row = db.session.execute(db.select(DatasetVersion.version, DatasetVersion.loaded_at, DatasetVersion.snapshot)
                                 .where(DatasetVersion.version == version)).one_or_none()
        if row is None:
            return None
        snapshot = build(row)
        with self.lock:
            self.snapshots[version] = snapshot
            while len(self.snapshots) > self.size:
                self.snapshots.popitem(last=False)
        return snapshot


def store() -> SnapshotStore:
    snapshots = current_app.extensions.get("snapshots")
    if snapshots is None:
        snapshots = current_app.extensions.setdefault("snapshots", SnapshotStore())
    return snapshots


def use_version(requested: str | None) -> Snapshot:
    """The snapshot this request reads: `dataset_version=` if given, else the current one."""
    version = requested or store().current_version(current_app.config["VERSION_CHECK_SECONDS"])
    snapshot = store().get(version) if version else None
    if snapshot is None and requested:
        raise Problem(404, f"No dataset version {requested!r}; GET /api/v1/dataset lists the current one.",
                      **{"invalid-params": [{"name": "dataset_version", "reason": "Unknown version."}]})
    if snapshot is None:
        raise Problem(503, "No data has been loaded yet; run `flask seed`.")
    g.snapshot = snapshot
    return snapshot


def current() -> Snapshot:
    """The snapshot of this request (the current version unless the request chose one)."""
    return g.snapshot if "snapshot" in g else use_version(None)


def warm_before_fork(app) -> None:
    """Build the current snapshot in a pre-forking server's master, then close its database
    connections: every worker (also one that replaces a recycled or crashed worker) starts with
    the snapshot in memory and opens its own connections."""
    with app.app_context():
        try:
            use_version(None)
        except Exception as error:  # no database yet, or no data: workers retry on their first read
            app.logger.warning("snapshot not built before fork: %s", error)
        finally:
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    # Keep the garbage collector off the inherited snapshot: its scans would touch, and so copy,
    # every shared page in each worker (https://docs.python.org/3/library/gc.html#gc.freeze).
    gc.freeze()
