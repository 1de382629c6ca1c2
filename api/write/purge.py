"""Purge the CDN on publish: after the transaction that published a dataset version commits, POST
the surrogate keys of the answers it changed to PURGE_URL (docs/deploy.md: Fastly, Cloudflare).

The request carries the keys twice, as the two CDNs' purge APIs take them: a `Surrogate-Key`
header (space-separated) and a JSON body `{"tags": [...], "surrogate_keys": [...]}`, plus the version. It is sent from a
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
    session.info["purge"] = (config["PURGE_URL"], headers, config["PURGE_TIMEOUT"], keys, version)


def send(url: str, headers: dict, timeout: float, keys: list[str], version: str) -> None:
    body = json.dumps({"tags": keys, "surrogate_keys": keys, "dataset_version": version}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Surrogate-Key": " ".join(keys), **headers})
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
