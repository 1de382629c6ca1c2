"""Idempotency-Key on POST: a retry gets the first answer; the same key with another body is
a 422. Keys belong to a token, and are looked up under the write lock, so two concurrent
retries cannot both write.
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from flask import request

from api.extensions import db
from api.models import IdempotentRequest, Token
from api.problems import Problem

HEADER = "Idempotency-Key"
KEPT_HEADERS = ("Location", "ETag")


def request_hash(body) -> str:
    canonical = json.dumps([request.method, request.path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def key() -> str | None:
    value = request.headers.get(HEADER)
    if value is not None and not 1 <= len(value) <= 200:
        raise Problem(400, f"{HEADER} must be 1 to 200 characters, for example a UUID.",
                      invalid_params=[{"name": HEADER, "reason": "1 to 200 characters."}])
    return value


def replay(token: Token, idempotency_key: str, digest: str):
    """The stored answer to this key, as (body, status, headers); None if the key is new."""
    stored = db.session.get(IdempotentRequest, (token.id, idempotency_key))
    if stored is None:
        return None
    if stored.request_hash != digest:
        raise Problem(422, f"{HEADER} {idempotency_key!r} was used for a different request; "
                      f"use a new key for a new request.",
                      invalid_params=[{"name": HEADER, "reason": "Already used with another body."}])
    return stored.body, stored.status, stored.headers | {"Idempotent-Replayed": "true"}


def remember(token: Token, idempotency_key: str, digest: str, body: dict, status: int, headers: dict) -> None:
    db.session.add(IdempotentRequest(
        token_id=token.id, key=idempotency_key, request_hash=digest, status=status, body=body,
        headers={k: v for k, v in headers.items() if k in KEPT_HEADERS},
        created_at=datetime.now(UTC).replace(tzinfo=None)))
