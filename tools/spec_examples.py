"""Write the examples of openapi.yaml (`components.examples`) from real answers on the seeded data.

    .venv/bin/python tools/spec_examples.py   # rewrite the generated block of openapi.yaml

Each 2xx response of the contract shows one real answer: the app is built on a fresh SQLite
database loaded with `seed_data/`, every request of EXAMPLES is made through it, and the answer,
its lists cut to their first LIST_ITEMS items, becomes `components.examples.<name>` with the
request in `x-request`. The writes' examples are real writes: the record is left out of the
seed, then created (or created without its notes and corrected) through the API with a token.
tests/test_examples.py replays every `x-request` and compares the answer with its example.
Run this after a change to the data or to a response, and commit the result (release times and
version names change at every run: they are the times of the run).
"""
from __future__ import annotations

import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SPEC = ROOT / "openapi.yaml"
BEGIN = "  # BEGIN examples: written by tools/spec_examples.py from real answers on seed_data/; do not edit by hand\n"
END = "  # END examples\n"
LIST_ITEMS = 2
TEXT_LINES = 12
AS_OF = "2026-06-01"  # after Finland's withdrawal took effect (2026-01-10, seed_data/treaty_actions/apmbc.yaml)

# (example name, operationId, media type, request, summary). A request "POST path" is a write.
EXAMPLES = [
    ("ApiIndex", "apiIndex", "application/json", "/api/v1", "The index"),
    ("OpenAPIDocument", "openapiDocument", "application/yaml", "/openapi.yaml", "The first lines of this contract"),
    ("Changelog", "apiChangelog", "text/markdown", "/CHANGELOG.md", "The first lines of the changelog"),
    ("Healthz", "healthz", "application/json", "/healthz", "Alive"),
    ("Readyz", "readyz", "application/json", "/readyz", "Ready, nothing degraded"),
    ("CountriesWithdrawn", "listCountries", "application/json",
     f"/api/v1/countries?status=withdrawn&as_of={AS_OF}&limit=2", "States that had withdrawn on a date"),
    ("CountryFinland", "getCountry", "application/json", "/api/v1/countries/FI", "Finland today"),
    ("StatusFinland", "getCountryStatus", "application/json", f"/api/v1/countries/FI/status?as_of={AS_OF}",
     "Finland's status after its withdrawal took effect"),
    ("ObligationsFinland", "getCountryObligations", "application/json",
     f"/api/v1/countries/FI/obligations?as_of={AS_OF}", "Finland's Article 4 and 5 obligations"),
    ("PoliciesUnitedStates", "getCountryPolicies", "application/json",
     "/api/v1/countries/US/policies?as_of=2021-04-06", "US policy in force on 6 April 2021"),
    ("HistoryFinland", "getCountryHistory", "application/json", "/api/v1/countries/FI/history?limit=2",
     "The start of Finland's history"),
    ("Treaties", "listTreaties", "application/json", "/api/v1/treaties", "The treaties covered"),
    ("TreatyMineBan", "getTreaty", "application/json", f"/api/v1/treaties/apmbc?as_of={AS_OF}",
     "The Mine Ban Treaty and its states per status"),
    ("ParticipantsMineBan", "listParticipants", "application/json",
     f"/api/v1/treaties/apmbc/participants?as_of={AS_OF}&limit=2", "The first participants"),
    ("TimelineMineBan", "getTreatyTimeline", "application/json", "/api/v1/treaties/apmbc/timeline?limit=2",
     "The first points of the timeline"),
    ("Producers2016", "listProducers", "application/json", "/api/v1/producers?year=2016",
     "Potential producers in 2016: the list of Landmine Monitor 2014"),
    ("SourceReuters", "getSource", "application/json", "/api/v1/sources/t-reuters-2025-07-11-finland-notifies-un",
     "A source and what cites it"),
    ("CountriesCsv", "listCountries", "text/csv", f"/api/v1/countries?status=withdrawn&as_of={AS_OF}&format=csv",
     "States that had withdrawn on a date, as CSV"),
    ("PoliciesCsv", "getCountryPolicies", "text/csv", "/api/v1/countries/US/policies?as_of=2021-04-06&format=csv",
     "US policy in force on 6 April 2021, as CSV"),
    ("ParticipantsCsv", "listParticipants", "text/csv",
     f"/api/v1/treaties/apmbc/participants?as_of={AS_OF}&limit=2&format=csv", "The first participants, as CSV"),
    ("ChangesCsv", "listChanges", "text/csv", "/api/v1/changes?since=2026-01-01&sort=date&limit=2&format=csv",
     "The first changes of 2026, as CSV"),
    ("ChangesJanuary2026", "listChanges", "application/json", "/api/v1/changes?since=2026-01-01&sort=date&limit=2",
     "The first changes of 2026"),
    ("ChangesFinlandEvents", "listChanges", "application/json", "/api/v1/changes?country=FIN&treaty=apmbc&limit=2",
     "Finland's acts under the Mine Ban Treaty, headlines in words"),
    ("ChangesFeed", "changesFeed", "application/atom+xml", "/api/v1/changes.atom?since=2026-02-01",
     "The feed of changes since a date"),
    ("ChangesFeedFinland", "countryChangesFeed", "application/atom+xml",
     "/api/v1/countries/FI/changes.atom?since=2026-01-01", "Finland's changes since 2026"),
    ("ParticipantsDiff2025", "participantsDiff", "application/json",
     f"/api/v1/treaties/apmbc/participants/diff?from=2025-01-01&to={AS_OF}", "Who joined and who left"),
    ("Docs", "docs", "text/html", "/docs", "The start of the explorer's page"),
    ("Dataset", "getDataset", "application/json", "/api/v1/dataset", "The dataset version and its citation"),
    ("DatasetVersions", "listDatasetVersions", "application/json", "/api/v1/dataset/versions", "The versions"),
    ("DatasetChanges", "listDatasetChanges", "application/json", "/api/v1/dataset/changes?since={since}",
     "The record-level changes of the writes after a version"),
    ("Exports", "listExports", "application/json", "/api/v1/exports", "The downloadable files"),
    ("ExportTreatiesCsv", "downloadExport", "text/csv", "/api/v1/exports/treaties.csv", "A table as CSV"),
    ("ExportTreatiesNdjson", "downloadExport", "application/x-ndjson", "/api/v1/exports/treaties.ndjson",
     "A table as NDJSON"),
    ("ExportTreatiesParquet", "downloadExport", "application/vnd.apache.parquet", "/api/v1/exports/treaties.parquet",
     "A table as Parquet"),
    ("ExportTreatiesDta", "downloadExport", "application/x-stata-dta", "/api/v1/exports/treaties.dta",
     "A table as a Stata .dta file"),
    ("ExportPackage", "downloadExport", "application/zip", "/api/v1/exports/datapackage.zip",
     "The whole dataset as a Data Package"),
    ("ExportTreatiesJson", "downloadExport", "application/json", "/api/v1/exports/treaties.json", "A table as JSON"),
    ("WrittenTreatyAction", "createTreatyAction", "application/json", "POST /api/v1/treaty-actions",
     "Finland's withdrawal, created"),
    ("CorrectedTreatyAction", "correctTreatyAction", "application/json",
     "POST /api/v1/treaty-actions/apmbc-fi-withdrawal/corrections", "Finland's withdrawal, its notes added"),
    ("WrittenPolicyPosition", "createPolicyPosition", "application/json", "POST /api/v1/policy-positions",
     "A US position, created"),
    ("CorrectedPolicyPosition", "correctPolicyPosition", "application/json",
     "POST /api/v1/policy-positions/{position}/corrections", "A US position, its notes added"),
    ("WrittenObligationEvent", "createObligationEvent", "application/json", "POST /api/v1/obligation-events",
     "An obligation event, created"),
    ("CorrectedObligationEvent", "correctObligationEvent", "application/json",
     "POST /api/v1/obligation-events/{event}/corrections", "An obligation event, its notes added"),
    ("WrittenSource", "createSource", "application/json", "POST /api/v1/sources", "A source, created"),
    ("CorrectedSource", "correctSource", "application/json", "POST /api/v1/sources/{source}/corrections",
     "A source, its publication date added"),
    ("RevisionsFinlandWithdrawal", "getRevisions", "application/json",
     "/api/v1/revisions/treaty_action/apmbc-fi-withdrawal", "The revisions of Finland's withdrawal"),
    ("Tokens", "listTokens", "application/json", "/api/v1/tokens", "The tokens (an admin's request)"),
]
BINARY = {"application/vnd.apache.parquet", "application/x-stata-dta", "application/zip"}


