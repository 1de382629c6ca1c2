"""How a record is written, for every writer (`flask seed`, curators' API writes, package import):
its clean shape for a table, the diff of a table against the database, applying that diff, and
the write lock. Tables are named as in the database (`treaty_action`, `policy_position`...).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from api.extensions import db
from api.metrics import WRITE_LOCK_BUSY, WRITE_LOCK_WAIT
from api.models import (
    ObligationEvent,
    PolicyPosition,
    ProducerList,
    Source,
    State,
    Treaty,
    TreatyAction,
    WriteLock,
)

# Columns that are stored and written back to the seed files but never published: they stay out
# of dataset versions (snapshots and change logs), so no public answer can carry them.
UNPUBLISHED = frozenset({"curator_notes"})

# Table name -> model, in dependency order (a record only cites tables before it).
MODELS: dict[str, Any] = {"source": Source, "treaty": Treaty, "state": State, "treaty_action": TreatyAction,
                          "policy_position": PolicyPosition, "obligation_event": ObligationEvent,
                          "producer_list": ProducerList}


class WriteLockMissing(RuntimeError):
    """The write_lock row is missing: the schema was not migrated (`flask db upgrade`)."""


@dataclass
class TableDiff:
    """What writing `new` records into one table changes: keys added, fields changed (old, new)
    per key, keys in the database but not in `new` (deleted only when `pruned`)."""
    new: dict[str, dict]
    added: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    pruned: bool = False

    @property
    def written(self) -> list[str]:
        """The keys whose rows are inserted or updated."""
        return self.added + list(self.changed)


def row_as_record(row) -> dict:
    """A row as plain values: columns plus the ids of the sources it cites."""
    record = {column.key: getattr(row, column.key) for column in type(row).__table__.columns}
    if not isinstance(row, Source):
        record["sources"] = sorted(source.id for source in row.sources)
    return record


def clean_record(record: dict, model) -> dict:
    """A validated record cut to the model's columns (and its sorted source ids)."""
    wanted = {column.key for column in model.__table__.columns} | ({"sources"} if model is not Source else set())
    clean = {k: v for k, v in record.items() if k in wanted}
    if "sources" in clean:
        clean["sources"] = sorted(clean["sources"])
    return clean


def diff_table(model, new: dict[str, dict], prune: bool) -> TableDiff:
    """The diff of a whole table: `new` holds every record the table should have."""
    key = model.__mapper__.primary_key[0].key
    old = {getattr(row, key): row_as_record(row) for row in db.session.scalars(db.select(model))}
    new = {k: clean_record(v, model) for k, v in new.items()}
    changed = {}
    for k in sorted(new.keys() & old.keys()):
        fields = {f: (old[k].get(f), v) for f, v in new[k].items() if old[k].get(f) != v}
        if fields:
            changed[k] = fields
    return TableDiff(new, sorted(new.keys() - old.keys()), changed, sorted(old.keys() - new.keys()), prune)


def one_record_diff(key: str, clean: dict, fields: dict[str, tuple[Any, Any]] | None) -> TableDiff:
    """The diff of writing one record: added when `fields` is None, else those fields changed."""
    if fields:
        return TableDiff({key: clean}, changed={key: fields})
    return TableDiff({key: clean}, added=[key])


def apply_table(model, diff: TableDiff, sources: dict[str, Source]) -> None:
    """Insert or update the diff's rows (deletions are the caller's, and only when pruning)."""
    for key in diff.written:
        values = dict(diff.new[key])
        cited = values.pop("sources", None)
        row = db.session.get(model, key) or model()
        for name, value in values.items():
            setattr(row, name, value)
        if cited is not None:
            row.sources = [sources[source_id] for source_id in cited]
        db.session.add(row)
    db.session.flush()


class WriteLockBusy(Exception):
    """The write lock was not free within the time allowed; nothing was written."""


def lock_writes(timeout: float | None = None) -> None:
    """Serialize writers until this transaction ends: a row lock on PostgreSQL, the database
    write lock on SQLite. Reads after it see every earlier write committed. Take it once per
    transaction, before reading what the write depends on. With `timeout` (seconds), waiting
    longer raises WriteLockBusy (PostgreSQL lock_timeout, SQLite busy timeout); without, the
    database's own default applies (seeds wait)."""
    dialect = db.session.get_bind().dialect.name
    if timeout is not None:
        milliseconds = max(1, int(timeout * 1000))
        if dialect == "postgresql":
            db.session.execute(text(f"SET LOCAL lock_timeout = {milliseconds}"))
        elif dialect == "sqlite":
            db.session.execute(text(f"PRAGMA busy_timeout = {milliseconds}"))
    started = time.perf_counter()
    try:
        locked = db.session.execute(db.update(WriteLock).where(WriteLock.id == 1)
                                    .values(writes=WriteLock.writes + 1))
    except OperationalError as error:
        WRITE_LOCK_WAIT.observe(time.perf_counter() - started)
        if timeout is not None and _lock_busy(error):
            WRITE_LOCK_BUSY.inc()
            raise WriteLockBusy(f"the write lock stayed busy for {timeout:g}s") from error
        raise
    WRITE_LOCK_WAIT.observe(time.perf_counter() - started)
    if getattr(locked, "rowcount", 0) != 1:  # an UPDATE's result is a CursorResult
        raise WriteLockMissing("No write_lock row to lock; run `flask db upgrade`.")
    if timeout is not None and dialect == "postgresql":
        db.session.execute(text("SET LOCAL lock_timeout = 0"))  # held now: the rest of the write may wait


def _lock_busy(error: OperationalError) -> bool:
    return getattr(error.orig, "sqlstate", None) == "55P03" or "database is locked" in str(error.orig)
