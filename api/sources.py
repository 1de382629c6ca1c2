"""/api/v1/sources: the sources that facts cite."""
from flask import Blueprint

from . import queries
from .arguments import load_query
from .schemas import EmptyQuery, SourceOut

bp = Blueprint("sources", __name__, url_prefix="/api/v1/sources")
source_out = SourceOut()


@bp.get("/<source_id>")
def show(source_id: str):
    load_query(EmptyQuery())
    source = queries.get_source(source_id)
    return {**source_out.dump(source), "cited_by": queries.citing_records(source)}
