"""Article 4 and 5 obligations end to end: seed files, dataset versions, the API, exports,
curators' writes and writeback. The data is written by each test into the small seed."""
import csv
import io

import pytest
import yaml
from helpers import bearer, edit, seed

from api.extensions import db
from api.models import DatasetVersion, ObligationEvent

SOURCE = {"id": "o-test-report", "url": "https://example.org/article-7-reports", "title": "Article 7 reports",
          "publisher": "Example", "published": None, "accessed": "2026-11-28"}


def fact(ident, state, article, kind, day, **extra):
    return {"id": ident, "state": state, "article": article, "kind": kind, "date": day,
            "confidence": "confirmed_secondary", "sources": [SOURCE["id"]], **extra}


# Canada (in force 1999-03-01): Article 4 due 2003-03-01, Article 5 due 2009-03-01.
CANADA = [
    fact("apmbc-ca-art4-completed", "CA", 4, "completed", "1999-05-01"),
    fact("apmbc-ca-art4-reported", "CA", 4, "obligation_reported", None, notes="The report's date is not known."),
    fact("apmbc-ca-art5-reported", "CA", 5, "obligation_reported", "1999-08-01"),
    fact("apmbc-ca-art5-completed", "CA", 5, "completed", "2005-01-01"),
    fact("apmbc-ca-art5-reported-2", "CA", 5, "obligation_reported", "2010-06-01"),
    fact("apmbc-ca-art5-extension", "CA", 5, "extension_granted", "2010-12-03", deadline="2014-01-01"),
]


def write_obligations(seed_dir, records, name="apmbc.yaml"):
    (seed_dir / "sources" / "obligations.yaml").write_text(yaml.safe_dump([SOURCE], sort_keys=False))
    (seed_dir / "obligations").mkdir(exist_ok=True)
    (seed_dir / "obligations" / name).write_text(yaml.safe_dump(records, sort_keys=False))


@pytest.fixture
def client(empty_app, seed_dir):
    write_obligations(seed_dir, CANADA)
    assert seed(empty_app, seed_dir).exit_code == 0
    return empty_app.test_client()


def obligations(client, code, as_of):
    response = client.get(f"/api/v1/countries/{code}/obligations?as_of={as_of}")
    assert response.status_code == 200
    return response.json["obligations"]


def test_seed_loads_obligation_events_once(empty_app, seed_dir):
    write_obligations(seed_dir, CANADA)
    first = seed(empty_app, seed_dir)
    assert first.exit_code == 0 and "obligation_event: added apmbc-ca-art5-extension" in first.output
    assert seed(empty_app, seed_dir).output.strip() == "seed: nothing to change"
    assert db.session.get(ObligationEvent, "apmbc-ca-art5-extension").deadline.isoformat() == "2014-01-01"


def test_an_edit_is_a_typed_correction_and_a_prune_removes(empty_app, seed_dir):
    write_obligations(seed_dir, CANADA)
    seed(empty_app, seed_dir)
    edit(seed_dir / "obligations" / "apmbc.yaml", "apmbc-ca-art5-extension", deadline="2015-01-01")
    assert seed(empty_app, seed_dir).output.splitlines() == [
        "obligation_event: changed apmbc-ca-art5-extension: deadline", "seed: 1 change(s)"]
    latest = db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.loaded_at.desc())).first()
    assert latest.changes == [{"table": "obligation_event", "id": "apmbc-ca-art5-extension", "change": "changed",
                               "kind": "correction", "fields": {"deadline": ["2014-01-01", "2015-01-01"]}}]
    write_obligations(seed_dir, CANADA[:-1])
    assert "obligation_event: removed apmbc-ca-art5-extension" in seed(empty_app, seed_dir, "--prune").output
    db.session.expire_all()
    assert db.session.get(ObligationEvent, "apmbc-ca-art5-extension") is None


