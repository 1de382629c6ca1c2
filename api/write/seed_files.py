"""Read and validate the curated files in seed_data/ into plain records.

Every problem is reported with the file, the record and the field, and nothing is
written: loading happens in api.write.seed only once every file is valid.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from marshmallow import Schema, ValidationError

from api.rules import status
from api.rules.names import fold
from api.rules.status import MINE_BAN_TREATY, rules_of, to_act
from api.write.record_schemas import (
    ObligationEventIn,
    PolicyPositionIn,
    ProducerListIn,
    SourceIn,
    StateIn,
    TreatyActionIn,
    TreatyIn,
)

# table name -> (files below the seed directory, schema, key field of the loaded record)
SEED_FILES = {
    "source": ("sources/*.yaml", SourceIn(), "id"),
    "treaty": ("treaties.yaml", TreatyIn(), "slug"),
    "state": ("states.yaml", StateIn(), "iso2"),
    "treaty_action": ("treaty_actions/*.yaml", TreatyActionIn(), "id"),
    "policy_position": ("policies/*.yaml", PolicyPositionIn(), "id"),
    "obligation_event": ("obligations/*.yaml", ObligationEventIn(), "id"),
    "producer_list": ("monitor_lists/*.yaml", ProducerListIn(), "id"),
}


class SeedError(Exception):
    """Invalid seed files; `problems` lists every one found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class SeedData:
    tables: dict[str, dict[str, dict]] = field(default_factory=dict)


