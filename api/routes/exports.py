"""/api/v1/exports: every table as CSV, JSON, NDJSON and Parquet, and the whole Data Package.

Files are built from a snapshot, so `dataset_version=` serves an old version's files,
byte for byte as they were. Each file has a strong ETag (its sha256, computed once per
version) and streams. `flask export DIR` writes the same bytes through the same code.
"""
from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import click
from flask import Blueprint, Response, current_app, request, stream_with_context, url_for

from api.problems import Problem
from api.read import formats, package, release
from api.read.clock import today
from api.read.export_files import ExportFiles, file_chunks
from api.read.snapshot import Snapshot, latest_snapshot, request_snapshot
from api.read.tables import EXPORT_TABLES
from api.routes.arguments import load_query
from api.routes.schemas import AsOfQuery

bp = Blueprint("exports", __name__, url_prefix="/api/v1/exports")
ZIP_MEDIA_TYPE = "application/zip"
FILE_NAMES = [f"{table}.{fmt}" for table in EXPORT_TABLES for fmt in formats.MEDIA_TYPES] + ["datapackage.zip"]


def kept_files() -> ExportFiles | None:
    """The directory of export files built once (EXPORT_CACHE_DIR; None when it is empty)."""
    directory = current_app.config["EXPORT_CACHE_DIR"]
    return ExportFiles(Path(directory), current_app.config["EXPORT_CACHE_BYTES"]) if directory else None


def variant(name: str, day: date, base_url: str) -> str:
    """What a file's bytes depend on besides the version: the day (dated tables and the package,
    whose datapackage.json names it) and the public URL (the package's citation)."""
    if name == "datapackage.zip":
        return f"{day.isoformat()}|{base_url}"
    return day.isoformat() if EXPORT_TABLES[name.rpartition(".")[0]].dated else ""


def _kept_csv(files: ExportFiles, snapshot: Snapshot, day: date) -> package.CsvSource:
    """The package's CSVs from the kept files: a package for a new day writes only its dated tables."""
    def source(table):
        name = f"{table.name}.csv"
        make = lambda: formats.chunks(table, "csv", snapshot, day)
        path, stamp = files.stored(snapshot, name, variant(name, day, ""), make)
        return (lambda: file_chunks(path, make)), stamp
    return source


def chunks_of(snapshot: Snapshot, name: str, day: date, base_url: str):
    """(chunk generator factory, media type) for one file name such as `states.csv`."""
    if name == "datapackage.zip":
        files = kept_files()
        csv = _kept_csv(files, snapshot, day) if files else None
        return (lambda: package.zip_chunks(snapshot, day, base_url, csv)), ZIP_MEDIA_TYPE
    table_name, _, fmt = name.rpartition(".")
    if table_name not in EXPORT_TABLES or fmt not in formats.MEDIA_TYPES:
        raise Problem(404, f"No export {name!r}; valid tables: {', '.join(EXPORT_TABLES)}; "
                           f"valid formats: {', '.join(formats.MEDIA_TYPES)}; or datapackage.zip.",
                      valid=FILE_NAMES)
    return (lambda: formats.chunks(EXPORT_TABLES[table_name], fmt, snapshot, day)), formats.MEDIA_TYPES[fmt]


def fingerprint(snapshot: Snapshot, name: str, day: date, base_url: str) -> formats.Fingerprint:
    """sha256 and size of one file, computed once per version (and date, where it matters); with
    EXPORT_CACHE_DIR, by building the kept file."""
    files = kept_files()
    if files is not None:
        make, _ = chunks_of(snapshot, name, day, base_url)
        kind = variant(name, day, base_url)
        return snapshot.once(("kept export", name, kind), lambda: files.stored(snapshot, name, kind, make)[1])
    if name != "datapackage.zip":
        table_name, _, fmt = name.rpartition(".")
        return formats.table_fingerprint(EXPORT_TABLES[table_name], fmt, snapshot, day)
    make, _ = chunks_of(snapshot, name, day, base_url)
    return snapshot.once(("export", name, day, base_url), lambda: formats.fingerprint(make()))


