"""How the export tables' rows are made from a snapshot: its records as they are, or rows derived
with the read queries (statuses, timelines, obligations, the country-year panel, citations)."""
from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from api.read import queries
from api.read.snapshot import Record, Snapshot
from api.rules import status
from api.rules.status import MINE_BAN_TREATY
from api.rules.vocabulary import DIMENSIONS

FIRST_YEAR = 1997  # the treaty was adopted and opened for signature in 1997


def records(attribute: str) -> Callable[[Snapshot, date], Iterator[Record]]:
    def rows(snapshot: Snapshot, day: date) -> Iterator[Record]:
        records: dict[str, Record] | list[Record] = getattr(snapshot, attribute)
        return iter(records.values() if isinstance(records, dict) else records)
    return rows


def memberships(snapshot: Snapshot) -> list[tuple[str, str, list[status.Transition]]]:
    """(treaty, state, transitions) for every treaty and state, in a stable order."""
    def compute() -> list[tuple[str, str, list[status.Transition]]]:
        return [(slug, iso2, membership.timeline) for slug, treaty in sorted(snapshot.treaties.items())
                for iso2, membership in sorted(queries.memberships(treaty, snapshot=snapshot).items())]
    return snapshot.once("export_memberships", compute)


def statuses(snapshot: Snapshot, day: date) -> Iterator[dict[str, Any]]:
    for slug, iso2, timeline in memberships(snapshot):
        now = status.status_on(timeline, day, status.existence_of(snapshot.states[iso2]))
        if now.status == status.NOT_A_STATE:
            continue  # no row for a state on a day it did not exist
        yield {"state": iso2, "treaty": slug, "as_of": day, "status": now.status,
               "since": now.start, "action_id": now.act_id}


def timeline(snapshot: Snapshot, day: date) -> Iterator[dict[str, Any]]:
    for slug, iso2, timeline in memberships(snapshot):
        for step, transition in enumerate(timeline, 1):
            end = timeline[step].start if step < len(timeline) else None
            yield {"state": iso2, "treaty": slug, "step": step, "status": transition.status,
                   "start": transition.start, "end": end, "action_id": transition.act_id}


def policies(snapshot: Snapshot, day: date) -> Iterator[queries.PositionInForce]:
    """Every policy position with what it replaced and when it ended, as the API gives them."""
    def compute() -> list[queries.PositionInForce]:
        by_state: defaultdict[str, list[Record]] = defaultdict(list)
        for position in snapshot.policy_positions:
            by_state[position.state_iso2].append(position)
        context = {entry.position.id: entry for positions in by_state.values()
                   for entry in queries.positions_with_context(positions)}
        return [context[position.id] for position in snapshot.policy_positions]
    return iter(snapshot.once("export_policies", compute))


def obligation_status(snapshot: Snapshot, day: date) -> Iterator[dict[str, Any]]:
    for iso2 in sorted(snapshot.states):
        found = queries.obligations(snapshot.states[iso2], day, snapshot)
        if found is None:
            continue
        for obligation in found.by_article:
            computed = obligation.state
            yield {"state": iso2, "as_of": day, "article": obligation.article,
                   "entry_into_force": found.entry_into_force, "withdrawal_effective": found.withdrawal_effective,
                   "original_deadline": obligation.original_deadline, "deadline": computed.deadline,
                   "status": computed.status, "completed": computed.completed, "decided_by": computed.decided_by,
                   "pending_request": computed.pending_request.id if computed.pending_request else None,
                   "events": len(obligation.events)}


def country_year(snapshot: Snapshot, day: date) -> Iterator[dict[str, Any]]:
    treaty = snapshot.treaties.get(MINE_BAN_TREATY)
    if treaty is None:
        return
    members = queries.memberships(treaty, snapshot=snapshot)
    # Up to the year of `as_of`, but no further than the year after the release: the data knows
    # nothing later, and `as_of=9999-12-31` must not cost 8,000 years of rows.
    for iso2 in sorted(snapshot.states):
        existence = status.existence_of(snapshot.states[iso2])
        for year in range(FIRST_YEAR, min(day.year, snapshot.released.year + 1) + 1):
            on = min(date(year, 12, 31), day)
            if status.status_on([], on, existence).status == status.NOT_A_STATE:
                continue  # the panel starts the year the state came to exist (and ends when it ceased)
            # A year-end row is the same whatever `as_of` asked for it: computed once per version.
            row = snapshot.once(("country_year", iso2, on),
                                functools.partial(_state_on, snapshot, snapshot.states[iso2], members[iso2], on))
            yield {"state": iso2, "year": year, **row}


def _state_on(snapshot: Snapshot, state: Record, membership: queries.Membership, on: date) -> dict[str, Any]:
    """One state's row of the panel for the day `on`: status, consent, obligations, policies."""
    consents = [a.date for a in membership.actions if a.kind in status.CONSENT_KINDS and a.date]
    now = membership.on(on)
    row: dict[str, Any] = {"date": on, "status": now.status, "bound": now.status in status.BOUND_STATUSES,
                           "consented": max((d for d in consents if d <= on), default=None)}
    found = queries.obligations(state, on, snapshot)
    by_article = {o.article: o for o in found.by_article} if found is not None and found.entry_into_force <= on else {}
    for article in status.OBLIGATION_MONTHS:
        obligation = by_article.get(article)
        row[f"art{article}_status"] = obligation and obligation.state.status
        row[f"art{article}_deadline"] = obligation and obligation.state.deadline
    positions = queries.policy_positions(state, snapshot)
    in_force = {e.position.dimension: e.position.position for e in queries.positions_on(positions, on)}
    for dimension in DIMENSIONS:
        row[f"policy_{dimension}"] = in_force.get(dimension)
    return row


def citations(snapshot: Snapshot, day: date) -> Iterator[dict[str, Any]]:
    tables = (("treaties", snapshot.treaties.values(), "slug"), ("states", snapshot.states.values(), "iso2"),
              ("treaty_actions", snapshot.treaty_actions, "id"), ("policy_positions", snapshot.policy_positions, "id"),
              ("obligations", snapshot.obligation_events, "id"))
    for table, records, key in tables:
        for record in records:
            for source in record.sources:
                yield {"table": table, "record_id": getattr(record, key), "source_id": source.id}
