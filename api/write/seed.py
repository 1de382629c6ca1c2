"""The `flask seed` command: validate seed_data/, diff it against the database, apply.

Idempotent: a second run changes nothing. Everything happens in one transaction, so an
invalid file or a failure half-way leaves the database as it was. Each run that changes
anything publishes a new dataset version (api.versions).
"""
from __future__ import annotations

import click
from flask import current_app

from api.extensions import db
from api.models import Source
from api.write import revisions
from api.write.seed_files import SeedData, SeedError, read_seed
from api.write.transactions import commit_or_report
from api.write.versions import MODELS, lock_writes, record_version, row_as_record, typed_changes


def clean_record(record: dict, model) -> dict:
    wanted = {column.key for column in model.__table__.columns} | ({"sources"} if model is not Source else set())
    clean = {k: v for k, v in record.items() if k in wanted}
    if "sources" in clean:
        clean["sources"] = sorted(clean["sources"])
    return clean


def diff_table(model, new: dict[str, dict], prune: bool) -> dict:
    """Added, changed (field by field: [old, new]) and removed records of one table."""
    key = model.__mapper__.primary_key[0].key
    old = {getattr(row, key): row_as_record(row) for row in db.session.scalars(db.select(model))}
    new = {k: clean_record(v, model) for k, v in new.items()}
    changed = {}
    for k in sorted(new.keys() & old.keys()):
        fields = {f: (old[k].get(f), v) for f, v in new[k].items() if old[k].get(f) != v}
        if fields:
            changed[k] = fields
    return {"added": sorted(new.keys() - old.keys()), "changed": changed,
            "removed": sorted(old.keys() - new.keys()), "pruned": prune, "new": new}


def apply_table(model, diff: dict, sources: dict[str, Source]) -> None:
    for key in diff["added"] + list(diff["changed"]):
        values = dict(diff["new"][key])
        cited = values.pop("sources", None)
        row = db.session.get(model, key) or model()
        for name, value in values.items():
            setattr(row, name, value)
        if cited is not None:
            row.sources = [sources[source_id] for source_id in cited]
        db.session.add(row)
    db.session.flush()


def apply_seed(data: SeedData, prune: bool = False, force: bool = False) -> dict:
    """Bring the database to `data` in the current transaction; returns the per-table diffs.

    Every added, changed or removed record gets a new revision by the author "seed". Unless
    `force`, refuses (SeedError) to undo API writes that were not written back to the files."""
    lock_writes()
    revisions.baseline()
    diffs = {table: diff_table(MODELS[table], records, prune) for table, records in data.tables.items()}
    conflicts = [] if force else revisions.unsaved_api_writes(diffs)
    if conflicts:
        raise SeedError(conflicts)
    apply_table(Source, diffs["source"], {})
    sources = {s.id: s for s in db.session.scalars(db.select(Source))}
    for table in [name for name in MODELS if name != "source"]:  # in dependency order
        apply_table(MODELS[table], diffs[table], sources)
    if prune:
        for table in reversed(list(MODELS)):
            for key in diffs[table]["removed"]:
                db.session.delete(db.session.get(MODELS[table], key))
            db.session.flush()
    version = record_version(typed_changes(diffs))
    _append_revisions(data, diffs, version.version if version else None)
    return diffs


def _append_revisions(data: SeedData, diffs: dict, version: str | None) -> None:
    for table, diff in diffs.items():
        numbers = revisions.latest_numbers(table)
        for key in diff["added"] + list(diff["changed"]):
            verb = "added from" if key in diff["added"] else f"changed ({', '.join(sorted(diff['changed'][key]))}) in"
            revisions.append(table, key, revisions.as_seed_record(table, diff["new"][key]), "seed",
                             f"flask seed: {verb} {data.tables[table][key]['_file']}", version, numbers.get(key))
        for key in diff["removed"] if diff["pruned"] else []:
            revisions.append(table, key, None, "seed", "flask seed --prune: no longer in the files",
                             version, numbers.get(key))
    db.session.flush()


def describe(diffs: dict, prune: bool) -> list[str]:
    lines = []
    for table, diff in diffs.items():
        lines += [f"{table}: added {k}" for k in diff["added"]]
        lines += [f"{table}: changed {k}: {', '.join(sorted(fields))}" for k, fields in diff["changed"].items()]
        verb = "removed" if prune else "in the database but not in the files (use --prune to remove)"
        lines += [f"{table}: {verb} {k}" for k in diff["removed"]]
    return lines


@click.command("seed")
@click.option("--prune", is_flag=True, help="Also delete records that are no longer in the files.")
@click.option("--seed-dir", default=None, help="Directory to load (default: SEED_DIR).")
@click.option("--force", is_flag=True, help="Load even if it undoes API writes not yet written back.")
def seed_command(prune: bool, seed_dir: str | None, force: bool) -> None:
    """Validate seed_data/ and load it into the database in one transaction."""
    diffs = commit_or_report(lambda: apply_seed(read_seed(seed_dir or current_app.config["SEED_DIR"]), prune, force),
                             (SeedError,))
    lines = describe(diffs, prune)
    for line in lines:
        click.echo(line)
    click.echo(f"seed: {len(lines)} change(s)" if lines else "seed: nothing to change")
