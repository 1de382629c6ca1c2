"""What the readable pages show, assembled from the API's own service functions.

No query of its own: everything comes from api.read.queries and api.read.representations, so a page
and the JSON it links to always agree.
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup

from api.read import codebook, queries
from api.read.citation import bibtex_entry
from api.read.formats import neutralise
from api.read.representations import list_item
from api.read.search import search_rank, search_states
from api.read.snapshot import Snapshot
from api.rules import status
from api.rules.names import EXACT_RANKS, short_name
from api.rules.sentences import long_date

# A state that did not exist yet is in no count: not inside, not outside.
OUTSIDE = frozenset(status.STATUSES) - status.BOUND_STATUSES - {status.NOT_A_STATE}


def items_on(memberships: dict, day: date) -> list[dict]:
    """countries.list_item for every state, plus its numeric code for the map."""
    return [{**list_item(m, day), "numeric": m.state.numeric} for m in memberships.values()]


def headline(items: list[dict]) -> dict:
    counts = {s: sum(1 for i in items if i["status"] == s) for s in status.STATUSES}
    return {"parties": sum(counts[s] for s in status.BOUND_STATUSES),
            "pending": counts[status.WITHDRAWAL_PENDING] + counts[status.WITHDRAWAL_SUSPENDED],
            "suspended": counts[status.WITHDRAWAL_SUSPENDED],
            "outside": sum(counts[s] for s in OUTSIDE), "counts": counts}


def search(text: str) -> tuple[list, bool]:
    """The states `text` names, best match first (the API's `q` ranking), and whether exactly
    one of them is named whole (by a code, its name, official or UN name, alias or former name)."""
    found = search_states(text)
    exact = [s for s in found if search_rank(s, text) in EXACT_RANKS]
    return found, len(exact) == 1


def events(state) -> list[dict]:
    """Treaty actions and policy changes of one state, in date order, undated last."""
    rows = []
    for event in queries.history(state):
        if event.type == "treaty_action":
            action, treaty = event.record, queries.get_treaty(event.record.treaty_slug)
            rows.append({"date": event.date, "kind": "treaty", "record": action, "text": action.notes or "",
                         "title": f"{action.kind.replace('_', ' ').capitalize()} ({treaty.short_name})"})
        elif event.type == "policy_position":
            position = event.record.position
            rows.append({"date": event.date, "kind": "policy", "record": position, "text": position.summary,
                         "title": f"Policy on {position.dimension.replace('_', ' ')}: "
                                  f"{position.position.replace('_', ' ')}"})
    return rows


def policy_changes(states: list, start: date, end: date) -> list[dict]:
    """Each state and dimension whose policy position in force differs between two dates."""
    rows = []
    for state in states:
        positions = queries.policy_positions(state)
        before = {e.position.dimension: e.position for e in queries.positions_on(positions, start)}
        for entry in queries.positions_on(positions, end):
            old = before.get(entry.position.dimension)
            if old is None or old.id != entry.position.id:
                rows.append({"state": state, "dimension": entry.position.dimension, "before": old,
                             "after": entry.position, "changed": what_changed(old, entry.position)})
    return rows


def what_changed(old, new) -> str:
    """What differs inside a position: 'position', 'restriction', or 'restated' (a new record, same terms)."""
    if old is None or old.position != new.position:
        return "position"
    return "restriction" if (old.restriction or "") != (new.restriction or "") else "restated"


TABLE_SORTS = {"name": lambda i: i["name"], "region": lambda i: (i["region"], i["name"]),
               "status": lambda i: (status.STATUSES.index(i["status"]), i["name"]),
               "since": lambda i: (i["status_since"] or "", i["name"])}
CSV_COLUMNS = ("name", "iso2", "iso3", "region", "status", "status_label", "status_since", "as_of", "dataset_version")


def states_table(items: list[dict], args: dict) -> list[dict]:
    """The home page's table of states: filtered by `region` and `status`, sorted by `sort` in `order`."""
    rows = [i for i in items if args["region"] in (None, i["region"]) and args["status"] in (None, i["status"])]
    return sorted(rows, key=TABLE_SORTS[args["sort"]], reverse=args["order"] == "desc")


def csv_rows(rows: list[dict], labels: dict, day: date, version: str | None) -> list[list[str]]:
    """The table on screen as CSV rows, header first; formula-like cells neutralised."""
    out = [list(CSV_COLUMNS)]
    for row in rows:
        cells = {**row, "status_label": labels[row["status"]], "as_of": day.isoformat(), "dataset_version": version}
        out.append([neutralise(str(cells[c])) if cells[c] is not None else "" for c in CSV_COLUMNS])
    return out


def citation(title: str, key: str, permalink: str, accessed: date, version: str | None) -> dict:
    """A plain-text and a BibTeX citation of a page, pinned to its dataset version."""
    edition = f"Dataset version {version}" if version else "Dataset version not yet published"
    text = (f"Mine Ban Treaty Status API. “{title}.” {edition}. Accessed {long_date(accessed)}. "
            f"{permalink}")
    note = f"{edition}; accessed {accessed.isoformat()}"
    bibtex = bibtex_entry(key, "Mine Ban Treaty Status API", title, year=accessed.year,
                          howpublished=f"\\url{{{permalink}}}", note=note)
    return {"text": text, "bibtex": bibtex, "version": version}


def codebook_html(snapshot: Snapshot, day: date, base_url: str) -> Markup:
    """codebook.md of the data package rendered as HTML: the same text, so the page cannot drift
    from the file (raw HTML in the text is escaped, never passed through)."""
    from markdown_it import MarkdownIt  # imported on first use: only this page needs it
    text = codebook.codebook(snapshot, day, base_url)
    return Markup(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))
def country_citation(state, day: date, permalink: str, accessed: date, version: str | None) -> dict:
    title = f"{short_name(state.name)}: status under the Mine Ban Treaty as of {long_date(day)}"
    return citation(title, f"mbt-{state.iso2.lower()}-{day.isoformat()}", permalink, accessed, version)
