"""/api/v1/dataset: the dataset version, how to cite it, every version, and what changed."""
from __future__ import annotations

from flask import Blueprint, current_app, url_for
from marshmallow import fields, validate

from api.extensions import db
from api.models import DatasetVersion
from api.problems import Problem
from api.read.citation import LICENCE, citation
from api.read.snapshot import request_snapshot
from api.routes.arguments import load_query
from api.routes.listing import ListSpec, page
from api.routes.schemas import EmptyQuery, PagedQuery
from api.rules.feed_sentences import change_type

bp = Blueprint("dataset", __name__, url_prefix="/api/v1/dataset")


CHANGE_LIST = ListSpec(fields=("version", "released", "table", "id", "change", "kind", "fields"),
                       sort_keys=("released", "table", "kind", "change"))


class ChangesQuery(PagedQuery):
    since = fields.String(required=True, validate=validate.Length(min=1, max=40))


def _stamp(released) -> str:
    return released.isoformat() + "Z"


@bp.get("")
def show():
    """The selected (default: current) version, its licence and its citation."""
    load_query(EmptyQuery())
    snapshot = request_snapshot()
    # read once per version, then from memory: the version's answer survives a database outage
    def row():
        found = db.session.execute(db.select(DatasetVersion.previous, DatasetVersion.changes)
                                   .where(DatasetVersion.version == snapshot.version)).one()
        return found.previous, len(found.changes)
    previous, changes = snapshot.once("dataset_row", row)
    return {"version": snapshot.version, "released": _stamp(snapshot.released), "previous": previous,
            "licence": LICENCE, "citation": citation(snapshot.version, snapshot.released,
                                                     current_app.config["PUBLIC_URL"]),  # as of the release day
            "changes": changes, "exports": url_for("exports.index"),
            "versions": url_for("dataset.versions")}


@bp.get("/versions")
def versions():
    """Every version, newest first, up to the selected one."""
    load_query(EmptyQuery())
    snapshot = request_snapshot()
    items = snapshot.once("versions", lambda: [
        {"version": v.version, "released": _stamp(v.loaded_at), "previous": v.previous, "changes": len(v.changes)}
        for v in _chain(snapshot.version)])
    return {"count": len(items), "items": items}


def _chain(version: str | None) -> list:
    """`version` and every version before it, newest first: one query, and without the snapshots,
    which only the read model needs."""
    rows = {row.version: row for row in db.session.execute(
        db.select(DatasetVersion.version, DatasetVersion.loaded_at, DatasetVersion.previous, DatasetVersion.changes))}
    chain = []
    while version is not None and version in rows:  # an imported package names a previous version it lacks
        chain.append(rows[version])
        version = rows[version].previous
    return chain


def _change(version, change: dict) -> dict:
    item = {"version": version.version, "released": _stamp(version.loaded_at),
            **{k: change[k] for k in ("table", "id", "change")}, "kind": change_type(change)}
    if "fields" in change:
        item["fields"] = [{"field": name, "old": old, "new": new}
                          for name, (old, new) in sorted(change["fields"].items())]
    return item


@bp.get("/changes")
def changes():
    """Record-level changes after version `since`, up to the selected version, oldest first, paged."""
    args = load_query(ChangesQuery())
    since = args["since"]
    chain = _chain(request_snapshot().version)
    names = [row.version for row in chain]
    if since not in names:
        raise Problem(404, f"No dataset version {since!r} at or before {names[0]}; "
                           f"GET /api/v1/dataset/versions lists them.",
                      invalid_params=[{"name": "since", "reason": "Unknown version."}])
    newer = list(reversed(chain[:names.index(since)]))
    items = [_change(version, change) for version in newer for change in version.changes]
    body, headers = page(items, args, CHANGE_LIST)
    return {"since": since, "until": names[0], **body}, 200, headers
