"""The dataset: its version, citation, the list of versions and the record-level changes."""
import yaml
from helpers import edit, seed

from api.extensions import db
from api.models import DatasetVersion


def test_the_dataset_names_its_version_release_licence_and_citation(client):
    response = client.get("/api/v1/dataset")
    body, version = response.get_json(), response.headers["X-Dataset-Version"]
    assert body["version"] == body["dataset_version"] == version
    assert body["licence"]["name"] == "CC-BY-4.0"
    assert version in body["citation"]["text"] and body["released"][:10] in body["citation"]["text"]
    assert body["citation"]["bibtex"].startswith("@misc{") and f"version = {{{version}}}" in body["citation"]["bibtex"]
    csl = body["citation"]["csl_json"]
    assert csl["type"] == "dataset" and csl["version"] == version
    assert csl["issued"]["date-parts"] == [[int(part) for part in body["released"][:10].split("-")]]


def _two_versions(app, seed_dir):
    seed(app, seed_dir)
    first = db.session.scalars(db.select(DatasetVersion.version)).one()
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
    path = seed_dir / "treaty_actions" / "apmbc.yaml"
    actions = yaml.safe_load(path.read_text())
    actions.append({"id": "apmbc-ua-withdrawal", "state": "UA", "kind": "withdrawal", "date": "2025-06-30",
                    "effective": "2025-12-30", "armed_conflict_hold": True, "confidence": "confirmed_secondary",
                    "sources": ["t-untc-status"]})
    path.write_text(yaml.safe_dump(actions, sort_keys=False))
    assert seed(app, seed_dir).exit_code == 0
    return first


def test_changes_since_a_version_are_typed_and_field_by_field(empty_app, seed_dir):
    first = _two_versions(empty_app, seed_dir)
    client = empty_app.test_client()
    body = client.get(f"/api/v1/dataset/changes?since={first}").get_json()
    assert body["since"] == first and body["until"] == body["dataset_version"] != first
    changes = {item["id"]: item for item in body["items"]}
    assert body["count"] == 2 and changes.keys() == {"us-2022-06-21-use", "apmbc-ua-withdrawal"}
    assert changes["apmbc-ua-withdrawal"]["kind"] == "event" and changes["apmbc-ua-withdrawal"]["change"] == "added"
    assert changes["us-2022-06-21-use"]["kind"] == "correction"
    assert changes["us-2022-06-21-use"]["fields"] == [
        {"field": "restriction", "old": "Korean Peninsula only", "new": "Korean Peninsula"}]
    latest = body["until"]
    assert client.get(f"/api/v1/dataset/changes?since={latest}").get_json()["items"] == []


def test_versions_are_listed_newest_first_and_an_old_one_can_be_asked_for(empty_app, seed_dir):
    first = _two_versions(empty_app, seed_dir)
    client = empty_app.test_client()
    versions = client.get("/api/v1/dataset/versions").get_json()["items"]
    assert [v["version"] for v in versions][1:] == [first] and versions[0]["previous"] == first
    old = client.get(f"/api/v1/dataset?dataset_version={first}").get_json()
    assert old["version"] == first and old["previous"] is None and first in old["citation"]["text"]
    assert client.get(f"/api/v1/dataset/versions?dataset_version={first}").get_json()["count"] == 1


def test_changes_need_a_known_version(client):
    missing = client.get("/api/v1/dataset/changes")
    assert missing.status_code == 400 and missing.get_json()["invalid-params"][0]["name"] == "since"
    unknown = client.get("/api/v1/dataset/changes?since=1999.01.01-deadbeef")
    assert unknown.status_code == 404 and unknown.get_json()["invalid-params"][0]["name"] == "since"
