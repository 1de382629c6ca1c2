"""Answers for any date, from per-state intervals (issue 19).

A state's status on a date, its cause, its sentence, its sources and the acts dated so far only
change on the days `rules.status.change_days` names. Between two of those days every answer is
the same but for its `as_of`, so each interval's answer is serialised once per version, with a
hole where the day goes; a request is then a binary search and a join. The bytes are exactly
those of the view (`routes/countries.py`) after the response cache has added `dataset_version`
(`answer_bytes`, which the response cache uses too); tests/test_intervals.py compares them day by
day, boundaries included.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from api.read import queries
from api.read.representations import list_item, status_body
from api.read.snapshot import Record, Snapshot
from api.rules.status import MINE_BAN_TREATY, change_days, existence_of, rules_of, to_act

T = TypeVar("T")
HOLE = "\x00"  # a JSON string holding only NUL serialises as "\u0000": nothing else does
HOLE_JSON = '"\\u0000"'


def answer_bytes(document: dict[str, Any], version: str) -> bytes:
    """The bytes of a JSON answer of `version`: `document` and its `dataset_version`, compact,
    in key order, non-ASCII kept (api/middleware/response_cache.py stores exactly these)."""
    return json.dumps({**document, "dataset_version": version}, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Intervals(Generic[T]):
    """`pieces[0]` holds before `starts[0]`, `pieces[i]` from `starts[i - 1]` until `starts[i]`."""
    starts: list[date]
    pieces: list[T]

    def at(self, day: date) -> T:
        return self.pieces[bisect_right(self.starts, day)]


def _days(snapshot: Snapshot, treaty: Record, state: Record) -> list[date]:
    """The first day of each interval: the earliest date, then every change day."""
    actions = queries.memberships(treaty, state, snapshot)[state.iso2].actions
    return [date.min, *change_days([to_act(a) for a in actions], rules_of(treaty), existence_of(state))]


def _intervals(days: list[date], piece: Any) -> Intervals[Any]:
    return Intervals(days[1:], [piece(day) for day in days])


def _split(body: bytes) -> tuple[bytes, bytes] | None:
    """(before, after) the one hole of a serialised answer; None if the data itself holds a NUL."""
    parts = body.split(HOLE_JSON.encode())
    return (parts[0], parts[1]) if len(parts) == 2 else None


def status_intervals(snapshot: Snapshot, treaty: Record, state: Record) -> Intervals[tuple[bytes, bytes] | None]:
    """A state's status answers by interval, each as the bytes before and after its `as_of`."""
    def compute() -> Intervals[tuple[bytes, bytes] | None]:
        membership = queries.memberships(treaty, state, snapshot)[state.iso2]

        def piece(day: date) -> tuple[bytes, bytes] | None:
            return _split(answer_bytes({**status_body(membership, treaty, day), "as_of": HOLE}, snapshot.version))

        return _intervals(_days(snapshot, treaty, state), piece)

    return snapshot.once(("status_intervals", treaty.slug, state.iso2), compute)


def status_answer(snapshot: Snapshot, treaty: Record, state: Record, day: date) -> bytes | None:
    """The body of GET /api/v1/countries/{state}/status?as_of={day} (None: ask the view)."""
    around = status_intervals(snapshot, treaty, state).at(day)
    return None if around is None else b'%s"%s"%s' % (around[0], day.isoformat().encode(), around[1])


@dataclass
class ListPieces:
    """The country list's items by interval: each state's (starts, items), in list order, and
    the joined items of whole intervals of the list (between two days any state's item changes),
    kept up to JOINED_BYTES."""
    starts: list[date]
    states: list[tuple[list[date], list[bytes]]]
    joined: dict[int, bytes]

    def items(self, day: date) -> bytes:
        index = bisect_right(self.starts, day)
        items = self.joined.get(index)
        if items is None:
            items = b",".join([pieces[bisect_right(starts, day)] for starts, pieces in self.states])
            if sum(map(len, self.joined.values())) + len(items) <= JOINED_BYTES:
                self.joined[index] = items
        return items


JOINED_BYTES = 8 * 1024 * 1024  # per treaty and version: the 223 intervals of today's list take 6.5 MB


def list_pieces(snapshot: Snapshot, treaty: Record) -> ListPieces:
    """Every state's item of the country list, by interval, in list order (name order)."""
    def compute() -> ListPieces:
        states = []
        for membership in queries.memberships(treaty, snapshot=snapshot).values():
            def piece(day: date, membership: queries.Membership = membership) -> bytes:
                return json.dumps(list_item(membership, day), ensure_ascii=False, separators=(",", ":")).encode()
            intervals = _intervals(_days(snapshot, treaty, membership.state), piece)
            states.append((intervals.starts, intervals.pieces))
        return ListPieces(sorted({day for starts, _ in states for day in starts}), states, {})

    return snapshot.once(("list_pieces", treaty.slug), compute)


def list_answer(snapshot: Snapshot, treaty: Record, day: date, limit: int, first: str) -> bytes | None:
    """The body of the whole country list on `day` in one page (`limit` at least the number of
    states; `first`: the page's own link), or None when it does not fit one page."""
    pieces = list_pieces(snapshot, treaty)
    if limit < len(pieces.states):
        return None
    envelope = {"treaty": treaty.slug, "as_of": day.isoformat(), "count": len(pieces.states), "limit": limit,
                "links": {"first": first, "prev": None, "next": None}, "items": [HOLE]}
    around = _split(answer_bytes(envelope, snapshot.version))
    return None if around is None else around[0] + pieces.items(day) + around[1]


def warm(snapshot: Snapshot) -> None:
    """Build the intervals the fast path serves, the Mine Ban Treaty's, before a pre-forking
    server forks (workers share them). Not other treaties': the synthetic one of the 100x
    benchmark has ~150 acts per state, and would cost every state ~300 serialised answers."""
    treaty = snapshot.treaties.get(MINE_BAN_TREATY)
    if treaty is None:
        return
    list_pieces(snapshot, treaty)
    for state in snapshot.states.values():
        status_intervals(snapshot, treaty, state)
