"""Dataset versions: an immutable snapshot of every table each time the data changes.

A version is named by its release date and the hash of its content
(`2026.11.28-1a2b3c4d`). It records what changed since the previous version, record by
record and field by field, each change typed as a real-world `event` (a new treaty action,
policy position, obligation event or producer list), a `source` added, or a `correction` of earlier data.
Reads are served from snapshots, so an old version answers exactly as it did when it was current.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import selectinload

from api.extensions import db
from api.models import DatasetVersion, Source
from api.write import purge
from api.write.records import MODELS, UNPUBLISHED, TableDiff, row_as_record

EVENT_TABLES = ("treaty_action", "policy_position", "obligation_event", "producer_list")
# Tables added after the first release are left out of snapshots while empty, so the same
# data keeps its content hash (and no new version is published) when only the code changed.
ADDED_LATER = ("obligation_event", "producer_list")


def jsonable(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def current_tables() -> dict[str, list[dict]]:
    """Every table as JSON-ready records, in a stable order, without the unpublished columns."""
    tables = {}
    for name, model in MODELS.items():
        key = model.__mapper__.primary_key[0]
        query = db.select(model).order_by(key)
        if model is not Source:  # one query for every row's citations, not one per row
            query = query.options(selectinload(model.sources))
        rows = db.session.scalars(query)
        records = [{k: jsonable(v) for k, v in row_as_record(row).items()
                    if k != "search_text" and k not in UNPUBLISHED} for row in rows]
        if records or name not in ADDED_LATER:
            tables[name] = records
    return tables


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


def record_version(changes: list[dict]) -> DatasetVersion | None:
    """Snapshot the tables as a new version, unless the content is unchanged.

    Call it after records.lock_writes(), so concurrent writers publish one after the other."""
    tables = current_tables()
    payload = json.dumps(tables, sort_keys=True, separators=(",", ":")).encode()
    content_hash = hashlib.sha256(payload).hexdigest()
    previous = latest()
    if previous is not None and previous.content_hash == content_hash:
        return None
    known = db.session.scalar(db.select(DatasetVersion.version).filter_by(content_hash=content_hash))
    if previous is not None and known:
        # the content of an older version again (a correction undone): name it by its history
        content_hash = hashlib.sha256(f"{previous.version}:{content_hash}".encode()).hexdigest()
    now = datetime.now(UTC).replace(tzinfo=None)
    version = DatasetVersion(version=f"{now:%Y.%m.%d}-{content_hash[:8]}", content_hash=content_hash,
                             sequence=previous.sequence + 1 if previous else 1,
                             loaded_at=now, previous=previous.version if previous else None,
                             changes=changes, snapshot=zlib.compress(payload, 9))
    db.session.add(version)
    removed = previous is not None and any(change["change"] == "removed" for change in changes)
    purge.schedule(db.session(), purge.keys_for(changes, tables, *(
        [snapshot_tables(previous)] if removed and previous is not None else [])), version.version)
    return version


def snapshot_tables(version: DatasetVersion) -> dict[str, list[dict]]:
    return json.loads(zlib.decompress(version.snapshot))
