"""What a resource says, shared by the JSON API and the pages: *Out schemas for records, and the
bodies built from the read model (a status with its cause and sources, a country list item)."""
from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields

from api.read import queries, search
from api.read.snapshot import Record
from api.rules.names import un_names
from api.rules.sentences import status_sentence, undated_note


class SourceOut(Schema):
    id = fields.String()
    url = fields.String()
    title = fields.String()
    publisher = fields.String()
    published = fields.Date(allow_none=True)
    accessed = fields.Date()


class CitedOut(Schema):
    confidence = fields.String()
    sources = fields.List(fields.Nested(SourceOut))


class TreatyActionOut(CitedOut):
    id = fields.String()
    state = fields.String(attribute="state_iso2")
    treaty = fields.String(attribute="treaty_slug")
    kind = fields.String()
    date = fields.Date(allow_none=True)
    date_precision = fields.String()
    effective = fields.Date(allow_none=True)
    depositary_ref = fields.String(allow_none=True)
    armed_conflict_hold = fields.Boolean()
    conflict_ended = fields.Date(allow_none=True)
    dispute = fields.String(allow_none=True)
    quote = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class PolicyPositionOut(CitedOut):
    id = fields.String()
    state = fields.String(attribute="state_iso2")
    dimension = fields.String()
    position = fields.String()
    restriction = fields.String(allow_none=True)
    summary = fields.String()
    effective = fields.Date()
    date_precision = fields.String()
    announced_by = fields.String(allow_none=True)
    quote = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class PositionInForceOut(PolicyPositionOut):
    """A position in force: the position, what it replaced, and when (as known today) it ended."""
    replaces = fields.Function(lambda e: e.replaces and {"id": e.replaces.id, "position": e.replaces.position,
                                                          "effective": e.replaces.effective.isoformat(),
                                                          "date_precision": e.replaces.date_precision})
    ended = fields.Date(allow_none=True)
    ended_precision = fields.String(allow_none=True)

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        source = obj if attr in ("replaces", "ended", "ended_precision") else obj.position
        return super().get_attribute(source, attr, default)


class ObligationEventOut(CitedOut):
    id = fields.String()
    state = fields.String(attribute="state_iso2")
    article = fields.Integer()
    kind = fields.String()
    date = fields.Date(allow_none=True)
    date_precision = fields.String()
    deadline = fields.Date(allow_none=True)
    quote = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class ProducerListOut(CitedOut):
    """One report's list of states it considers producers or potential producers of anti-personnel mines."""
    id = fields.String()
    report = fields.String()
    published = fields.Date()
    date_precision = fields.String()
    stated_count = fields.Integer(allow_none=True)
    complete = fields.Boolean()
    quote = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class ObligationOut(Schema):
    """One article's obligation on a date: deadlines, status, completion and the events known."""
    article = fields.Integer()
    original_deadline = fields.Date()
    deadline = fields.Date(allow_none=True)
    status = fields.String()
    completed = fields.Date(allow_none=True)
    decided_by = fields.String(allow_none=True)
    pending_request = fields.Method("_pending_request")
    events = fields.List(fields.Nested(ObligationEventOut))

    @staticmethod
    def _pending_request(obj: Any) -> dict[str, Any] | None:
        """The extension request not yet decided on the day (Article 5), as the event that states it."""
        pending = obj.state.pending_request
        if pending is None:
            return None
        event = next(e for e in obj.events if e.id == pending.id)
        return {"id": event.id, "date": event.date.isoformat(), "date_precision": event.date_precision,
                "requested_deadline": event.deadline and event.deadline.isoformat()}

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        source = obj.state if attr in ("deadline", "status", "completed", "decided_by") else obj
        return super().get_attribute(source, attr, default)


class StateOut(CitedOut):
    iso2 = fields.String()
    iso3 = fields.String()
    numeric = fields.String()
    # null when the crosswalk gives none, and in versions published before the codes were added
    cow_code = fields.Integer(allow_none=True, dump_default=None)
    gw_code = fields.Integer(allow_none=True, dump_default=None)
    name = fields.String()
    official_name = fields.String()
    names = fields.Function(lambda state: un_names(state.iso2))
    aliases = fields.List(fields.String())
    region = fields.String()
    subregion = fields.String()
    intermediate_region = fields.String(allow_none=True)
    un_member = fields.Boolean()
    exists_from = fields.Date(allow_none=True)
    exists_until = fields.Date(allow_none=True)


class TreatyOut(CitedOut):
    slug = fields.String()
    name = fields.String()
    short_name = fields.String()
    aliases = fields.List(fields.String())
    adopted = fields.Date()
    adopted_at = fields.String()
    opened_for_signature = fields.Date()
    entry_into_force = fields.Date()
    depositary = fields.String()
    untc_reference = fields.String(allow_none=True)


action_out, source_out, actions_out = TreatyActionOut(), SourceOut(many=True), TreatyActionOut(many=True)


def status_body(membership: queries.Membership, treaty: Record, day: date) -> dict[str, Any]:
    """The status of one state under one treaty on `day`, with its cause and sources."""
    current = membership.on(day)
    action = membership.action(current.act_id)
    state = membership.state
    return {
        "country": {"iso2": state.iso2, "iso3": state.iso3, "name": state.name},
        "treaty": treaty.slug, "as_of": day.isoformat(), "status": current.status,
        "since": current.start.isoformat() if current.start else None,
        "caused_by": action_out.dump(action) if action else None,
        "summary": status_sentence(state.name, treaty.short_name, current, membership.timeline,
                                   action.kind if action else None, action.date if action else None,
                                   {a.id: a.date_precision for a in membership.actions})
        + undated_note([a.kind for a in membership.undated()]),
        "sources": source_out.dump(action.sources if action else treaty.sources),
        # An act of unknown date may have changed the status: never more than one source's word.
        "confidence": "single_source" if membership.undated() else action.confidence if action else treaty.confidence,
        "disputes": actions_out.dump(membership.disputes(day)),
        "undated_actions": actions_out.dump(membership.undated()),
    }


def list_item(membership: queries.Membership, day: date) -> dict[str, Any]:
    state, current = membership.state, membership.on(day)
    return {"iso2": state.iso2, "iso3": state.iso3, "name": state.name, "region": state.region,
            "subregion": state.subregion, "status": current.status,
            "status_since": current.start.isoformat() if current.start else None}


def matches(membership: queries.Membership, args: dict[str, Any]) -> bool:
    state = membership.state
    return (args.get("region") in (None, state.region)
            and ("q" not in args or search.search_rank(state, args["q"]) is not None)
            and args.get("status") in (None, membership.on(args["as_of"]).status))
