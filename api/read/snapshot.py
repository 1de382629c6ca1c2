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
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time as clock, timedelta

from flask import current_app, g

from api.extensions import db
from api.models import DatasetVersion
from api.problems import Problem
from api.rules.names import fold

DATE_FIELDS = {"published", "accessed", "adopted", "opened_for_signature", "entry_into_force",
               "date", "effective", "conflict_ended", "deadline"}


def now() -> datetime:
    """The time (UTC, aware); tests replace it to cross midnight."""
    return datetime.now(UTC)


def today() -> date:
    """Today in UTC: the default `as_of` of every read."""
    return now().date()


def day_start() -> datetime:
    """00:00 UTC today, naive like the stored release times."""
    return datetime.combine(today(), clock())


def seconds_to_midnight() -> int:
    """Seconds until the next 00:00 UTC, when answers for the default `as_of` change day."""
    return max(0, int((datetime.combine(today() + timedelta(days=1), clock(), UTC) - now()).total_seconds()))


def depends_on_today() -> None:
    """Note that this request's answer is for today (no `as_of` given): its validators and
    freshness must not outlive the day (api/middleware/response_cache.py)."""
    g.depends_on_today = True


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


class SnapshotStore:
    """Built snapshots by version (a few recent ones), and the current version's name."""

    def __init__(self, size: int = 4):
        self.size, self.lock = size, threading.Lock()
        self.snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self.current: tuple[float, str | None] = (0.0, None)

    def current_version(self, ttl: float) -> str | None:
        checked, version = self.current
        if time.monotonic() - checked >= ttl or version is None:
            version = db.session.scalar(db.select(DatasetVersion.version)
                                        .order_by(DatasetVersion.loaded_at.desc()).limit(1))
            self.current = (time.monotonic(), version)
        return version

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
    return current_app.extensions.setdefault("snapshots", SnapshotStore())


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
