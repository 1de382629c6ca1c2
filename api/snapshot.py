"""The read model: one immutable, in-memory snapshot of a dataset version.

Every read is answered from a snapshot, so an answer depends only on the version (and the
request): it can be computed once and shared. The current version is looked up in the
database at most every VERSION_CHECK_SECONDS, so a new version loaded by any process on any
machine is picked up by every worker within that delay.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from flask import current_app, g

from .extensions import db
from .models import DatasetVersion
from .problems import Problem
from .seed_files import fold
from .versions import snapshot_tables

DATE_FIELDS = {"published", "accessed", "adopted", "opened_for_signature", "entry_into_force",
               "date", "effective", "conflict_ended", "deadline"}


class Record(SimpleNamespace):
    """One record of a snapshot: attributes as in the models, `sources` as Records.
    Records are compared and hashed by identity: a snapshot holds each record once."""
    __eq__ = object.__eq__
    __hash__ = object.__hash__


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


def _record(values: dict, sources: dict[str, Record] | None = None) -> Record:
    values = {k: date.fromisoformat(v) if k in DATE_FIELDS and v else v for k, v in values.items()}
    if sources is not None:
        values["sources"] = [sources[s] for s in values.get("sources", [])]
    return Record(**values)


def build(version: DatasetVersion) -> Snapshot:
    tables = snapshot_tables(version)
    sources = {r["id"]: _record(r) for r in tables["source"]}
    states = sorted((_record(r, sources) for r in tables["state"]), key=lambda s: s.name)
    for state in states:
        names = [state.name, state.official_name, state.iso2, state.iso3, *state.aliases]
        state.search_text = "|".join(fold(name) for name in names)
    order = lambda r: (r.date or date.max, r.id) if hasattr(r, "kind") else (r.effective, r.id)  # noqa: E731
    return Snapshot(
        version=version.version, released=version.loaded_at, sources=sources,
        treaties={r["slug"]: _record(r, sources) for r in tables["treaty"]},
        states={s.iso2: s for s in states},
        actions=sorted((_record(r, sources) for r in tables["treaty_action"]), key=order),
        policies=sorted((_record(r, sources) for r in tables["policy_position"]), key=order),
        obligations=sorted((_record(r, sources) for r in tables.get("obligation_event", [])), key=order))


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
        row = db.session.get(DatasetVersion, version)
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
