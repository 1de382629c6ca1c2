"""The items of the change feed: what happened in the world (events, dated by when they took
effect) and what changed in the data (recorded in a dataset version), each with a headline in
words; and the arguments that choose among them (`since`, `country`, `type`, `treaty`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from marshmallow import ValidationError, fields, validate

from api.extensions import db
from api.models import DatasetVersion
from api.read import producer_lists, queries
from api.read.snapshot import request_snapshot
from api.rules import feed_sentences as words
from api.rules.status import MINE_BAN_TREATY

TYPES = ("event", "source", "correction")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SINCE_HELP = ("Not a date (YYYY-MM-DD), an RFC 3339 timestamp (2026-01-10T00:00:00Z) or a dataset version "
              "(GET /api/v1/dataset/versions lists them).")


class FeedFilters:
    """Query fields shared by the JSON list and the Atom feeds (validated further in `choose`)."""
    since = fields.String(validate=validate.Length(min=1, max=40))
    country = fields.String(validate=validate.Length(min=1, max=40))
    type = fields.String(validate=validate.Length(min=1, max=20))
    treaty = fields.String(validate=validate.Length(min=1, max=20))


@dataclass(frozen=True)
class Since:
    """From when: a day (events on or after it), a moment (recorded changes at or after it, events
    on or after its day), or a dataset version (only the changes the versions after it recorded)."""
    day: date = date.min
    moment: datetime | None = None
    version: str | None = None


def _invalid(name: str, reason: str) -> ValidationError:
    return ValidationError({name: [reason]})


def parse_since(value: str | None) -> Since:
    if value is None:
        return Since()
    try:
        if DAY.fullmatch(value):
            return Since(day=date.fromisoformat(value))
        if TIMESTAMP.fullmatch(value):
            moment = datetime.fromisoformat(value.replace("z", "Z")).astimezone(UTC).replace(tzinfo=None)
            return Since(day=moment.date(), moment=moment)
    except ValueError:
        raise _invalid("since", SINCE_HELP)
    if value in {row.version for row in _versions()}:
        return Since(version=value)
    raise _invalid("since", SINCE_HELP)


def choose(args: dict, state: str | None = None) -> list[dict]:
    """The items `args` (since, country, type, treaty) ask for, newest first: unknown values are
    400 problems naming their parameter."""
    snapshot = request_snapshot()
    if args.get("country"):
        found = queries.state_by_code(snapshot, args["country"])
        if found is None:
            raise _invalid("country", f"Unknown country {args['country']!r}; use an ISO 3166-1 code: FI, FIN or 246.")
        state = found.iso2
    if args.get("type") and args["type"] not in TYPES:
        raise _invalid("type", f"Unknown type {args['type']!r}; valid: {', '.join(TYPES)}.")
    if args.get("treaty") and args["treaty"] not in snapshot.treaties:
        raise _invalid("treaty", f"Unknown treaty {args['treaty']!r}; valid: {', '.join(sorted(snapshot.treaties))}.")
    items = change_items(parse_since(args.get("since")), state)
    return [i for i in items if args.get("type") in (None, i["type"]) and args.get("treaty") in (None, i["treaty"])]


def _name(iso2: str | None) -> str | None:
    states = request_snapshot().states
    return states[iso2].name if iso2 in states else None


def _treaty_name(slug: str) -> str:
    treaty = request_snapshot().treaties.get(slug)
    return treaty.short_name if treaty is not None else slug


def _event(record, table: str) -> dict:
    name, precision = _name(record.state_iso2) or record.state_iso2, record.date_precision
    if table == "treaty_action":
        day, kind, treaty = max(d for d in (record.date, record.effective) if d), record.kind, record.treaty_slug
        facts = (name, _treaty_name(treaty), kind, record.date, precision, record.effective)
        title, summary = words.action_headline(*facts), words.action_summary(*facts)
    elif table == "obligation_event":
        day, kind, treaty = record.date, record.kind, MINE_BAN_TREATY  # Articles 4 and 5 are its own
        title = words.obligation_headline(name, record.article, kind, day, precision, record.deadline)
        summary = f"{title}."
    else:
        day, kind, treaty = record.effective, record.dimension, None  # a policy is no treaty's act
        title = words.policy_headline(name, kind, record.position, day, precision)
        summary = f"{title}. {record.summary}"
    return {"type": "event", "date": day.isoformat(), "table": table, "id": record.id, "state": record.state_iso2,
            "treaty": treaty, "kind": kind, "title": title, "summary": summary, "recorded_in": None, "fields": None}


def _list_event(listed) -> dict:
    """A producer list, as the event of its report's publication (no state, no treaty)."""
    names = [s.name for s in producer_lists.states_listed(listed)]
    count = listed.stated_count if listed.stated_count is not None else len(names)
    facts = (listed.report, count, listed.published, listed.date_precision)
    return {"type": "event", "date": listed.published.isoformat(), "table": "producer_list", "id": listed.id,
            "state": None, "treaty": None, "kind": "published", "title": words.producer_list_headline(*facts),
            "summary": words.producer_list_summary(*facts, names, listed.complete), "recorded_in": None,
            "fields": None}


