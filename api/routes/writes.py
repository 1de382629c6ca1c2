"""Curators' writes under /api/v1: create treaty actions, policy positions, obligation events
and sources, and correct them. Every route needs a `curator` token; the work is in api.write.curation.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, request

from api.extensions import db
from api.problems import Problem
from api.read.snapshot import store
from api.routes.tokens import requires
from api.write import curation, idempotency, json_body, revisions
from api.write.records import WriteLockBusy, lock_writes

bp = Blueprint("writes", __name__, url_prefix="/api/v1")
COLLECTIONS = {"treaty-actions": "treaty_action", "policy-positions": "policy_position",
               "obligation-events": "obligation_event", "sources": "source"}


def _body() -> dict:
    if not request.is_json:
        raise Problem(400, "The body must be a JSON object (Content-Type: application/json).")
    return json_body.parse_object(request.get_data(cache=True))


def _answer(written: curation.Written):
    body = {"table": written.table, "id": written.key, **revisions.revision_out(written.revision, internal=True)}
    headers = {"Location": f"/api/v1/revisions/{written.table}/{written.key}",
               "ETag": revisions.etag(written.revision.revision)}
    return body, 201, headers


@bp.before_request
def _database_answers():
    """A write needs the database (also to check its token): when it does not answer within
    WRITE_LOCK_TIMEOUT, refuse now with a 503 rather than hold the worker on a hung connection."""
    config = current_app.config
    if request.method == "POST" and not store().reachable(config["WRITE_LOCK_TIMEOUT"]):
        raise Problem(503, "The database is unreachable, so nothing was written; retry after the "
                           "Retry-After delay (with the same Idempotency-Key).",
                      headers={"Retry-After": str(config["RETRY_AFTER_SECONDS"])})


def _write(work):
    """Run `work(body, author)` once per Idempotency-Key, in one locked transaction."""
    try:
        try:
            lock_writes(current_app.config["WRITE_LOCK_TIMEOUT"])
        except WriteLockBusy as busy:
            raise Problem(503, f"Another write is in progress ({busy}); nothing was written. Retry after the "
                               "Retry-After delay, with the same Idempotency-Key.",
                          headers={"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])}) from None
        body, key = _body(), idempotency.key()
        digest = idempotency.request_hash(body)
        answer = idempotency.replay(g.token, key, digest) if key else None
        if answer is None:
            answer = _answer(work(body, g.token.name))
            if key:
                idempotency.remember(g.token, key, digest, *answer)
        db.session.commit()
        return answer
    except Exception:
        db.session.rollback()
        raise


@requires("curator")
def create(collection: str):
    return _write(lambda body, author: curation.create(COLLECTIONS[collection], body, author))


@requires("curator")
def correct(collection: str, id: str):
    if_match = request.headers.get("If-Match")
    return _write(lambda body, author: curation.correct(COLLECTIONS[collection], id, body, author, if_match))


for _collection in COLLECTIONS:
    bp.add_url_rule(f"/{_collection}", f"create_{_collection}", create, methods=["POST"],
                    defaults={"collection": _collection})
    bp.add_url_rule(f"/{_collection}/<id>/corrections", f"correct_{_collection}", correct, methods=["POST"],
                    defaults={"collection": _collection})
