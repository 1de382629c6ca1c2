"""Landmine Monitor's producer lists, read from the request's snapshot: which list speaks for a
year, and the states it names. A list stands from its report's publication until the next one."""
from __future__ import annotations

from api.read.snapshot import Record, request_snapshot


def list_for(year: int | None) -> Record | None:
    """The latest list published in or before `year`; with no year, the latest of all."""
    lists = request_snapshot().producer_lists  # oldest first
    known = [p for p in lists if year is None or p.published.year <= year]
    return known[-1] if known else None


def states_listed(listed: Record) -> list[Record]:
    """The states a list names, in name order."""
    states = request_snapshot().states
    return sorted((states[iso2] for iso2 in listed.states), key=lambda state: state.name)
