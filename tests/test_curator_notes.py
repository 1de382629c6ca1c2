"""Curators' notes (`curator_notes`) are stored and written back, never published: no public
JSON, CSV, Atom or HTML answer carries them (issue 14, item 6)."""
import pytest
from flask.testing import FlaskClient
from helpers import CA_WITHDRAWAL, US_POSITION, bearer

from api.extensions import db
from api.models import DatasetVersion, PolicyPosition, TreatyAction
from api.write.versions import latest, snapshot_tables

SENTINEL = "SENTINEL-curator-note-7f3a"




@pytest.fixture
def written(small_client):
    """A new treaty action and a new policy position, each with a public note and a curator's note."""
    auth = bearer("curator", "ann")
    action = CA_WITHDRAWAL | {"notes": "Public note.", "curator_notes": f"{SENTINEL} action"}
    position = US_POSITION | {"notes": "Public note.", "curator_notes": f"{SENTINEL} position"}
    answers = [small_client.post("/api/v1/treaty-actions", json=action, headers=auth),
               small_client.post("/api/v1/policy-positions", json=position, headers=auth)]
    assert [a.status_code for a in answers] == [201, 201]
    return answers


def _public_urls(small_client) -> list[str]:
    exports = small_client.get("/api/v1/exports").json
    names = [table["name"] for table in exports["tables"]]
    assert "treaty_actions" in names or any("action" in name for name in names), names
    first = db.session.scalar(db.select(DatasetVersion.version).filter_by(sequence=1))
    return [f"/api/v1/dataset/changes?since={first}", "/", "/?as_of=2026-09-01", "/countries/CA", "/countries/CA?as_of=2026-09-01", "/countries/US",
            "/compare?a=CA&b=US", "/search?q=an", "/states.csv", "/docs/codebook",
            "/api/v1/countries/CA", "/api/v1/countries/CA/status?as_of=2026-09-01", "/api/v1/countries/CA/history",
            "/api/v1/countries/US/policies", "/api/v1/countries/US/policies?as_of=2026-04-01",
            "/api/v1/countries/CA/obligations", "/api/v1/treaties/apmbc/timeline",
            "/api/v1/treaties/apmbc/participants?as_of=2026-09-01",
            "/api/v1/changes", "/api/v1/changes.atom", "/api/v1/countries/CA/changes.atom",
            "/api/v1/dataset", "/api/v1/dataset/versions",
            "/api/v1/revisions/treaty_action/apmbc-ca-withdrawal",
            "/api/v1/revisions/policy_position/us-2026-03-01-use",
            *[f"/api/v1/exports/{name}.{form}" for name in names for form in ("csv", "json", "ndjson")]]


def test_the_curator_sees_the_note_in_the_answer_to_the_write_and_the_database_keeps_it(written):
    assert written[0].json["record"]["curator_notes"] == f"{SENTINEL} action"
    assert written[0].json["record"]["notes"] == "Public note."
    assert db.session.get(TreatyAction, "apmbc-ca-withdrawal").curator_notes == f"{SENTINEL} action"
    assert db.session.get(PolicyPosition, "us-2026-03-01-use").curator_notes == f"{SENTINEL} position"


def test_no_dataset_version_carries_a_curator_note(written):
    tables = snapshot_tables(latest())
    records = tables["treaty_action"] + tables["policy_position"]
    assert next(r for r in records if r["id"] == "apmbc-ca-withdrawal")["notes"] == "Public note."
    assert all("curator_notes" not in r for r in records)
    assert SENTINEL not in str(tables) and SENTINEL not in str(latest().changes)


def test_no_public_answer_carries_a_curator_note(small_app, small_client, written):
    """Pages are outside the API contract: the scan reads every answer with a plain client."""
    plain_client = FlaskClient(small_app, small_app.response_class)
    urls = _public_urls(small_client)
    seen = 0
    for url in urls:
        response = plain_client.get(url)
        assert response.status_code == 200, url
        assert SENTINEL.encode() not in response.data, url
        assert b"curator_notes" not in response.data, url
        seen += 1
    # the public note written with it is there: the scan reads the answers that show notes
    assert b"Public note." in small_client.get("/api/v1/countries/CA/history").data
    assert seen == len(urls) > 25


def test_a_correction_of_the_curator_note_alone_publishes_no_change(small_client, written):
    auth = bearer("curator", "bob")
    before = latest().version
    answer = small_client.post("/api/v1/treaty-actions/apmbc-ca-withdrawal/corrections", headers=auth | {"If-Match": '"r1"'},
                         json={"reason": "working note", "changes": {"curator_notes": f"{SENTINEL} again"}})
    assert answer.status_code == 201 and answer.json["dataset_version"] is None
    assert latest().version == before
    chain = small_client.get("/api/v1/revisions/treaty_action/apmbc-ca-withdrawal").json["revisions"]
    assert len(chain) == 2 and all("curator_notes" not in r["record"] for r in chain)
