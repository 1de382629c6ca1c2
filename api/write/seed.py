"""The `flask seed` command: validate seed_data/, diff it against the database, apply.

Idempotent: a second run changes nothing. Everything happens in one transaction, so an
invalid file or a failure half-way leaves the database as it was. Each run that changes
anything publishes a new dataset version (api.write.versions).
"""
from __future__ import annotations

import click
from flask import current_app

from api.extensions import db
from api.models import Source
from api.write import revisions
from api.write.records import MODELS, TableDiff, apply_table, diff_table, lock_writes
from api.write.seed_files import SeedData, SeedError, read_seed
from api.write.transactions import commit_or_report
from api.write.versions import record_version, typed_changes


def apply_seed(data: SeedData, prune: bool = False, force: bool = False) -> dict[str, TableDiff]:
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
            for key in diffs[table].removed:
                db.session.delete(db.session.get(MODELS[table], key))
            db.session.flush()
    version = record_version(typed_changes(diffs))
    _append_revisions(data, diffs, version.version if version else None)
    return diffs


def _append_revisions(data: SeedData, diffs: dict[str, TableDiff], version: str | None) -> None:
    for table, diff in diffs.items():
        numbers = revisions.latest_numbers(table)
        for key in diff.written:
            verb = "added from" if key in diff.added else f"changed ({', '.join(sorted(diff.changed[key]))}) in"
            revisions.append(table, key, revisions.as_seed_record(table, diff.new[key]), "seed",
                             f"flask seed: {verb} {data.tables[table][key]['_file']}", version, numbers.get(key))
        for key in diff.removed if diff.pruned else []:
            revisions.append(table, key, None, "seed", "flask seed --prune: no longer in the files",
                             version, numbers.get(key))
    db.session.flush()


def describe(diffs: dict[str, TableDiff], prune: bool) -> list[str]:
    lines = []
    for table, diff in diffs.items():
        lines += [f"{table}: added {k}" for k in diff.added]
        lines += [f"{table}: changed {k}: {', '.join(sorted(fields))}" for k, fields in diff.changed.items()]
        verb = "removed" if prune else "in the database but not in the files (use --prune to remove)"
        lines += [f"{table}: {verb} {k}" for k in diff.removed]
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