@pytest.mark.parametrize("change, message", [
    ({"state": "US"}, "field 'state': US has no consent to apmbc (ratification, accession...), "
                      "so no Article 5 obligation"),
    ({"state": "XX"}, "field 'state': unknown state 'XX'"),
    ({"article": 6}, "field 'article': Must be one of: 4, 5."),
    ({"article": "5"}, "field 'article': Not a valid integer."),
    ({"kind": "cleared"}, "field 'kind': Must be one of"),
    ({"article": 4}, "field 'kind': Only an Article 5 deadline can be extended."),
    ({"deadline": None, "notes": None}, "field 'deadline': An extension_granted needs the new deadline, or a note"),
    ({"deadline": "2010-01-01"}, "field 'deadline': The new deadline must be after the decision date."),
    ({"kind": "completed"}, "field 'deadline': Only an extension_granted or extension_requested sets a deadline."),
    ({"kind": "extension_requested", "article": 4}, "field 'kind': Only an Article 5 deadline can be extended."),
    ({"kind": "extension_requested", "deadline": "2010-01-01"},
     "field 'deadline': The deadline requested must be after the request."),
    ({"date": None}, "field 'notes': An unknown date needs a note"),
    ({"sources": ["no-such-source"]}, "field 'sources': unknown source 'no-such-source'"),
    ({"sources": []}, "field 'sources': Cite at least one source."),
])
def test_invalid_obligation_events_are_refused_naming_file_record_and_field(empty_app, seed_dir, change, message):
    write_obligations(seed_dir, CANADA[:-1] + [CANADA[-1] | change])
    result = seed(empty_app, seed_dir)
    assert result.exit_code == 1 and message in result.output
    assert "obligations/apmbc.yaml" in result.output and "apmbc-ca-art5-extension" in result.output
    assert db.session.query(ObligationEvent).count() == 0


def test_ids_are_unique_across_files_and_unused_sources_are_refused(empty_app, seed_dir):
    write_obligations(seed_dir, CANADA)
    (seed_dir / "obligations" / "more.yaml").write_text(yaml.safe_dump(CANADA[:1], sort_keys=False))
    assert "field 'id': duplicate id 'apmbc-ca-art4-completed'" in seed(empty_app, seed_dir).output
    write_obligations(seed_dir, [])
    (seed_dir / "obligations" / "more.yaml").unlink()
    result = seed(empty_app, seed_dir)
    assert result.exit_code == 1 and "record o-test-report: field 'id': no record cites this source" in result.output


@pytest.mark.parametrize("as_of, status, deadline, completed, decided_by", [
    ("1999-07-31", "unknown", "2009-03-01", None, None),
    ("1999-08-01", "in_progress", "2009-03-01", None, "apmbc-ca-art5-reported"),
    ("2005-01-01", "completed", "2009-03-01", "2005-01-01", "apmbc-ca-art5-completed"),
    ("2010-06-01", "completed", "2009-03-01", "2005-01-01", "apmbc-ca-art5-completed"),  # a report re-opens nothing
    ("2010-12-03", "in_progress", "2014-01-01", None, "apmbc-ca-art5-extension"),  # an extension does
    ("2014-01-02", "deadline_passed", "2014-01-01", None, "apmbc-ca-art5-extension"),  # no source says missed
])
def test_mine_clearance_on_a_date(client, as_of, status, deadline, completed, decided_by):
    clearance = obligations(client, "CA", as_of)["mine_clearance"]
    assert (clearance["article"], clearance["original_deadline"]) == (5, "2009-03-01")
    assert (clearance["status"], clearance["deadline"], clearance["completed"], clearance["decided_by"]) == \
        (status, deadline, completed, decided_by)