def trim(value):
    """The answer with every list cut to its first LIST_ITEMS items."""
    if isinstance(value, dict):
        return {key: trim(item) for key, item in value.items()}
    if isinstance(value, list):
        return [trim(item) for item in value[:LIST_ITEMS]]
    return value


def shown(media: str, body: bytes):
    """What the example shows of an answer's body."""
    if media == "application/json":
        return trim(json.loads(body))
    if media == "application/x-ndjson":
        return "".join(json.dumps(trim(json.loads(line)), ensure_ascii=False) + "\n"
                       for line in body.decode().splitlines()[:LIST_ITEMS])
    if media == "text/csv":
        return "".join(line + "\n" for line in body.decode().splitlines()[:LIST_ITEMS + 1])
    if media == "application/atom+xml":
        return body.decode()
    return "".join(line + "\n" for line in body.decode().splitlines()[:TEXT_LINES])


def _records_left_out() -> dict:
    """The records the writes' examples create through the API (so they are left out of the seed):
    Finland's withdrawal and one source only it cites, a US policy position, an obligation event."""
    from api.write.seed_files import as_text

    def read(pattern: str) -> list[dict]:
        return [as_text(record) for path in sorted((ROOT / "seed_data").glob(pattern))
                for record in yaml.safe_load(path.read_text()) or []]
    actions, positions = read("treaty_actions/*.yaml"), read("policies/*.yaml")
    events, sources = read("obligations/*.yaml"), read("sources/*.yaml")
    withdrawal = next(a for a in actions if a["id"] == "apmbc-fi-withdrawal")
    position = next(p for p in positions if p["state"] == "US" and p.get("notes")
                    and not any(q.get("replaces") == p["id"] for q in positions))
    event = next(e for e in events if e.get("notes"))
    cited = {source for record in actions + positions + events if record not in (withdrawal, position, event)
             for source in record.get("sources", [])}
    orphans = [s for s in sources if s["id"] in {*withdrawal["sources"], *position["sources"], *event["sources"]}
               and s["id"] not in cited]
    source = next(s for s in orphans if s["id"] in withdrawal["sources"])
    return {"treaty_action": withdrawal, "source": source, "policy_position": position, "obligation_event": event,
            "orphans": [s for s in orphans if s is not source]}


