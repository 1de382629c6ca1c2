"""Dataset versions: an immutable snapshot of every table each time the data changes.

A version is named by its release date and the hash of its content
(`2026.11.28-1a2b3c4d`). It records what changed since the previous version, record by
record and field by field, each change typed as a real-world `event` (a new treaty action,
policy position, obligation event or producer list), a `source` added, or a `correction` of earlier data.
Reads are served from snapshots, so an old version answers exactly as it did when it was current.

`flask seed` (and a package import) store every table, named by the SHA-256 of it. A curator's write
stores only the records written since its `snapshot_base` (the last full snapshot, or after
CHANGES_PER_VERSION such records the previous version), so its cost does not grow with the data:
its tables are its bases' with those records put in (snapshot_data.merged), and its content hash
comes from per-table sums of record hashes (`content_sums`), updated from the previous version's
by the one record written.
"""
from __future__ import annotations

import functools
import hashlib
import json
import zlib
from datetime import UTC, date, datetime
from operator import getitem
from typing import Any

from sqlalchemy.orm import defer, selectinload

from api.extensions import db
from api.models import DatasetVersion, Source
from api.read.database import stored_bases
from api.read.snapshot_data import merged
from api.write import purge
from api.write.records import MODELS, UNPUBLISHED, TableDiff, row_as_record

EVENT_TABLES = ("treaty_action", "policy_position", "obligation_event", "producer_list")
# Tables added after the first release are left out of snapshots while empty, so the same
# data keeps its content hash (and no new version is published) when only the code changed.
ADDED_LATER = ("obligation_event", "producer_list")
MODULUS = 2**256
# A curator's write stores the records written since its base: the last full snapshot while they
# are fewer than this, else the previous version (whose own are then not rewritten by each write).
CHANGES_PER_VERSION = 500


def jsonable(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def published(row) -> dict:
    """A row as a version stores it: JSON-ready, without the unpublished columns."""
    return {k: jsonable(v) for k, v in row_as_record(row).items() if k != "search_text" and k not in UNPUBLISHED}


def current_tables() -> dict[str, list[dict]]:
    """Every table as JSON-ready records, in key order, without the unpublished columns."""
    tables = {}
    for name, model in MODELS.items():
        key = model.__mapper__.primary_key[0]
        query = db.select(model).order_by(key)
        if model is not Source:  # one query for every row's citations, not one per row
            query = query.options(selectinload(model.sources))
        # sorted here too: the order merged() keeps, whatever the database's collation
        records = sorted((published(row) for row in db.session.scalars(query)), key=lambda r: r[key.key])
        if records or name not in ADDED_LATER:
            tables[name] = records
    return tables


def _payload(tables: dict[str, list[dict]]) -> bytes:
    return json.dumps(tables, sort_keys=True, separators=(",", ":")).encode()


def typed_changes(diffs: dict[str, TableDiff]) -> list[dict]:
    """Flatten per-table diffs into typed, record-level changes (unpublished fields left out: a
    change to them alone is no public change)."""
    changes: list[dict[str, Any]] = []
    for table, diff in diffs.items():
        for key in diff.added:
            kind = "event" if table in EVENT_TABLES else "source" if table == "source" else "correction"
            changes.append({"table": table, "id": key, "change": "added", "kind": kind})
        for key, all_fields in diff.changed.items():
            fields = {f: values for f, values in all_fields.items() if f not in UNPUBLISHED}
            if not fields:
                continue
            changes.append({"table": table, "id": key, "change": "changed", "kind": "correction",
                            "fields": {f: [jsonable(old), jsonable(new)] for f, (old, new) in fields.items()}})
        for key in diff.removed if diff.pruned else []:
            changes.append({"table": table, "id": key, "change": "removed", "kind": "correction"})
    return changes


def latest() -> DatasetVersion | None:
    return db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.sequence.desc())).first()


def _latest_head() -> DatasetVersion | None:
    """The latest version without its stored snapshot and change log (loaded if asked for)."""
    query = (db.select(DatasetVersion).options(defer(DatasetVersion.snapshot), defer(DatasetVersion.changes))
             .order_by(DatasetVersion.sequence.desc()).limit(1))
    return db.session.scalars(query).first()


def content_sums(tables: dict[str, list[dict]]) -> dict[str, str]:
    """Per table, the sum modulo 2**256 of its records' SHA-256 hashes (hex): a hash of the table's
    records that a write updates from the records it changed alone (subtract the old, add the new)."""
    return {table: _hex_sum(sum(map(functools.partial(_record_hash, table), records)))
            for table, records in tables.items()}