def as_text(value):
    """YAML reads ISO dates as dates: give schemas the strings they validate."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    return value


def _describe(errors: dict) -> str:
    return "; ".join(f"field '{name}': {' '.join(map(str, msgs if isinstance(msgs, list) else [msgs]))}"
                     for name, msgs in errors.items())


def _read_table(root: Path, pattern: str, schema: Schema, key: str, problems: list[str]) -> dict[str, dict]:
    records: dict[str, dict] = {}
    for path in sorted(root.glob(pattern)):
        name = path.relative_to(root.parent).as_posix()
        raw = path.read_bytes()
        try:
            items = yaml.safe_load(raw) or []
        except yaml.YAMLError as error:
            problems.append(f"{name}: not valid YAML: {error}")
            continue
        if not isinstance(items, list):
            problems.append(f"{name}: must be a list of records")
            continue
        for number, item in enumerate(items, 1):
            ident = item.get(key) if isinstance(item, dict) else None
            label = f"{name}: record #{number}" + (f" ({ident})" if ident else "")
            try:
                record = schema.load(as_text(item) if isinstance(item, dict) else item)
            except ValidationError as error:
                messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
                problems.append(f"{label}: {_describe(messages)}")
                continue
            if record[key] in records:
                problems.append(f"{label}: field '{key}': duplicate id {record[key]!r}")
            records[record[key]] = record | {"_file": name}
    return records


@dataclass(frozen=True)
class Finding:
    """One cross-record problem: which record, which field, what is wrong."""
    table: str
    key: str
    field: str
    message: str


def check_references(tables: dict[str, dict[str, dict]]) -> Iterator[Finding]:
    """Cited sources, states and treaties must exist among `tables`."""
    sources, states, treaties = (tables[t] for t in ("source", "state", "treaty"))
    for table, records in tables.items():
        for key, record in records.items():
            for source_id in record.get("sources", []):
                if source_id not in sources:
                    yield Finding(table, key, "sources", f"unknown source {source_id!r}")
            if "state_iso2" in record and record["state_iso2"] not in states:
                yield Finding(table, key, "state", f"unknown state {record['state_iso2']!r}")
            if "treaty_slug" in record and record["treaty_slug"] not in treaties:
                yield Finding(table, key, "treaty", f"unknown treaty {record['treaty_slug']!r}")
            for iso2 in record.get("states", []) if table == "producer_list" else []:
                if iso2 not in states:
                    yield Finding(table, key, "states", f"unknown state {iso2!r}")


def check_citations(tables: dict[str, dict[str, dict]]) -> Iterator[Finding]:
    """Every source must be cited by some record (a whole-dataset rule, for the files)."""
    cited = {s for records in tables.values() for record in records.values() for s in record.get("sources", [])}
    for source_id in sorted(set(tables["source"]) - cited):
        yield Finding("source", source_id, "id", "no record cites this source")


def check_treaty_rules(tables: dict[str, dict[str, dict]]) -> Iterator[Finding]:
    """Recorded effective dates must follow Articles 17 and 20."""
    for key, record in tables["treaty_action"].items():
        treaty = tables["treaty"].get(record["treaty_slug"])
        if treaty is None or record["date"] is None:
            continue
        expected = status.expected_effective(to_act(record), rules_of(treaty))
        if record["kind"] == "succession" and record["effective"] is None:
            yield Finding("treaty_action", key, "effective", "a succession needs its effective date")
        elif record["effective"] != expected:
            yield Finding("treaty_action", key, "effective",
                          f"is {record['effective']}, the treaty's articles give {expected}")


def check_obligations(tables: dict[str, dict[str, dict]]) -> Iterator[Finding]:
    """Only a state that consented to the treaty has its Article 4 and 5 obligations."""
    consented = {action["state_iso2"] for action in tables["treaty_action"].values()
                 if action["kind"] in status.CONSENT_KINDS and action["treaty_slug"] == MINE_BAN_TREATY}
    for key, record in tables["obligation_event"].items():
        if record["state_iso2"] in tables["state"] and record["state_iso2"] not in consented:
            yield Finding("obligation_event", key, "state",
                          f"{record['state_iso2']} has no consent to {MINE_BAN_TREATY} (ratification, accession...), "
                          f"so no Article {record['article']} obligation")


def check_existence(tables: dict[str, dict[str, dict]]) -> Iterator[Finding]:
    """A state acts only while it exists, and a succession takes effect on the date of succession:
    the successor's first day as a state (seed_data/README.md, "When states existed")."""
    for key, record in tables["treaty_action"].items():
        state = tables["state"].get(record["state_iso2"])
        if state is None:
            continue
        existence = status.existence_of(state)
        if record["date"] is not None and status.status_on([], record["date"], existence).status == status.NOT_A_STATE:
            yield Finding("treaty_action", key, "date", f"is {record['date']}, when {state['iso2']} was not a state "
                          f"(exists_from {existence.start}, exists_until {existence.end})")
        if record["kind"] == "succession" and record["effective"] != existence.start:
            yield Finding("treaty_action", key, "effective", f"is {record['effective']}: a succession takes effect "
                          f"on the successor's exists_from, {existence.start}")


RECORD_CHECKS = (check_references, check_treaty_rules, check_obligations, check_existence)


def read_seed(root: str | Path) -> SeedData:
    """Every record in the seed directory, validated; raises SeedError listing all problems."""
    root = Path(root)
    problems: list[str] = []
    data = SeedData()
    for table, (pattern, schema, key) in SEED_FILES.items():
        data.tables[table] = _read_table(root, pattern, schema, key, problems)
    return checked(data, problems)


def checked(data: SeedData, problems: list[str], citations: bool = True) -> SeedData:
    """`data` once its references and treaty rules hold, ready to load; else SeedError.
    Each record names where it came from in `_file`. `citations=False` (a package): a source no
    record cites yet is accepted, as curators' API writes accept it, so every export loads back."""
    if not problems:
        for check in (*RECORD_CHECKS, *([check_citations] if citations else [])):
            problems += [f"{data.tables[f.table][f.key]['_file']}: record {f.key}: field '{f.field}': {f.message}"
                         for f in check(data.tables)]
    if problems:
        raise SeedError(problems)
    for record in data.tables["state"].values():
        names = [record["name"], record["official_name"], record["iso2"], record["iso3"], *record["aliases"]]
        record["search_text"] = "|".join(fold(name) for name in names)
    return data