def _seed_without(directory: Path, records: dict) -> None:
    """Copy seed_data/ to `directory`, leaving out `records` (rewrites only the files that held them)."""
    shutil.copytree(ROOT / "seed_data", directory)
    ids = {record["id"] for record in (*records.values(), *records["orphans"]) if isinstance(record, dict)}
    for path in directory.rglob("*.yaml"):
        loaded = yaml.safe_load(path.read_text())
        if isinstance(loaded, list) and any(isinstance(r, dict) and r.get("id") in ids for r in loaded):
            path.write_text(yaml.safe_dump([r for r in loaded if r.get("id") not in ids], sort_keys=False,
                                           allow_unicode=True, width=120))


def _app(url: str, seed_dir: Path):
    from flask_migrate import upgrade

    from api import create_app
    from api.extensions import db
    from api.write.seed import apply_seed
    from api.write.seed_files import read_seed

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SEED_DIR": str(seed_dir),
                      "VERSION_CHECK_SECONDS": 0, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        apply_seed(read_seed(seed_dir))
        db.session.commit()
    return app


def _token(app, scope: str) -> dict:
    from api.extensions import db
    from api.routes import tokens

    with app.app_context():
        secret = tokens.create(f"{scope}-example", scope)[1]
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def answers() -> dict[str, tuple[str, str, object]]:
    """name -> (request, media type, what the example shows). Reads are answered by an app on
    seed_data/ as it is; writes (and the record-level changes they make) by an app on the seed
    without the records they create."""
    from api.extensions import db

    left_out = _records_left_out()
    with tempfile.TemporaryDirectory() as scratch:
        seed_dir = Path(scratch) / "seed"
        _seed_without(seed_dir, left_out)
        reads = _app(f"sqlite:///{scratch}/reads.db", ROOT / "seed_data")
        writes = _app(f"sqlite:///{scratch}/writes.db", seed_dir)
        admin = _token(reads, "admin")
        client = writes.test_client()
        first = client.get("/api/v1/dataset").get_json()["dataset_version"]
        written = _writes(client, _token(writes, "curator"), left_out)
        result = {}
        for name, _operation, media, request, _summary in EXAMPLES:
            if request.startswith("POST "):
                request = request.format(position=left_out["policy_position"]["id"],
                                         event=left_out["obligation_event"]["id"], source=left_out["source"]["id"])
                response = written[request]
            elif "{since}" in request:
                request = request.format(since=first)
                response = client.get(request)
            else:
                response = reads.test_client().get(request, headers={**(admin if "tokens" in request else {}),
                                                                     "Accept": media})
            assert response.status_code in (200, 201), (request, response.status_code, response.data[:300])
            body = gzip.decompress(response.data) if response.headers.get("Content-Encoding") == "gzip" \
                else response.data
            result[name] = (request, media, None if media in BINARY else shown(media, body))
        for app in (reads, writes):
            with app.app_context():
                db.engine.dispose()
    return result


