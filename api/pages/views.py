"""Readable HTML pages for journalists: home (search, figures, map, chart), country, compare.

Built from the same service functions as the JSON API (api.read.queries and api.read.representations
helpers), so a page never says something the API does not. Errors render as HTML here;
the API keeps its problem+json handler.
"""
from __future__ import annotations

import csv
import io
import logging
from datetime import date

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from api.pages import charts, maps, page_data
from api.problems import DATE_HELP, Problem
from api.read import clock, queries, snapshot
from api.read.representations import status_body
from api.rules import status
from api.rules.names import prose_name, short_name, un_names
from api.rules.sentences import long_date
from api.rules.status import MINE_BAN_TREATY
from api.urls import public_url

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)
# The embeddable map's policy: the pages' own, but any site may frame it (api.middleware.security
# then leaves out X-Frame-Options).
EMBED_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors *"


@bp.app_template_filter("long_date")
def _long_date(day: date | str | None, precision: str | None = "day") -> str:
    """'10 January 2026', 'January 2026' or '2026', as precise as `precision` (a record's
    date_precision) says; accepts the ISO strings of dumped API bodies too."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return long_date(day, precision or "day") if day else "date unknown"


bp.add_app_template_filter(short_name, "short_name")
bp.add_app_template_filter(prose_name, "prose_name")
bp.add_app_template_filter(un_names, "un_names")


@bp.app_context_processor
def _labels() -> dict:
    return {"LABELS": maps.LABELS, "CONFIDENCE": charts.CONFIDENCE, "public_url": public_url}


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


def choice_arg(name: str, allowed, default: str | None = None) -> str | None:
    """A query argument that must be one of `allowed`, or a 400 that lists them."""
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if value not in allowed:
        raise Problem(400, f"“{value}” is not a {name} we know. Use one of: {', '.join(allowed)}.",
                      invalid_params=[{"name": name, "reason": f"One of {', '.join(allowed)}."}])
    return value


def _states_on(day: date) -> list[dict]:
    treaty = queries.get_treaty(MINE_BAN_TREATY)
    return page_data.items_on(queries.memberships(treaty), day)


def _table_args() -> dict:
    return {"region": choice_arg("region", maps.REGIONS), "status": choice_arg("status", status.STATUSES),
            "sort": choice_arg("sort", tuple(page_data.TABLE_SORTS), "name"),
            "order": choice_arg("order", ("asc", "desc"), "asc")}


def _source_line(day: date) -> str:
    version = snapshot.request_snapshot().version or "not yet published"
    return (f"Source: Mine Ban Treaty Status API, status as of {long_date(day)}, dataset version {version}. "
            f"{public_url('pages.home', as_of=day.isoformat())}")


@bp.get("/")
def home():
    today = clock.today()
    day, args = day_arg("as_of", today), _table_args()
    treaty = queries.get_treaty(MINE_BAN_TREATY)
    items = _states_on(day)
    version = snapshot.request_snapshot().version
    permalink = public_url("pages.home", as_of=day.isoformat(), dataset_version=version)
    timeline = queries.parties_timeline(treaty)
    return render_template(
        "home.html", day=day, treaty=treaty, items=items, args=args, figures=page_data.headline(items),
        rows=page_data.states_table(items, args),
        map=maps.map_model(items, args["region"]), regions=maps.REGIONS,
        charts=charts.home_charts(timeline, today),
        cite=page_data.citation(f"States bound by the Mine Ban Treaty as of {long_date(day)}",
                                f"mbt-states-{day.isoformat()}", permalink, today, version))


@bp.get("/states.csv")
def states_csv():
    """The home page's table of states, as filtered and sorted there, as CSV."""
    day, args = day_arg("as_of", clock.today()), _table_args()
    rows = page_data.states_table(_states_on(day), args)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        page_data.csv_rows(rows, maps.LABELS, day, snapshot.request_snapshot().version))
    name = f"mine-ban-treaty-states-{day.isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/map.svg")
def map_svg():
    """The map as a standalone SVG file, with its legend and source line drawn in."""
    day, region = day_arg("as_of", clock.today()), choice_arg("region", maps.REGIONS)
    model = maps.map_model(_states_on(day), region)
    body = render_template("map.svg", m=model, legend_rows=-(-len(model["legend"]) // 3),
                           title=f"Status under the Mine Ban Treaty on {long_date(day)}",
                           source_line=_source_line(day))
    return Response(body, mimetype="image/svg+xml")


@bp.get("/embed/map")
def embed_map():
    """The map alone, for other sites to frame (the only page that may be framed)."""
    day, region = day_arg("as_of", clock.today()), choice_arg("region", maps.REGIONS)
    body = render_template("embed.html", day=day, map=maps.map_model(_states_on(day), region),
                           source_line=_source_line(day), version=snapshot.request_snapshot().version)
    return Response(body, mimetype="text/html", headers={"Content-Security-Policy": EMBED_CSP})


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
                           cite=page_data.country_citation(state, day, permalink, today, version))


@bp.get("/compare")
def compare():
    today = clock.today()
    start, end = day_arg("from", date(today.year - 1, today.month, 1)), day_arg("to", today)
    swapped = start > end  # "from" after "to": compare them in time order, and say so
    if swapped:
        start, end = end, start
    treaty = queries.get_treaty(MINE_BAN_TREATY)
    states = sorted((m.state for m in queries.memberships(treaty).values()), key=lambda s: s.name)
    version = snapshot.request_snapshot().version
    dates = {"from": start.isoformat(), "to": end.isoformat()}
    permalink = public_url("pages.compare", dataset_version=version, **dates)
    cite = page_data.citation(f"Changes in status under the Mine Ban Treaty between {long_date(start)} and "
                              f"{long_date(end)}", f"mbt-changes-{start.isoformat()}-{end.isoformat()}",
                              permalink, today, version)
    return render_template("compare.html", start=start, end=end, swapped=swapped, cite=cite,
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
