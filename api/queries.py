"""Read queries shared by every view: look-ups, statuses on a date, policy positions.

A fixed number of SQL statements per call, whatever the number of rows.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import selectinload

from . import status
from .extensions import db
from .models import (PolicyPosition, Source, State, Treaty, TreatyAction, action_sources,
                     policy_sources, state_sources, treaty_sources)
from .problems import not_found
from .seed_files import fold, rules_of, to_act


def get_treaty(slug: str) -> Treaty:
    treaty = db.session.scalar(db.select(Treaty).options(selectinload(Treaty.sources))
                               .where(Treaty.slug == slug.lower()))
    if treaty is None:
        slugs = db.session.scalars(db.select(Treaty.slug).order_by(Treaty.slug)).all()
        raise not_found("treaty", slug, valid=slugs)
    return treaty


def all_treaties() -> list[Treaty]:
    return db.session.scalars(db.select(Treaty).options(selectinload(Treaty.sources)).order_by(Treaty.slug)).all()


def get_state(code: str) -> State:
    """A state by ISO alpha-2 or alpha-3 code, any case; 404 with the closest matches."""
    column = State.iso2 if len(code) == 2 else State.iso3
    state = db.session.scalar(db.select(State).options(selectinload(State.sources))
                              .where(column == code.upper()))
    if state is None:
        raise not_found("country", code, closest=closest_states(code))
    return state


def closest_states(text: str, limit: int = 5) -> list[dict]:
    states = db.session.scalars(db.select(State)).all()
    keys = {}
    for state in states:
        for key in [state.iso2, state.iso3, *state.search_text.split("|")]:
            keys.setdefault(fold(key), state)
    matches = difflib.get_close_matches(fold(text), list(keys), n=limit * 3, cutoff=0.5)
    found = list(dict.fromkeys(keys[m] for m in matches))[:limit]
    return [{"iso2": s.iso2, "iso3": s.iso3, "name": s.name} for s in found]


def get_source(source_id: str) -> Source:
    source = db.session.get(Source, source_id)
    if source is None:
        raise not_found("source", source_id)
    return source


@dataclass
class Membership:
    """A state's membership history under one treaty."""
    state: State
    timeline: list[status.Transition]
    actions: list[TreatyAction]

    def on(self, day: date) -> status.Transition:
        return status.status_on(self.timeline, day)

    def action(self, action_id: str | None) -> TreatyAction | None:
        return next((a for a in self.actions if a.id == action_id), None)

    def disputes(self, day: date) -> list[TreatyAction]:
        return [a for a in self.actions if a.dispute and a.date is not None and a.date <= day]

    def undated(self) -> list[TreatyAction]:
        return [a for a in self.actions if a.date is None]


def memberships(treaty: Treaty, state: State | None = None) -> dict[str, Membership]:
    """Every state's membership under `treaty` (or one state's), in two statements."""
    states_query = db.select(State).order_by(State.name)
    actions_query = (db.select(TreatyAction).options(selectinload(TreatyAction.sources))
                     .where(TreatyAction.treaty_slug == treaty.slug)
                     .order_by(TreatyAction.date, TreatyAction.id))
    if state is not None:
        states, actions_query = [state], actions_query.where(TreatyAction.state_iso2 == state.iso2)
    else:
        states = db.session.scalars(states_query).all()
    by_state: dict[str, list[TreatyAction]] = {s.iso2: [] for s in states}
    for action in db.session.scalars(actions_query):
        by_state[action.state_iso2].append(action)
    rules = rules_of(treaty)
    return {s.iso2: Membership(s, status.transitions([to_act(a) for a in by_state[s.iso2]], rules),
                               by_state[s.iso2]) for s in states}


def parties_timeline(treaty: Treaty) -> list[dict]:
    """The number of states parties after each change of any state's status."""
    changes: dict[date, list[dict]] = {}
    for membership in memberships(treaty).values():
        previous = status.NOT_SIGNATORY
        for transition in membership.timeline:
            was, now = previous in status.BOUND_STATUSES, transition.status in status.BOUND_STATUSES
            if was != now:
                changes.setdefault(transition.start, []).append(
                    {"iso2": membership.state.iso2, "name": membership.state.name,
                     "status": transition.status, "action_id": transition.act_id, "delta": 1 if now else -1})
            previous = transition.status
    points, count = [], 0
    for day in sorted(changes):
        count += sum(change["delta"] for change in changes[day])
        points.append({"date": day, "states_parties": count, "changes": changes[day]})
    return points


def policy_positions(state: State) -> list[PolicyPosition]:
    query = (db.select(PolicyPosition).options(selectinload(PolicyPosition.sources))
             .where(PolicyPosition.state_iso2 == state.iso2)
             .order_by(PolicyPosition.effective, PolicyPosition.id))
    return db.session.scalars(query).all()


@dataclass
class PositionInForce:
    """A policy position with what it replaced and when (as known today) it ended."""
    position: PolicyPosition
    replaces: PolicyPosition | None
    ended: date | None


def positions_with_context(positions: list[PolicyPosition]) -> list[PositionInForce]:
    result, last_by_dimension = [], {}
    for position in positions:
        previous = last_by_dimension.get(position.dimension)
        if previous is not None:
            previous.ended = position.effective
        entry = PositionInForce(position, previous.position if previous else None, None)
        last_by_dimension[position.dimension] = entry
        result.append(entry)
    return result


def positions_on(positions: list[PolicyPosition], day: date, dimension: str | None = None) -> list[PositionInForce]:
    """The position in force on `day` for each dimension (or the one asked for)."""
    in_force = {}
    for entry in positions_with_context(positions):
        if entry.position.effective <= day and dimension in (None, entry.position.dimension):
            in_force[entry.position.dimension] = entry
    return sorted(in_force.values(), key=lambda e: e.position.dimension)


def citing_records(source: Source) -> list[dict]:
    """Every record that cites `source`, as {type, id}."""
    tables = {"treaty": treaty_sources, "state": state_sources,
              "treaty_action": action_sources, "policy_position": policy_sources}
    query = db.union_all(*(db.select(db.literal(name).label("type"), table.c.record_id)
                           .where(table.c.source_id == source.id) for name, table in tables.items()))
    return [{"type": kind, "id": record_id} for kind, record_id in db.session.execute(query.order_by("type", "record_id"))]
