"""Lists as CSV: `format=csv` (or `Accept: text/csv`) on the country, participant, policy and
change lists, with the same filters, sorting, paging and fields as their JSON.

A CSV answer is the page the JSON would give (same `limit`, at most 500, and `cursor`): one row
per item, its links in the `Link` header (they keep `format=csv` and pin the dataset version like
the JSON's) and the total in `X-Total-Count`. Columns are the item's fields, in order (or those of
`fields=`); a nested object becomes dotted columns (`replaces.id`), a list of sources their ids and
a list of names their values, `;`-joined as in the exports; a text cell a spreadsheet would run as
a formula is neutralised like the exports' (api/read/formats.py). `format=` wins over `Accept`;
without it, an `Accept` that takes neither JSON nor CSV is a 406 naming the supported types.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from flask import request
from marshmallow import Schema, fields, validate

from api.problems import Problem
from api.read.formats import neutralise
from api.read.negotiation import SUPPORTED, representation

CSV_TYPE = "text/csv; charset=utf-8; header=present"


class FormatQuery(Schema):
    format = fields.String(validate=validate.OneOf(("json", "csv")))


def chosen_format(args: dict) -> str:
    """"json" or "csv": `format=`, else the `Accept` header; a 406 when that accepts neither."""
    if "format" in args:
        return args["format"]
    chosen = representation(request.headers.get("Accept", ""))
    if chosen is None:
        raise Problem(406, f"Accept: none of the supported media types ({', '.join(SUPPORTED)}); "
                           "send one of them, or use format=json or format=csv.",
                      supported=list(SUPPORTED), headers={"Vary": "Accept"})
    return chosen


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # an object of arbitrary keys (a change's fields): its keys
        value = list(value)
    if isinstance(value, list):
        value = ";".join(str(v["id"]) if isinstance(v, dict) else str(v) for v in value)
    return neutralise(value) if isinstance(value, str) else str(value)


def _columns(names: list[str], nested: dict[str, tuple[str, ...]]) -> list[str]:
    return [f"{name}.{part}" if name in nested else name
            for name in names for part in (nested.get(name) or ("",))]


def _row(item: dict, names: list[str], nested: dict[str, tuple[str, ...]]) -> list[str]:
    row = []
    for name in names:
        if name in nested:
            inner = item.get(name) or {}
            row += [_cell(inner.get(part)) for part in nested[name]]
        else:
            row.append(_cell(item.get(name)))
    return row


def csv_text(items: list[dict], names: list[str], nested: dict[str, tuple[str, ...]] | None = None) -> str:
    """The items as CSV (a header row, CRLF line ends), columns `names` (nested ones dotted)."""
    nested = nested or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_columns(names, nested))
    writer.writerows(_row(item, names, nested) for item in items)
    return buffer.getvalue()


def listed(envelope: dict, body: dict, headers: dict, args: dict, all_fields: tuple[str, ...],
           nested: dict[str, tuple[str, ...]] | None = None):
    """A list view's answer: the JSON (`envelope` members, then the page's `body`) or the page as
    CSV (columns `all_fields`, or those `fields=` chose), by `chosen_format`. Either varies on Accept."""
    headers = {**headers, "Vary": "Accept"}
    if chosen_format(args) == "json":
        return {**envelope, **body}, 200, headers
    names = [name.strip() for name in args.get("selected", "").split(",")]
    chosen = [name for name in names if name and not name.startswith("-")] or list(all_fields)
    return csv_text(body["items"], chosen, nested), 200, {**headers, "Content-Type": CSV_TYPE}
