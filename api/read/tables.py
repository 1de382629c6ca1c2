"""The downloadable tables: a snapshot as rows, with one column definition per field.

Pure: a snapshot (and, for statuses, a date) in, plain rows out. The same column
definitions drive CSV, JSON, NDJSON, Parquet and the Frictionless table schemas, so the
formats cannot drift apart. Values are Python values: str, int, bool, date, a list of
strings, or None for unknown.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from api.read import queries
from api.read.snapshot import Snapshot
from api.rules import status


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, boolean, date or list (of strings)
    description: str
    get: Callable = None  # record -> value; default: the attribute of the same name
    required: bool = False
    enum: tuple = ()

    def value(self, record):
        return self.get(record) if self.get else getattr(record, self.name)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[Snapshot, date], Iterator[tuple]]
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (table, column)
    dated: bool = False  # rows depend on the date asked for (`as_of`)

    def count(self, snapshot: Snapshot, day: date) -> int:
        return sum(1 for _ in self.rows(snapshot, day))


def _source_ids(record) -> list[str]:
    return [source.id for source in record.sources]


def need(name, type_, description, **kwargs) -> Column:
    """A column that is never empty."""
    return Column(name, type_, description, required=True, **kwargs)


def _key(name, description) -> Column:
    return need(name, "string", description)


CONFIDENCE = Column("confidence", "string", "confirmed_primary, confirmed_secondary or single_source.",
                    required=True, enum=("confirmed_primary", "confirmed_secondary", "single_source"))
SOURCES = Column("sources", "list", "Ids of the sources (table `sources`) this row rests on, `;`-joined.",
                 get=_source_ids)
PRECISION = Column("date_precision", "string", "day, month or year: how precise the date is.",
                   required=True, enum=("day", "month", "year"))
STATE_FK = ("states", "iso2")
TREATY_FK = ("treaties", "slug")


def _records(attribute: str) -> Callable:
    def rows(snapshot: Snapshot, day: date):
        records = getattr(snapshot, attribute)
        return iter(records.values() if isinstance(records, dict) else records)
    return rows


def _memberships(snapshot: Snapshot) -> list[tuple[str, str, list[status.Transition]]]:
    """(treaty, state, transitions) for every treaty and state, in a stable order."""
    def compute():
        return [(slug, iso2, membership.timeline) for slug, treaty in sorted(snapshot.treaties.items())
                for iso2, membership in sorted(queries.memberships(treaty, snapshot=snapshot).items())]
    return snapshot.once("export_memberships", compute)


def _statuses(snapshot: Snapshot, day: date):
    for slug, iso2, timeline in _memberships(snapshot):
        now = status.status_on(timeline, day)
        yield {"state": iso2, "treaty": slug, "as_of": day, "status": now.status,
               "since": now.start, "action_id": now.act_id}


def _timeline(snapshot: Snapshot, day: date):
    for slug, iso2, timeline in _memberships(snapshot):
        for step, transition in enumerate(timeline, 1):
            end = timeline[step].start if step < len(timeline) else None
            yield {"state": iso2, "treaty": slug, "step": step, "status": transition.status,
                   "start": transition.start, "end": end, "action_id": transition.act_id}


def _citations(snapshot: Snapshot, day: date):
    tables = (("treaties", snapshot.treaties.values(), "slug"), ("states", snapshot.states.values(), "iso2"),
              ("treaty_actions", snapshot.actions, "id"), ("policy_positions", snapshot.policies, "id"),
              ("obligations", snapshot.obligations, "id"))
    for table, records, key in tables:
        for record in records:
            for source in record.sources:
                yield {"table": table, "record_id": getattr(record, key), "source_id": source.id}


def _item(name):
    return lambda row: row[name]


def _derived(*columns: Column) -> tuple[Column, ...]:
    """Columns of a derived table, whose rows are dicts."""
    return tuple(Column(c.name, c.type, c.description, _item(c.name), c.required, c.enum) for c in columns)


STATUS = Column("status", "string", "The legal status derived by Articles 17 and 20.", required=True,
                enum=status.STATUSES)
TABLES = {table.name: table for table in (
    Table("sources", "Every source a fact rests on.", (
        _key("id", "Source id."), need("url", "string", "Where to read it."),
        need("title", "string", "Title."), need("publisher", "string", "Publisher."),
        Column("published", "date", "Publication date; empty when unknown."),
        need("accessed", "date", "When it was read.")),
        ("id",), _records("sources")),
    Table("treaties", "The treaties covered.", (
        _key("slug", "Treaty id."), need("name", "string", "Full name."),
        need("short_name", "string", "Short name."), Column("aliases", "list", "Other names, `;`-joined."),
        need("adopted", "date", "Adoption date."), need("adopted_at", "string", "Place of adoption."),
        need("opened_for_signature", "date", "Opened for signature."),
        need("entry_into_force", "date", "Entry into force."),
        need("consent_delay_months", "integer", "Months from consent to entry into force (Art. 17)."),
        need("withdrawal_delay_months", "integer", "Months from withdrawal to effect (Art. 20)."),
        need("depositary", "string", "Depositary."),
        Column("untc_reference", "string", "UN Treaty Collection reference."), CONFIDENCE, SOURCES),
        ("slug",), _records("treaties")),
    Table("states", "Every state, by ISO 3166-1 code.", (
        _key("iso2", "ISO 3166-1 alpha-2."), need("iso3", "string", "ISO 3166-1 alpha-3."),
        need("numeric", "string", "ISO 3166-1 numeric (three digits, kept as text)."),
        need("name", "string", "Short name."), need("official_name", "string", "Official name."),
        Column("aliases", "list", "Other names, `;`-joined."), need("region", "string", "UN M49 region."),
        need("subregion", "string", "UN M49 subregion."),
        Column("intermediate_region", "string", "UN M49 intermediate region."),
        need("un_member", "boolean", "UN member state."), CONFIDENCE, SOURCES),
        ("iso2",), _records("states")),
    Table("treaty_actions", "Signatures, consents, withdrawals and declarations, as deposited.", (
        _key("id", "Action id."), Column("state", "string", "State (alpha-2).", lambda r: r.state_iso2, True),
        Column("treaty", "string", "Treaty slug.", lambda r: r.treaty_slug, True),
        need("kind", "string", "What was deposited.", enum=status.ACTION_KINDS),
        Column("date", "date", "Date of deposit; empty when unknown (see notes)."), PRECISION,
        Column("effective", "date", "When it took or takes effect."),
        Column("depositary_ref", "string", "Depositary notification reference."),
        need("armed_conflict_hold", "boolean", "Withdrawal held by Article 20(3)."),
        Column("conflict_ended", "date", "End of the armed conflict that held the withdrawal."),
        Column("dispute", "string", "A dispute about the act, in words."), Column("notes", "string", "Notes."),
        CONFIDENCE, SOURCES),
        ("id",), _records("actions"), {"state": STATE_FK, "treaty": TREATY_FK}),
    Table("policy_positions", "National anti-personnel mine policies, one row per change.", (
        _key("id", "Position id."), Column("state", "string", "State (alpha-2).", lambda r: r.state_iso2, True),
        need("dimension", "string", "What the position is about."),
        need("position", "string", "The position."), Column("restriction", "string", "Restrictions."),
        need("summary", "string", "Summary."), need("effective", "date", "In force from."),
        PRECISION, Column("announced_by", "string", "Who announced it."), Column("quote", "string", "Quote."),
        Column("notes", "string", "Notes."), CONFIDENCE, SOURCES),
        ("id",), _records("policies"), {"state": STATE_FK}),
    Table("obligations", "Facts about Article 4 (stockpile destruction) and 5 (mine clearance) obligations.", (
        _key("id", "Obligation event id."), Column("state", "string", "State (alpha-2).", lambda r: r.state_iso2, True),
        need("article", "integer", "4: destroy stockpiles within 4 years of entry into force; 5: clear mined "
                                   "areas within 10 years (extensible).", enum=tuple(status.OBLIGATION_MONTHS)),
        need("kind", "string", "What the source says happened.", enum=status.OBLIGATION_KINDS),
        Column("date", "date", "Date of the event; empty when unknown (see notes)."), PRECISION,
        Column("deadline", "date", "extension_granted only: the new Article 5 deadline."),
        Column("quote", "string", "Exact words from a cited source."), Column("notes", "string", "Notes."),
        CONFIDENCE, SOURCES),
        ("id",), _records("obligations"), {"state": STATE_FK}),
    Table("statuses", "Status of every state under every treaty on `as_of` (default today).", _derived(
        _key("state", "State (alpha-2)."), _key("treaty", "Treaty slug."),
        need("as_of", "date", "The date the status is for."), STATUS,
        Column("since", "date", "Status in force since; empty for never a signatory."),
        Column("action_id", "string", "The treaty action that caused it.")),
        ("state", "treaty"), _statuses, {"state": STATE_FK, "treaty": TREATY_FK, "action_id": ("treaty_actions", "id")},
        dated=True),
    Table("membership_timeline", "Every change of status of every state under every treaty.", _derived(
        _key("state", "State (alpha-2)."), _key("treaty", "Treaty slug."),
        need("step", "integer", "1 for the state's first change under the treaty, then 2, 3..."),
        STATUS, need("start", "date", "In force from."),
        Column("end", "date", "Replaced on; empty while in force."),
        Column("action_id", "string", "The treaty action that caused it.")),
        ("state", "treaty", "step"), _timeline,
        {"state": STATE_FK, "treaty": TREATY_FK, "action_id": ("treaty_actions", "id")}),
    Table("citations", "Which source each record cites: one row per record and source.", _derived(
        _key("table", "The record's table."), _key("record_id", "The record's id in that table."),
        _key("source_id", "Source id (table `sources`).")),
        ("table", "record_id", "source_id"), _citations, {"source_id": ("sources", "id")}),
)}


def rows(table: Table, snapshot: Snapshot, day: date) -> Iterator[list]:
    """The table's rows as lists of values, in column order."""
    for record in table.rows(snapshot, day):
        yield [column.value(record) for column in table.columns]