def _hex_sum(total: int) -> str:
    return f"{total % MODULUS:064x}"


def _record_hash(table: str, record: dict) -> int:
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(f"{table}\0{text}".encode()).digest(), "big")


def _sums_hash(sums: dict[str, str]) -> str:
    """The content hash of a version stored as its changes: the same content gives the same hash,
    whatever the writes that led to it (a package import checks a version's name with it)."""
    return hashlib.sha256(json.dumps(sums, sort_keys=True).encode()).hexdigest()


def _unique(content_hash: str, previous: DatasetVersion | None) -> str:
    """`content_hash`, or for the content of an older version again (a correction undone) a hash
    of it and the previous version's name, so each version keeps a name of its own."""
    known = db.session.scalar(db.select(DatasetVersion.version).filter_by(content_hash=content_hash))
    if previous is None or not known:
        return content_hash
    return hashlib.sha256(f"{previous.version}:{content_hash}".encode()).hexdigest()


def record_version(changes: list[dict]) -> DatasetVersion | None:
    """Snapshot every table as a new version, unless the content is unchanged.

    Call it after records.lock_writes(), so concurrent writers publish one after the other."""
    tables = current_tables()
    payload = _payload(tables)
    content_hash, sums = hashlib.sha256(payload).hexdigest(), content_sums(tables)
    previous = _latest_head()
    if previous is not None and (previous.content_hash == content_hash or previous.content_sums == sums):
        return None
    version = _publish(previous, _unique(content_hash, previous), sums, changes, zlib.compress(payload, 9), None)
    removed = previous is not None and any(change["change"] == "removed" for change in changes)
    purge.schedule(db.session(), purge.keys_for(changes, tables, *(
        [snapshot_tables(previous)] if removed and previous is not None else [])), version.version)
    return version


def record_written(table: str, before: dict | None, after: dict, changes: list[dict]) -> DatasetVersion | None:
    """Publish a curator's write of one record (`before` and `after` as published()) as a new
    version that stores only the records written since the last full snapshot, hashed from the
    previous version's content sums; none when no published field changed. Call it after
    records.lock_writes(), like record_version."""
    if before == after:
        return None
    previous = _latest_head()
    if previous is None or previous.content_sums is None:  # nothing to build on: store every table
        return record_version(changes)
    sums = dict(previous.content_sums)  # only the written table's sum changes
    sums[table] = _hex_sum(int(sums.get(table, "0"), 16) - (_record_hash(table, before) if before else 0)
                           + _record_hash(table, after))
    content_hash = _unique(_sums_hash(sums), previous)
    written = {table: [after]}
    base, since_base = previous.version, written
    if previous.snapshot_base is not None:
        stored = json.loads(zlib.decompress(previous.snapshot))
        if sum(map(len, stored.values())) < CHANGES_PER_VERSION:
            base, since_base = previous.snapshot_base, merged(stored, written, getitem)
    version = _publish(previous, content_hash, sums, changes, zlib.compress(_payload(since_base), 9), base)
    purge.schedule(db.session(), purge.keys_for(changes, written), version.version)
    return version


def _publish(previous: DatasetVersion | None, content_hash: str, sums: dict[str, str], changes: list[dict],
             snapshot: bytes, base: str | None) -> DatasetVersion:
    now = datetime.now(UTC).replace(tzinfo=None)
    version = DatasetVersion(version=f"{now:%Y.%m.%d}-{content_hash[:8]}", content_hash=content_hash,
                             sequence=previous.sequence + 1 if previous else 1,
                             loaded_at=now, previous=previous.version if previous else None,
                             changes=changes, snapshot=snapshot, snapshot_base=base, content_sums=sums)
    db.session.add(version)
    return version


def content_hashes(version_tables: dict[str, list[dict]]) -> tuple[str, str]:
    """The two content hashes tables may be named by: a full snapshot's, and a written version's."""
    return hashlib.sha256(_payload(version_tables)).hexdigest(), _sums_hash(content_sums(version_tables))


def snapshot_tables(version: DatasetVersion) -> dict[str, list[dict]]:
    """Every table of a version, as stored (a version stored as its changes: with its bases')."""
    tables: dict[str, list[dict]] = {}
    for stored in [*stored_bases(version.snapshot_base, {}), version.snapshot]:
        tables = merged(tables, json.loads(zlib.decompress(stored)), getitem)
    return tables
