"""/api/v1/changes: what happened in the world and what changed in the data, newest first,
as JSON and as Atom feeds (one for everything, one per country)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response

from api.read import queries
from api.read.snapshot import request_snapshot
from api.routes.arguments import load_query
from api.routes.change_items import FeedFilters, choose
from api.routes.csv_lists import FormatQuery, listed
from api.routes.listing import ListSpec, page
from api.routes.schemas import BaseQuery, PagedQuery
from api.urls import public_url

bp = Blueprint("changes", __name__)
CHANGE_LIST = ListSpec(fields=("type", "date", "table", "id", "state", "treaty", "kind", "title", "summary",
                               "recorded_in", "fields"),
                       sort_keys=("date", "type", "state"))
FEED_SIZE = 50


class ChangesQuery(FeedFilters, PagedQuery, FormatQuery):
    pass


class FeedQuery(FeedFilters, BaseQuery):
    pass


@bp.get("/api/v1/changes")
def index():
    args = load_query(ChangesQuery())
    body, headers = page(choose(args), args, CHANGE_LIST)
    return listed({"since": args.get("since")}, body, headers, args, CHANGE_LIST.fields)


def atom(items: list[dict], title: str, self_url: str) -> Response:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.author({"name": "Mine Ban Treaty Status API"})
    feed.link(href=self_url, rel="self")
    feed.updated(datetime.combine(request_snapshot().released.date(), time(), UTC))
    for item in items[:FEED_SIZE]:
        entry = feed.add_entry(order="append")
        anchor = f"#{item['type']}/{item['table']}/{item['id']}/{item['date']}"
        if item["recorded_in"]:  # a record can change more than once a day: one entry per version
            anchor += f"/{item['recorded_in']}"
        entry.id(public_url("changes.index") + anchor)
        entry.title(item["title"])
        entry.updated(datetime.combine(date.fromisoformat(item["date"]), time(), UTC))
        entry.summary(item["summary"])
        entry.link(href=_link(item), rel="alternate")  # Atom requires one (there is no content)
    return Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")


def _link(item: dict) -> str:
    """Where an entry points: its country's page; else the source itself; else the record's
    revisions (every change, of every kind of record, has one)."""
    if item["state"]:
        return public_url("pages.country", code=item["state"])
    if item["table"] == "source":
        return public_url("sources.show", id=item["id"])
    return public_url("revisions.show", table=item["table"], id=item["id"])


@bp.get("/api/v1/changes.atom")
def feed():
    args = load_query(FeedQuery())
    return atom(choose(args), "Mine Ban Treaty: changes", public_url("changes.feed"))


@bp.get("/api/v1/countries/<code>/changes.atom")
def country_feed(code: str):
    args = load_query(FeedQuery())
    state = queries.get_state(code)
    return atom(choose(args, state.iso2), f"Mine Ban Treaty: changes for {state.name}",
                public_url("changes.country_feed", code=state.iso2))