def _writes(client, curator: dict, left_out: dict) -> dict:
    """Create each left-out record without its notes (a source without its publication date), then
    correct it to add them: two real writes."""
    collections = {"source": "sources", "treaty_action": "treaty-actions", "policy_position": "policy-positions",
                   "obligation_event": "obligation-events"}
    written = {}
    for source in left_out["orphans"]:  # the other sources only left-out records cite
        assert client.post("/api/v1/sources", json=source, headers=curator).status_code == 201
    for table in ("source", "treaty_action", "policy_position", "obligation_event"):
        record, path = dict(left_out[table]), f"/api/v1/{collections[table]}"
        field = "published" if table == "source" else "notes"  # sources have no notes
        value = record.pop(field)
        if table == "source":
            record[field] = None  # required, may be null
        written[f"POST {path}"] = created = client.post(path, json=record, headers=curator)
        corrected = f"POST {path}/{record['id']}/corrections"
        body = {"changes": {field: value}, "reason": f"Add the {field} field."}
        written[corrected] = client.post(corrected.removeprefix("POST "), json=body,
                                         headers={**curator, "If-Match": created.headers["ETag"]})
    return written


class _Dumper(yaml.SafeDumper):
    """Multi-line text (YAML, Markdown, CSV, NDJSON, HTML) as literal blocks, readable in the spec."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text.rstrip("\n") or text.endswith("\n") else None))


def block(results: dict) -> str:
    """The YAML text of the generated `components.examples`."""
    examples = {}
    for name, _operation, media, _request, summary in EXAMPLES:
        request, _media, value = results[name]
        method = "POST" if _request.startswith("POST ") else "GET"
        example = {"summary": summary, "x-request": f"{method} {request.removeprefix('POST ')}"}
        if media in BINARY:
            example["externalValue"] = request
        else:
            example["value"] = value
        examples[name] = example
    text = yaml.dump({"examples": examples}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return BEGIN + "".join("  " + line + "\n" for line in text.splitlines()) + END


def rewrite(text: str, generated: str) -> str:
    if BEGIN in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        return text[:start] + generated + text[end:]
    anchor = "  securitySchemes:\n"
    return text.replace(anchor, generated + anchor, 1)


def main() -> int:
    SPEC.write_text(rewrite(SPEC.read_text(), block(answers())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