def test_a_request_is_pending_until_decided_and_moves_no_deadline(empty_app, seed_dir):
    request = fact("apmbc-ca-art5-extension-requested", "CA", 5, "extension_requested", "2013-03-31",
                   date_precision="month", deadline="2019-12-31")
    decision = fact("apmbc-ca-art5-extension-2", "CA", 5, "extension_granted", "2014-06-27", deadline="2019-12-31")
    write_obligations(seed_dir, [*CANADA, request, decision])
    assert seed(empty_app, seed_dir).exit_code == 0
    client = empty_app.test_client()
    pending = obligations(client, "CA", "2014-01-02")["mine_clearance"]
    assert (pending["status"], pending["deadline"], pending["decided_by"]) == \
        ("deadline_passed", "2014-01-01", "apmbc-ca-art5-extension")
    assert pending["pending_request"] == {"id": "apmbc-ca-art5-extension-requested", "date": "2013-03-31",
                                          "date_precision": "month", "requested_deadline": "2019-12-31"}
    assert pending["events"][-1]["kind"] == "extension_requested"
    assert pending["events"][-1]["deadline"] == "2019-12-31"
    decided = obligations(client, "CA", "2014-06-27")["mine_clearance"]
    assert (decided["status"], decided["deadline"], decided["pending_request"]) == ("in_progress", "2019-12-31", None)
    assert obligations(client, "CA", "2013-03-30")["mine_clearance"]["pending_request"] is None
    from flask.testing import FlaskClient
    page = FlaskClient(empty_app, empty_app.response_class).get("/countries/CA?as_of=2014-01-02")
    assert ("1 January 2014 (extended from 1 March 2009). An extension to 31 December 2019 was requested in March "
            "2013; no decision on it is recorded") in " ".join(page.get_data(as_text=True).split())


def test_events_are_those_known_on_the_date_then_the_undated_ones_with_their_sources(client):
    body = obligations(client, "can", "2005-01-01")
    assert body["entry_into_force"] == "1999-03-01"
    assert [e["id"] for e in body["mine_clearance"]["events"]] == ["apmbc-ca-art5-reported", "apmbc-ca-art5-completed"]
    stockpile = body["stockpile_destruction"]
    assert (stockpile["status"], stockpile["original_deadline"], stockpile["completed"]) == \
        ("completed", "2003-03-01", "1999-05-01")
    assert [e["id"] for e in stockpile["events"]] == ["apmbc-ca-art4-completed", "apmbc-ca-art4-reported"]
    assert stockpile["events"][0]["sources"][0]["url"] == SOURCE["url"]


def test_a_state_without_obligations_is_null_and_one_without_events_is_unknown(client):
    assert obligations(client, "US", "2020-01-01") is None
    finland = obligations(client, "FI", "2020-01-01")
    # Article 4: four years after entry into force for Finland, 1 July 2012 (accession deposited
    # 9 January 2012, seed_data apmbc-fi-accession; Article 17(2)).
    assert finland["stockpile_destruction"]["original_deadline"] == "2016-07-01"
    assert {o["status"] for o in (finland["stockpile_destruction"], finland["mine_clearance"])} == {"unknown"}


def test_the_country_shows_todays_obligations_and_a_pinned_version_answers_as_it_did(empty_app, seed_dir):
    write_obligations(seed_dir, CANADA[:-1])
    seed(empty_app, seed_dir)
    client = empty_app.test_client()
    before = client.get("/api/v1/countries/CA").json
    assert before["obligations"]["mine_clearance"]["status"] == "completed"  # the later report re-opens nothing
    assert client.get("/api/v1/countries/US").json["obligations"] is None
    write_obligations(seed_dir, CANADA)
    seed(empty_app, seed_dir)
    after = client.get("/api/v1/countries/CA").json["obligations"]["mine_clearance"]
    assert after["decided_by"] == "apmbc-ca-art5-extension"
    pinned = client.get(f"/api/v1/countries/CA/obligations?dataset_version={before['dataset_version']}").json
    assert pinned["obligations"]["mine_clearance"]["decided_by"] == "apmbc-ca-art5-completed"


def test_bad_input_is_a_problem(client):
    response = client.get("/api/v1/countries/CA/obligations?as_of=2021-02-30")
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert response.json["invalid-params"][0]["name"] == "as_of"
    assert client.get("/api/v1/countries/CA/obligations?article=5").status_code == 400
    assert client.get("/api/v1/countries/XX/obligations").status_code == 404


