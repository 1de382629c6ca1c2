"""The fast path's answers for any date (issue 19): a status, or the whole country list, on a
day nobody asked for before, from the per-state intervals of api/read/intervals.py.

Only the plainest form of each read is answered here, the one whose bytes the intervals hold:

- `/api/v1/countries/{iso2 or iso3}/status?as_of=YYYY-MM-DD` (the default treaty);
- `/api/v1/countries?as_of=YYYY-MM-DD&limit=N` (the two in either order; N at least the number of
  states, so the one page holds every state and links only to itself).

Any other parameter, an `Accept` that does not ask for JSON, a second value, a day the view
would refuse, an unknown state, a prefix (SCRIPT_NAME) or a snapshot not built yet: None, and
the request goes on as before (response cache, then Flask). The answer gets the same validators
and headers as the response cache gives the view's answer (`make_entry`), so a client cannot tell the two apart.
"""
from __future__ import annotations

import re
from datetime import date

from api.middleware.edge import country_keys
from api.middleware.response_cache import Cached, make_entry
from api.read import intervals, queries
from api.read.negotiation import representation
from api.read.snapshot import Snapshot
from api.rules.status import MINE_BAN_TREATY

STATUS_PATH = re.compile(r"/api/v1/countries/([A-Za-z]{2,3})/status")
LIST_PATH = "/api/v1/countries"
STATUS_RULE = "/api/v1/countries/<code>/status"  # the URL rule Flask would have used, for the metrics
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
LIMIT = re.compile(r"[1-9]\d{0,2}")
MAX_LIMIT = 500  # api/routes/listing.MAX_LIMIT (tests/test_intervals.py checks they agree)
JSON = "application/json"


def _day(text: str | None) -> date | None:
    if text is None or not DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2021-02-30: the view's 400
        return None


def _parameters(query: str) -> dict[str, str] | None:
    """name -> value, or None when a name is repeated or anything needs decoding."""
    pairs = [pair.partition("=") for pair in query.split("&")]
    found = {name: value for name, _, value in pairs}
    return found if len(found) == len(pairs) else None


def entry(environ: dict, snapshot: Snapshot, compress: bool, edge_max_age: int) -> Cached | None:
    """The finished answer for this request from the intervals, or None to go on as before."""
    if environ.get("SCRIPT_NAME") or representation(environ.get("HTTP_ACCEPT", "")) != "json":
        return None  # (the intervals hold JSON; CSV and a 406 are the view's)
    treaty = snapshot.treaties.get(MINE_BAN_TREATY)
    path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    parameters = _parameters(query)
    if treaty is None or parameters is None:
        return None
    day = _day(parameters.get("as_of"))
    if day is None:
        return None
    if path == LIST_PATH and parameters.keys() == {"as_of", "limit"} and LIMIT.fullmatch(parameters["limit"]):
        limit = int(parameters["limit"])
        body = intervals.list_answer(snapshot, treaty, day, limit, f"{path}?{query}") if limit <= MAX_LIMIT else None
        if body is None:
            return None
        replayed = (("Link", f'<{path}?{query}>; rel="first"'), ("X-Total-Count", str(len(snapshot.states))))
        return make_entry(body, snapshot, JSON, JSON, replayed, compress=compress, route=LIST_PATH,
                          keys="dataset lists", edge_max_age=edge_max_age,
                          vary="Accept, Accept-Encoding")  # as the view's: the list also answers CSV
    match = STATUS_PATH.fullmatch(path)
    if match is None or parameters.keys() != {"as_of"}:
        return None
    code = match.group(1)
    state = queries.state_by_code(snapshot, code)
    if state is None:
        return None
    body = intervals.status_answer(snapshot, treaty, state, day)
    if body is None:
        return None
    return make_entry(body, snapshot, JSON, JSON, compress=compress, route=STATUS_RULE, keys=country_keys(state.iso2),
                      edge_max_age=edge_max_age)
