"""The downloadable tables: a snapshot as rows, with one column definition per field.

Pure: a snapshot (and, for dated tables, a date) in, plain rows out. The same column
definitions drive CSV, JSON, NDJSON, Parquet, the Frictionless table schemas and the
codebook, so they cannot drift apart. Values are Python values: str, int, bool, date, a list
of strings, or None for unknown.

Every table about states carries the state's `iso3` (the join key), `iso2`, `numeric` (text),
`name`, `cow_code` and `gw_code` (api.read.columns): `iso3` survives every reader's defaults,
while Namibia's alpha-2 code "NA" is read as missing by pandas and R, and numeric codes lose
their leading zeros when read as numbers.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from api.read import derived_rows
from api.read.columns import (
    ISO2_TEXT,
    ISO3_TEXT,
    NUMERIC_TEXT,
    Column,
    Getter,
    Table,
    key,
    need,
    state_codes,
    state_keys,
)
from api.read.derived_rows import FIRST_YEAR
from api.read.snapshot import Record, Snapshot
from api.rules import status
from api.rules.vocabulary import CONFIDENCE as CONFIDENCE_CODES
from api.rules.vocabulary import DIMENSIONS, POSITIONS
from api.rules.vocabulary import PRECISION as PRECISION_CODES

__all__ = ["EXPORT_TABLES", "OBLIGATION_STATUS_TEXT", "Column", "Table", "rows"]


def _source_ids(record: Record) -> list[str]:
    return [source.id for source in record.sources]


def _state_iso2(record: Record) -> str:
    iso2: str = record.state_iso2
    return iso2


CONFIDENCE = Column("confidence", "string", "How well the row is sourced: confirmed_primary (read in a primary "
                    "source), confirmed_secondary (a reputable secondary source, none contradicting) or "
                    "single_source (one source of lesser standing, or sources disagree; see notes).",
                    required=True, enum=CONFIDENCE_CODES)
SOURCES = Column("sources", "list", "Ids of the sources (table `sources`) this row rests on, `;`-joined, by "
                 "authority: UN and governments, Convention bodies, monitors, press, others.",
                 get=_source_ids)
PRECISION = Column("date_precision", "string", "day, month or year: how precise the date is. A month-only "
                   "date is the first day of the month, a year-only date the first of January.",
                   required=True, enum=PRECISION_CODES)
STATE_FK = ("states", "iso3")
TREATY_FK = ("treaties", "slug")


def _item(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda row: row[name]


def _derived(*columns: Column) -> tuple[Column, ...]:
    """Columns of a derived table, whose rows are dicts."""
    return tuple(dataclasses.replace(c, get=c.get or _item(c.name), derived=True) for c in columns)


def _of_position(column: Column) -> Column:
    """A policy position's column, read from a PositionInForce (position, replaces, ended)."""
    name = column.name
    read: Getter = column.get or (lambda record: getattr(record, name))
    return dataclasses.replace(column, get=lambda entry: read(entry.position))


STATUS = Column("status", "string", "The legal status derived by Articles 17 and 20 (see the codebook).",
                required=True, enum=status.STATUSES)
EXISTENCE = (Column("exists_from", "date", "First day as a state (Gleditsch-Ward list); before it the state is "
                     "`not_a_state` and in no count.", missing="Treated as existing throughout (seed_data/README.md)."),
             Column("exists_until", "date", "Last day as a state.", missing="The state exists."))
OBLIGATION_STATUS_TEXT = ("in_progress (deadline in force not passed), completed, deadline_passed (the deadline "
                          "in force has passed and the data records neither completion nor an extension: not a "
                          "finding of non-compliance), deadline_missed (a source says so), no_obligation (the state "
                          "declared it had none), or unknown (no dated event yet, or an extension whose new "
                          "deadline no source gives).")
STATE_KEYS = state_keys(_item("state"))
EXPORT_TABLES = {table.name: table for table in (
    Table("sources", "Every source a fact rests on.", (
        key("id", "Source id."), need("url", "string", "Where to read it."),
        need("title", "string", "Title."), need("publisher", "string", "Publisher."),
        Column("published", "date", "Publication date.", missing="Publication date unknown."),
        need("accessed", "date", "When it was read.")),
        ("id",), derived_rows.records("sources")),
    Table("treaties", "The treaties covered.", (
        key("slug", "Treaty id."), need("name", "string", "Full name."),
        need("short_name", "string", "Short name."), Column("aliases", "list", "Other names, `;`-joined."),
        need("adopted", "date", "Adoption date."), need("adopted_at", "string", "Place of adoption."),
        need("opened_for_signature", "date", "Opened for signature."),
        need("entry_into_force", "date", "Entry into force."),
        need("consent_delay_months", "integer", "Months from consent to entry into force (Art. 17)."),
        need("withdrawal_delay_months", "integer", "Months from withdrawal to effect (Art. 20)."),
        need("depositary", "string", "Depositary."),
        Column("untc_reference", "string", "UN Treaty Collection reference."), CONFIDENCE, SOURCES),
        ("slug",), derived_rows.records("treaties")),
    Table("states", "Every state, by ISO 3166-1 code; `iso3` is the key other tables join on.", (
        key("iso3", ISO3_TEXT.replace(" (table `states`)", "")), need("iso2", "string", ISO2_TEXT),
        need("numeric", "string", NUMERIC_TEXT), *state_codes(),
        need("name", "string", "Short name."), need("official_name", "string", "Official name."),
        Column("aliases", "list", "Other names, `;`-joined."), need("region", "string", "UN M49 region."),
        need("subregion", "string", "UN M49 subregion."),
        Column("intermediate_region", "string", "UN M49 intermediate region.",
               missing="The subregion has no intermediate region."),
        need("un_member", "boolean", "UN member state."), *EXISTENCE, CONFIDENCE, SOURCES),
        ("iso3",), derived_rows.records("states")),
    Table("treaty_actions", "Signatures, consents, withdrawals and declarations, as deposited.", (
        key("id", "Action id."), *state_keys(_state_iso2, loads_iso2=True),
        Column("treaty", "string", "Treaty slug.", lambda r: r.treaty_slug, True),
        need("kind", "string", "What was deposited.", enum=status.ACTION_KINDS),
        Column("date", "date", "Date of deposit.", missing="Date unknown (see notes)."), PRECISION,
        Column("effective", "date", "When it took or takes effect.",
               missing="No effective date recorded: the treaty articles give it (see statuses)."),
        Column("depositary_ref", "string", "Depositary notification reference."),
        need("armed_conflict_hold", "boolean", "Withdrawal held by Article 20(3)."),
        Column("conflict_ended", "date", "End of the armed conflict that held the withdrawal.",
               missing="No held withdrawal, or the conflict has not ended."),
        Column("dispute", "string", "A dispute about the act, in words.", missing="No dispute recorded."),
        Column("quote", "string", "Exact words from a cited source.", missing="No quote (see notes)."),
        Column("notes", "string", "Notes for readers."), CONFIDENCE, SOURCES),
        ("id",), derived_rows.records("treaty_actions"), {"iso3": STATE_FK, "treaty": TREATY_FK}),
    Table("policy_positions", "National anti-personnel mine policies, one row per change, with what each "
          "replaced and when it ended (as the API gives them).", (
        *(_of_position(c) for c in (
            key("id", "Position id."), *state_keys(_state_iso2, loads_iso2=True),
            need("dimension", "string", "What the position is about.", enum=DIMENSIONS),
            need("position", "string", "The position.", enum=POSITIONS),
            Column("restriction", "string", "Restrictions.", missing="No restriction recorded."),
            need("summary", "string", "Summary."), need("effective", "date", "In force from."),
            PRECISION, Column("announced_by", "string", "Who announced it."), Column("quote", "string", "Quote."),
            Column("notes", "string", "Notes for readers."), CONFIDENCE, SOURCES)),
        Column("replaces", "string", "Id of the position in the same dimension this one replaced.",
               lambda e: e.replaces and e.replaces.id, derived=True,
               missing="The state's first recorded position in this dimension."),
        Column("ended", "date", "When the next position in the same dimension took effect (as known in this "
               "dataset version).", lambda e: e.ended, derived=True, missing="Still in force.")),
        ("id",), derived_rows.policies, {"iso3": STATE_FK, "replaces": ("policy_positions", "id")}),
    Table("obligations", "Facts about Article 4 (stockpile destruction) and 5 (mine clearance) obligations.", (
        key("id", "Obligation event id."), *state_keys(_state_iso2, loads_iso2=True),
        need("article", "integer", "4: destroy stockpiles within 4 years of entry into force; 5: clear mined "
                                   "areas within 10 years (extensible).", enum=tuple(status.OBLIGATION_MONTHS)),
        need("kind", "string", "What the source says happened.", enum=status.OBLIGATION_KINDS),
        Column("date", "date", "Date of the event.", missing="Date unknown (see notes); an undated event "
               "decides no status."), PRECISION,
        Column("deadline", "date", "extension_granted: the new Article 5 deadline; extension_requested: the "
               "deadline the state asked for (a request changes no deadline or status until it is granted).",
               missing="Neither an extension nor a request, or no source gives the deadline."),
        Column("quote", "string", "Exact words from a cited source."), Column("notes", "string", "Notes for readers."),
        CONFIDENCE, SOURCES),
        ("id",), derived_rows.records("obligation_events"), {"iso3": STATE_FK}),
    Table("producer_lists", "Landmine Monitor's lists of the states it considers producers or potential "
          "producers of anti-personnel mines, one row per report (GET /api/v1/producers).", (
        key("id", "Producer list id."), need("report", "string", "The report that publishes the list."),
        need("published", "date", "When the report was published; the list stands for its year and the "
             "years after, until the next list."), PRECISION,
        Column("stated_count", "integer", "How many states the report says it lists.",
               missing="The report, as read, gives no number."),
        Column("states", "list", "ISO 3166-1 alpha-2 codes of the states listed, `;`-joined (table `states`).",
               missing="No state of the list could be read."),
        need("complete", "boolean", "true: every state the report lists is in `states`; false: only the part "
             "that could be read (see notes)."),
        Column("quote", "string", "Exact words from a cited source.", missing="No quote (see notes)."),
        Column("notes", "string", "Notes for readers."), CONFIDENCE, SOURCES),
        ("id",), derived_rows.records("producer_lists")),
    Table("statuses", "Status of every state that existed on `as_of` (default today) under every treaty.", _derived(
        *STATE_KEYS, key("treaty", "Treaty slug."),
        need("as_of", "date", "The date the status is for."), STATUS,
        Column("since", "date", "Status in force since.", missing="Never a signatory."),
        Column("action_id", "string", "The treaty action that caused it.", missing="Never a signatory.")),
        ("iso3", "treaty"), derived_rows.statuses,
        {"iso3": STATE_FK, "treaty": TREATY_FK, "action_id": ("treaty_actions", "id")}, dated=True,
        derivation="The status on `as_of` from the state's treaty actions, by Articles 17 and 20."),
    Table("membership_timeline", "Every change of status of every state under every treaty.", _derived(
        *STATE_KEYS, key("treaty", "Treaty slug."),
        need("step", "integer", "1 for the state's first change under the treaty, then 2, 3..."),
        STATUS, need("start", "date", "In force from."),
        Column("end", "date", "Replaced on.", missing="Still in force."),
        Column("action_id", "string", "The treaty action that caused it.")),
        ("iso3", "treaty", "step"), derived_rows.timeline,
        {"iso3": STATE_FK, "treaty": TREATY_FK, "action_id": ("treaty_actions", "id")},
        derivation="Every change of the status derived from the state's treaty actions, by Articles 17 and 20."),
    Table("obligation_status", "The Article 4 and 5 obligations of every state the Mine Ban Treaty entered into "
          "force for, on `as_of` (default today): one row per state and article, as the API computes them "
          "(GET /api/v1/countries/{code}/obligations).", _derived(
        *STATE_KEYS, need("as_of", "date", "The date the obligation is for."),
        need("article", "integer", "4: stockpile destruction; 5: mine clearance.",
             enum=tuple(status.OBLIGATION_MONTHS)),
        need("entry_into_force", "date", "When the treaty entered into force for the state (Article 17); the "
             "deadlines count from it."),
        Column("withdrawal_effective", "date", "When the state's withdrawal took effect, by `as_of`; the row "
               "then gives the obligation as it stood on the last day it bound the state.",
               missing="No withdrawal in effect on `as_of`."),
        need("original_deadline", "date", "Entry into force plus 4 years (Article 4) or 10 years (Article 5)."),
        Column("deadline", "date", "The deadline in force: the original one, or the latest extension granted.",
               missing="An extension was granted but no source gives its new deadline."),
        need("status", "string", OBLIGATION_STATUS_TEXT, enum=status.OBLIGATION_STATUSES),
        Column("completed", "date", "When the obligation was completed.",
               missing="Not completed, or re-opened (an extension or missed deadline after completion)."),
        Column("decided_by", "string", "The obligation event (table `obligations`) that decided the status.",
               missing="No dated event yet: status unknown."),
        Column("pending_request", "string", "Article 5: the extension request (table `obligations`, kind "
               "extension_requested) that no extension granted or completion dated after it has decided by "
               "`as_of`; it changes neither `deadline` nor `status`.",
               missing="No undecided request on record (always so for Article 4)."),
        need("events", "integer", "How many of the state's events for this article are known by then "
             "(dated up to the day, and undated ones).")),
        ("iso3", "article"), derived_rows.obligation_status, {"iso3": STATE_FK, "decided_by": ("obligations", "id"),
                                                              "pending_request": ("obligations", "id")},
        dated=True,
        derivation="The latest dated event up to the day decides: completed, no_obligation and deadline_missed "
                   "are statuses of their own; after obligation_reported or extension_granted the obligation is "
                   "in_progress until the deadline in force, then deadline_passed. A report dated after a "
                   "completion re-opens nothing; an extension or a missed deadline re-opens a completed "
                   "obligation. An extension_requested decides nothing. Same-day events are read in the order "
                   "report, request, missed deadline, extension, completion."),
    Table("country_year", "A country-year panel for the Mine Ban Treaty: one row per state per year from "
          f"{FIRST_YEAR} (or the year it came to exist) to the year of `as_of` (default today; at most the year after "
          "the release), as things stood on 31 December (or on `as_of` in its own year).", _derived(
        *STATE_KEYS, need("year", "integer", "The year."),
        need("date", "date", "The day the row describes: 31 December of `year`, or `as_of` in the year of "
             "`as_of`."),
        STATUS, need("bound", "boolean", "Bound by the treaty's obligations on the day: state_party, "
                     "withdrawal_pending or withdrawal_suspended."),
        Column("consented", "date", "Date of the state's latest consent to be bound (ratification, acceptance, "
               "approval, accession or succession) deposited on or before the day.",
               missing="No consent deposited by then."),
        *(c for article, name in ((4, "stockpile destruction"), (5, "mine clearance")) for c in (
            Column(f"art{article}_status", "string", f"Article {article} ({name}) status on the day, as in "
                   f"`obligation_status`. " + OBLIGATION_STATUS_TEXT, enum=status.OBLIGATION_STATUSES,
                   missing="The treaty had not entered into force for the state by then."),
            Column(f"art{article}_deadline", "date", f"Article {article} deadline in force on the day.",
                   missing="The treaty had not entered into force for the state by then, or an extension's new "
                           "deadline is not known."))),
        *(Column(f"policy_{dimension}", "string", f"The state's policy position on {dimension.replace('_', ' ')} "
                 "in force on the day (table `policy_positions`).", enum=POSITIONS,
                 missing="No position recorded in force by then.") for dimension in DIMENSIONS)),
        ("iso3", "year"), derived_rows.country_year, {"iso3": STATE_FK}, dated=True,
        derivation=f"A state appears every year from {FIRST_YEAR}, or from the year of its `exists_from` (table "
                   "`states`; South Sudan from 2011) while it exists. Status and bound as in `statuses`, "
                   "obligations as in `obligation_status` (after a withdrawal took effect, as they stood on the "
                   "last day the state was bound), policy positions as in GET "
                   "/api/v1/countries/{code}/policies?as_of=, all on the row's `date`."),
    Table("citations", "Which source each record cites: one row per record and source.", _derived(
        key("table", "The record's table."), key("record_id", "The record's id in that table."),
        key("source_id", "Source id (table `sources`).")),
        ("table", "record_id", "source_id"), derived_rows.citations, {"source_id": ("sources", "id")}),
)}


def rows(table: Table, snapshot: Snapshot, day: date) -> Iterator[list[Any]]:
    """The table's rows as lists of values, in column order."""
    states = snapshot.states
    for record in table.rows(snapshot, day):
        yield [column.value(record, states) for column in table.columns]
