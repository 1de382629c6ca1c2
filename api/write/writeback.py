"""`flask writeback`: write the database's records back into seed_data/, so the repository
stays the reviewed record of everything written through the API.

Only records that differ are rewritten, in place; new ones are appended to the file their
kind belongs in. Untouched records keep their bytes (and comments), and loading the files
again with `flask seed` changes nothing.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import yaml
from flask import current_app
from marshmallow import ValidationError, fields

from api.extensions import db
from api.rules.status import MINE_BAN_TREATY
from api.write.records import MODELS, clean_record, row_as_record
from api.write.revisions import SCHEMAS, as_seed_record
from api.write.seed_files import SEED_FILES, as_text

NEW_FILE = {"source": lambda r: "sources/curated.yaml", "treaty": lambda r: "treaties.yaml",
            "state": lambda r: "states.yaml", "treaty_action": lambda r: f"treaty_actions/{r['treaty']}.yaml",
            "policy_position": lambda r: f"policies/{r['state']}.yaml",
            "obligation_event": lambda r: f"obligations/{MINE_BAN_TREATY}.yaml",
            "producer_list": lambda r: "monitor_lists/producers.yaml"}
HEADER = "# Written by `flask writeback` from records created through the API.\n"


def dump(table: str, record: dict) -> str:
    """One record as a YAML list item: field order of the schema, ISO dates unquoted."""
    dates = {f.data_key or name for name, f in SCHEMAS[table].fields.items() if isinstance(f, fields.Date)}
    plain = {k: date.fromisoformat(v) if k in dates and isinstance(v, str) else v for k, v in record.items()}
    return yaml.dump([plain], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Block mappings, flow lists: `sources: [a, b]`, as curators write them."""


_Dumper.add_representer(list, lambda dumper, value: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", value, flow_style=not any(isinstance(v, (list, dict)) for v in value)))


def split(text: str) -> tuple[str, list[str]]:
    """A file's text as its header and one chunk of text per top-level list item."""
    lines = text.splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.startswith("- ")]
    if not starts:
        return text, []
    bounds = starts + [len(lines)]
    chunks = ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:])]
    chunks[-1] += "" if chunks[-1].endswith("\n") else "\n"
    return "".join(lines[:starts[0]]), chunks


def _comparable(table: str, record: dict) -> dict | None:
    try:
        loaded = SCHEMAS[table].load(as_text(record))
    except (ValidationError, TypeError):
        return None
    return {k: v for k, v in clean_record(loaded, MODELS[table]).items() if k != "search_text"}


def _database(table: str) -> dict[str, dict]:
    model = MODELS[table]
    key = model.__mapper__.primary_key[0]
    return {getattr(row, key.key): row_as_record(row) for row in db.session.scalars(db.select(model).order_by(key))}




def plan(root: Path) -> tuple[dict[Path, str], list[str]]:
    """The new text of every file that must change, and what changes, line by line."""
    texts: dict[Path, tuple[str, list[str]]] = {}
    lines: list[str] = []
    database = {table: _database(table) for table in SEED_FILES}
    cited = {s for table, rows in database.items() if table != "source" for r in rows.values() for s in r["sources"]}
    for table, (pattern, _, key_field) in SEED_FILES.items():
        where: dict[str, tuple[Path, int, dict]] = {}
        for path in sorted(root.glob(pattern)):
            header, chunks = split(path.read_text())
            items = yaml.safe_load(path.read_text()) or []
            if len(items) != len(chunks):
                chunks = [dump(table, item) for item in items]
            texts[path] = (header, chunks)
            where |= {item.get(key_field): (path, n, item) for n, item in enumerate(items)}
        for key, row in database[table].items():
            record = as_seed_record(table, row)
            clean = {k: v for k, v in clean_record(row, MODELS[table]).items() if k != "search_text"}
            if key in where:
                path, n, item = where[key]
                if _comparable(table, item) != clean:
                    texts[path][1][n] = dump(table, record)
                    lines.append(f"{path.relative_to(root)}: rewrote {key}")
            elif table == "source" and key not in cited:
                lines.append(f"source {key}: cited by no record yet; not written")
            else:
                path = root / NEW_FILE[table](record)
                texts.setdefault(path, (HEADER, []))[1].append(dump(table, record))
                lines.append(f"{path.relative_to(root)}: added {key}")
    new = {path: header + "".join(chunks) for path, (header, chunks) in texts.items()}
    return {p: t for p, t in new.items() if not p.exists() or p.read_text() != t}, lines


@click.command("writeback")
@click.option("--seed-dir", default=None, help="Directory to write (default: SEED_DIR).")
def writeback_command(seed_dir: str | None) -> None:
    """Write records created or corrected through the API back into the seed files."""
    root = Path(seed_dir or current_app.config["SEED_DIR"])
    files, lines = plan(root)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for line in lines:
        click.echo(line)
    click.echo(f"writeback: {len(files)} file(s) written" if files else "writeback: nothing to write")
