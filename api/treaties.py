"""/api/v1/treaties: treaties, their participants on a date, and the parties over time."""
from flask import Blueprint

from . import queries
from .arguments import load_query
from .countries import list_item
from .schemas import AsOfQuery, EmptyQuery, ParticipantsQuery, TreatyOut
from .status import BOUND_STATUSES, CONSENTED_NOT_IN_FORCE, NOT_SIGNATORY

bp = Blueprint("treaties", __name__, url_prefix="/api/v1/treaties")
treaty_out = TreatyOut()


@bp.get("")
def index():
    load_query(EmptyQuery())
    treaties = queries.all_treaties()
    return {"count": len(treaties), "items": treaty_out.dump(treaties, many=True)}


@bp.get("/<slug>")
def show(slug: str):
    """The treaty, with how many states had each status on `as_of`."""
    day = load_query(AsOfQuery())["as_of"]
    treaty = queries.get_treaty(slug)
    statuses = [m.on(day).status for m in queries.memberships(treaty).values()]
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    bound = sum(counts.get(s, 0) for s in BOUND_STATUSES)
    return {**treaty_out.dump(treaty), "as_of": day.isoformat(), "status_counts": counts,
            "states_parties": bound, "consented": bound + counts.get(CONSENTED_NOT_IN_FORCE, 0)}


@bp.get("/<slug>/participants")
def participants(slug: str):
    """States that have acted under the treaty, with their status on `as_of`."""
    args = load_query(ParticipantsQuery())
    treaty, day = queries.get_treaty(slug), args["as_of"]
    items = [list_item(m, day) for m in queries.memberships(treaty).values()]
    wanted = args.get("status")
    items = [i for i in items if (i["status"] == wanted if wanted else i["status"] != NOT_SIGNATORY)]
    return {"treaty": treaty.slug, "as_of": day.isoformat(), "count": len(items), "items": items}


@bp.get("/<slug>/timeline")
def timeline(slug: str):
    load_query(EmptyQuery())
    treaty = queries.get_treaty(slug)
    points = queries.parties_timeline(treaty)
    for point in points:
        point["date"] = point["date"].isoformat()
    return {"treaty": treaty.slug, "count": len(points), "items": points}
