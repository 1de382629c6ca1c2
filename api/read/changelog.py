"""A version's change log, as the data package carries it: CHANGES.md for people, changes.json
for programs (and for `flask import-package`, which restores it so the package comes back byte
for byte).

Both come from what the version recorded when it was published (its previous version and its
record-level changes, as GET /api/v1/dataset/changes gives them), read once per version: a
version's change log never changes.
"""
from __future__ import annotations

import json
from typing import Any, TypedDict

from api.extensions import db
from api.models import DatasetVersion
from api.read.snapshot import Snapshot

MARKDOWN_NAME, JSON_NAME = "CHANGES.md", "changes.json"


class ChangeLog(TypedDict):
    version: str
    previous: str | None
    changes: list[dict[str, Any]]


def change_log(snapshot: Snapshot) -> ChangeLog:
    def read() -> ChangeLog:
        found = db.session.execute(db.select(DatasetVersion.previous, DatasetVersion.changes)
                                   .where(DatasetVersion.version == snapshot.version)).one()
        return {"version": snapshot.version, "previous": found.previous, "changes": list(found.changes)}
    return snapshot.once("change_log", read)


def as_json(log: ChangeLog) -> str:
    return json.dumps(log, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(log: ChangeLog, released: str) -> str:
    version, previous, changes = log["version"], log["previous"], log["changes"]
    lines = [f"# Changes in dataset version {version}", "",
             f"Released {released}. " + (f"Changes since the previous version, {previous}" if previous else
                                         "The first version, in which every record is new") +
             f": {len(changes)} record-level change{'s' * (len(changes) != 1)}. The same list, for programs, is "
             f"`{JSON_NAME}`; GET /api/v1/dataset/changes?since=VERSION gives the changes over several versions.",
             ""]
    by_table: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        by_table.setdefault(change["table"], []).append(change)
    for table, items in sorted(by_table.items()):
        lines += [f"## {table}", ""]
        for change in items:
            lines.append(f"- `{change['id']}`: {change['change']} ({change['kind']})")
            for name, (old, new) in sorted(change.get("fields", {}).items()):
                lines.append(f"  - `{name}`: {_value(old)} → {_value(new)}")
        lines.append("")
    return "\n".join(lines)
