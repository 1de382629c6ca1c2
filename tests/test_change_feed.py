"""The change feed for tickers (issue 17, item 6): filters by country, type and treaty; `since` as a
date, a timestamp or a dataset version; headlines in words; Atom entries linking to the country
page; sources typed `source`; both change lists paged with pinned links."""
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from helpers import CA_WITHDRAWAL, NEW_SOURCE, bearer, edit, seed

from api.extensions import db
from api.models import DatasetVersion

ATOM = "{http://www.w3.org/2005/Atom}"
# seed_data/treaty_actions/apmbc.yaml, apmbc-fi-withdrawal: notified 2025-07-10, effective 2026-01-10
FI_WITHDRAWAL = "Finland's withdrawal from the Mine Ban Treaty took effect on 10 January 2026"


def items(client, query: str) -> list[dict]:
    response = client.get(f"/api/v1/changes?limit=500&{query}")
    assert response.status_code == 200, response.json
    return response.json["items"]


def problem_names(response) -> list[str]:
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    return [p["name"] for p in response.json["invalid-params"]]


def test_titles_and_summaries_are_in_words(client):
    found = {i["id"]: i for i in items(client, "country=FI&type=event")}
    withdrawal = found["apmbc-fi-withdrawal"]
    assert withdrawal["title"] == FI_WITHDRAWAL
    assert withdrawal["summary"] == f"{FI_WITHDRAWAL}. Finland notified its withdrawal from the Mine Ban Treaty " \
                                    "on 10 July 2025."


def test_titles_are_as_precise_as_the_dates(client):
    found = {i["id"]: i["title"] for i in items(client, "country=AF&type=event")}
    # seed_data/obligations/apmbc.yaml: apmbc-af-art4-completed is dated 2006 (precision year),
    # apmbc-af-art4-completed-2 October 2007 (precision month)
    assert found["apmbc-af-art4-completed"] == \
        "Afghanistan completed its Article 4 (stockpile destruction) obligation in 2006"
    assert found["apmbc-af-art4-completed-2"] == \
        "Afghanistan completed its Article 4 (stockpile destruction) obligation in October 2007"


def test_atom_entries_are_titled_in_words_and_link_to_the_country_page(client, app):
    response = client.get("/api/v1/countries/FI/changes.atom", headers={"Host": "evil.example"})
    entries = ET.fromstring(response.data).findall(f"{ATOM}entry")
    titles = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}link").get("href") for e in entries}
    assert titles[FI_WITHDRAWAL] == app.config["PUBLIC_URL"].rstrip("/") + "/countries/FI"
    assert all("evil.example" not in link for link in titles.values())


@pytest.mark.parametrize("code", ["FI", "fin", "246"])
def test_changes_by_country_any_iso_code(client, code):
    found = items(client, f"country={code}")
    assert found and {i["state"] for i in found} == {"FI"}
    assert "apmbc-fi-withdrawal" in {i["id"] for i in found}


def test_changes_by_type_and_treaty(client):
    events = items(client, "type=event")
    assert events and {i["type"] for i in events} == {"event"}
    treaty = items(client, "treaty=apmbc")
    assert treaty and {i["treaty"] for i in treaty} == {"apmbc"}
    assert "policy_position" not in {i["table"] for i in treaty}
    assert {i["table"] for i in treaty} == {"treaty_action", "obligation_event"}


@pytest.mark.parametrize(("parameter", "value"), [("country", "XX"), ("type", "news"), ("treaty", "ottawa"),
                                                  ("since", "20210406"), ("since", "last week"),
                                                  ("since", "1999.01.01-deadbeef")])
def test_unknown_filter_values_are_problems_naming_the_parameter(client, parameter, value):
    assert problem_names(client.get(f"/api/v1/changes?{parameter}={value}")) == [parameter]
    assert problem_names(client.get(f"/api/v1/changes.atom?{parameter}={value}")) == [parameter]


def _two_versions(app, seed_dir):
    """The small seed, then a correction of Finland's accession in a second version."""
    seed(app, seed_dir)
    first = db.session.scalars(db.select(DatasetVersion.version)).one()
    edit(seed_dir / "treaty_actions" / "apmbc.yaml", "apmbc-fi-accession", notes="Deposit date checked.")
    seed(app, seed_dir)
    second = db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.sequence.desc())).first()
    return first, second


