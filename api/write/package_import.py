"""The `flask import-package` command: load an exported Data Package into an empty database.

Everything is checked before anything is kept: each file's checksum and size, each CSV's
header, every row through the record schemas (the one validation path for records), the
references between tables and the treaty rules; then, once loaded, that the data gives
back every file of the package byte for byte. All of it happens in one transaction, so a
corrupt or mismatched package leaves the database as it was. The imported data becomes a
dataset version with the package's own version name and release time, so exporting it
again yields the same files.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime

import click
from marshmallow import ValidationError

from api.extensions import db
from api.models import DatasetVersion
from api.read import snapshot_data
from api.read.changelog import JSON_NAME
from api.read.clock import today
from api.read.formats import csv_chunks, fingerprint, unneutralise
from api.read.package import DESCRIPTOR, path_of
from api.read.tables import EXPORT_TABLES
from api.write.records import MODELS
from api.write.seed import apply_seed
from api.write.seed_files import SEED_FILES, SeedData, SeedError, checked
from api.write.transactions import commit_or_report
from api.write.versions import content_hashes, latest, snapshot_tables

# record table (api.write.seed_files) -> exported table (api.read.tables)
LOADED = {"source": "sources", "treaty": "treaties", "state": "states",
          "treaty_action": "treaty_actions", "policy_position": "policy_positions",
          "obligation_event": "obligations", "producer_list": "producer_lists"}


class PackageError(Exception):
    """A package that cannot be imported; `problems` names each file and row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_package(path: str) -> tuple[dict, dict[str, bytes]]:
    """The descriptor and the bytes of every file, once each file's checksum is right."""
    try:
        archive = zipfile.ZipFile(path)
        files = {name: archive.read(name) for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile) as error:
        raise PackageError([f"{path}: not a readable ZIP archive: {error}"])
    try:
        descriptor = json.loads(files[DESCRIPTOR])
        resources = {r["name"]: r for r in descriptor["resources"]}
        descriptor["version"], descriptor["created"]
    except (KeyError, TypeError, ValueError) as error:
        raise PackageError([f"{DESCRIPTOR}: missing or not a data package descriptor: {error!r}"])
    problems = []
    for table in EXPORT_TABLES.values():
        resource, name = resources.get(table.name), path_of(table)
        if resource is None or resource.get("path") != name or name not in files:
            problems.append(f"{name}: missing from the package")
        elif resource.get("hash") != f"sha256:{hashlib.sha256(files[name]).hexdigest()}" \
                or resource.get("bytes") != len(files[name]):
            problems.append(f"{name}: checksum or size does not match {DESCRIPTOR}; the file is corrupt")
    if problems:
        raise PackageError(problems)
    return descriptor, files


def _cell(column, text: str):
    """A CSV cell as the value a record schema loads (dates stay ISO text; text un-neutralised)."""
    if column.type in ("string", "list"):
        text = unneutralise(text)
    if column.type == "list":
        return text.split(";") if text else []
    if text == "":
        return None
    if column.type == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if column.type == "integer":
        return int(text) if text.lstrip("-").isdigit() else text
    return text


def read_records(files: dict[str, bytes]) -> SeedData:
    """The loaded tables as validated records; raises PackageError naming file, row and field."""
    problems, data = [], SeedData()
    for record_table, name in LOADED.items():
        table, path = EXPORT_TABLES[name], path_of(EXPORT_TABLES[name])
        _, schema, key = SEED_FILES[record_table]
        lines = csv.reader(io.StringIO(files[path].decode("utf-8", errors="replace"), newline=""))
        header, expected = next(lines, []), [column.name for column in table.columns]
        if header != expected:
            problems.append(f"{path} row 1: header is {header}, expected {expected}")
            continue
        data.tables[record_table] = records = {}
        for number, cells in enumerate(lines, 2):
            if len(cells) != len(expected):
                problems.append(f"{path} row {number}: {len(cells)} cells, expected {len(expected)}")
                continue
            try:
                record = schema.load({c.field: _cell(c, text) for c, text in zip(table.columns, cells)
                                      if not c.derived})
            except ValidationError as error:
                problems.append(f"{path} row {number}: {error.messages}")
                continue
            if record[key] in records:
                problems.append(f"{path} row {number}: duplicate id {record[key]!r}")
            records[record[key]] = record | {"_file": f"{path} row {number}"}
    try:
        return checked(data, problems, citations=False)
    except SeedError as error:
        raise PackageError(error.problems)


def import_package(path: str) -> DatasetVersion:
    """Load the package at `path` into the (empty) database, in the current transaction."""
    descriptor, files = read_package(path)
    data = read_records(files)
    if db.session.scalar(db.select(DatasetVersion.version).limit(1)) is not None or any(
            db.session.scalar(db.select(model).limit(1)) is not None for model in MODELS.values()):
        raise PackageError(["the database is not empty: import a package into a new database"])
    apply_seed(data)
    version = latest()
    assert version is not None, "apply_seed published no version"  # the database was empty
    name = descriptor["version"]
    if name.rpartition("-")[2] not in [h[:8] for h in (version.content_hash, _written_hash(version))]:
        raise PackageError([f"{DESCRIPTOR}: version {name!r} does not match its data "
                            f"(content hash {version.content_hash[:8]})"])
    version.version, version.loaded_at = name, datetime.fromisoformat(descriptor["created"].removesuffix("Z"))
    if JSON_NAME in files:  # the version's own change log, so that CHANGES.md comes back as it was
        log = json.loads(files[JSON_NAME])
        version.previous, version.changes = log["previous"], log["changes"]
    db.session.flush()
    _check_rebuilt(descriptor, files, snapshot_data.build(version))
    return version


def _written_hash(version: DatasetVersion) -> str:
    """The content hash a curator's write names a version with (api/write/versions.py)."""
    return content_hashes(snapshot_tables(version))[1]


def _check_rebuilt(descriptor: dict, files: dict[str, bytes], snapshot) -> None:
    """Every file, derived tables included, must come back byte for byte from the data."""
    day = date.fromisoformat(descriptor.get("as_of", today().isoformat()))
    problems = [f"{path_of(table)}: does not match what the package's data gives (edited by hand?)"
                for table in EXPORT_TABLES.values()
                if fingerprint(csv_chunks(table, snapshot, day))["sha256"]
                != hashlib.sha256(files[path_of(table)]).hexdigest()]
    if problems:
        raise PackageError(problems)


@click.command("import-package")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_package_command(file: str) -> None:
    """Import a data package (from /api/v1/exports/datapackage.zip) into an empty database."""
    version = commit_or_report(lambda: import_package(file), (PackageError,))
    click.echo(f"import-package: dataset version {version.version} loaded")
