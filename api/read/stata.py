"""Tables as Stata .dta files (format 118, UTF-8), written by pandas from the same rows and
column definitions as every other format.

A coded column (one with allowed values, such as `status`) is a labelled integer: its value
label, named after the column, maps 0, 1, 2... to the allowed values in the order the codebook
lists them. Booleans are labelled integers too (0 `false`, 1 `true`); dates are Stata dates
(`%td`); lists are `;`-joined text, as in CSV; text longer than a Stata `str#` holds is a strL.
Stata has no missing text, so an unknown text is "" (as in CSV) and an unknown number or date
is `.`. Each variable is labelled with (the start of) its description, the dataset with the
table's. The file's time stamp is the version's release time, so the bytes depend only on the
version (and, for dated tables, `as_of`).
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from api.read.snapshot import Snapshot
from api.read.tables import Column, Table, rows

MEDIA_TYPE = "application/x-stata-dta"
LABEL_CHARACTERS = 80  # Stata's limit for variable and data labels
STR_BYTES = 2045  # the longest str# Stata has; longer text is a strL
# pandas' Stata writer refuses these names (Mata's reserved words): the .dta file renames them.
NAMES = {"end": "end_date"}
BOOLEAN_LABELS = ("false", "true")


def stata_name(column: Column) -> str:
    return NAMES.get(column.name, column.name)


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[:LABEL_CHARACTERS - 1] + "…"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return ";".join(value) if isinstance(value, list) else str(value)


def labels(column: Column) -> tuple[str, ...]:
    """The value labels of a coded column, code 0 first; () for a column that is not coded."""
    if column.type == "boolean":
        return BOOLEAN_LABELS
    return tuple(str(value) for value in column.enum) if column.enum and column.type == "string" else ()


def _series(column: Column, values: list[Any]) -> Any:
    import pandas as pd  # imported on first use, as pyarrow is: a worker that never writes .dta never pays
    coded = labels(column)
    if coded:  # integer codes and explicit value labels (pandas' categoricals fail on an empty table)
        code = {label: number for number, label in enumerate(coded)}
        as_label = (lambda v: BOOLEAN_LABELS[bool(v)]) if column.type == "boolean" else str
        return pd.array([None if v is None else code[as_label(v)] for v in values],
                        dtype="Int8" if len(coded) < 100 else "Int32")
    if column.type == "integer":
        return pd.array(values, dtype="Int64" if None in values else "int64")
    if column.type == "date":
        return pd.Series([pd.NaT if v is None else pd.Timestamp(v) for v in values], dtype="datetime64[s]")
    return pd.Series([_text(v) for v in values], dtype=object)


def dta_bytes(table: Table, snapshot: Snapshot, day: date) -> bytes:
    """The table as a .dta file. An undated table's file is built once per version (pandas takes
    about ten times as long as the CSV writer) and shared by downloads and the data package; a
    dated table's is built per request, since `as_of` can be any day."""
    if table.dated:
        return _build(table, snapshot, day)
    return snapshot.once(("dta", table.name), lambda: _build(table, snapshot, day))


def _build(table: Table, snapshot: Snapshot, day: date) -> bytes:
    import pandas as pd
    data = list(rows(table, snapshot, day))
    columns = {stata_name(c): _series(c, [row[i] for row in data]) for i, c in enumerate(table.columns)}
    frame = pd.DataFrame(columns)
    long_text = [stata_name(c) for c in table.columns if c.type in ("string", "list") and not c.enum
                 and any(len(v.encode()) > STR_BYTES for v in frame[stata_name(c)])]
    buffer = io.BytesIO()
    frame.to_stata(buffer, write_index=False, version=118, time_stamp=snapshot.released,
                   convert_dates={stata_name(c): "td" for c in table.columns if c.type == "date"},
                   data_label=_label(f"{table.name} (dataset version {snapshot.version})"),
                   variable_labels={stata_name(c): _label(c.description) for c in table.columns},
                   convert_strl=long_text,
                   value_labels={stata_name(c): dict(enumerate(labels(c))) for c in table.columns if labels(c)})
    return buffer.getvalue()


def dta_chunks(table: Table, snapshot: Snapshot, day: date) -> Iterator[bytes]:
    """The .dta file in one piece: Stata's format puts the row count and offsets before the data."""
    yield dta_bytes(table, snapshot, day)
