"""/api/v1/countries: states, their status on a date, policies, obligations and history."""
from __future__ import annotations

from datetime import date

from flask import Blueprint

from api.read import clock, queries, search
from api.read.representations import (
    ObligationEventOut,
    ObligationOut,
    PositionInForceOut,
    SourceOut,
    StateOut,
    TreatyActionOut,
    list_item,
    matches,
    status_body,
)
from api.read.snapshot import depends_on_today
from api.routes.arguments import load_query
from api.routes.csv_lists import listed
from api.routes.listing import ListSpec, page
from api.routes.schemas import AsOfQuery, CountryListQuery, EmptyQuery, PagedQuery, PoliciesQuery, StatusQuery

bp = Blueprint("countries", __name__, url_prefix="/api/v1/countries")
state_out, action_out, position_out = StateOut(), TreatyActionOut(), PositionInForceOut()
source_out = SourceOut(many=True)
actions_out = TreatyActionOut(many=True)
obligation_out, obligation_event_out = ObligationOut(), ObligationEventOut()
OBLIGATION_NAMES = {4: "stockpile_destruction", 5: "mine_clearance"}


def obligations_body(state, day: date) -> dict | None:
    """Article 4 and 5 obligations on `day`; None for a state the treaty never entered into force for."""
    found = queries.obligations(state, day)
    if found is None:
        return None
    withdrawn = found.withdrawal_effective
    return {"entry_into_force": found.entry_into_force.isoformat(),
            "withdrawal_effective": withdrawn and withdrawn.isoformat(),
            **{OBLIGATION_NAMES[o.article]: obligation_out.dump(o) for o in found.by_article}}


COUNTRY_LIST = ListSpec(fields=("iso2", "iso3", "name", "region", "subregion", "status", "status_since"),
                        sort_keys=("iso2", "iso3", "name", "region", "subregion", "status", "status_since"))
POLICY_LIST = ListSpec(fields=tuple(PositionInForceOut().fields), sort_keys=("dimension", "effective", "position"))
# A policy's CSV columns for the position it replaced (JSON: an object, or null).
REPLACES_COLUMNS: dict[str, tuple[str, ...]] = {"replaces": ("id", "position", "effective", "date_precision")}
HISTORY_LIST = ListSpec(fields=("type", "date", "record"), sort_keys=("date", "type"))


def _search_rank(membership: queries.Membership, text: str) -> int:
    """The rank of a state `matches()` kept for `q=text`: one that `text` names, so never None."""
    rank = search.search_rank(membership.state, text)
    assert rank is not None, f"{membership.state.iso2} does not match {text!r}"
    return rank


@bp.get("")
def index():
    args = load_query(CountryListQuery())
    treaty = queries.get_treaty(args["treaty"])
    found = [m for m in queries.memberships(treaty).values() if matches(m, args)]
    if "q" in args:  # best match first (a code or a whole name before parts of names); `sort` overrides
        found.sort(key=lambda m: _search_rank(m, args["q"]))
    items = [list_item(m, args["as_of"]) for m in found]
    body, headers = page(items, args, COUNTRY_LIST)
    return listed({"treaty": treaty.slug, "as_of": args["as_of"].isoformat()}, body, headers, args, COUNTRY_LIST.fields)


@bp.get("/<code>")
def show(code: str):
    load_query(EmptyQuery())
    depends_on_today()
    state, today = queries.get_state(code), clock.today()
    statuses = [status_body(queries.memberships(t, state)[state.iso2], t, today) for t in queries.all_treaties()]
    positions = queries.positions_on(queries.policy_positions(state), today)
    return {**state_out.dump(state), "as_of": today.isoformat(), "statuses": statuses,
            "policies": position_out.dump(positions, many=True), "obligations": obligations_body(state, today)}


@bp.get("/<code>/status")
def status(code: str):
    args = load_query(StatusQuery())
    state, treaty = queries.get_state(code), queries.get_treaty(args["treaty"])
    return status_body(queries.memberships(treaty, state)[state.iso2], treaty, args["as_of"])


@bp.get("/<code>/policies")
def policies(code: str):
    args = load_query(PoliciesQuery())
    state = queries.get_state(code)
    in_force = queries.positions_on(queries.policy_positions(state), args["as_of"], args.get("dimension"))
    body, headers = page(position_out.dump(in_force, many=True), args, POLICY_LIST)
    return listed({"country": {"iso2": state.iso2, "iso3": state.iso3, "name": state.name},
                   "as_of": args["as_of"].isoformat(), "dimension": args.get("dimension")},
                  body, headers, args, POLICY_LIST.fields, REPLACES_COLUMNS)


@bp.get("/<code>/obligations")
def obligations(code: str):
    day = load_query(AsOfQuery())["as_of"]
    state = queries.get_state(code)
    return {"country": {"iso2": state.iso2, "iso3": state.iso3, "name": state.name},
            "as_of": day.isoformat(), "obligations": obligations_body(state, day)}


@bp.get("/<code>/history")
def history(code: str):
    args = load_query(PagedQuery())
    state = queries.get_state(code)
    dump = {"treaty_action": action_out.dump, "policy_position": position_out.dump,
            "obligation_event": obligation_event_out.dump}
    events = [{"type": e.type, "date": e.date.isoformat() if e.date else None, "record": dump[e.type](e.record)}
              for e in queries.history(state)]
    body, headers = page(events, args, HISTORY_LIST)
    return {"country": {"iso2": state.iso2, "iso3": state.iso3, "name": state.name}, **body}, 200, headers
