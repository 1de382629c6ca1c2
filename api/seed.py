"""The `flask seed` command: validate seed_data/, diff it against the database, apply.

Idempotent: a second run changes nothing. Everything happens in one transaction, so an
invalid file or a failure half-way leaves the database as it was.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import click
from flask import current_app

from .extensions import db
from .models import DatasetVersion, PolicyPosition, Source, State, Treaty, TreatyAction
from .seed_files import SeedData, SeedError, read_seed

MODELS = {"source": Source, "treaty": Treaty, "state": State,
          "treaty_action": TreatyAction, "policy_position": PolicyPosition}


def _fields(model) -> list[str]:
    return [column.key for column in model.__table__.columns]


def row_as_record(row) -> dict:
    record = {name: getattr(row, name) for name in _fields(type(row))}
    if hasattr(row, "sources") and not isinstance(row, Source):
        record["sources"] = sorted(source.id for source in row.sources)
    return record


def _clean(record: dict, model) -> dict:
    wanted = set(_fields(model)) | ({"sources"} if model is not Source else set())
    clean = {k: v for k, v in record.items() if k in wanted}
    if "sources" in clean:
        clean["sources"] = sorted(clean["sources"])
    return clean


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def diff_table(model, new: dict[str, dict], removals: bool) -> dict:
    """Added, changed (field by field) and removed records of one table."""
    key = model.__mapper__.primary_key[0].key
    old = {getattr(row, key): row_as_record(row) for row in db.session.scalars(db.select(model))}
    new = {k: _clean(v, model) for k, v in new.items()}
    changed = {}
    for k in sorted(new.keys() & old.keys()):
        fields = {f: [_jsonable(old[k].get(f)), _jsonable(v)] for f, v in new[k].items() if old[k].get(f) != v}
        if fields:
            changed[k] = fields
    return {"added": sorted(new.keys() - old.keys()), "changed": changed,
            "removed": sorted(old.keys() - new.keys()), "_new": new, "_removals": removals}


def _apply_table(model, diff: dict, sources: dict[str, Source]) -> None:
    for key in diff["added"] + list(diff["changed"]):
        values = dict(diff["_new"][key])
        cited = values.pop("sources", None)
        row = db.session.get(model, key) or model()
        for name, value in values.items():
            setattr(row, name, value)
        if cited is not None:
            row.sources = [sources[source_id] for source_id in cited]
        db.session.add(row)
    db.session.flush()


def apply_seed(data: SeedData, prune: bool = False) -> dict:
    """Bring the database to `data` in the current transaction; returns the changes."""
    diffs = {table: diff_table(MODELS[table], records, prune) for table, records in data.tables.items()}
    _apply_table(Source, diffs["source"], {})
    sources = {s.id: s for s in db.session.scalars(db.select(Source))}
    for table in ("treaty", "state", "treaty_action", "policy_position"):
        _apply_table(MODELS[table], diffs[table], sources)
    if prune:
        for table in reversed(list(MODELS)):
            for key in diffs[table]["removed"]:
                db.session.delete(db.session.get(MODELS[table], key))
            db.session.flush()
    changes = {table: {k: v for k, v in diff.items() if not k.startswith("_")}
               for table, diff in diffs.items()}
    _record_version(data.content_hash, changes)
    return changes


def _record_version(content_hash: str, changes: dict) -> None:
    latest = db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.loaded_at.desc())).first()
    if latest is not None and latest.content_hash == content_hash and not has_changes(changes):
        return
    version = f"{date.today():%Y.%m.%d}-{content_hash[:8]}"
    row = db.session.get(DatasetVersion, version) or DatasetVersion(version=version)
    row.content_hash, row.changes = content_hash, changes
    row.loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    db.session.add(row)


def has_changes(changes: dict) -> bool:
    return any(t["added"] or t["changed"] or t["removed"] for t in changes.values())


def describe(changes: dict, prune: bool) -> list[str]:
    lines = []
    for table, change in changes.items():
        lines += [f"{table}: added {k}" for k in change["added"]]
        lines += [f"{table}: changed {k}: {', '.join(sorted(fields))}" for k, fields in change["changed"].items()]
        verb = "removed" if prune else "in the database but not in the files (use --prune to remove)"
        lines += [f"{table}: {verb} {k}" for k in change["removed"]]
    return lines


@click.command("seed")
@click.option("--prune", is_flag=True, help="Also delete records that are no longer in the files.")
@click.option("--seed-dir", default=None, help="Directory to load (default: SEED_DIR).")
def seed_command(prune: bool, seed_dir: str | None) -> None:
    """Validate seed_data/ and load it into the database in one transaction."""
    try:
        data = read_seed(seed_dir or current_app.config["SEED_DIR"])
    except SeedError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1)
    try:
        changes = apply_seed(data, prune)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    lines = describe(changes, prune)
    for line in lines:
        click.echo(line)
    click.echo(f"seed: {len(lines)} change(s)" if lines else "seed: nothing to change")
