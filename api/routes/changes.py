"""/api/v1/changes: what happened in the world and what changed in the data, newest first,
as JSON and as Atom feeds (one for everything, one per country)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response

from api.extensions import db
from api.models import DatasetVersion
from api.read import queries
from api.read.snapshot import request_snapshot
from api.routes.arguments import load_query
from api.routes.csv_lists import FormatQuery, listed
from api.routes.listing import ListSpec, page
from api.routes.schemas import BaseQuery, PagedQuery, QueryDate
from api.urls import public_url

bp = Blueprint("changes", __name__)
CHANGE_LIST = ListSpec(fields=("type", "date", "table", "id", "state", "kind", "summary", "recorded_in", "fields"),
                       sort_keys=("date", "type", "state"))
FEED_SIZE = 50


class ChangesQuery(PagedQuery, FormatQuery):
    since = QueryDate(load_default=date.min)


class FeedQuery(BaseQuery):
    since = QueryDate(load_default=date.min)


def _event(record, table: str) -> dict:
    if table == "treaty_action":
        day = max(d for d in (record.date, record.effective) if d)
        effect = f", effective {record.effective}" if record.effective and record.effective != record.date else ""
        summary = f"{record.kind.replace('_', ' ').capitalize()} by {record.state_iso2} on {record.date}{effect}."
        kind = record.kind
    elif table == "obligation_event":
        day, kind = record.date, record.kind
        deadline = f", new deadline {record.deadline}" if record.deadline else ""
        summary = f"Article {record.article}: {kind.replace('_', ' ')} for {record.state_iso2} on {day}{deadline}."
    else:
        day, summary, kind = record.effective, record.summary, record.dimension
    return {"type": "event", "date": day.isoformat(), "table": table, "id": record.id,
            "state": record.state_iso2, "kind": kind, "summary": summary, "recorded_in": None, "fields": None}


def _recorded_changes() -> list[dict]:
    """Record-level changes of every version after the first (the first is the baseline)."""
    def load():
        selected = db.select(DatasetVersion.sequence).where(DatasetVersion.version == request_snapshot().version)
        rows = db.session.execute(db.select(DatasetVersion.version, DatasetVersion.loaded_at, DatasetVersion.changes)
                                  .where(DatasetVersion.sequence <= selected.scalar_subquery())
                                  .order_by(DatasetVersion.sequence)).all()
        released = rows[1:]
        return [(row.version, row.loaded_at, change) for row in released for change in row.changes]
    return request_snapshot().once("recorded_changes", load)


def change_items(since: date, state: str | None = None) -> list[dict]:
    snapshot = request_snapshot()
    items = [_event(a, "treaty_action") for a in snapshot.treaty_actions if a.date] + \
            [_event(p, "policy_position") for p in snapshot.policy_positions] + \
            [_event(o, "obligation_event") for o in snapshot.obligation_events if o.date]
    states_by_record = {(i["table"], i["id"]): i["state"] for i in items}
    for version, loaded_at, change in _recorded_changes():
        record_state = states_by_record.get((change["table"], change["id"]))
        items.append({"type": change["kind"], "date": loaded_at.date().isoformat(), "table": change["table"],
                      "id": change["id"], "state": record_state, "kind": change["change"],
                      "summary": f"{change['table']} {change['id']} {change['change']} in dataset version {version}.",
                      "recorded_in": version, "fields": change.get("fields")})
    chosen = [i for i in items if i["date"] >= since.isoformat() and state in (None, i["state"])]
    return sorted(chosen, key=lambda i: (i["date"], i["id"]), reverse=True)


@bp.get("/api/v1/changes")
def index():
    args = load_query(ChangesQuery())
    body, headers = page(change_items(args["since"]), args, CHANGE_LIST)
    return listed({"since": args["since"].isoformat() if args["since"] != date.min else None}, body, headers, args,
                  CHANGE_LIST.fields)


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
        subject = item["state"] or f"{item['table'].replace('_', ' ')} {item['id']}"
        entry.title(f"{subject} {item['kind'].replace('_', ' ')}: {item['date']}")
        entry.updated(datetime.combine(date.fromisoformat(item["date"]), time(), UTC))
        entry.summary(item["summary"])
        entry.link(href=_link(item), rel="alternate")  # Atom requires one (there is no content)
    return Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")


def _link(item: dict) -> str:
    """Where an entry points: its country's history; else the source itself; else the record's
    revisions (every change, of every kind of record, has one)."""
    if item["state"]:
        return public_url("countries.history", code=item["state"])
    if item["table"] == "source":
        return public_url("sources.show", id=item["id"])
    return public_url("revisions.show", table=item["table"], id=item["id"])


@bp.get("/api/v1/changes.atom")
def feed():
    args = load_query(FeedQuery())
    return atom(change_items(args["since"]), "Mine Ban Treaty: changes", public_url("changes.feed"))


@bp.get("/api/v1/countries/<code>/changes.atom")
def country_feed(code: str):
    args = load_query(FeedQuery())
    state = queries.get_state(code)
    return atom(change_items(args["since"], state.iso2), f"Mine Ban Treaty: changes for {state.name}",
                public_url("changes.country_feed", code=state.iso2))
