"""Tables as bytes, streamed: CSV, JSON, NDJSON, Parquet and Stata (.dta, see api.read.stata).

CSV text cells that a spreadsheet would run as a formula get a leading apostrophe (see
`neutralise`); JSON, NDJSON and Parquet keep every value exactly.

Each format is a generator of byte chunks that writes a bounded number of rows at a time,
so memory stays flat however long the table. The endpoints and `flask export` call the
same generators, which is why they give the same bytes.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from api.read import stata
from api.read.snapshot import Snapshot
from api.read.tables import Table, rows

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 2000            # rows per CSV/JSON chunk
ROW_GROUP_ROWS = 10_000      # rows per Parquet row group
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "ndjson": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet", "dta": stata.MEDIA_TYPE}


# A text cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...), +cmd|...,
# -2+3, @SUM(...), or after a tab or carriage return): OWASP's "CSV injection".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading apostrophe before a formula's first
    character. So that `unneutralise` gives back every value exactly (flask import-package reads
    the CSVs), a text whose leading apostrophes come before such a character gets one more."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """The exact text of a CSV cell written by `neutralise`."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text


def _csv_cell(value: Any) -> str:
    """Only text is neutralised: numbers (negative ones too), dates and booleans are written as is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise(";".join(value))
    if isinstance(value, str):
        return neutralise(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


RECENT_DATED = 4  # dated tables' rows kept for the last few (table, day)
_recent: OrderedDict[tuple[Any, ...], list[list[Any]]] = OrderedDict()
_recent_lock = threading.Lock()


def _rows(table: Table, snapshot: Snapshot, day: date) -> Iterator[list[Any]]:
    """The table's rows; a dated table's computed once for the few days last asked for, since the
    exports index and the package for a new day read each dated table in every format."""
    if not table.dated:
        return rows(table, snapshot, day)
    key = (snapshot.version, snapshot.released, table.name, day)
    with _recent_lock:
        found = _recent.get(key)
    if found is None:
        found = list(rows(table, snapshot, day))
        with _recent_lock:
            _recent[key] = found
            while len(_recent) > RECENT_DATED:
                _recent.popitem(last=False)
    return iter(found)


def _batches(table: Table, snapshot: Snapshot, day: date, size: int) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in _rows(table, snapshot, day):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_chunks(table: Table, snapshot: Snapshot, day: date) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    for batch in _batches(table, snapshot, day, BATCH_ROWS):
        writer.writerows([_csv_cell(value) for value in row] for row in batch)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _objects(table: Table, batch: list[list[Any]]) -> Iterator[str]:
    names = [column.name for column in table.columns]
    for row in batch:
        yield json.dumps(dict(zip(names, map(_json_value, row))), ensure_ascii=False, separators=(",", ":"))


def ndjson_chunks(table: Table, snapshot: Snapshot, day: date) -> Iterator[bytes]:
    for batch in _batches(table, snapshot, day, BATCH_ROWS):
        yield "".join(line + "\n" for line in _objects(table, batch)).encode()


def json_chunks(table: Table, snapshot: Snapshot, day: date) -> Iterator[bytes]:
    """A plain array of records, so that any JSON reader (pandas.read_json, jsonlite) gives one row
    per record; the version, table and date are in the response headers and datapackage.json."""
    yield b"["
    separator = ""
    for batch in _batches(table, snapshot, day, BATCH_ROWS):
        yield (separator + ",".join(_objects(table, batch))).encode()
        separator = ","
    yield b"]"


def _arrow_type(kind: str) -> pa.DataType:
    import pyarrow as pa  # imported on first use: it costs every worker about 80 MB of memory
    return {"string": pa.string, "integer": pa.int64, "boolean": pa.bool_, "date": pa.date32,
            "list": lambda: pa.list_(pa.string())}[kind]()


class Drain:
    """A write-only file that hands over what was written since the last `take()`."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position, self.closed = 0, False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def parquet_chunks(table: Table, snapshot: Snapshot, day: date) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = pa.schema([pa.field(c.name, _arrow_type(c.type), nullable=not c.required) for c in table.columns],
                       metadata={"dataset_version": snapshot.version, "table": table.name})
    sink = Drain()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    for batch in _batches(table, snapshot, day, ROW_GROUP_ROWS):
        writer.write_batch(pa.RecordBatch.from_arrays(
            [pa.array([row[i] for row in batch], type=field.type) for i, field in enumerate(schema)], schema=schema))
        yield sink.take()
    writer.close()
    yield sink.take()


WRITERS = {"csv": csv_chunks, "json": json_chunks, "ndjson": ndjson_chunks, "parquet": parquet_chunks,
           "dta": stata.dta_chunks}


def chunks(table: Table, fmt: str, snapshot: Snapshot, day: date) -> Iterator[bytes]:
    return WRITERS[fmt](table, snapshot, day)


class Fingerprint(TypedDict):
    sha256: str
    bytes: int


def fingerprint(chunk_iterator: Iterator[bytes]) -> Fingerprint:
    """sha256 and size of a stream, read once and not kept."""
    digest, size = hashlib.sha256(), 0
    for chunk in chunk_iterator:
        digest.update(chunk)
        size += len(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def table_fingerprint(table: Table, fmt: str, snapshot: Snapshot, day: date) -> Fingerprint:
    """The sha256 and size of one file, computed once per version (and date, for dated tables)."""
    key = ("export", table.name, fmt, day if table.dated else None)
    return snapshot.once(key, lambda: fingerprint(chunks(table, fmt, snapshot, day)))
