"""Read queries shared by every view and page, answered from the request's snapshot.

Derived values (memberships, timelines) are computed once per dataset version.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from api.problems import not_found
from api.read.snapshot import Record, Snapshot, request_snapshot
from api.rules import status
from api.rules.names import fold
from api.rules.status import MINE_BAN_TREATY, rules_of, to_act


def all_treaties() -> list[Record]:
    return list(request_snapshot().treaties.values())


def get_treaty(slug: str) -> Record:
    treaties = request_snapshot().treaties
    if slug.lower() not in treaties:
        raise not_found("treaty", slug, valid=sorted(treaties))
    return treaties[slug.lower()]


def all_states() -> list[Record]:
    return list(request_snapshot().states.values())


def state_by_code(snapshot: Snapshot, code: str) -> Record | None:
    """A state by ISO 3166-1 alpha-2, alpha-3 (any case) or numeric code ("4" is "004", as in search)."""
    by_code = snapshot.once("states_by_code", lambda: {
        **{s.iso2: s for s in snapshot.states.values()}, **{s.iso3: s for s in snapshot.states.values()},
        **{s.numeric: s for s in snapshot.states.values() if s.numeric}})
    numeric = code.isascii() and code.isdigit() and len(code) <= 3
    return by_code.get(code.zfill(3) if numeric else code.upper())


def get_state(code: str) -> Record:
    """A state by ISO 3166-1 alpha-2, alpha-3 (any case) or numeric code; 404 with the closest matches."""
    state = state_by_code(request_snapshot(), code)
    if state is None:
        raise not_found("country", code, closest=closest_states(code))
    return state


def closest_states(text: str, limit: int = 5) -> list[dict[str, str]]:
    def names() -> dict[str, Record]:
        keys: dict[str, Record] = {}
        for state in all_states():
            for key in [state.iso2, state.iso3, *state.search_text.split("|")]:
                keys.setdefault(fold(key), state)
        return keys

    keys = request_snapshot().once("states_by_folded_name", names)
    matches = difflib.get_close_matches(fold(text), list(keys), n=limit * 3, cutoff=0.5)
    found = list(dict.fromkeys(keys[m] for m in matches))[:limit]
    return [{"iso2": s.iso2, "iso3": s.iso3, "name": s.name} for s in found]


def get_source(source_id: str) -> Record:
    source = request_snapshot().sources.get(source_id)
    if source is None:
        raise not_found("source", source_id)
    return source


def citing_records(source: Record) -> list[dict[str, str]]:
    """Every record that cites `source`, as {type, id}."""
    snapshot = request_snapshot()

    def index() -> dict[str, list[dict[str, str]]]:
        cited: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
        tables = {"treaty": snapshot.treaties.values(), "state": snapshot.states.values(),
                  "treaty_action": snapshot.treaty_actions, "policy_position": snapshot.policy_positions,
                  "obligation_event": snapshot.obligation_events, "producer_list": snapshot.producer_lists}
        for kind, records in tables.items():
            for record in records:
                for cited_source in record.sources:
                    cited[cited_source.id].append({"type": kind, "id": getattr(record, "id", None)
                                                   or getattr(record, "slug", None) or record.iso2})
        return {k: sorted(v, key=lambda c: (c["type"], c["id"])) for k, v in cited.items()}

    return snapshot.once("citations", index).get(source.id, [])


@dataclass
class Membership:
    """A state's membership history under one treaty."""
    state: Record
    timeline: list[status.Transition]
    actions: list[Record]

    def on(self, day: date) -> status.Transition:
        return status.status_on(self.timeline, day, status.existence_of(self.state))

    def action(self, action_id: str | None) -> Record | None:
        return next((a for a in self.actions if a.id == action_id), None)

    def disputes(self, day: date) -> list[Record]:
        return [a for a in self.actions if a.dispute and a.date is not None and a.date <= day]

    def undated(self) -> list[Record]:
        return [a for a in self.actions if a.date is None]


def memberships(treaty: Record, state: Record | None = None,
                snapshot: Snapshot | None = None) -> dict[str, Membership]:
    """Every state's membership under `treaty` (or only `state`'s), by alpha-2 code, in the
    request's snapshot (or the one given)."""
    snapshot = snapshot or request_snapshot()

    def compute() -> dict[str, Membership]:
        by_state: defaultdict[str, list[Record]] = defaultdict(list)
        for action in snapshot.treaty_actions:
            if action.treaty_slug == treaty.slug:
                by_state[action.state_iso2].append(action)
        rules = rules_of(treaty)
        return {iso2: Membership(s, status.transitions([to_act(a) for a in by_state[iso2]], rules), by_state[iso2])
                for iso2, s in snapshot.states.items()}

    everyone = snapshot.once(("memberships", treaty.slug), compute)
    return everyone if state is None else {state.iso2: everyone[state.iso2]}


@dataclass(frozen=True)
class StatusChange:
    """A state whose status on `end` differs from its status on `start`."""
    state: Record
    before: str
    after: str
    since: date | None

    @property
    def group(self) -> str:
        """joined (bound now, not before), left (the reverse) or changed."""
        was, now = self.before in status.BOUND_STATUSES, self.after in status.BOUND_STATUSES
        return "joined" if now and not was else "left" if was and not now else "changed"


def status_changes(treaty: Record, start: date, end: date) -> dict[str, list[StatusChange]]:
    """Who joined, who left, and whose status otherwise changed between two dates."""
    groups: dict[str, list[StatusChange]] = {"joined": [], "left": [], "changed": []}
    for membership in memberships(treaty).values():
        before, after = membership.on(start), membership.on(end)
        if before.status != after.status:
            change = StatusChange(membership.state, before.status, after.status, after.start)
            groups[change.group].append(change)
    return groups


