"""Curators' writes: new records and corrections, validated exactly like seed files.

Append-only: a write never deletes; a correction changes the current record and appends a
revision with its reason, so the old text stays in the record's revision chain. Each write
publishes a dataset version in the same transaction, like `flask seed`. Callers take the
write lock first (records.lock_writes, once per transaction) and commit.
"""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy.orm import selectinload

from api.extensions import db
from api.models import Source, State, Treaty, TreatyAction
from api.problems import Problem, not_found
from api.rules.status import CONSENT_KINDS
from api.write import revisions
from api.write.record_schemas import CorrectionIn
from api.write.records import MODELS, apply_table, clean_record, one_record_diff, row_as_record
from api.write.seed_files import RECORD_CHECKS, SEED_FILES
from api.write.versions import published, record_written, typed_changes

WRITABLE = ("treaty_action", "policy_position", "obligation_event", "source")
correction_in = CorrectionIn()


@dataclass
class Written:
    table: str
    key: str
    revision: revisions.RecordRevision
    dataset_version: str | None


def _key_field(table: str) -> str:
    return SEED_FILES[table][2]


def _context(table: str) -> dict[str, dict[str, dict]]:
    """What a new `table` record may refer to: every source, state and treaty, and for an
    obligation event the consents that give a state its obligations (no other records)."""
    return {"source": {s: {} for s in db.session.scalars(db.select(Source.id))},
            "state": {s: {} for s in db.session.scalars(db.select(State.iso2))},
            "treaty": {t.slug: row_as_record(t) for t in db.session.scalars(
                db.select(Treaty).options(selectinload(Treaty.sources)))},
            "treaty_action": _consents() if table == "obligation_event" else {},
            "policy_position": {}, "obligation_event": {}}


def _consents() -> dict[str, dict]:
    query = (db.select(TreatyAction).where(TreatyAction.kind.in_(CONSENT_KINDS))
             .options(selectinload(TreatyAction.sources)))
    return {action.id: row_as_record(action) for action in db.session.scalars(query)}


def check(table: str, key: str, record: dict) -> None:
    """The seed files' cross-record checks, on the current records plus this one: a 422."""
    tables = _context(table)
    tables[table] = tables[table] | {key: record}
    findings = [f for run in RECORD_CHECKS for f in run(tables) if (f.table, f.key) == (table, key)]
    if findings:
        params = [{"name": f.field, "reason": f.message} for f in findings]
        raise Problem(422, "; ".join(f"{p['name']}: {p['reason']}" for p in params), invalid_params=params)


def _save(table: str, key: str, clean: dict, fields: dict | None, author: str, reason: str, row=None) -> Written:
    """Write the record (`row`: its current row, None for a new one) and publish the version."""
    model = MODELS[table]
    before = None if row is None else published(row)
    diff = one_record_diff(key, clean, fields)
    cited = db.select(Source).where(Source.id.in_(clean["sources"])) if clean.get("sources") else None
    apply_table(model, diff, {s.id: s for s in db.session.scalars(cited)} if cited is not None else {})
    row = db.session.get(model, key)
    db.session.expire(row)  # read back as stored, as a full snapshot would read it
    version = record_written(table, before, published(row), typed_changes({table: diff}))
    name = version.version if version else None
    previous = revisions.latest_number(table, key)
    revision = revisions.append(table, key, revisions.as_seed_record(table, clean), author, reason, name, previous)
    db.session.flush()
    return Written(table, key, revision, name)


def create(table: str, body: dict, author: str) -> Written:
    """A new record: schema-valid (400), new (409), consistent with the data (422)."""
    record = revisions.SCHEMAS[table].load(body)
    key = record[_key_field(table)]
    if db.session.get(MODELS[table], key) is not None:
        raise Problem(409, f"{_key_field(table)}: {key!r} exists; to change it, POST a correction to its "
                      f"/corrections route.", invalid_params=[{"name": _key_field(table),
                                                                      "reason": "This id is taken."}])
    check(table, key, record)
    return _save(table, key, clean_record(record, MODELS[table]), None, author, "recorded through the API")


def correct(table: str, key: str, body: dict, author: str, if_match: str | None) -> Written:
    """A correction of the current revision named by If-Match (428 without, 412 if stale)."""
    row = db.session.get(MODELS[table], key)
    if row is None:
        raise not_found(table.replace("_", " "), key)
    current = revisions.latest_number(table, key) or revisions.baseline_one(table, key, row)
    _precondition(if_match, current)
    given = correction_in.load(body)
    if given["changes"].get(_key_field(table), key) != key:
        raise ValidationError({_key_field(table): ["An id cannot be corrected; record a new one instead."]})
    old = row_as_record(row)
    record = revisions.SCHEMAS[table].load(revisions.as_seed_record(table, old) | given["changes"])
    clean = clean_record(record, MODELS[table])
    fields = {f: (old.get(f), v) for f, v in clean.items() if old.get(f) != v}
    if not fields:
        raise Problem(422, "The correction changes nothing: every given value is already current.")
    check(table, key, record)
    return _save(table, key, clean, fields, author, given["reason"], row)


def _precondition(if_match: str | None, current: int) -> None:
    etag = revisions.etag(current)
    if if_match is None:
        raise Problem(428, f"A correction needs If-Match with the current revision's ETag ({etag}); "
                      f"GET its revisions route to read it.", headers={"ETag": etag})
    if if_match.strip() != etag:
        raise Problem(412, f"If-Match {if_match} is stale: the current revision is {etag}; "
                      f"read it and correct that.", headers={"ETag": etag})