def test_since_a_date_a_timestamp_or_a_version(empty_app, seed_dir):
    first, second = _two_versions(empty_app, seed_dir)
    client = empty_app.test_client()
    by_version = items(client, f"since={first}")
    assert [(i["type"], i["id"]) for i in by_version] == [("correction", "apmbc-fi-accession")]
    assert by_version[0]["title"] == (f"The treaty action apmbc-fi-accession about Finland was changed (notes) "
                                      f"in dataset version {second.version}")
    assert items(client, f"since={second.version}") == []
    day = second.loaded_at.date()
    assert "apmbc-fi-accession" in {i["id"] for i in items(client, f"since={day.isoformat()}")}
    before = (second.loaded_at - timedelta(seconds=1)).isoformat() + "Z"
    after = (second.loaded_at + timedelta(seconds=1)).isoformat() + "+00:00"
    assert "apmbc-fi-accession" in {i["id"] for i in items(client, f"since={before}")}
    assert "apmbc-fi-accession" not in {i["id"] for i in items(client, f"since={after.replace('+', '%2B')}")}
    echoed = client.get(f"/api/v1/changes?since={first}").json["since"]
    assert echoed == first


def test_a_source_added_is_typed_source(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    client = empty_app.test_client()
    assert client.post("/api/v1/sources", json=NEW_SOURCE, headers=bearer()).status_code == 201
    sources = items(client, "type=source")
    assert [(i["id"], i["kind"]) for i in sources] == [(NEW_SOURCE["id"], "added")]
    assert sources[0]["title"].startswith(f"New source: {NEW_SOURCE['title']}, added in dataset version ")
    assert NEW_SOURCE["id"] not in {i["id"] for i in items(client, "type=correction")}
    first = db.session.scalars(db.select(DatasetVersion.version).order_by(DatasetVersion.sequence)).first()
    listed = client.get(f"/api/v1/dataset/changes?since={first}").json["items"]
    assert [(i["id"], i["kind"]) for i in listed] == [(NEW_SOURCE["id"], "source")]


def _follow(client, url: str, write) -> list[str]:
    """Every item of a paged list, following `next`, with `write()` done after the first page."""
    seen, written = [], False
    while url:
        body = client.get(url).json
        seen += [f"{i['table']}/{i['id']}/{i.get('recorded_in') or i.get('version')}" for i in body["items"]]
        url = body["links"]["next"]
        if not written:
            write()
            written = True
    return seen


@pytest.mark.parametrize("path", ["/api/v1/changes?since=2025-01-01&limit=2",
                                  "/api/v1/dataset/changes?since={first}&limit=1"])
def test_a_write_between_pages_neither_skips_nor_repeats(empty_app, seed_dir, path):
    first, _ = _two_versions(empty_app, seed_dir)
    edit(seed_dir / "treaty_actions" / "apmbc.yaml", "apmbc-ca-ratification", notes="Checked.")
    seed(empty_app, seed_dir)  # a third version, so the version list has two changes after the first
    client = empty_app.test_client()
    url = path.format(first=first)
    before = client.get(url.replace("limit=2", "limit=500").replace("limit=1", "limit=500")).json["items"]
    assert len(before) >= 2
    auth = bearer()
    seen = _follow(client, url, lambda: client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=auth))
    expected = [f"{i['table']}/{i['id']}/{i.get('recorded_in') or i.get('version')}" for i in before]
    assert seen == expected
    after = client.get(url.replace("limit=2", "limit=500").replace("limit=1", "limit=500")).json["items"]
    assert len(after) > len(before)  # the write did change the current list


def test_an_act_added_later_is_one_item_with_both_dates_and_its_version(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    client = empty_app.test_client()
    before = client.get("/api/v1/dataset").json["version"]
    response = client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=bearer())
    assert response.status_code == 201
    after = client.get("/api/v1/dataset").json["version"]
    found = [i for i in items(client, "") if i["id"] == CA_WITHDRAWAL["id"]]
    # CA_WITHDRAWAL (tests/helpers.py): notified 2026-02-10, effective 2026-08-10
    assert [(i["type"], i["date"], i["recorded_in"]) for i in found] == [("event", "2026-08-10", after)]
    assert found[0]["summary"] == ("Canada's withdrawal from the Mine Ban Treaty took effect on 10 August 2026. "
                                   "Canada notified its withdrawal from the Mine Ban Treaty on 10 February 2026.")
    assert [i["id"] for i in items(client, f"since={before}")] == [CA_WITHDRAWAL["id"]]
