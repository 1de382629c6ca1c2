"""Curators' writes: new records and corrections, validated like seed files, append-only."""
import pytest
from helpers import CA_WITHDRAWAL, NEW_SOURCE, US_POSITION, bearer, counts

from api.extensions import db
from api.models import DatasetVersion, RecordRevision, TreatyAction


@pytest.fixture
def auth(small_app):
    return bearer("curator", "ann")


def test_a_new_treaty_action_is_stored_published_and_read(small_client, auth):
    before = small_client.get("/api/v1/countries/CA/status").json
    response = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=auth)
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/revisions/treaty_action/apmbc-ca-withdrawal"
    assert response.headers["ETag"] == '"r1"'
    body = response.json
    assert (body["revision"], body["supersedes"], body["author"]) == (1, None, "ann")
    assert body["record"]["effective"] == "2026-08-10" and body["dataset_version"] != before["dataset_version"]
    status = small_client.get("/api/v1/countries/CA/status?as_of=2026-09-01").json
    assert status["status"] == "withdrawn" and status["caused_by"]["id"] == "apmbc-ca-withdrawal"
    assert status["dataset_version"] == body["dataset_version"]
    history = small_client.get("/api/v1/countries/CA/history").json["items"]
    assert "apmbc-ca-withdrawal" in [item["record"]["id"] for item in history]


def test_a_write_is_a_typed_change_of_a_new_dataset_version(small_client, auth):
    response = small_client.post("/api/v1/policy-positions", json=US_POSITION, headers=auth)
    version = db.session.get(DatasetVersion, response.json["dataset_version"])
    assert version.changes == [{"table": "policy_position", "id": "us-2026-03-01-use", "change": "added",
                                "kind": "event"}]
    policies = small_client.get("/api/v1/countries/US/policies?dimension=use&as_of=2026-04-01").json["items"]
    assert [p["id"] for p in policies] == ["us-2026-03-01-use"]


def test_a_new_source_can_then_be_cited(small_client, auth):
    assert small_client.post("/api/v1/sources", json=NEW_SOURCE, headers=auth).status_code == 201
    cited = CA_WITHDRAWAL | {"sources": [NEW_SOURCE["id"]]}
    assert small_client.post("/api/v1/treaty-actions", json=cited, headers=auth).status_code == 201
    assert small_client.get(f"/api/v1/sources/{NEW_SOURCE['id']}").json["cited_by"] == [
        {"type": "treaty_action", "id": "apmbc-ca-withdrawal"}]


@pytest.mark.parametrize("path, change, status, field", [
    ("/api/v1/treaty-actions", {"sources": []}, 400, "sources"),
    ("/api/v1/treaty-actions", {"sources": None}, 400, "sources"),
    ("/api/v1/treaty-actions", {"state": "XX"}, 422, "state"),
    ("/api/v1/treaty-actions", {"treaty": "ccm"}, 422, "treaty"),
    ("/api/v1/treaty-actions", {"sources": ["no-such-source"]}, 422, "sources"),
    ("/api/v1/treaty-actions", {"kind": "accession", "date": "2026-02-10", "effective": "2026-01-01"}, 422, "effective"),
    ("/api/v1/treaty-actions", {"kind": "accession", "effective": "2026-08-10"}, 422, "effective"),
    ("/api/v1/treaty-actions", {"id": "apmbc-ca-ratification"}, 409, "id"),
    ("/api/v1/treaty-actions", {"date": "2026-02-30"}, 400, "date"),
    ("/api/v1/treaty-actions", {"extra": 1}, 400, "extra"),
    ("/api/v1/policy-positions", {"state": "XX"}, 422, "state"),
    ("/api/v1/policy-positions", {"confidence": "sure"}, 400, "confidence"),
    ("/api/v1/policy-positions", {"id": "us-2014-09-23-use"}, 409, "id"),
    ("/api/v1/sources", {"url": "not a url"}, 400, "url"),
    ("/api/v1/sources", {"id": "t-untc-status"}, 409, "id"),
])
def test_bad_input_is_a_problem_naming_the_field_and_changes_nothing(small_client, auth, path, change, status, field):
    base = {"/api/v1/treaty-actions": CA_WITHDRAWAL, "/api/v1/policy-positions": US_POSITION,
            "/api/v1/sources": NEW_SOURCE}[path]
    before = counts()
    response = small_client.post(path, json=base | change, headers=auth)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert field in [p["name"] for p in response.json["invalid-params"]]
    db.session.expire_all()
    assert counts() == before


def test_a_body_that_is_not_a_json_object_is_400(small_client, auth):
    response = small_client.post("/api/v1/sources", data="[1]", content_type="application/json", headers=auth)
    assert response.status_code == 400 and "JSON object" in response.json["detail"]


