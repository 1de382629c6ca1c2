"""Lists, declared as data: each list endpoint names its item fields and sort keys once,
and every list pages, selects fields and sorts the same way.

Pages use an opaque cursor (the offset, base64url-encoded). An offset is only stable within
one dataset version (and one day, for answers that depend on today), so the `next` and `prev`
links pin both: they carry `dataset_version=` (the version that served the page) and, for lists
that take `as_of`, `as_of=` (the date answered for), unless the request gave them. Following
`next` therefore never skips nor repeats an item, whatever is written between two pages.
Links to the next, previous and first page go in the `Link` header and the body; the total
goes in `count` and `X-Total-Count`. The `first` link is not pinned: it starts afresh.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from flask import request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from api.problems import Problem
from api.read.snapshot import request_snapshot
from api.routes.arguments import ignorable

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


class ListQuery(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(
        1, MAX_LIMIT, error=f"Must be between 1 and {MAX_LIMIT}."))
    cursor = fields.String(validate=validate.Length(max=64))
    sort = fields.String(validate=validate.Length(min=1, max=100))
    selected = fields.String(data_key="fields", validate=validate.Length(min=1, max=500))


@dataclass(frozen=True)
class ListSpec:
    """What one list offers: its item fields and the keys it can be sorted on."""
    fields: tuple[str, ...]
    sort_keys: tuple[str, ...]


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, offset = text.split(":")
        if prefix != "o" or not offset.isdigit():
            raise ValueError
        return int(offset)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValidationError({"cursor": ["Not a cursor from this API; follow the `next` link of a page."]})


def _names(value: str, valid: tuple[str, ...], parameter: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name.lstrip("-") not in valid]
    if unknown or not names:
        raise ValidationError({parameter: [f"Unknown {parameter} {', '.join(unknown)!r}; valid: {', '.join(valid)}."]})
    return names


def _sorted(items: list[dict], keys: list[str]) -> list[dict]:
    for key in reversed(keys):  # stable sorts, last key first; unknown values (null) last
        name = key.lstrip("-")
        known = [item for item in items if item[name] is not None]
        items = sorted(known, key=lambda item: item[name], reverse=key.startswith("-")) + \
            [item for item in items if item[name] is None]
    return items


def _link(cursor: str | None, pins: dict | None = None) -> str:
    args = {k: v for k, v in request.args.items() if k != "cursor" and not ignorable(k)}
    args.update(pins or {})
    if cursor:
        args["cursor"] = cursor
    return url_for(request.endpoint or "", **{**(request.view_args or {}), **args})


def _pins(args: dict) -> dict:
    """What a page's `next` and `prev` links add so that they read what this page read: the
    dataset version, and the day for a list that answers for `as_of` (default today)."""
    pins = {}
    if "dataset_version" not in request.args:
        pins["dataset_version"] = request_snapshot().version
    if args.get("as_of") is not None and "as_of" not in request.args:
        pins["as_of"] = args["as_of"].isoformat()
    return pins


def page(items: list[dict], args: dict, spec: ListSpec) -> tuple[dict, dict]:
    """One page of `items` (sorted and trimmed to the requested fields): body members and headers."""
    if args.get("sort"):
        items = _sorted(items, _names(args["sort"], spec.sort_keys, "sort"))
    offset, limit = decode_cursor(args["cursor"]) if args.get("cursor") else 0, args["limit"]
    if offset > len(items):
        raise Problem(400, "cursor: points past the end of the list.",
                      invalid_params=[{"name": "cursor", "reason": "Points past the end of the list."}])
    chosen = items[offset:offset + limit]
    if args.get("selected"):
        wanted = [name for name in _names(args["selected"], spec.fields, "fields") if not name.startswith("-")]
        chosen = [{name: item[name] for name in wanted} for item in chosen]
    pins = _pins(args)
    links = {"first": _link(None),
             "prev": _link(encode_cursor(max(offset - limit, 0)), pins) if offset > 0 else None,
             "next": _link(encode_cursor(offset + limit), pins) if offset + limit < len(items) else None}
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return {"count": len(items), "limit": limit, "links": links, "items": chosen}, \
        {"Link": header, "X-Total-Count": str(len(items))}
