"""The change feed (JSON and Atom), for everything and per country."""
import xml.etree.ElementTree as ET

from helpers import edit, seed

from api.extensions import db
from api.models import DatasetVersion

ATOM = "{http://www.w3.org/2005/Atom}"


def test_changes_since_a_date_newest_first(client):
    body = client.get("/api/v1/changes?since=2025-06-01&limit=500").get_json()
    dates = [i["date"] for i in body["items"]]
    assert dates == sorted(dates, reverse=True) and min(dates) >= "2025-06-01"
    withdrawals = {i["state"] for i in body["items"] if i["kind"] == "withdrawal"}
    assert withdrawals == {"EE", "FI", "LT", "LV", "PL"}
    assert {i["type"] for i in body["items"]} == {"event"}


def test_corrections_recorded_in_a_later_version_are_typed_as_such(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    edit(seed_dir / "treaty_actions" / "apmbc.yaml", "apmbc-fi-accession", notes="Deposit date checked.")
    seed(empty_app, seed_dir)
    second = db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.loaded_at.desc())).first()
    items = empty_app.test_client().get("/api/v1/changes?since=2026-01-01").get_json()["items"]
    corrections = [i for i in items if i["type"] == "correction"]
    assert corrections == [{"type": "correction", "date": second.loaded_at.date().isoformat(),
                            "table": "treaty_action", "id": "apmbc-fi-accession", "state": "FI",
                            "kind": "changed", "recorded_in": second.version,
                            "summary": f"treaty_action apmbc-fi-accession changed in dataset version {second.version}.",
                            "fields": {"notes": [None, "Deposit date checked."]}}]


def parse_feed(response):
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        assert all(entry.find(f"{ATOM}{name}") is not None for name in ("id", "title", "updated", "summary"))
    assert len({e.find(f"{ATOM}id").text for e in entries}) == len(entries)
    return entries


def test_atom_feed_for_everything(client):
    entries = parse_feed(client.get("/api/v1/changes.atom"))
    assert 0 < len(entries) <= 50


def test_atom_feed_per_country(client):
    entries = parse_feed(client.get("/api/v1/countries/fi/changes.atom?since=2025-01-01"))
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles and all(t.startswith("FI ") for t in titles)
    assert "FI withdrawal: 2026-01-10" in titles
    assert client.get("/api/v1/countries/fi/changes.atom").headers["ETag"]