def test_a_correction_is_a_new_revision_and_the_chain_keeps_the_old_one(small_client, auth):
    small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=auth)
    correction = {"reason": "The deposit was on 11 February (C.N.1.2026).",
                  "changes": {"date": "2026-02-11", "effective": "2026-08-11"}}
    response = small_client.post("/api/v1/treaty-actions/apmbc-ca-withdrawal/corrections", json=correction,
                           headers=auth | {"If-Match": '"r1"'})
    assert response.status_code == 201 and response.headers["ETag"] == '"r2"'
    assert (response.json["revision"], response.json["supersedes"]) == (2, 1)
    chain = small_client.get("/api/v1/revisions/treaty_action/apmbc-ca-withdrawal")
    assert chain.headers["ETag"] == '"r2"'
    said = [(r["record"]["date"], r["author"], r["reason"]) for r in chain.json["revisions"]]
    assert said == [("2026-02-10", "ann", "recorded through the API"),
                    ("2026-02-11", "ann", correction["reason"])]
    version = db.session.get(DatasetVersion, response.json["dataset_version"])
    assert version.changes[0]["kind"] == "correction"
    assert version.changes[0]["fields"] == {"date": ["2026-02-10", "2026-02-11"],
                                            "effective": ["2026-08-10", "2026-08-11"]}
    assert db.session.get(TreatyAction, "apmbc-ca-withdrawal").date.isoformat() == "2026-02-11"


def test_seed_loaded_records_have_a_chain_too_and_can_be_corrected(small_client, auth):
    chain = small_client.get("/api/v1/revisions/treaty_action/apmbc-fi-accession").json
    assert [(r["revision"], r["author"]) for r in chain["revisions"]] == [(1, "seed")]
    assert "treaty_actions/apmbc.yaml" in chain["revisions"][0]["reason"]
    response = small_client.post("/api/v1/sources/t-aca-2026-01/corrections", headers=auth | {"If-Match": '"r1"'},
                           json={"reason": "Title as published.", "changes": {"title": "Countries leave the treaty"}})
    assert response.status_code == 201
    assert small_client.get("/api/v1/sources/t-aca-2026-01").json["title"] == "Countries leave the treaty"


@pytest.mark.parametrize("headers, body, status, field", [
    ({}, {"reason": "x", "changes": {"notes": "n"}}, 428, None),
    ({"If-Match": '"r0"'}, {"reason": "x", "changes": {"notes": "n"}}, 412, None),
    ({"If-Match": '"r1"'}, {"changes": {"notes": "n"}}, 400, "reason"),
    ({"If-Match": '"r1"'}, {"reason": "x", "changes": {}}, 400, "changes"),
    ({"If-Match": '"r1"'}, {"reason": "x", "changes": {"id": "apmbc-fi-other"}}, 400, "id"),
    ({"If-Match": '"r1"'}, {"reason": "x", "changes": {"effective": "2012-06-01"}}, 422, "effective"),
    ({"If-Match": '"r1"'}, {"reason": "x", "changes": {"kind": "leaving"}}, 400, "kind"),
    ({"If-Match": '"r1"'}, {"reason": "x", "changes": {"date": "2012-01-09"}}, 422, None),
])
def test_bad_corrections_are_refused_and_change_nothing(small_client, auth, headers, body, status, field):
    before = counts()
    response = small_client.post("/api/v1/treaty-actions/apmbc-fi-accession/corrections", json=body,
                           headers=auth | headers)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    if field:
        assert field in [p["name"] for p in response.json["invalid-params"]]
    if status in (412, 428):
        assert response.headers["ETag"] == '"r1"'
    db.session.expire_all()
    assert counts() == before


def test_a_stale_if_match_cannot_overwrite_a_newer_revision(small_client, auth):
    url = "/api/v1/policy-positions/us-2014-09-23-use/corrections"
    first = small_client.post(url, json={"reason": "a", "changes": {"notes": "first"}}, headers=auth | {"If-Match": '"r1"'})
    second = small_client.post(url, json={"reason": "b", "changes": {"notes": "second"}}, headers=auth | {"If-Match": '"r1"'})
    assert (first.status_code, second.status_code) == (201, 412)
    assert small_client.get("/api/v1/countries/US/history").json["items"][0]["record"]["notes"] == "first"


def test_an_unknown_record_or_table_is_404(small_client, auth):
    missing = small_client.post("/api/v1/sources/nope/corrections", json={"reason": "x", "changes": {"title": "t"}},
                          headers=auth | {"If-Match": '"r1"'})
    assert missing.status_code == 404
    assert small_client.get("/api/v1/revisions/treaty_action/nope").status_code == 404
    assert small_client.get("/api/v1/revisions/people/ann").status_code == 404


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(small_client, auth):
    headers = auth | {"Idempotency-Key": "c0ffee"}
    first = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=headers)
    retry = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json == first.json and retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(RecordRevision).filter_by(record_id="apmbc-ca-withdrawal").count() == 1


