"""What a snapshot is: the records of every table of one dataset version, parsed once from
the version's stored JSON, with each record's sources attached and states' search text added.
api/read/snapshot.py keeps them (per version, per process) and chooses one per request.
"""
from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from api.read.authority import by_authority
from api.rules.names import fold

DATE_FIELDS = {"published", "accessed", "adopted", "opened_for_signature", "entry_into_force",
               "date", "effective", "conflict_ended", "deadline", "exists_from", "exists_until"}


class Record:
    """One record of a snapshot: attributes as in the models, `sources` as Records.
    Records are compared and hashed by identity: a snapshot holds each record once. Each set of
    fields gets its own slotted class, because a snapshot of a large dataset holds hundreds of
    thousands of records and a per-record __dict__ would double its memory (bench/RESULTS.md)."""
    __slots__: tuple[str, ...] = ()

    if TYPE_CHECKING:  # fields are per table and set at load time
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __repr__(self) -> str:
        return f"Record({', '.join(f'{name}={getattr(self, name)!r}' for name in self.__slots__)})"


@functools.cache
def _record_type(fields: tuple[str, ...]) -> type[Record]:
    return type("Record", (Record,), {"__slots__": fields})


class StoredVersion(Protocol):
    """What a snapshot is built from: a DatasetVersion, or a row of its version, loaded_at and snapshot
    (every table, or the records written since `base`'s full snapshot when build() is given `base`)."""
    @property
    def version(self) -> str: ...
    @property
    def loaded_at(self) -> datetime: ...
    @property
    def snapshot(self) -> bytes: ...


T = TypeVar("T")


@dataclass
class Snapshot:
    version: str
    released: datetime
    sources: dict[str, Record]
    treaties: dict[str, Record]
    states: dict[str, Record]            # by alpha-2, in name order
    treaty_actions: list[Record]
    policy_positions: list[Record]
    obligation_events: list[Record]      # Article 4 and 5
    producer_lists: list[Record] = field(default_factory=list)  # monitors' producer lists, oldest first
    size: int = 0  # estimated bytes in memory, measured once at build (SIZE_FACTOR x its JSON)
    memo: dict[Hashable, Any] = field(default_factory=dict)  # derived values, computed once per snapshot

    def once(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked for, the stored value afterwards."""
        if key not in self.memo:
            self.memo[key] = compute()
        value: T = self.memo[key]
        return value


# A built snapshot takes about 1.6x its decompressed JSON (seed_data: 1.05 MB of JSON, 1.73 MB
# allocated by build(), tracemalloc); the derived values in `memo` come on top: count 2x.
SIZE_FACTOR = 2


def _parse(payload: str) -> dict[str, list[Record]]:
    """The version's tables, each JSON object read straight into a Record (no dict per record),
    with equal dates and short strings (codes, kinds, marks) shared between records."""
    days: dict[str, date] = {}
    strings: dict[str, str] = {}

    def value(name: str, raw: Any) -> Any:
        if name in DATE_FIELDS and raw:
            return days.setdefault(raw, date.fromisoformat(raw))
        if type(raw) is str and len(raw) <= 40:
            return strings.setdefault(raw, raw)
        return raw

    def record(pairs: list[tuple[str, Any]]) -> Record | dict[str, Any]:
        if not any(name in ("id", "slug", "iso2") for name, _ in pairs):
            return dict(pairs)  # the top level: table name -> records
        names = tuple(name for name, _ in pairs)
        if "iso3" in names:  # a state: build() adds its folded names, for `q` (not stored)
            names += ("search_text",)
        made = _record_type(names)()
        for name, raw in pairs:
            setattr(made, name, value(name, raw))
        return made

    tables: dict[str, list[Record]] = json.loads(payload, object_pairs_hook=record)
    return tables


# Each table's key: a version's tables list their records in this key's order.
TABLE_KEYS = {"source": "id", "treaty": "slug", "state": "iso2", "treaty_action": "id",
              "policy_position": "id", "obligation_event": "id", "producer_list": "id"}
R = TypeVar("R")


def merged(tables: dict[str, list[R]], written: dict[str, list[R]],
           key_of: Callable[[R, str], str]) -> dict[str, list[R]]:
    """`tables` with the records of `written` added or put in place of those with the same key,
    each table still in key order: the tables of a version stored as its changes since a full
    snapshot (`snapshot_base`). `key_of(record, field)` reads a key from a record."""
    result = dict(tables)
    for table, records in written.items():
        key = TABLE_KEYS[table]
        by_key = {key_of(record, key): record for record in tables.get(table, [])}
        by_key.update((key_of(record, key), record) for record in records)
        result[table] = [by_key[k] for k in sorted(by_key)]
    return result


def _cite(records: list[Record], sources: dict[str, Record]) -> list[Record]:
    for record in records:
        record.sources = by_authority(sources[s] for s in record.sources)
    return records


def _text(stored: bytes) -> str:
    """A stored snapshot's JSON as text (ASCII: json.dumps escapes the rest). Decoded at once so
    that the decompressed bytes are not held beside the text while it is parsed (at 100x: 22 MB)."""
    return zlib.decompress(stored).decode("ascii")


def build(version: StoredVersion, bases: Sequence[bytes] = ()) -> Snapshot:
    """The snapshot of a version (a DatasetVersion, or a row of its version, loaded_at and snapshot).
    `bases`: when its own holds only the records written since its `snapshot_base`, the stored
    snapshots it is read from (database.stored_bases): a full one, then changes, oldest first."""
    payload = _text(version.snapshot)
    size, tables = len(payload), _parse(payload)
    if bases:
        full, *changes = map(_text, bases)
        size += len(full) + sum(map(len, changes))
        written: dict[str, list[Record]] = {}
        for records in [*map(_parse, changes), tables]:  # the few written records first, the full tables once
            written = merged(written, records, getattr)
        tables = merged(_parse(full), written, getattr)
    sources = {r.id: r for r in tables["source"]}
    states = sorted(_cite(tables["state"], sources), key=lambda s: s.name)
    for state in states:
        names = [state.name, state.official_name, state.iso2, state.iso3, *state.aliases]
        state.search_text = "|".join(fold(name) for name in names)
    order = lambda r: (r.date or date.max, r.id) if hasattr(r, "kind") else (r.effective, r.id)
    return Snapshot(
        version=version.version, released=version.loaded_at, sources=sources, size=SIZE_FACTOR * size,
        treaties={r.slug: r for r in _cite(tables["treaty"], sources)},
        states={s.iso2: s for s in states},
        treaty_actions=sorted(_cite(tables["treaty_action"], sources), key=order),
        policy_positions=sorted(_cite(tables["policy_position"], sources), key=order),
        obligation_events=sorted(_cite(tables.get("obligation_event", []), sources), key=order),
        producer_lists=sorted(_cite(tables.get("producer_list", []), sources), key=lambda r: (r.published, r.id)))