def _versions() -> list:
    """Every version up to the selected one, oldest first (the first is the baseline)."""
    def load():
        selected = db.select(DatasetVersion.sequence).where(DatasetVersion.version == request_snapshot().version)
        return db.session.execute(db.select(DatasetVersion.version, DatasetVersion.loaded_at, DatasetVersion.changes)
                                  .where(DatasetVersion.sequence <= selected.scalar_subquery())
                                  .order_by(DatasetVersion.sequence)).all()
    return request_snapshot().once("recorded_changes", load)


def _recorded_changes() -> list[tuple[str, datetime, dict]]:
    """Record-level changes of every version after the first (the first is the baseline), oldest first."""
    return [(row.version, row.loaded_at, change) for row in _versions()[1:] for change in row.changes]


def _recorded(version: str, loaded_at: datetime, change: dict, about: dict) -> dict:
    state, treaty = about.get((change["table"], change["id"]), (None, None))
    source = request_snapshot().sources.get(change["id"]) if change["table"] == "source" else None
    title = words.recorded_headline(change["table"], change["id"], change["change"], version, _name(state),
                                    source.title if source is not None else None, sorted(change.get("fields") or []))
    return {"type": words.change_type(change), "date": loaded_at.date().isoformat(), "table": change["table"],
            "id": change["id"], "state": state, "treaty": treaty, "kind": change["change"], "title": title,
            "summary": f"{title}.", "recorded_in": version, "fields": change.get("fields")}


def change_items(since: Since, state: str | None = None) -> list[dict]:
    """One item per real-world event (an act carries its deposit and effective dates, and, when a
    version after the baseline added it, that version in `recorded_in`), plus one per other
    recorded change (a source added, a correction)."""
    snapshot = request_snapshot()
    events = [_event(a, "treaty_action") for a in snapshot.treaty_actions if a.date] + \
        [_event(p, "policy_position") for p in snapshot.policy_positions] + \
        [_event(o, "obligation_event") for o in snapshot.obligation_events if o.date] + \
        [_list_event(p) for p in snapshot.producer_lists]
    by_record = {(i["table"], i["id"]): i for i in events}
    about = {key: (i["state"], i["treaty"]) for key, i in by_record.items()}
    added_at: dict[tuple[str, str], datetime] = {}
    others = []
    for version, at, change in _recorded_changes():
        event = by_record.get((change["table"], change["id"]))
        if event is not None and change["change"] == "added" and change["kind"] == "event":
            event["recorded_in"], added_at[(change["table"], change["id"])] = version, at  # the same event
        else:
            others.append((version, at, change))
    if since.version is not None:  # only what the versions after it recorded
        versions = [row.version for row in _versions()]
        later = set(versions[versions.index(since.version) + 1:])
        items = [e for e in events if e["recorded_in"] in later] + \
            [_recorded(v, at, c, about) for v, at, c in others if v in later]
    else:
        def recorded_since(at: datetime | None) -> bool:
            return at is not None and (at >= since.moment if since.moment else at.date() >= since.day)
        items = [e for e in events if e["date"] >= since.day.isoformat()
                 or recorded_since(added_at.get((e["table"], e["id"])))] + \
            [_recorded(v, at, c, about) for v, at, c in others if recorded_since(at)]
    chosen = [i for i in items if state in (None, i["state"])]
    return sorted(chosen, key=lambda i: (i["date"], i["id"]), reverse=True)
