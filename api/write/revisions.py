"""Record revisions: every change to a record, from `flask seed` or the API, is appended as a
new revision (what it said, when, who, why); none is ever updated or deleted.

GET /api/v1/revisions/<table>/<id> (api.routes.revisions) shows a record's whole chain.
"""
from __future__ import annotations

from datetime import UTC, datetime

from api.extensions import db
from api.models import RecordRevision
from api.write.records import MODELS, UNPUBLISHED, TableDiff, row_as_record
from api.write.seed_files import SEED_FILES

SCHEMAS = {table: schema for table, (_, schema, _) in SEED_FILES.items()}
LAST_FIELDS = ("confidence", "sources")


def as_seed_record(table: str, record: dict) -> dict:
    """A record with model attribute names, in the form a seed file (and the API) writes it."""
    dumped = SCHEMAS[table].dump(record)
    return {k: v for k, v in dumped.items() if k not in LAST_FIELDS} | \
        {k: dumped[k] for k in LAST_FIELDS if k in dumped}


def etag(revision: int) -> str:
    return f'"r{revision}"'


def latest_numbers(table: str) -> dict[str, int]:
    """The current revision number of every record of `table` that has one."""
    rows = db.session.execute(db.select(RecordRevision.record_id, db.func.max(RecordRevision.revision))
                              .where(RecordRevision.table_name == table).group_by(RecordRevision.record_id))
    return dict(rows.all())


def latest_number(table: str, key: str) -> int | None:
    return db.session.scalar(db.select(db.func.max(RecordRevision.revision))
                             .where(RecordRevision.table_name == table, RecordRevision.record_id == key))


def append(table: str, key: str, record: dict | None, author: str, reason: str,
           version: str | None, previous: int | None) -> RecordRevision:
    """Append the next revision after `previous` (None: the first); `record` in seed form."""
    revision = RecordRevision(table_name=table, record_id=key, revision=(previous or 0) + 1,
                              record=record, author=author, reason=reason, supersedes=previous,
                              created_at=datetime.now(UTC).replace(tzinfo=None),
                              dataset_version=version)
    db.session.add(revision)
    return revision


def baseline() -> None:
    """Give every record that predates revision history its first revision, as it is now."""
    for table, model in MODELS.items():
        known = latest_numbers(table)
        name = model.__mapper__.primary_key[0].key
        for row in db.session.scalars(db.select(model)):
            key = getattr(row, name)
            if key not in known:
                baseline_one(table, key, row)


def baseline_one(table: str, key: str, row) -> int:
    """The first revision of one record that predates revision history; returns its number."""
    append(table, key, as_seed_record(table, row_as_record(row)), "seed",
           "as loaded before revision history began", None, None)
    db.session.flush()
    return 1


def chain(table: str, key: str) -> list[RecordRevision]:
    return list(db.session.scalars(db.select(RecordRevision).filter_by(table_name=table, record_id=key)
                                   .order_by(RecordRevision.revision)))


def unsaved_api_writes(diffs: dict[str, TableDiff]) -> list[str]:
    """API revisions that loading these diffs would undo: files older than the API's writes.

    A change back to what an earlier revision said, or a prune, of a record whose current
    revision came through the API means the files were not written back (`flask writeback`)."""
    problems = []
    for table, diff in diffs.items():
        stale = [k for k in diff.changed if as_seed_record(table, diff.new[k]) in
                 [r.record for r in chain(table, k)[:-1]]]
        for key in stale + (diff.removed if diff.pruned else []):
            revisions = chain(table, key)
            latest = revisions[-1] if revisions else None
            if latest is not None and latest.author != "seed":
                problems.append(f"{table} {key}: loading the files would undo revision {latest.revision} by "
                                f"{latest.author} ({latest.reason}); run `flask writeback` first, or --force")
    return problems


def revision_out(revision: RecordRevision, internal: bool = False) -> dict:
    """A revision as answered: the public revisions route leaves out unpublished fields (curators'
    notes); a curator's own write answer (`internal`) shows the record as written."""
    record = revision.record if internal or revision.record is None else \
        {k: v for k, v in revision.record.items() if k not in UNPUBLISHED}
    return {"revision": revision.revision, "supersedes": revision.supersedes, "record": record,
            "author": revision.author, "reason": revision.reason,
            "created_at": revision.created_at.isoformat() + "Z", "dataset_version": revision.dataset_version}
