"""/api/v1/revisions: a record's whole revision chain. It reads the database, not a snapshot: the
chain is the audit trail, not a dataset version."""
from flask import Blueprint, request

from api.problems import Problem, not_found
from api.write.records import MODELS
from api.write.revisions import chain, etag, revision_out

bp = Blueprint("revisions", __name__, url_prefix="/api/v1/revisions")


@bp.get("/<table>/<id>")
def show(table: str, id: str):
    if request.args:
        raise Problem(400, f"{', '.join(sorted(request.args))}: unknown parameter; this route takes none.",
                      invalid_params=[{"name": n, "reason": "Unknown parameter."} for n in sorted(request.args)])
    if table not in MODELS:
        raise not_found("table", table, valid=list(MODELS))
    revisions = chain(table, id)
    if not revisions:
        raise not_found(table.replace("_", " "), id)
    body = {"table": table, "id": id, "current_revision": revisions[-1].revision,
            "revisions": [revision_out(r) for r in revisions]}
    return body, 200, {"ETag": etag(revisions[-1].revision), "Cache-Control": "no-cache"}