def test_the_same_idempotency_key_with_another_body_is_422(small_client, auth):
    headers = auth | {"Idempotency-Key": "c0ffee"}
    small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=headers)
    before = counts()
    other = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL | {"notes": "other"}, headers=headers)
    assert other.status_code == 422 and other.json["invalid-params"][0]["name"] == "Idempotency-Key"
    assert counts() == before


@pytest.mark.parametrize("length, status", [(0, 400), (1, 201), (200, 201), (201, 400)])
def test_an_idempotency_key_is_1_to_200_characters(small_client, auth, length, status):
    """openapi.yaml (IdempotencyKey): minLength 1, maxLength 200; a key outside is refused before
    anything is written, naming the header."""
    before = counts()
    response = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL,
                                 headers=auth | {"Idempotency-Key": "k" * length})
    assert response.status_code == status, response.json
    if status == 400:
        assert response.json["invalid-params"] == [{"name": "Idempotency-Key", "reason": "1 to 200 characters."}]
        assert counts() == before
    else:
        assert db.session.get(TreatyAction, CA_WITHDRAWAL["id"]) is not None


def test_idempotency_keys_belong_to_the_token_that_sent_them(small_client, auth):
    """Two curators who happen to pick the same key do not see each other's answers: for another
    token the key is new (no replay, no 422 for a different body)."""
    key = {"Idempotency-Key": "same-key"}
    first = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=auth | key)
    assert first.status_code == 201
    bob = bearer("curator", "bob")
    other_body = small_client.post("/api/v1/policy-positions", json=US_POSITION, headers=bob | key)
    assert other_body.status_code == 201 and "Idempotent-Replayed" not in other_body.headers
    assert other_body.json["author"] == "bob"
    same_body = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=bearer("curator", "cy") | key)
    assert same_body.status_code == 409 and "Idempotent-Replayed" not in same_body.headers  # written anew: exists
    replay = small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=auth | key)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json == first.json  # the control


def test_undoing_a_correction_publishes_a_new_version_with_a_distinct_name(small_client, auth):
    url = "/api/v1/policy-positions/us-2014-09-23-use/corrections"
    original = small_client.get("/api/v1/revisions/policy_position/us-2014-09-23-use").json["revisions"][0]["record"]
    small_client.post(url, json={"reason": "a", "changes": {"notes": "wrong"}}, headers=auth | {"If-Match": '"r1"'})
    undo = small_client.post(url, json={"reason": "undo", "changes": {"notes": original["notes"]}},
                       headers=auth | {"If-Match": '"r2"'})
    assert undo.status_code == 201
    names = [v.version for v in db.session.scalars(db.select(DatasetVersion))]
    assert len(names) == len(set(names)) == 3


def hold_write_lock(url: str):
    """Another writer (a long `flask seed`, say) holding the write lock, in its own connection."""
    if url.startswith("sqlite"):
        import sqlite3
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE write_lock SET writes = writes + 1 WHERE id = 1")
    else:
        import psycopg
        connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        connection.execute("UPDATE write_lock SET writes = writes + 1 WHERE id = 1")
    return connection


