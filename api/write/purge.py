"""Purge the CDN on publish: after the transaction that published a dataset version commits, POST
the surrogate keys of the answers it changed to PURGE_URL (docs/deploy.md: Fastly, Cloudflare).

PURGE_FORMAT shapes the request as the CDN's purge API documents it: `cloudflare` sends
`{"tags": [...]}` (POST /zones/<zone>/purge_cache, purge by cache-tags), `fastly` a
`Surrogate-Key` header and `{"surrogate_keys": [...]}` (POST /service/<id>/purge, batch purge),
`json` (the default, for a hook of your own) all three with the version. More keys than one call
takes become `dataset`, which every read of the current version carries. It is sent from a
thread after the commit, bounded by PURGE_TIMEOUT: a failure is logged and never fails the write.
Keys name what an answer depends on (api/middleware/edge.py tags answers with the same names).
"""
from __future__ import annotations

import json
import logging
import threading
import urllib.request

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from api.rules.status import MINE_BAN_TREATY

log = logging.getLogger(__name__)
ABOUT_STATES = ("treaty_action", "policy_position", "obligation_event")  # records with a `state`


def keys_for(changes: list[dict], *tables: dict[str, list[dict]]) -> list[str]:
    """The surrogate keys of the answers a version with these `changes` makes stale. `tables` (the
    new version's and, for removals, the previous one's) say which state each record is about."""
    changed = {(change["table"], change["id"]) for change in changes}
    if any(table not in ABOUT_STATES for table, _ in changed):
        return ["dataset"]  # a source, state or treaty changed: it shows in answers of every kind
    keys = {"lists", "exports"}
    for table_rows in tables:
        for table in ABOUT_STATES:
            for record in table_rows.get(table, []):
                if (table, record.get("id")) in changed:
                    keys.add(f"country-{record.get('state_iso2')}")
                    if table == "treaty_action":
                        keys.add(f"treaty-{record.get('treaty_slug') or MINE_BAN_TREATY}")
    return sorted(keys)


def schedule(session: Session, keys: list[str], version: str) -> None:
    """Purge `keys` once `session` commits (nothing if it rolls back, or PURGE_URL is unset)."""
    config = current_app.config
    if not (config["PURGE_URL"] and keys):
        return
    try:
        headers = json.loads(config["PURGE_HEADERS"] or "{}")
    except ValueError as error:  # a misconfiguration must not fail the write either
        log.error("PURGE_HEADERS is not a JSON object (%s): purging without them", error)
        headers = {}
    form = config["PURGE_FORMAT"]
    if form not in MOST_KEYS:
        log.error("PURGE_FORMAT %r is none of %s: purging with `json`", form, ", ".join(MOST_KEYS))
        form = "json"
    session.info["purge"] = (config["PURGE_URL"], headers, config["PURGE_TIMEOUT"], keys, version, form)


# Keys one purge call takes: Cloudflare "up to 30 cache-tags per API call" (its purge-by-tags page,
# cloudflare/cloudflare-docs src/content/docs/cache/how-to/purge-cache/purge-by-tags.mdx; later
# versions defer to per-plan limits), Fastly "up to 256 surrogate keys ... in one batch request"
# (its API reference, as in github.com/fastly/fastly-js docs/PurgeApi.md, bulkPurgeTag).
MOST_KEYS = {"cloudflare": 30, "fastly": 256, "json": None}


def purge_request(form: str, keys: list[str], version: str) -> tuple[dict, dict]:
    """(headers, JSON body) of the purge of `keys` in PURGE_FORMAT `form`."""
    most = MOST_KEYS.get(form)
    if most is not None and len(keys) > most:
        keys = ["dataset"]  # one call: every current-version read carries it
    if form == "cloudflare":
        return {}, {"tags": keys}
    if form == "fastly":
        return {"Surrogate-Key": " ".join(keys)}, {"surrogate_keys": keys}
    return {"Surrogate-Key": " ".join(keys)}, {"tags": keys, "surrogate_keys": keys, "dataset_version": version}


def send(url: str, headers: dict, timeout: float, keys: list[str], version: str, form: str = "json") -> None:
    own, body = purge_request(form, keys, version)
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", **own, **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            log.info("CDN purge of %s for version %s: HTTP %s", " ".join(keys), version, response.status)
    except Exception as error:  # any failure: logged; the write is committed already
        log.error("CDN purge of %s for version %s failed: %s", " ".join(keys), version, error)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    purge = session.info.pop("purge", None)
    if purge:  # not a daemon: a CLI command that published waits for it (PURGE_TIMEOUT at most)
        threading.Thread(target=send, args=purge, name="cdn-purge").start()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop("purge", None)
