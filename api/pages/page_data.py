"""What the readable pages show, assembled from the API's own service functions.

No query of its own: everything comes from api.queries and the API's view helpers, so a page
and the JSON it links to always agree.
"""
from __future__ import annotations

from datetime import date

from api.read import queries
from api.read.representations import list_item
from api.rules import status
from api.rules.names import EXACT_RANKS, short_name
from api.rules.sentences import long_date

OUTSIDE = frozenset(status.STATUSES) - status.BOUND_STATUSES


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
    found = queries.search_states(text)
    exact = [s for s in found if queries.search_rank(s, text) in EXACT_RANKS]
    return found, len(exact) == 1


def events(state, treaties: list) -> list[dict]:
    """Treaty actions and policy changes of one state, in date order, undated last."""
    rows = [{"date": a.date, "kind": "treaty", "title": f"{a.kind.replace('_', ' ').capitalize()} ({t.short_name})",
             "text": a.notes or "", "record": a} for t in treaties
            for a in queries.memberships(t, state)[state.iso2].actions]
    rows += [{"date": e.position.effective, "kind": "policy",
              "title": f"Policy on {e.position.dimension.replace('_', ' ')}: {e.position.position.replace('_', ' ')}",
              "text": e.position.summary, "record": e.position}
             for e in queries.positions_with_context(queries.policy_positions(state))]
    return sorted(rows, key=lambda r: (r["date"] is None, r["date"] or date.max))


def status_changes(memberships: dict, start: date, end: date) -> dict:
    """Who joined, who left, and whose status otherwise changed between two dates."""
    result = {"joined": [], "left": [], "changed": []}
    for membership in memberships.values():
        before, after = membership.on(start), membership.on(end)
        if before.status == after.status:
            continue
        row = {"state": membership.state, "before": before.status, "after": after.status, "since": after.start}
        was, now = before.status in status.BOUND_STATUSES, after.status in status.BOUND_STATUSES
        result["joined" if now and not was else "left" if was and not now else "changed"].append(row)
    return result


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
                             "after": entry.position})
    return rows


def citation(state, day: date, permalink: str, accessed: date, version: str | None) -> dict:
    edition = f"Dataset version {version}" if version else "Dataset version not yet published"
    title = f"{short_name(state.name)}: status under the Mine Ban Treaty as of {long_date(day)}"
    text = (f"Mine Ban Treaty Status API. “{title}.” {edition}. Accessed {long_date(accessed)}. "
            f"{permalink}")
    key = f"mbt-{state.iso2.lower()}-{day.isoformat()}"
    note = f"{edition}; accessed {accessed.isoformat()}"
    bibtex = (f"@misc{{{key},\n  author = {{{{Mine Ban Treaty Status API}}}},\n  title = {{{title}}},\n"
              f"  year = {{{accessed.year}}},\n  howpublished = {{\\url{{{permalink}}}}},\n  note = {{{note}}}\n}}")
    return {"text": text, "bibtex": bibtex, "version": version}