def test_a_writer_waits_for_the_lock_a_bounded_time_then_a_retry_writes_once(small_app, small_client, auth):
    import time
    small_app.config["WRITE_LOCK_TIMEOUT"] = 1
    headers = auth | {"Idempotency-Key": "lock-busy-1"}
    before = counts()
    holder = hold_write_lock(small_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        started = time.perf_counter()
        busy = small_client.post("/api/v1/policy-positions", json=US_POSITION, headers=headers)
        waited = time.perf_counter() - started
        assert busy.status_code == 503 and int(busy.headers["Retry-After"]) > 0, busy.json
        assert "Another write is in progress" in busy.json["detail"]
        assert 0.9 < waited < 3, waited
    finally:
        holder.rollback()
        holder.close()
    db.session.rollback()
    assert counts() == before
    first = small_client.post("/api/v1/policy-positions", json=US_POSITION, headers=headers)
    again = small_client.post("/api/v1/policy-positions", json=US_POSITION, headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    db.session.rollback()
    after = counts()
    assert after["PolicyPosition"] == before["PolicyPosition"] + 1
    assert after["DatasetVersion"] == before["DatasetVersion"] + 1


def test_the_newest_version_is_the_last_published_whatever_the_clocks_say(small_app, small_client, auth):
    """Two instances with skewed clocks: the version published second is newer even when its
    writer's clock said it was earlier (issue 13: chosen by a database sequence, not by clocks)."""
    from datetime import datetime

    from api.read.database import latest_version
    first = small_client.post("/api/v1/policy-positions", json=US_POSITION, headers=auth).json["dataset_version"]
    db.session.get(DatasetVersion, first).loaded_at = datetime(2099, 1, 1)  # a clock far ahead
    db.session.commit()
    second = small_client.post("/api/v1/sources", json=NEW_SOURCE, headers=auth).json["dataset_version"]
    assert second != first
    sequences = {v.version: v.sequence for v in db.session.scalars(db.select(DatasetVersion))}
    assert sequences[second] == sequences[first] + 1 == max(sequences.values())
    assert latest_version() == second
    assert small_client.get("/api/v1/dataset").json["version"] == second
    changed = [c["id"] for c in small_client.get("/api/v1/changes?since=1997-01-01").json["items"] if c.get("recorded_in")]
    assert sorted(changed) == sorted(["us-2026-03-01-use", NEW_SOURCE["id"]])  # the clock-skewed one too


@pytest.mark.parametrize("per_version", [500, 1])
def test_a_write_stores_only_what_it_changed_and_reads_as_a_full_snapshot_would(small_app, small_client, auth, monkeypatch,
                                                                                per_version):
    """Issue 19: a curator's write stores the records written since its base (the last full
    snapshot, or once CHANGES_PER_VERSION were written, the previous version), not every table;
    its tables, content hash and built snapshot are those of a full snapshot of the same data."""
    import json
    import zlib

    from api.read.database import stored_bases
    from api.read.snapshot_data import build
    from api.write import versions
    monkeypatch.setattr(versions, "CHANGES_PER_VERSION", per_version)
    full = versions.latest()
    assert full is not None and full.snapshot_base is None  # `flask seed` stores every table
    small_client.post("/api/v1/sources", json=NEW_SOURCE, headers=auth)
    small_client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL | {"sources": [NEW_SOURCE["id"]]}, headers=auth)
    small_client.post("/api/v1/treaty-actions/apmbc-fi-accession/corrections", headers=auth | {"If-Match": '"r1"'},
                json={"reason": "A test correction.", "changes": {"confidence": "single_source"}})
    version = versions.latest()
    assert version is not None and version.snapshot_base is not None
    stored = json.loads(zlib.decompress(version.snapshot))
    own = {table: [r.get("id") for r in records] for table, records in stored.items()}
    if per_version == 1:  # a chain: each version holds its one record, on top of the previous one
        assert own == {"treaty_action": ["apmbc-fi-accession"]} and len(stored_bases(version.snapshot_base)) == 3
    else:
        assert own == {"source": [NEW_SOURCE["id"]], "treaty_action": ["apmbc-ca-withdrawal", "apmbc-fi-accession"]}
        assert version.snapshot_base == full.version
    tables = versions.current_tables()
    assert versions.snapshot_tables(version) == tables
    assert version.content_hash == versions.content_hashes(tables)[1]  # sums updated write by write = the tables'
    assert version.content_sums == versions.content_sums(tables)
    rebuilt = build(version, stored_bases(version.snapshot_base))
    payload = json.dumps(tables, sort_keys=True, separators=(",", ":")).encode()
    whole = build(type("Stored", (), {"version": version.version, "loaded_at": version.loaded_at,
                                      "snapshot": zlib.compress(payload)})())
    for name in ("sources", "treaties", "states"):
        assert list(map(repr, getattr(rebuilt, name).values())) == list(map(repr, getattr(whole, name).values()))
    for name in ("treaty_actions", "policy_positions", "obligation_events", "producer_lists"):
        assert list(map(repr, getattr(rebuilt, name))) == list(map(repr, getattr(whole, name)))


def test_a_correction_of_unpublished_fields_only_publishes_no_version(small_client, auth):
    from api.write.versions import latest
    before = latest().version
    response = small_client.post("/api/v1/treaty-actions/apmbc-fi-accession/corrections", headers=auth | {"If-Match": '"r1"'},
                           json={"reason": "A note for curators.", "changes": {"curator_notes": "check the UNTC"}})
    assert response.status_code == 201 and response.json["dataset_version"] is None
    assert latest().version == before


def test_every_table_of_a_version_is_merged_by_its_primary_key():
    """snapshot_data.merged puts written records in place by key: one key per table of MODELS."""
    from api.read.snapshot_data import TABLE_KEYS
    from api.write.records import MODELS
    keys = {table: model.__mapper__.primary_key[0].key for table, model in MODELS.items()}
    assert keys == TABLE_KEYS
