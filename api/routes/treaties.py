"""/api/v1/treaties: treaties, their participants on a date, and the parties over time."""
from flask import Blueprint

from api.read import queries
from api.read.representations import TreatyOut, list_item
from api.routes.arguments import load_query
from api.routes.countries import COUNTRY_LIST
from api.routes.csv_lists import listed
from api.routes.listing import ListSpec, page
from api.routes.schemas import AsOfQuery, DiffQuery, PagedQuery, ParticipantsQuery
from api.rules.status import BOUND_STATUSES, CONSENTED_NOT_IN_FORCE, NOT_A_STATE, NOT_SIGNATORY

bp = Blueprint("treaties", __name__, url_prefix="/api/v1/treaties")
treaty_out = TreatyOut()


TREATY_LIST = ListSpec(fields=tuple(TreatyOut().fields), sort_keys=("slug", "entry_into_force"))
TIMELINE_LIST = ListSpec(fields=("date", "states_parties", "changes"), sort_keys=("date", "states_parties"))


@bp.get("")
def index():
    args = load_query(PagedQuery())
    body, headers = page(treaty_out.dump(queries.all_treaties(), many=True), args, TREATY_LIST)
    return body, 200, headers


@bp.get("/<slug>")
def show(slug: str):
    """The treaty, with how many states had each status on `as_of` (a state not yet in existence is in no count)."""
    day = load_query(AsOfQuery())["as_of"]
    treaty = queries.get_treaty(slug)
    statuses = [m.on(day).status for m in queries.memberships(treaty).values()]
    counts = {s: statuses.count(s) for s in sorted(set(statuses) - {NOT_A_STATE})}
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
    items = [i for i in items if (i["status"] == wanted if wanted else i["status"] not in (NOT_SIGNATORY, NOT_A_STATE))]
    body, headers = page(items, args, COUNTRY_LIST)
    return listed({"treaty": treaty.slug, "as_of": day.isoformat()}, body, headers, args, COUNTRY_LIST.fields)


@bp.get("/<slug>/timeline")
def timeline(slug: str):
    args = load_query(PagedQuery())
    treaty = queries.get_treaty(slug)
    points = [{**point, "date": point["date"].isoformat()} for point in queries.parties_timeline(treaty)]
    body, headers = page(points, args, TIMELINE_LIST)
    return {"treaty": treaty.slug, **body}, 200, headers


@bp.get("/<slug>/participants/diff")
def diff(slug: str):
    """Who joined, who left and whose status changed between two dates."""
    args = load_query(DiffQuery())
    treaty, start, end = queries.get_treaty(slug), args["from_"], args["to"]
    groups = {group: [{"iso2": c.state.iso2, "name": c.state.name, "from": c.before, "to": c.after} for c in changes]
              for group, changes in queries.status_changes(treaty, start, end).items()}
    return {"treaty": treaty.slug, "from": start.isoformat(), "to": end.isoformat(), **groups}