def parties_timeline(treaty: Record) -> list[dict[str, Any]]:
    """The number of states parties after each change of any state's status."""
    return request_snapshot().once(("parties_timeline", treaty.slug), lambda: _parties_timeline(treaty))


def _parties_timeline(treaty: Record) -> list[dict[str, Any]]:
    changes: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for membership in memberships(treaty).values():
        previous = status.NOT_SIGNATORY
        for transition in membership.timeline:
            was, now = previous in status.BOUND_STATUSES, transition.status in status.BOUND_STATUSES
            if was != now:
                assert transition.start is not None  # every transition of a timeline starts on a day
                changes[transition.start].append(
                    {"iso2": membership.state.iso2, "name": membership.state.name,
                     "status": transition.status, "action_id": transition.act_id, "delta": 1 if now else -1})
            previous = transition.status
    points: list[dict[str, Any]] = []
    count = 0
    for day in sorted(changes):
        count += sum(change["delta"] for change in changes[day])
        points.append({"date": day, "states_parties": count, "changes": changes[day]})
    return points


def _of_state(table: str, state: Record, snapshot: Snapshot | None = None) -> list[Record]:
    """The state's records of one snapshot table (policy_positions, obligation_events), grouped once
    per version."""
    snapshot = snapshot or request_snapshot()

    def by_state() -> dict[str, list[Record]]:
        grouped: defaultdict[str, list[Record]] = defaultdict(list)
        for record in getattr(snapshot, table):
            grouped[record.state_iso2].append(record)
        return grouped

    return snapshot.once(f"{table}_by_state", by_state).get(state.iso2, [])


def policy_positions(state: Record, snapshot: Snapshot | None = None) -> list[Record]:
    return _of_state("policy_positions", state, snapshot)


@dataclass
class PositionInForce:
    """A policy position with what it replaced and when (as known today) it ended, as precisely
    as the data knows: `ended_precision` is the date_precision of the position that replaced it."""
    position: Record
    replaces: Record | None
    ended: date | None
    ended_precision: str | None = None


def positions_with_context(positions: list[Record]) -> list[PositionInForce]:
    result: list[PositionInForce] = []
    last_by_dimension: dict[str, PositionInForce] = {}
    for position in positions:
        previous = last_by_dimension.get(position.dimension)
        if previous is not None:
            previous.ended, previous.ended_precision = position.effective, position.date_precision
        entry = PositionInForce(position, previous.position if previous else None, None)
        last_by_dimension[position.dimension] = entry
        result.append(entry)
    return result


def positions_on(positions: list[Record], day: date, dimension: str | None = None) -> list[PositionInForce]:
    """The position in force on `day` for each dimension (or the one asked for)."""
    in_force = {}
    for entry in positions_with_context(positions):
        if entry.position.effective <= day and dimension in (None, entry.position.dimension):
            in_force[entry.position.dimension] = entry
    return sorted(in_force.values(), key=lambda e: e.position.dimension)


def obligation_events(state: Record, snapshot: Snapshot | None = None) -> list[Record]:
    """The state's Article 4 and 5 obligation events, in date order (undated last)."""
    return _of_state("obligation_events", state, snapshot)


@dataclass
class Obligation:
    """One article's obligation on a date: its computed state and the events known by then."""
    article: int
    original_deadline: date
    state: status.ObligationState
    events: list[Record]


@dataclass
class Obligations:
    """A state's Article 4 and 5 obligations on a date; after a withdrawal took effect, as they
    stood on the last day they bound the state."""
    entry_into_force: date
    withdrawal_effective: date | None
    by_article: list[Obligation]


def obligations(state: Record, day: date, snapshot: Snapshot | None = None) -> Obligations | None:
    """None for a state the treaty with Articles 4 and 5 never entered into force for."""
    snapshot = snapshot or request_snapshot()
    membership = memberships(snapshot.treaties[MINE_BAN_TREATY], state, snapshot)[state.iso2]
    in_force = next((t.start for t in membership.timeline if t.status == status.STATE_PARTY), None)
    if in_force is None:
        return None
    on_day = membership.on(day)
    withdrawn = on_day.start if on_day.status == status.WITHDRAWN else None
    last_day = withdrawn - timedelta(days=1) if withdrawn else day
    return Obligations(in_force, withdrawn, _obligations_on(state, in_force, last_day, snapshot))


def _obligations_on(state: Record, in_force: date, day: date, snapshot: Snapshot) -> list[Obligation]:
    """Article 4's and Article 5's obligation on `day`, for a state bound since `in_force`."""
    result = []
    for article in status.OBLIGATION_MONTHS:
        known = [e for e in obligation_events(state, snapshot)
                 if e.article == article and (e.date is None or e.date <= day)]
        original = status.original_deadline(in_force, article)
        computed = status.obligation_on(original, [status.ObligationFact(e.id, e.kind, e.date, e.deadline)
                                                   for e in known], day)
        result.append(Obligation(article, original, computed, known))
    return result


@dataclass(frozen=True)
class HistoryEvent:
    """One entry of a state's history: a treaty action, a policy position (with its context) or
    an obligation event."""
    type: str
    date: date | None
    record: Any


def history(state: Record) -> list[HistoryEvent]:
    """Everything recorded about a state, in date order, undated last."""
    events = [HistoryEvent("treaty_action", a.date, a)
              for t in all_treaties() for a in memberships(t, state)[state.iso2].actions]
    events += [HistoryEvent("policy_position", e.position.effective, e)
               for e in positions_with_context(policy_positions(state))]
    events += [HistoryEvent("obligation_event", e.date, e) for e in obligation_events(state)]
    return sorted(events, key=lambda e: (e.date is None, e.date or date.max))

