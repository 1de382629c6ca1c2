"""/api/v1/sources: the sources that facts cite."""
from flask import Blueprint

from api.read import queries
from api.read.representations import SourceOut
from api.routes.arguments import load_query
from api.routes.schemas import EmptyQuery

bp = Blueprint("sources", __name__, url_prefix="/api/v1/sources")
source_out = SourceOut()


@bp.get("/<id>")
def show(id: str):
    load_query(EmptyQuery())
    source = queries.get_source(id)
    return {**source_out.dump(source), "cited_by": queries.citing_records(source)}