def test_history_changes_and_sources_name_obligation_events(client):
    history = client.get("/api/v1/countries/CA/history").json["items"]
    assert "apmbc-ca-art5-extension" in [i["record"]["id"] for i in history if i["type"] == "obligation_event"]
    changes = client.get("/api/v1/changes?since=2010-12-01").json["items"]
    extension = next(c for c in changes if c["id"] == "apmbc-ca-art5-extension")
    assert extension["summary"] == ("Canada was granted an extension of its Article 5 (mine clearance) deadline "
                                    "on 3 December 2010, to 1 January 2014.")
    cited_by = client.get(f"/api/v1/sources/{SOURCE['id']}").json["cited_by"]
    assert {"type": "obligation_event", "id": "apmbc-ca-art4-completed"} in cited_by


def test_the_obligations_export_holds_every_event(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/exports/obligations.csv").data.decode())))
    assert [r["id"] for r in rows] == [r["id"] for r in sorted(CANADA, key=lambda r: (r["date"] or "9", r["id"]))]
    extension = next(r for r in rows if r["id"] == "apmbc-ca-art5-extension")
    assert (extension["article"], extension["deadline"], extension["sources"]) == ("5", "2014-01-01", SOURCE["id"])


def test_curators_record_and_correct_obligation_events_and_writeback_round_trips(empty_app, seed_dir):
    write_obligations(seed_dir, CANADA[:1])
    seed(empty_app, seed_dir)
    client, auth = empty_app.test_client(), bearer()
    refused = client.post("/api/v1/obligation-events", json=CANADA[2] | {"state": "US"}, headers=auth)
    assert refused.status_code == 422 and refused.json["invalid-params"][0]["name"] == "state"
    created = client.post("/api/v1/obligation-events", json=CANADA[2], headers=auth)
    assert created.status_code == 201 and created.headers["Location"] == \
        "/api/v1/revisions/obligation_event/apmbc-ca-art5-reported"
    corrected = client.post("/api/v1/obligation-events/apmbc-ca-art5-reported/corrections",
                            headers=auth | {"If-Match": '"r1"'},
                            json={"reason": "Reported in the initial report.", "changes": {"date": "1999-08-02"}})
    assert corrected.status_code == 201
    chain = client.get("/api/v1/revisions/obligation_event/apmbc-ca-art5-reported").json["revisions"]
    assert [r["record"]["date"] for r in chain] == ["1999-08-01", "1999-08-02"]
    assert obligations(client, "CA", "1999-08-02")["mine_clearance"]["decided_by"] == "apmbc-ca-art5-reported"

    result = empty_app.test_cli_runner().invoke(args=["writeback", "--seed-dir", str(seed_dir)])
    assert "obligations/apmbc.yaml: added apmbc-ca-art5-reported" in result.output
    written = yaml.safe_load((seed_dir / "obligations" / "apmbc.yaml").read_text())
    assert [r["id"] for r in written] == ["apmbc-ca-art4-completed", "apmbc-ca-art5-reported"]
    assert seed(empty_app, seed_dir).output.strip() == "seed: nothing to change"


def test_without_obligation_events_the_snapshot_and_its_hash_are_as_before(empty_app, seed_dir):
    from api.write.versions import latest, snapshot_tables
    seed(empty_app, seed_dir)
    assert "obligation_event" not in snapshot_tables(latest())  # same data, same content hash, no new version
    clearance = obligations(empty_app.test_client(), "CA", "2020-01-01")["mine_clearance"]
    assert (clearance["status"], clearance["events"]) == ("unknown", [])


def test_the_country_page_shows_each_obligation(empty_app, seed_dir):
    from flask.testing import FlaskClient
    write_obligations(seed_dir, CANADA)
    seed(empty_app, seed_dir)
    pages = FlaskClient(empty_app, empty_app.response_class)
    page = " ".join(pages.get("/countries/CA?as_of=2011-01-01").get_data(as_text=True).split())
    assert "Clear mined areas (Article 5)</th> <td><strong>in progress</strong></td>" in page
    assert "1 January 2014 (extended from 1 March 2009)" in page
    assert "<strong>completed</strong> on 1 May 1999" in page
    assert "Treaty obligations" not in pages.get("/countries/US").get_data(as_text=True)
