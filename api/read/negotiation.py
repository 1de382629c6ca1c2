"""Which representation of a list a request's `Accept` header asks for: JSON or CSV.

One function, shared by the list views (api/routes/csv_lists.py), the response cache and the
fast path, which key their stored answers on its result: a CSV answer is never served to a
JSON client, nor the reverse. A missing or empty `Accept`, `*/*` and `application/*` give
JSON (it wins ties); `text/csv` or `text/*` preferred give CSV; a header that accepts neither
gives None (the lists answer 406).
"""
from __future__ import annotations

import functools

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

MEDIA_TYPES = {"application/json": "json", "text/csv": "csv"}
SUPPORTED = tuple(MEDIA_TYPES)


@functools.lru_cache(maxsize=256)
def representation(accept: str) -> str | None:
    """"json", "csv" or None (nothing acceptable) for an `Accept` header value."""
    if not accept.strip():
        return "json"
    return MEDIA_TYPES.get(parse_accept_header(accept, MIMEAccept).best_match(SUPPORTED) or "")


def cache_variant(accept: str) -> str:
    """The part of a response cache key that `Accept` decides."""
    return representation(accept) or "none"
