"""The whole dataset as one Frictionless Data Package: a ZIP of datapackage.json, codebook.md,
CITATION.cff, the version's change log (CHANGES.md, changes.json), every table as CSV (data/, the
package's resources) and as Stata .dta (stata/).

The ZIP is streamed entry by entry, and its bytes depend only on the dataset version, the
`as_of` date of the dated tables (statuses, obligation_status, country_year) and PUBLIC_URL:
every entry carries the version's release time, so an old version's package is the same file
years later.
"""
from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from api.read import changelog, codebook, stata
from api.read.citation import CFF_NAME, LICENCE, TITLE, citation, citation_cff
from api.read.formats import Drain, Fingerprint, csv_chunks, table_fingerprint
from api.read.snapshot import Snapshot
from api.read.tables import EXPORT_TABLES, Column, Table

DESCRIPTOR = "datapackage.json"
FIELD_TYPES = {"list": "string"}  # lists are `;`-joined text in CSV
CSV_NOTE = ("UTF-8 CSV with a header row, ISO dates, true/false, an empty cell for unknown and lists `;`-joined. "
            "A text cell starting with =, +, -, @, a tab or a carriage return (which a spreadsheet would run "
            "as a formula) is written with a leading apostrophe (as is one whose leading apostrophes come "
            "before such a character): remove the first apostrophe of such a cell for the exact value. "
            "Numbers and dates are never changed; the JSON, NDJSON and Parquet exports carry exact values.")


# A table's CSV: (its chunks, its fingerprint). By default generated; the exports route passes the
# kept files (api/read/export_files.py), so a package for a new day only writes its dated tables.
CsvSource = Callable[[Table], tuple[Callable[[], Iterator[bytes]], Fingerprint]]


def generated(snapshot: Snapshot, day: date) -> CsvSource:
    return lambda table: ((lambda: csv_chunks(table, snapshot, day)), table_fingerprint(table, "csv", snapshot, day))


def path_of(table: Table) -> str:
    return f"data/{table.name}.csv"


def _field(column: Column) -> dict[str, Any]:
    constraints = {**({"required": True} if column.required else {}),
                   **({"enum": list(column.enum)} if column.enum else {})}
    return {"name": column.name, "type": FIELD_TYPES.get(column.type, column.type),
            "description": column.description, **({"constraints": constraints} if constraints else {})}


def table_schema(table: Table) -> dict[str, Any]:
    return {"fields": [_field(column) for column in table.columns], "missingValues": [""],
            "primaryKey": list(table.primary_key),
            "foreignKeys": [{"fields": [name], "reference": {"resource": target, "fields": [key]}}
                            for name, (target, key) in table.foreign_keys.items()]}


def descriptor(snapshot: Snapshot, day: date, base_url: str, csv: CsvSource | None = None) -> dict[str, Any]:
    """datapackage.json: table schemas, keys, licence, citation, version, a checksum per file."""
    csv = csv or generated(snapshot, day)
    resources = []
    for table in EXPORT_TABLES.values():
        stamp = csv(table)[1]
        resources.append({"name": table.name, "path": path_of(table), "profile": "tabular-data-resource",
                          "description": table.description, "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "bytes": stamp["bytes"], "hash": f"sha256:{stamp['sha256']}",
                          "schema": table_schema(table)})
    cite = citation(snapshot.version, snapshot.released, base_url, day)
    return {"profile": "tabular-data-package", "name": "mine-ban-treaty-status", "title": TITLE,
            "description": f"Every table as CSV (and as Stata .dta under stata/); {codebook.NAME} in this package "
                           "documents every table and column, the date conventions and how statuses and obligations "
                           f"are derived; {changelog.MARKDOWN_NAME} says what this version changed; {CFF_NAME} how "
                           "to cite it. "
                           "Join tables on iso3. " + CSV_NOTE,
            "version": snapshot.version, "created": snapshot.released.isoformat() + "Z",
            "as_of": day.isoformat(), "licenses": [LICENCE], "citation": cite["text"],
            "homepage": base_url, "resources": resources}


def documents(snapshot: Snapshot, day: date, base_url: str) -> dict[str, str]:
    """The package's text files beside the data: codebook, citation and change log."""
    log = changelog.change_log(snapshot)
    return {codebook.NAME: codebook.codebook(snapshot, day, base_url),
            CFF_NAME: citation_cff(snapshot.version, snapshot.released, base_url, day),
            changelog.MARKDOWN_NAME: changelog.as_markdown(log, snapshot.released.date().isoformat()),
            changelog.JSON_NAME: changelog.as_json(log)}


def _entry(name: str, snapshot: Snapshot) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=snapshot.released.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def zip_chunks(snapshot: Snapshot, day: date, base_url: str, csv: CsvSource | None = None) -> Iterator[bytes]:
    csv = csv or generated(snapshot, day)
    sink = Drain()
    with zipfile.ZipFile(sink, "w") as archive:
        body = json.dumps(descriptor(snapshot, day, base_url, csv), ensure_ascii=False, indent=2).encode()
        archive.writestr(_entry(DESCRIPTOR, snapshot), body)
        for name, text in documents(snapshot, day, base_url).items():
            archive.writestr(_entry(name, snapshot), text.encode())
        yield sink.take()
        for table in EXPORT_TABLES.values():
            with archive.open(_entry(path_of(table), snapshot), "w") as member:
                for chunk in csv(table)[0]():
                    member.write(chunk)
                    yield sink.take()
            yield sink.take()
        for table in EXPORT_TABLES.values():
            archive.writestr(_entry(f"stata/{table.name}.dta", snapshot), stata.dta_bytes(table, snapshot, day))
            yield sink.take()
    yield sink.take()
