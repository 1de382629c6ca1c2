"""A curator's JSON body, parsed strictly before anything else looks at it.

Python's `json` accepts what the databases cannot store or a reader cannot trust: NaN and
Infinity, duplicate keys (the last silently wins), lone surrogates (not encodable as UTF-8, a
500 when stored), NUL (PostgreSQL text refuses it, SQLite keeps it: the backends would differ)
and other control characters (terminal escapes in logs). Each is a 400 naming where it is.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from api.problems import Problem

MAX_DEPTH = 4  # a record is an object of scalars and lists of scalars: two levels; room to spare
# C0 controls except tab, newline and carriage return; DEL and C1 controls; lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a dict, or a 400 problem saying what is wrong and where."""
    try:
        body = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError:
        raise _malformed("it is not valid UTF-8") from None
    except RecursionError:
        raise _malformed(f"it is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # also json.JSONDecodeError and ints over Python's digit limit
        raise _malformed(str(error)) from None
    if not isinstance(body, dict):
        raise Problem(400, "The body must be a JSON object (Content-Type: application/json).")
    if _depth(body) > MAX_DEPTH:
        raise _malformed(f"it is nested deeper than {MAX_DEPTH} levels")
    params = [{"name": name, "reason": reason} for name, reason in _bad_text(body)]
    if params:
        raise Problem(400, "; ".join(f"{p['name']}: {p['reason']}" for p in params), invalid_params=params)
    return body


def _malformed(why: str) -> Problem:
    return Problem(400, f"body: not acceptable JSON: {why}.", invalid_params=[{"name": "body", "reason": why}])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"duplicate key {repeated[0]!r}")
    return dict(pairs)


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number in JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is out of range")
    return number


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _bad_text(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, reason) for each top-level field whose text (or its key) has a forbidden character."""
    found = []
    for key, value in body.items():
        name = _FORBIDDEN.sub("?", key)
        texts = [key, *_strings(value)]
        hit = next((m for m in map(_FORBIDDEN.search, texts) if m), None)
        if hit:
            found.append((name, f"Contains a control character or a lone surrogate (U+{ord(hit.group()):04X})."))
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for pair in value.items() for item in pair for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []
