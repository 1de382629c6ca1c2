"""The column and table definitions of the exports, and the state keys every table about states
carries: `iso3` (the join key), `iso2`, `numeric` (text), `name`, and the Correlates of War and
Gleditsch-Ward state numbers (`cow_code`, `gw_code`) that the usual covariates merge on.

Pure: definitions only; api.read.tables lists the tables built from them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from api.read.snapshot import Snapshot

Getter = Callable[[Any], Any]  # a row (a Record, a PositionInForce or a dict) -> a value


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, boolean, date or list (of strings)
    description: str
    get: Getter | None = None  # record -> value; default: the attribute of the same name
    required: bool = False
    enum: tuple[str | int, ...] = ()
    missing: str = ""  # what an empty cell means (codebook); default: not known or not applicable
    of_state: str = ""  # the value is this attribute of the state whose alpha-2 code `get` gives
    derived: bool = False  # computed (from the record or another table): not part of the record itself
    loads: str = ""  # the record field the column holds, when not its name (import-package)

    def value(self, record: Any, states: dict[str, Any]) -> Any:
        value = self.get(record) if self.get else getattr(record, self.name)
        # a state field added later (cow_code, gw_code) is unknown in older versions' snapshots
        return getattr(states[value], self.of_state, None) if self.of_state else value

    @property
    def field(self) -> str:
        return self.loads or self.name


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[Snapshot, date], Iterator[Any]]
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (table, column)
    dated: bool = False  # rows depend on the date asked for (`as_of`)
    derivation: str = ""  # how a derived table is computed (codebook)

    def count(self, snapshot: Snapshot, day: date) -> int:
        return sum(1 for _ in self.rows(snapshot, day))


def need(name: str, type_: str, description: str, **kwargs: Any) -> Column:
    """A column that is never empty."""
    return Column(name, type_, description, required=True, **kwargs)


def key(name: str, description: str) -> Column:
    return need(name, "string", description)


ISO3_TEXT = ("ISO 3166-1 alpha-3 code of the state: the join key between tables (table `states`). "
             "Every CSV reader's defaults read it as it is.")
ISO2_TEXT = ("ISO 3166-1 alpha-2 code. Namibia's is \"NA\", which pandas (read_csv) and R (read.csv, readr) "
             "read as missing by default: join on `iso3`, or read with keep_default_na=False (pandas) or "
             "na.strings = \"\" (R) to keep it.")
NUMERIC_TEXT = ("ISO 3166-1 numeric code: three digits kept as text with their leading zeros (\"004\"). "
                "Readers that guess types make it a number (4): read it as text, dtype={\"numeric\": str} "
                "in pandas, colClasses = c(numeric = \"character\") in R.")
NAME_TEXT = "The state's short name (table `states`)."


COW_TEXT = ("Correlates of War state number (COW State System Membership), as the countrycode crosswalk gives "
            "it (source s-countrycode): merge COW-coded covariates on it.")
GW_TEXT = ("Gleditsch-Ward state number (list of independent states), as the countrycode crosswalk gives it "
           "(source s-countrycode).")
COW_MISSING = ("The crosswalk gives the state no COW number (Cook Islands, Niue, Palestine; Serbia, which COW "
               "codes as 345 with Yugoslavia).")
GW_MISSING = "The crosswalk gives the state no Gleditsch-Ward number (most micro-states, and Yemen)."


def later_field(name: str) -> Getter:
    """A state field added after the first versions: unknown (None) in an older version's snapshot."""
    return lambda record: getattr(record, name, None)


def state_codes() -> tuple[Column, ...]:
    """cow_code and gw_code of the `states` table itself."""
    return (Column("cow_code", "integer", COW_TEXT, later_field("cow_code"), missing=COW_MISSING),
            Column("gw_code", "integer", GW_TEXT, later_field("gw_code"), missing=GW_MISSING))


def state_keys(iso2_of: Getter, loads_iso2: bool = False) -> tuple[Column, ...]:
    """iso3, iso2, numeric, name, cow_code and gw_code of the state whose alpha-2 code
    `iso2_of(record)` gives. `loads_iso2`: the record holds the alpha-2 code itself (field `state`);
    the others are looked up in the states table."""
    return (Column("iso3", "string", ISO3_TEXT, iso2_of, True, of_state="iso3", derived=True),
            Column("iso2", "string", ISO2_TEXT, iso2_of, True, of_state="iso2", derived=not loads_iso2,
                   loads="state"),
            Column("numeric", "string", NUMERIC_TEXT, iso2_of, True, of_state="numeric", derived=True),
            Column("name", "string", NAME_TEXT, iso2_of, True, of_state="name", derived=True),
            Column("cow_code", "integer", COW_TEXT + " From table `states`.", iso2_of, of_state="cow_code",
                   derived=True, missing=COW_MISSING),
            Column("gw_code", "integer", GW_TEXT + " From table `states`.", iso2_of, of_state="gw_code",
                   derived=True, missing=GW_MISSING))
