"""Readable HTML pages for journalists: home (search, figures, map, chart), country, compare.

Built from the same service functions as the JSON API (api.read.queries and api.read.representations
helpers), so a page never says something the API does not. Errors render as HTML here;
the API keeps its problem+json handler.
"""
from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from api.pages import charts, page_data
from api.problems import DATE_HELP, Problem
from api.read import clock, queries, snapshot
from api.read.representations import status_body
from api.rules.names import prose_name, short_name
from api.rules.sentences import long_date
from api.rules.status import MINE_BAN_TREATY
from api.urls import public_url

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)


@bp.app_template_filter("long_date")
def _long_date(day: date | str | None, precision: str | None = "day") -> str:
    """'10 January 2026', 'January 2026' or '2026', as precise as `precision` (a record's
    date_precision) says; accepts the ISO strings of dumped API bodies too."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return long_date(day, precision or "day") if day else "date unknown"


bp.add_app_template_filter(short_name, "short_name")
bp.add_app_template_filter(prose_name, "prose_name")


@bp.app_context_processor
def _labels() -> dict:
    return {"LABELS": charts.LABELS, "CONFIDENCE": charts.CONFIDENCE}


def day_arg(name: str, default: date) -> date:
    """A YYYY-MM-DD query argument, or a 400 that says how to write one."""
    value = request.args.get(name, "").strip()
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Problem(400, f"“{value}” is not a date we understand for {name}. {DATE_HELP}") from None


@bp.before_request
def _resolve_version():
    """Load the request's dataset version first, so an unknown one is a 404 page before any work."""
    snapshot.request_snapshot()


@bp.get("/")
def home():
    day = day_arg("as_of", clock.today())
    treaty = queries.get_treaty(MINE_BAN_TREATY)
    items = page_data.items_on(queries.memberships(treaty), day)
    return render_template("home.html", day=day, treaty=treaty, items=items,
                           figures=page_data.headline(items), shapes=charts.map_shapes(items),
                           world=charts.world(),
                           chart=charts.parties_chart(queries.parties_timeline(treaty), clock.today()))


@bp.get("/search")
def search():
    text = request.args.get("q", "").strip()
    if not text or len(text) > 100:
        raise Problem(400, "Type part of a country's name, or its two- or three-letter code, "
                           "for example “Burma” or “FI”.")
    found, one_exact = page_data.search(text)
    if len(found) == 1 or one_exact:  # the first is the one named whole
        return redirect(url_for("pages.country", code=found[0].iso2))
    return render_template("search.html", text=text, found=found), 200 if found else 404


@bp.get("/countries/<code>")
def country(code: str):
    today = clock.today()
    day, state = day_arg("as_of", today), queries.get_state(code)
    treaties = queries.all_treaties()
    statuses = [status_body(queries.memberships(t, state)[state.iso2], t, day) for t in treaties]
    version = snapshot.request_snapshot().version
    permalink = public_url("pages.country", code=state.iso2, as_of=day.isoformat(), dataset_version=version)
    return render_template("country.html", state=state, day=day, today=today, statuses=statuses,
                           events=page_data.events(state),
                           positions=queries.positions_on(queries.policy_positions(state), day),
                           obligations=queries.obligations(state, day),
                           cite=page_data.citation(state, day, permalink, today, version))


@bp.get("/compare")
def compare():
    today = clock.today()
    start, end = day_arg("from", date(today.year - 1, today.month, 1)), day_arg("to", today)
    swapped = start > end  # "from" after "to": compare them in time order, and say so
    if swapped:
        start, end = end, start
    treaty = queries.get_treaty(MINE_BAN_TREATY)
    states = sorted((m.state for m in queries.memberships(treaty).values()), key=lambda s: s.name)
    return render_template("compare.html", start=start, end=end, swapped=swapped,
                           changes=queries.status_changes(treaty, start, end),
                           policies=page_data.policy_changes(states, start, end))


@bp.get("/docs/codebook")
def codebook():
    """The codebook of the data package, as HTML: the same text as codebook.md in datapackage.zip,
    for the selected version and (for the dated tables) `as_of`."""
    day = day_arg("as_of", clock.today())
    body = page_data.codebook_html(snapshot.request_snapshot(), day, current_app.config["PUBLIC_URL"])
    return render_template("codebook.html", body=body, day=day)


def _error_page(status: int, detail: str, extra: dict | None = None):
    return render_template("error.html", status=status, detail=detail, extra=extra or {}), status


@bp.errorhandler(Problem)
def _problem(error: Problem):
    return _error_page(error.status, error.detail, error.extra)


@bp.errorhandler(ValidationError)
def _invalid(error: ValidationError):
    return _error_page(400, str(error.messages))


@bp.errorhandler(HTTPException)
def _http(error: HTTPException):
    return _error_page(error.code or 500, error.description or "")


@bp.errorhandler(OperationalError)
def _database_down(error: OperationalError):
    log.error("database unavailable: %s", error.orig)
    return _error_page(503, "The database is unreachable; please try again shortly.")


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    log.exception("unhandled error on a page")
    return _error_page(500, "Something went wrong on our side. Please try again shortly.")