@bp.get("")
def index():
    """Every file: formats, rows, size, sha256 and last-modified, for the selected version."""
    day = load_query(AsOfQuery())["as_of"]
    snapshot, base_url = request_snapshot(), current_app.config["PUBLIC_URL"]
    query = {"dataset_version": snapshot.version, "as_of": day.isoformat()}
    kept = kept_files()
    if kept is not None:  # the package last: it holds the Stata files
        names = [f"{table}.{fmt}" for table in EXPORT_TABLES for fmt in formats.MEDIA_TYPES] + ["datapackage.zip"]
        kept.prepare(snapshot, [(name, variant(name, day, base_url), chunks_of(snapshot, name, day, base_url)[0])
                                 for name in names])
    tables = []
    for table in EXPORT_TABLES.values():
        files = {fmt: {"url": url_for("exports.download", name=f"{table.name}.{fmt}", **query),
                       "media_type": media, **fingerprint(snapshot, f"{table.name}.{fmt}", day, base_url)}
                 for fmt, media in formats.MEDIA_TYPES.items()}
        tables.append({"name": table.name, "description": table.description,
                       "rows": snapshot.once(("rows", table.name, day), partial(table.count, snapshot, day)),
                       "last_modified": snapshot.released.isoformat() + "Z", "files": files})
    zipped = {"url": url_for("exports.download", name="datapackage.zip", **query),
              "media_type": ZIP_MEDIA_TYPE, **fingerprint(snapshot, "datapackage.zip", day, base_url)}
    return {"as_of": day.isoformat(), "formats": list(formats.MEDIA_TYPES), "count": len(tables),
            "tables": tables, "datapackage": zipped}


@bp.get("/<name>")
def download(name: str):
    """One file, streamed, with a strong ETag; 304 when the client has it already."""
    day = load_query(AsOfQuery())["as_of"]
    snapshot, base_url = request_snapshot(), current_app.config["PUBLIC_URL"]
    make, media_type = chunks_of(snapshot, name, day, base_url)
    files = kept_files()
    if files is not None:  # built once, then streamed from the file by every request
        path, stamp = files.stored(snapshot, name, variant(name, day, base_url), make)
        response = Response(file_chunks(path, make), mimetype=media_type)
    else:
        stamp = fingerprint(snapshot, name, day, base_url)
        response = Response(stream_with_context(make()), mimetype=media_type)
    response.set_etag(stamp["sha256"])
    response.last_modified = snapshot.released
    response.cache_control.public = True
    response.headers["Content-Length"] = str(stamp["bytes"])
    stem, _, extension = name.rpartition(".")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="mine-ban-treaty-{snapshot.version}-{stem}.{extension}"'
    if stem in EXPORT_TABLES:
        response.headers["X-Export-Table"] = stem
        if EXPORT_TABLES[stem].dated:
            response.headers["X-Export-As-Of"] = day.isoformat()
    return response.make_conditional(request)


def write_all(snapshot: Snapshot, directory: Path, day: date, base_url: str) -> list[Path]:
    """Every table in every format, and datapackage.zip, as the endpoints serve them."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in FILE_NAMES:
        make, _ = chunks_of(snapshot, name, day, base_url)
        with open(directory / name, "wb") as out:
            for chunk in make():
                out.write(chunk)
    return [directory / name for name in FILE_NAMES]


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--dataset-version", default=None, help="Version to export (default: the current one).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date of the dated tables: statuses, obligation_status, country_year (default: today).")
def export_command(directory: Path, dataset_version: str | None, as_of) -> None:
    """Write every export file to DIRECTORY, byte for byte as /api/v1/exports serves it."""
    try:
        snapshot = latest_snapshot(dataset_version)
    except Problem as problem:
        raise click.ClickException(problem.detail)
    day = as_of.date() if as_of else today()
    for path in write_all(snapshot, directory, day, current_app.config["PUBLIC_URL"]):
        click.echo(f"wrote {path}")
    click.echo(f"export: dataset version {snapshot.version}")


@click.command("release")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--dataset-version", default=None, help="Version to release (default: the current one).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date of the dated tables (default: the version's release day, so that every run gives the "
                   "same bytes).")
def release_command(directory: Path, dataset_version: str | None, as_of) -> None:
    """Write an archivable release of a version to DIRECTORY: the data package, CITATION.cff,
    codebook.md, CHANGES.md, a README and SHA256SUMS, identical on every run."""
    try:
        snapshot = latest_snapshot(dataset_version)
    except Problem as problem:
        raise click.ClickException(problem.detail)
    day = as_of.date() if as_of else snapshot.released.date()
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in release.release_files(snapshot, day, current_app.config["PUBLIC_URL"]).items():
        (directory / name).write_bytes(data)
        click.echo(f"wrote {directory / name}")
    click.echo(f"release: dataset version {snapshot.version}, dated tables as of {day.isoformat()}")
