"""/api/v1/producers: the states a monitor lists as producers or potential producers of
anti-personnel mines, as the report that speaks for a year lists them."""
from flask import Blueprint

from api.read import producer_lists
from api.read.representations import ProducerListOut
from api.routes.arguments import load_query
from api.routes.schemas import ProducersQuery

bp = Blueprint("producers", __name__, url_prefix="/api/v1/producers")
producer_list_out = ProducerListOut()


@bp.get("")
def index():
    """The states listed by the latest list published in or before `year` (default: the latest list)."""
    year = load_query(ProducersQuery()).get("year")
    listed = producer_lists.list_for(year)
    states = producer_lists.states_listed(listed) if listed else []
    return {"year": year, "list": producer_list_out.dump(listed) if listed else None,
            "states": [{"iso2": s.iso2, "iso3": s.iso3, "name": s.name} for s in states]}
